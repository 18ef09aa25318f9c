"""Reading a build's ``materialized.sqlite``: one point read of the ``rows`` table per answer."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iokg.errors import StoreNotFound
from iokg.materialized.encoding import decode
from iokg.store import resolve_store

#: The file inside a build.
FILENAME = "materialized.sqlite"
#: The encoding and meaning of the file; a file of another version is not read (the queries run).
SCHEMA_VERSION = 4


def _key(term: Any) -> str | None:
    """The ``value`` column for a term: an IRI's text, or a plain string's."""
    if isinstance(term, ox.NamedNode) or (isinstance(term, ox.Literal) and not term.language):
        return term.value
    return None


class MaterializedRows:
    """The materialized rows of the build a store path points at now (following the build link),
    one read-only SQLite connection per thread and build."""

    def __init__(self, store: Path):
        self.store = Path(store)
        self._path = str(self.store)
        self._local = threading.local()

    def _connection(self) -> tuple[sqlite3.Connection, frozenset[str]] | None:
        # The build the store path points at now: one ``readlink`` when the path is a build link
        # (resolving the path costs more than the whole read), else the path resolved.
        try:
            key = os.readlink(self._path)
        except OSError:
            try:
                key = str(resolve_store(self.store))
            except StoreNotFound:
                return None
        file = self.store.parent / key / FILENAME
        cached = getattr(self._local, "opened", None)
        if cached is not None and cached[0] == key:
            # an open file outlives its directory: a build moved or deleted under a running server
            # is gone for it too (one stat), and the lookups say so (the store is not found)
            if not os.path.exists(file):
                return None
            return cached[1]
        if not file.is_file():
            return None
        conn = sqlite3.connect(file.as_uri() + "?mode=ro", uri=True, check_same_thread=False)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") != str(SCHEMA_VERSION):
            conn.close()
            return None
        opened = (conn, frozenset(json.loads(meta.get("filed", "[]"))))
        self._local.opened = (key, opened)
        return opened

    def filed(self) -> frozenset[str]:
        """``query/param`` of what this build filed (empty without the file)."""
        opened = self._connection()
        return opened[1] if opened else frozenset()

    def rows(self, query: str, param: str, term: Any) -> list[dict[str, Any]] | None:
        """The rows of ``query`` with ``param`` bound to ``term``, or None when they are not
        materialized (another query or parameter, or a build without the file)."""
        opened = self._connection()
        value = _key(term)
        if opened is None or value is None or f"{query}/{param}" not in opened[1]:
            return None
        found = opened[0].execute("SELECT body FROM rows WHERE query = ? AND param = ? AND value = ?",
                                  (query, param, value)).fetchone()
        if found is None:
            return []  # the build holds every id's rows: none means none
        return decode(found[0])

    def many(self, query: str, param: str, terms: Iterable[Any]) -> dict[str, list[dict[str, Any]]] | None:
        """The rows of ``query`` for each of ``terms`` bound to ``param`` (by the term's text), in
        one read; None when not materialized."""
        opened = self._connection()
        if opened is None or f"{query}/{param}" not in opened[1]:
            return None
        values = list(dict.fromkeys(v for v in map(_key, terms) if v is not None))
        out: dict[str, list[dict[str, Any]]] = {v: [] for v in values}
        for start in range(0, len(values), 500):  # SQLite's limit on bound values, with room
            chunk = values[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for value, body in opened[0].execute(
                    f"SELECT value, body FROM rows WHERE query = ? AND param = ? AND value IN ({marks})",
                    (query, param, *chunk)):
                out[value] = decode(body)
        return out
