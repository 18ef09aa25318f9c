"""Computing a build's filed rows (`iokg.materialized.filings.FILINGS`) and writing ``materialized.sqlite``.

Each named query runs once, unbound, and its rows are filed under the value of the parameter's
column, in the query's own order (a query ordered by its ``ORDER BY`` over the whole graph is
ordered the same way on every part of it). Three queries are computed another way, because
evaluated unbound they are far too slow (at scale 40, ``entity`` and ``source-list`` take
minutes, ``attribution`` does not finish: its path runs from every node):

- ``entity``: its head (``queries/materialized/entity-heads.rq``) and its OPTIONAL part
  (``entity-parts.rq``) run apart and are joined by ``?entity`` here, as the OPTIONAL joins them;
- ``attribution``: every hop's rows (``attribution-hops.rq``) are filed under each entity whose
  walk over the claims' subject-to-object steps (``claim-edges.rq``, the steps of the query's
  path ``(^iokg:subject/iokg:object)*``, zero steps included) reaches the hop's subject, in the
  query's order;
- ``source-list``: its rows with no parameter, less its filters (``source-list-all.rq``; with
  them, unbound, it takes minutes), filed per publisher name (``?sourcePublisher``, bound as
  ``?publisher`` in each row as the query binds it).

``exists`` is filed per typed entity, source and claim IRI (``typed.rq``).
`tests/test_materialized.py` holds every filing to the query's own rows on the curated data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iokg import queries as named  # (a module: iokg.queries reads iokg.materialized.filings)
from iokg.materialized.encoding import encode_row, pack
from iokg.materialized.filings import FILINGS, filed_keys
from iokg.materialized.reading import SCHEMA_VERSION

Select = Callable[..., list[dict[str, Any]]]
Filed = dict[tuple[str, str], list[dict[str, Any]]]


def build_query(name: str) -> str:
    """The text of ``queries/materialized/<name>.rq`` (what only the build runs)."""
    return (files("iokg") / "queries" / "materialized" / f"{name}.rq").read_text(encoding="utf-8")


def projection(query: str) -> list[str]:
    """The variables named query ``query`` projects, in order (evaluated over an empty store)."""
    return [v.value for v in ox.Store().query(named.get_query(query).text).variables]


def _ordered(row: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {n: row[n] for n in names if n in row}


def _sorted_sets(rows: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows with each of ``names`` (a GROUP_CONCAT of ids) in sorted order."""
    for row in rows if names else ():
        for name in names:
            if name in row:
                row[name] = ox.Literal(" ".join(sorted(row[name].value.split(" "))))
    return rows


def file_rows(filed: Filed, query: str, rows: Iterable[dict[str, Any]], params: Iterable[str]) -> None:
    """File each row under the value of each of ``params`` it holds, keeping their order."""
    params = tuple(params)
    for row in rows:
        for param in params:
            term = row.get(param)
            if term is not None:
                filed.setdefault((f"{query}\0{param}", term.value), []).append(row)


def _entity_rows(select: Select) -> list[dict[str, Any]]:
    names = projection("entity")
    parts: dict[str, list[dict]] = {}
    for row in select(build_query("entity-parts")):
        parts.setdefault(row["entity"].value, []).append(row)
    out = []
    heads: dict[str, list[dict]] = {}
    for row in select(build_query("entity-heads")):
        heads.setdefault(row["entity"].value, []).append(row)
    for iri, entity_heads in heads.items():
        found = parts.get(iri)
        if not found:
            out += [_ordered(h, names) for h in entity_heads]
        else:
            out += [_ordered({**h, **p}, names) for p in found for h in entity_heads]
    return out


def _attribution_rows(select: Select, starts: Iterable[ox.NamedNode]) -> Filed:
    hops = select(build_query("attribution-hops"))
    by_subject: dict[str, list[int]] = {}
    for i, row in enumerate(hops):
        by_subject.setdefault(row["subject"].value, []).append(i)
    steps: dict[str, list[str]] = {}
    for row in select(build_query("claim-edges")):
        steps.setdefault(row["subject"].value, []).append(row["object"].value)
    filed: Filed = {}
    for start in starts:
        seen, todo = {start.value}, [start.value]
        while todo:
            node = todo.pop()
            for nxt in steps.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        found = sorted(i for node in seen for i in by_subject.get(node, ()))
        if found:
            # attribution-hops.rq projects attribution.rq's columns after ?entity ?as_of, in order
            filed[("attribution\0entity", start.value)] = [{"entity": start, **hops[i]} for i in found]
    return filed


def materialize(select: Select) -> Filed:
    """Every filing's rows, from ``select(text)`` over the whole graph, keyed by
    (``query\\0param``, the parameter's value)."""
    filed: Filed = {}
    for query in ("assertions", "source", "corroboration", "computed-evidence"):
        file_rows(filed, query, _sorted_sets(select(named.get_query(query).text), FILINGS[query].sets),
                  FILINGS[query].params)
    file_rows(filed, "entity", _entity_rows(select), ("entity",))
    names = projection("source-list")
    listed = []
    for row in select(build_query("source-list-all")):
        if "sourcePublisher" in row:
            listed.append(_ordered({**row, "publisher": ox.Literal(row["sourcePublisher"].value)}, names))
    file_rows(filed, "source-list", listed, ("publisher",))
    typed = [row["thing"] for row in select(build_query("typed"))]
    for thing in typed:
        filed[("exists\0thing", thing.value)] = [{"thing": thing}]
    starts = [t for t in typed if t.value.startswith(FILINGS["exists"].covers[0])]
    filed.update(_attribution_rows(select, starts))
    return filed


def write_materialized(filed: Filed, path: Path) -> int:
    """Write ``filed`` (`materialize`) into the SQLite file ``path``; how many keys were written."""
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    encoded: dict[int, dict] = {}  # a row filed under several keys is encoded once

    def body(rows: list[dict]) -> bytes:
        out = []
        for row in rows:
            e = encoded.get(id(row))
            if e is None:
                e = encoded[id(row)] = encode_row(row)
            out.append(e)
        return pack(out)

    with sqlite3.connect(tmp) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.executemany("INSERT INTO meta VALUES (?, ?)",
                         (("schema", str(SCHEMA_VERSION)), ("filed", json.dumps(filed_keys()))))
        conn.execute("CREATE TABLE rows (query TEXT, param TEXT, value TEXT, body BLOB, "
                     "PRIMARY KEY (query, param, value)) WITHOUT ROWID")
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)",
                         ((*key.split("\0"), value, body(rows)) for (key, value), rows in filed.items()))
    conn.close()
    tmp.replace(path)
    return len(filed)
