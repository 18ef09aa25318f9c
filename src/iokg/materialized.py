"""Rows the pages and lookups need, computed once per build: the named query ``assertions`` for
every entity, claim and source, kept in ``materialized.sqlite`` inside the build (JSON, zlib-compressed, one row per id).

The build runs ``assertions`` once, with no parameter, over the graph it has just checked, and
files each row under the entity, the claim and the source it belongs to, in the query's own
order; the rows of ``assertions`` with one of those parameters bound are exactly those (the test
`tests/test_materialized.py` holds the two to the same rows for every id of the curated data). A
lookup then reads one row of SQLite instead of evaluating the query: `iokg.queries.run_named` asks
the store's `MaterializedRows` first and falls back to the query when the build has none (a
store `iokg build` did not make, a remote store).

>>> import tempfile, pathlib, pyoxigraph as ox
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> row = {"entity": ox.NamedNode("https://w3id.org/iokg/id/entity/a"), "claimId": ox.Literal("c1"),
...        "claim": ox.NamedNode("https://w3id.org/iokg/id/claim/c1"),
...        "source": ox.NamedNode("https://w3id.org/iokg/id/source/s1"),
...        "excerpt": ox.Literal("un mot", language="fr")}
>>> write_materialized([row], folder / FILENAME)
3
>>> (folder / ".complete").touch()
>>> [r["excerpt"] for r in MaterializedRows(folder).rows("assertions", "claim", row["claim"])]
[<Literal value=un mot language=fr>]
>>> MaterializedRows(folder).rows("assertions", "claim", ox.NamedNode("urn:other")) is None
False
>>> MaterializedRows(folder).rows("entities", "claim", row["claim"]) is None
True
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iokg.errors import StoreNotFound
from iokg.store import resolve_store

#: The file inside a build.
FILENAME = "materialized.sqlite"
#: The named query whose rows are kept, and the parameters they are filed under.
QUERY = "assertions"
PARAMS = ("entity", "claim", "source")
SCHEMA_VERSION = 2

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term_json(term: Any) -> list:
    if isinstance(term, ox.NamedNode):
        return ["i", term.value]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
    if term.language:
        return ["l", term.value, term.language]
    datatype = term.datatype.value
    return ["s", term.value] if datatype == _XSD_STRING else ["t", term.value, datatype]


def _term(data: list) -> Any:
    kind = data[0]
    if kind == "i":
        return ox.NamedNode(data[1])
    if kind == "s":
        return ox.Literal(data[1])
    if kind == "l":
        return ox.Literal(data[1], language=data[2])
    if kind == "t":
        return ox.Literal(data[1], datatype=ox.NamedNode(data[2]))
    return ox.BlankNode(data[1])


def write_materialized(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """File the rows of ``assertions`` (unbound, in the query's order) under each entity, claim
    and source they hold, into the SQLite file ``path``; how many keys were written."""
    filed: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        encoded = {name: _term_json(term) for name, term in row.items()}
        for param in PARAMS:
            term = row.get(param)
            if term is not None:
                filed.setdefault((param, term.value), []).append(encoded)
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(tmp) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        conn.execute("CREATE TABLE rows (query TEXT, param TEXT, value TEXT, body BLOB, "
                     "PRIMARY KEY (query, param, value)) WITHOUT ROWID")
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)",
                         ((QUERY, param, value, zlib.compress(json.dumps(found, separators=(",", ":")).encode(), 1))
                          for (param, value), found in filed.items()))
    conn.close()
    tmp.replace(path)
    return len(filed)


class MaterializedRows:
    """The materialized rows of the build a store path points at now (following the build link),
    one read-only SQLite connection per thread and build."""

    def __init__(self, store: Path):
        self.store = Path(store)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection | None:
        try:
            current = resolve_store(self.store)
        except StoreNotFound:
            return None
        file = current / FILENAME
        cached = getattr(self._local, "opened", None)
        if cached is not None and cached[0] == file:
            return cached[1]
        if not file.is_file():
            return None
        conn = sqlite3.connect(file.as_uri() + "?mode=ro", uri=True, check_same_thread=False)
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version is None or version[0] != str(SCHEMA_VERSION):
            conn.close()
            return None
        self._local.opened = (file, conn)
        return conn

    def rows(self, query: str, param: str, term: Any) -> list[dict[str, Any]] | None:
        """The rows of ``query`` with ``param`` bound to ``term``, or None when they are not
        materialized (another query or parameter, or a build without the file)."""
        if query != QUERY or param not in PARAMS or not isinstance(term, ox.NamedNode):
            return None
        conn = self._connection()
        if conn is None:
            return None
        found = conn.execute("SELECT body FROM rows WHERE query = ? AND param = ? AND value = ?",
                             (query, param, term.value)).fetchone()
        if found is None:
            return []  # the build holds every id's rows: none means none
        return [{name: _term(data) for name, data in row.items()} for row in json.loads(zlib.decompress(found[0]))]
