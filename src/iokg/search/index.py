"""The search index: an SQLite file (FTS5) written into each build, beside the store.

`iokg build` writes it (`write_index`) from the rows of the named query ``searchable`` over the
freshly loaded store, inside the new build's directory and before that build is published, so a
failed build never changes what search finds, and a server picks up the new index with the new
build (`SearchIndex` follows the store link, as `iokg.store.EmbeddedStore` does). A store
without an index file (a plain pyoxigraph directory, a build made before the index existed) is
indexed in memory from the same query, once per build.

Tables:

- ``things``: what a hit points at (an entity, source, technique, tactic, publisher, author, or a
  claim found by an excerpt), with its id, IRI, label and type; for a publisher or author, and for
  an entity that publishes sources (a publisher that is a party of the graph), how many sources,
  and for that entity the publisher name its sources are listed by (``published_as``);
- ``fields``: one row per searchable text of a thing (``field`` says which: label, alias, title,
  publisher, author, notation, name, excerpt), with its words' stems and compact form
  (`iokg.search.text`), and for an excerpt the source it is quoted from;
- ``words`` (FTS5, unicode61): the stems of each field, for words in any order, by prefix, ranked
  by bm25; ``grams`` (FTS5, trigram): each field's compact form, for a part of a name whatever its
  spaces and hyphens (``Dragon Bridge`` in ``DRAGONBRIDGE``);
- ``terms`` and ``term_grams``: the vocabulary of stems and of compact names with their trigrams,
  to find the terms within one or two typos of a query's words (checked by edit distance).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from iokg import vocab
from iokg.queries import run_named
from iokg.search.text import normal, trigrams
from iokg.store import resolve_store

#: The index's file name inside a build directory.
FILENAME = "search.sqlite"
#: Bumped when the tables change; an index of another version is rebuilt in memory instead.
SCHEMA_VERSION = "2"

#: Fields of names (compared whole, typos allowed on the whole name) and how they group in ranking:
#: 0 names, 1 titles, 2 a source's publisher or author, 3 excerpts.
FIELD_GROUP = {"label": 0, "alias": 0, "notation": 0, "name": 0, "title": 1, "publisher": 2,
               "author": 2, "excerpt": 3}
NAME_FIELDS = {"label", "alias", "notation", "name"}

_CLASS_TYPES = {t.cls: t.key for t in vocab.ENTITY_TYPES.values()}
_SOURCE_KINDS = {c.local: c.key for c in vocab.SOURCE_KINDS.values()}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE things (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ident TEXT NOT NULL, iri TEXT, label TEXT NOT NULL,
  type TEXT, date TEXT, publisher TEXT, sources INTEGER, published_as TEXT, UNIQUE (kind, ident));
CREATE TABLE fields (
  id INTEGER PRIMARY KEY, thing INTEGER NOT NULL REFERENCES things(id), field TEXT NOT NULL,
  grp INTEGER NOT NULL, text TEXT NOT NULL, stems TEXT NOT NULL, compact TEXT NOT NULL,
  source_id TEXT, source_title TEXT, source_publisher TEXT, source_date TEXT);
CREATE INDEX fields_compact ON fields (compact);
CREATE VIRTUAL TABLE words USING fts5 (stems, content='', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE grams USING fts5 (compact, content='', tokenize='trigram');
CREATE TABLE terms (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, term TEXT NOT NULL, len INTEGER NOT NULL,
                    UNIQUE (kind, term));
CREATE TABLE term_grams (gram TEXT NOT NULL, term INTEGER NOT NULL REFERENCES terms(id));
CREATE INDEX term_grams_gram ON term_grams (gram);
"""


@dataclass
class _Thing:
    kind: str
    ident: str
    iri: str | None
    label: str
    type: str | None = None
    date: str | None = None
    publisher: str | None = None
    sources: set[str] = field(default_factory=set)
    published_as: str | None = None  # an entity that publishes: the publisher name of its sources


