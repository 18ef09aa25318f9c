"""The build's materialized rows (`iokg.materialized`) on the remote store: pushed with the build,
read by `iokg serve --remote` in one point query per lookup.

A push copies every row of the build's ``materialized.sqlite`` table ``rows(query, param, value,
body)``, whatever the query, into one more graph of the build, ``urn:iokg:materialized`` (tagged
with the build like the others, `iokg.remote.rewrite.tagged`; `materialized_triples`). Each key is
one resource, ``<urn:iokg:materialized:key:SHA256>`` (the hash of query, parameter and value, so
no text of the table is ever written as an IRI), with the key's three parts as plain literals and
``m:body``, the body as stored (zlib-compressed SPARQL TSV), base64-encoded. The graph's own node
records the table's schema version and each (query, parameter) pair it files.

The graph is registered, counted, switched and dropped with the rest of the build (`iokg.remote.push`),
so a reader never sees rows of another build than the graph it reads; it is left out of the
dataset client queries see (`iokg.remote.store.Build`), as on the embedded store, where the rows
live beside the store, not in it.

`RemoteMaterializedRows` has the interface of `iokg.materialized.MaterializedRows`
(``rows(query, param, term)``), so `iokg.queries.run_named` uses it unchanged: None when the
served build holds no materialized graph, another schema version or not this (query, parameter)
pair (the query is then run on the store); else the key's rows, ``[]`` for a key not filed, as
the local table answers.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iokg.errors import IokgError
from iokg.materialized import SCHEMA_VERSION
from iokg.materialized.encoding import decode
from iokg.remote.rewrite import bind_values

#: The usual name of a build's materialized graph, its node and its vocabulary.
MATERIALIZED_GRAPH = "urn:iokg:materialized"
M = "urn:iokg:materialized#"
KEY_PREFIX = "urn:iokg:materialized:key:"

_QUERY, _PARAM, _VALUE, _BODY = (ox.NamedNode(M + n) for n in ("query", "param", "value", "body"))
_SCHEMA, _HOLDS = ox.NamedNode(M + "schema"), ox.NamedNode(M + "holds")
_NODE = ox.NamedNode(MATERIALIZED_GRAPH)


def key_iri(query: str, param: str, value: str) -> str:
    """The IRI of one key of the table: a hash of its three parts, never their text.

    >>> key_iri("assertions", "entity", "https://w3id.org/iokg/id/entity/a")[:40]
    'urn:iokg:materialized:key:a06a744ca15898'
    """
    digest = hashlib.sha256("\x00".join((query, param, value)).encode()).hexdigest()
    return KEY_PREFIX + digest


def materialized_triples(path: Path) -> list[ox.Triple]:
    """The triples of a build's materialized graph, from its ``materialized.sqlite``: every row of
    the table ``rows``, whatever its query, and the graph's schema version and catalogue."""
    try:
        conn = sqlite3.connect(Path(path).as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise IokgError(f"cannot read the build's materialized rows {path}: {e}") from None
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        triples = [ox.Triple(_NODE, _SCHEMA, ox.Literal(str(meta.get("schema", ""))))]
        held: set[tuple[str, str]] = set()
        for query, param, value, body in conn.execute("SELECT query, param, value, body FROM rows"):
            held.add((query, param))
            key = ox.NamedNode(key_iri(query, param, value))
            triples += [ox.Triple(key, _QUERY, ox.Literal(query)), ox.Triple(key, _PARAM, ox.Literal(param)),
                        ox.Triple(key, _VALUE, ox.Literal(value)),
                        ox.Triple(key, _BODY, ox.Literal(base64.b64encode(bytes(body)).decode("ascii")))]
        triples += [ox.Triple(_NODE, _HOLDS, ox.Literal(f"{q} {p}")) for q, p in sorted(held)]
    except sqlite3.Error as e:
        raise IokgError(f"cannot read the build's materialized rows {path}: {e}") from None
    finally:
        conn.close()
    return triples


def decode_body(body: bytes) -> list[dict[str, Any]]:
    """A body of the table (zlib-compressed SPARQL TSV of the rows) as rows of pyoxigraph terms."""
    return decode(body)


class RemoteMaterializedRows:
    """The materialized rows of the build a `iokg.remote.store.RemoteStore` serves to this request
    (`iokg.remote.store.pinned`): the same ``rows(query, param, term)`` as the local table's."""

    def __init__(self, store: Any):
        self.store = store
        self._catalogues: dict[str, frozenset[tuple[str, str]] | None] = {}
        self._lock = threading.Lock()

    def _catalogue(self, build: Any) -> frozenset[tuple[str, str]] | None:
        """The (query, parameter) pairs the build files, None for another schema (read once per build)."""
        with self._lock:
            if build.id in self._catalogues:
                return self._catalogues[build.id]
        from iokg.remote.store import control_query

        text = bind_values(control_query("materialized-catalogue"),
                           {ox.Variable("graph"): ox.NamedNode(build.materialized)})
        rows = self.store._run_select(text, [], [])
        schemas = {r["schema"].value for r in rows}
        held = None
        if schemas == {str(SCHEMA_VERSION)}:
            held = frozenset(tuple(r["holds"].value.split(" ", 1)) for r in rows if "holds" in r)
        with self._lock:
            if len(self._catalogues) > 8:  # builds come and go; keep the last few
                self._catalogues.clear()
            self._catalogues[build.id] = held
        return held

    def rows(self, query: str, param: str, term: Any) -> list[dict[str, Any]] | None:
        """The rows of ``query`` with ``param`` bound to ``term``, or None when the served build
        does not hold them materialized."""
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            return None
        build = self.store.current()
        if build.materialized is None:
            return None  # a build pushed without its materialized rows
        held = self._catalogue(build)
        if held is None or (query, param) not in held:
            return None
        from iokg.remote.store import control_query

        text = bind_values(control_query("materialized-row"), {
            ox.Variable("graph"): ox.NamedNode(build.materialized),
            ox.Variable("key"): ox.NamedNode(key_iri(query, param, term.value))})
        for row in self.store._run_select(text, [], []):
            if (row["query"].value, row["param"].value, row["value"].value) == (query, param, term.value):
                return decode_body(base64.b64decode(row["body"].value))
        return []  # the build files every id's rows: none means none