def _local(iri: str | None) -> str:
    if not iri:
        return ""
    return iri[len(vocab.NS):] if iri.startswith(vocab.NS) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _value(row: dict, name: str) -> str | None:
    term = row.get(name)
    if term is None:
        return None
    return term if isinstance(term, str) else term.value


def collect(rows: Iterable[dict]) -> tuple[dict[tuple[str, str], _Thing], list[tuple]]:
    """Things and their fields from the rows of the ``searchable`` query (values as terms or text).

    Publishers and authors become things of their own (kind ``publisher``, ``author``), one per
    name, counting their sources; a source also keeps them as fields of its own. A publisher that
    is a party of the graph (its IRI an entity's) gives that entity its count of sources and the
    name they are listed by, so the entity's hit leads to them too."""
    things: dict[tuple[str, str], _Thing] = {}
    fields: list[tuple] = []
    seen: set[tuple] = set()

    def thing(kind: str, ident: str, **kw) -> tuple[str, str]:
        key = (kind, ident)
        if key not in things:
            things[key] = _Thing(kind, ident, **kw)
        return key

    for row in rows:
        v = {name: _value(row, name) for name in row}
        cls, text, fld = _local(v.get("class")), v.get("text"), v.get("field")
        if not text or not fld or not v.get("id"):
            continue
        if cls == "Source":
            key = thing("source", v["id"], iri=v.get("thing"), label=v.get("label") or v["id"],
                        type=_SOURCE_KINDS.get(_local(v.get("sourceKind")), _local(v.get("sourceKind")) or None),
                        date=v.get("date"), publisher=v.get("sourcePublisher"))
            if fld in ("publisher", "author"):
                who = thing(fld, text, iri=v.get("party"), label=text, type=fld)
                things[who].sources.add(v["id"])
                if (who, "name", text) not in seen:
                    seen.add((who, "name", text))
                    fields.append((who, "name", text, None))
        elif cls in ("Technique", "Tactic"):
            key = thing(cls.lower(), v["id"], iri=v.get("thing"), label=v.get("label") or v["id"], type=cls.lower())
        elif cls == "Claim":
            key = thing("claim", v["id"], iri=v.get("thing"), label=v.get("label") or v["id"], type="claim")
        else:
            key = thing("entity", v["id"], iri=v.get("thing"), label=v.get("label") or v["id"],
                        type=_CLASS_TYPES.get(cls, cls.lower()))
        source = (v.get("sourceId"), v.get("sourceTitle"), v.get("sourcePublisher"), v.get("sourceDate")) \
            if fld == "excerpt" else None
        mark = (key, fld, text, source)
        if mark in seen:
            continue
        seen.add(mark)
        fields.append((key, fld, text, source))
    entities = {t.iri: t for t in things.values() if t.kind == "entity" and t.iri}
    for t in things.values():
        party = entities.get(t.iri) if t.kind == "publisher" else None
        if party is not None:
            party.sources |= t.sources
            party.published_as = party.published_as or t.ident
    return things, fields


def write_index(rows: Iterable[dict], path: Path) -> int:
    """Write the index of ``rows`` (the ``searchable`` query's) to ``path``, atomically; returns how
    many texts it holds."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    conn = sqlite3.connect(tmp)
    try:
        # a file nobody reads until it is renamed into place: no journal, no sync per step; the
        # whole file is synced once, before the rename
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        count = _fill(conn, rows)
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return count


def _fill(conn: sqlite3.Connection, rows: Iterable[dict]) -> int:
    things, fields = collect(rows)
    conn.executescript(SCHEMA)
    ids: dict[tuple[str, str], int] = {}
    for i, (key, t) in enumerate(sorted(things.items()), 1):
        ids[key] = i
        counted = t.kind in ("publisher", "author") or t.published_as is not None
        conn.execute("INSERT INTO things VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (i, t.kind, t.ident, t.iri, t.label, t.type, t.date, t.publisher,
                      len(t.sources) if counted else None, t.published_as))
    terms: dict[tuple[str, str], int] = {}

    def term(kind: str, text: str) -> None:
        if text and (kind, text) not in terms:
            terms[(kind, text)] = len(terms) + 1

    for n, (key, fld, text, source) in enumerate(fields, 1):
        norm = normal(text)
        stems = " ".join(norm.stems)
        conn.execute("INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (n, ids[key], fld, FIELD_GROUP.get(fld, 3), text, stems, norm.compact,
                      *(source or (None, None, None, None))))
        conn.execute("INSERT INTO words (rowid, stems) VALUES (?, ?)", (n, stems))
        conn.execute("INSERT INTO grams (rowid, compact) VALUES (?, ?)", (n, norm.compact))
        for s in norm.stems:
            term("w", s)
        if fld != "excerpt" and fld != "title":
            term("c", norm.compact)
    conn.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)",
                     ((i, kind, text, len(text)) for (kind, text), i in terms.items()))
    conn.executemany("INSERT INTO term_grams VALUES (?, ?)",
                     ((g, i) for (kind, text), i in terms.items() for g in trigrams(text)))
    conn.executemany("INSERT INTO meta VALUES (?, ?)",
                     [("schema", SCHEMA_VERSION), ("fields", str(len(fields))), ("things", str(len(things)))])
    return len(fields)


def searchable_rows(store) -> list[dict]:
    """The rows of the named query ``searchable`` over ``store`` (an `iokg.store.Store`)."""
    return run_named(store, "searchable")


def build_index(store, path: Path) -> int:
    """Index everything ``store`` holds into ``path`` (what `iokg build` does for each build)."""
    return write_index(searchable_rows(store), path)


class SearchIndex:
    """The index of the build a store serves, for the search functions (`iokg.search.search`).

    ``graph`` is an `iokg.store.EmbeddedStore` (or anything with ``select`` and, optionally, a
    ``path``). Each thread keeps its own read-only connection to the current build's index file;
    when a new build is published the next search opens the new one. Without an index file the
    graph is indexed in memory, once per build.
    """

    def __init__(self, graph):
        self.graph = graph
        self._local = threading.local()
        self._memory: tuple[str, bytes] | None = None
        self._lock = threading.Lock()
        self._usable: dict[Path, bool] = {}  # index file -> of this schema version

    def _version(self) -> tuple[str, Path | None]:
        """What identifies the served build, and its index file if it has a usable one."""
        path = getattr(self.graph, "path", None)
        if path is None:
            return "memory", None
        current = resolve_store(Path(path))
        file = current / FILENAME
        if file not in self._usable:
            self._usable[file] = file.is_file() and _schema_of(file) == SCHEMA_VERSION
        if self._usable[file]:
            return str(file), file
        return str(current), None

    def connection(self) -> sqlite3.Connection:
        """A connection to the current index, for this thread."""
        version, file = self._version()
        cached = getattr(self._local, "conn", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        if cached is not None:
            cached[1].close()
        if file is not None:
            conn = sqlite3.connect(file.as_uri() + "?mode=ro&immutable=1", uri=True)
        else:
            conn = sqlite3.connect(":memory:")
            conn.deserialize(self._in_memory(version))
        self._local.conn = (version, conn)
        return conn

    def _in_memory(self, version: str) -> bytes:
        with self._lock:
            if self._memory is None or self._memory[0] != version:
                conn = sqlite3.connect(":memory:")
                _fill(conn, searchable_rows(self.graph))
                conn.commit()
                self._memory = (version, conn.serialize())
                conn.close()
            return self._memory[1]


def _schema_of(file: Path) -> str | None:
    try:
        conn = sqlite3.connect(file.as_uri() + "?mode=ro&immutable=1", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None
