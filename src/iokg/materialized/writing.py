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

The rows are kept as the lines of pyoxigraph's TSV serialization of the results (`Lines`,
`iokg.materialized.encoding`): a row filed under several keys (an assertion under its entity,
its claim and its source; a hop under every entity reaching it) is one line of text shared by
its bodies, and no term is encoded in Python. Rows this module reshapes (``entity``'s join,
``corroboration``'s sorted sets, ``source-list``'s publisher) are written as lines from their terms.
`tests/test_materialized.py` holds every filing to the query's own rows on the curated data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from iokg import queries as named  # (a module: iokg.queries reads iokg.materialized.filings)
from iokg.materialized.encoding import cell_value, encode, header, line, pack
from iokg.materialized.filings import FILINGS, filed_keys
from iokg.materialized.reading import SCHEMA_VERSION

Select = Callable[..., list[dict[str, Any]]]


@dataclass
class Lines:
    """The rows filed under one key, as lines of TSV under one ``head`` (`iokg.materialized.encoding`)."""

    head: str
    lines: list[str] = field(default_factory=list)


#: (``query\0param``, the parameter's value) -> its rows: `Lines`, or rows of terms (variable -> term)
Filed = dict[tuple[str, str], "Lines | list[dict[str, Any]]"]


class Graph(Protocol):
    """What the rows are computed from: ``select(text)``, the rows of a query over the whole
    graph as dicts of terms, and ``tsv(text)``, the same results serialized by pyoxigraph as
    SPARQL TSV (`iokg.build` gives both over the graph in memory)."""

    def select(self, text: str) -> list[dict[str, Any]]: ...

    def tsv(self, text: str) -> bytes: ...


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


def _table(tsv: bytes) -> tuple[str, list[str]]:
    """The header and the row lines of a TSV serialization of query results."""
    lines = tsv.decode().split("\n")
    return lines[0], lines[1:-1]  # (the text ends with a newline)


def file_lines(filed: Filed, query: str, head: str, lines: Iterable[str], params: Iterable[str]) -> None:
    """File each line (under ``head``) by the value of each of ``params`` it binds, keeping their order."""
    names = [n[1:] for n in head.split("\t")]
    at = [(param, names.index(param)) for param in params if param in names]
    if not at:
        return
    last = max(i for _, i in at)
    values: dict[str, str] = {}  # cell -> value (the same IRI turns up in many rows)
    for text in lines:
        cells = text.split("\t", last + 1)
        for param, i in at:
            cell = cells[i]
            if cell:
                value = values.get(cell)
                if value is None:
                    value = values[cell] = cell_value(cell)
                key = (f"{query}\0{param}", value)
                found = filed.get(key)
                if found is None:
                    found = filed[key] = Lines(head)
                found.lines.append(text)


def file_rows(filed: Filed, query: str, rows: Iterable[dict[str, Any]], params: Iterable[str],
              names: list[str]) -> None:
    """File each row (its variables ``names``, in order) under the value of each of ``params`` it holds."""
    head = header(names)
    file_lines(filed, query, head, (line(row, names) for row in rows), params)


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


def _attribution_rows(graph: Graph, starts: Iterable[str]) -> Filed:
    """Attribution's rows per entity IRI of ``starts``."""
    hops_head, hops = _table(graph.tsv(build_query("attribution-hops")))
    subject = [n[1:] for n in hops_head.split("\t")].index("subject")
    by_subject: dict[str, list[int]] = {}
    for i, text in enumerate(hops):
        by_subject.setdefault(cell_value(text.split("\t", subject + 1)[subject]), []).append(i)
    steps: dict[str, list[str]] = {}
    for row in graph.select(build_query("claim-edges")):
        steps.setdefault(row["subject"].value, []).append(row["object"].value)
    head = "?entity\t" + hops_head  # attribution-hops.rq projects attribution.rq's columns after ?entity ?as_of
    filed: Filed = {}
    for start in starts:
        seen, todo = {start}, [start]
        while todo:
            node = todo.pop()
            for nxt in steps.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        found = sorted(i for node in seen for i in by_subject.get(node, ()))
        if found:
            cell = f"<{start}>\t"
            filed[("attribution\0entity", start)] = Lines(head, [cell + hops[i] for i in found])
    return filed


def _assertion_lines(graph: Graph) -> tuple[str, list[str]]:
    """The rows of assertions.rq, unbound: one per assertion and entity its claim is about.

    assertions.rq joins every assertion once per entity of its claim (its subject, its object),
    which doubles the query's work. When every claim has at most one subject and one object
    and they and the assertions are IRIs (what the shapes require), the rows are the same as
    those of the query without ?entity (``queries/materialized/assertions-by-claim.rq``; a claim
    with two subjects or objects: ``claims-with-two-ends.rq``), each written once for its claim's subject and once for
    its object (once if they are the same), in the query's order: its ``ORDER BY ?claim ?dateTo
    ?sourceId ?entity ?assertion`` is the order without ?entity, rows with the same claim,
    dateTo and sourceId then sorted by entity and assertion (IRIs order by their text). Else
    the query itself runs."""
    text = named.get_query("assertions").text
    if not graph.select(build_query("claims-with-two-ends")):
        found = _expanded(*_table(graph.tsv(build_query("assertions-by-claim"))))
        if found is not None:
            return found
    return _table(graph.tsv(text))


def _expanded(head: str, lines: list[str]) -> tuple[str, list[str]] | None:
    """Rows of assertions.rq without ?entity, each written for every entity its claim is about
    (`_assertion_lines`); None if a term is not as that needs (an entity or an assertion not an IRI)."""
    names = [n[1:] for n in head.split("\t")]
    claim, subject, obj, assertion = (names.index(n) for n in ("claim", "subject", "object", "assertion"))
    date_to, source_id = names.index("dateTo"), names.index("sourceId")
    out: list[str] = []
    run: list[tuple[str, str, str]] = []  # (entity, assertion, line) of rows with the same claim, dateTo, sourceId
    key = None
    for text in lines:
        cells = text.split("\t")
        here = (cells[claim], cells[date_to], cells[source_id])
        if here != key:
            if run:
                run.sort()
                out += [f"<{e}>\t{t}" for e, _, t in run]
                run = []
            key = here
        a, s, o = cells[assertion], cells[subject], cells[obj]
        if not (a.startswith("<") and s.startswith("<") and (not o or o.startswith("<"))):
            return None
        run.append((s[1:-1], a[1:-1], text))
        if o and o != s:
            run.append((o[1:-1], a[1:-1], text))
    run.sort()
    out += [f"<{e}>\t{t}" for e, _, t in run]
    return "?entity\t" + head, out


def materialize(graph: Graph) -> Filed:
    """Every filing's rows, computed over ``graph`` (`Graph`), keyed by (``query\\0param``, the
    parameter's value)."""
    filed: Filed = {}
    file_lines(filed, "assertions", *_assertion_lines(graph), FILINGS["assertions"].params)
    for query in ("source", "computed-evidence"):
        head, lines = _table(graph.tsv(named.get_query(query).text))
        file_lines(filed, query, head, lines, FILINGS[query].params)
    corroboration = FILINGS["corroboration"]
    file_rows(filed, "corroboration", _sorted_sets(graph.select(named.get_query("corroboration").text),
                                                   corroboration.sets),
              corroboration.params, projection("corroboration"))
    file_rows(filed, "entity", _entity_rows(graph.select), ("entity",), projection("entity"))
    names = projection("source-list")
    listed = []
    for row in graph.select(build_query("source-list-all")):
        if "sourcePublisher" in row:
            listed.append({**row, "publisher": ox.Literal(row["sourcePublisher"].value)})
    file_rows(filed, "source-list", listed, ("publisher",), names)
    _, typed = _table(graph.tsv(build_query("typed")))
    things = [cell_value(cell) for cell in typed]
    for thing, cell in zip(things, typed):
        filed[("exists\0thing", thing)] = Lines("?thing", [cell])
    entities = FILINGS["exists"].covers[0]
    filed.update(_attribution_rows(graph, [t for t in things if t.startswith(entities)]))
    return filed


def write_materialized(filed: Filed, path: Path) -> int:
    """Write ``filed`` (`materialize`) into the SQLite file ``path``; how many keys were written."""
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)

    def body(rows: Lines | list[dict[str, Any]]) -> bytes:
        return pack(rows.head, rows.lines) if isinstance(rows, Lines) else encode(rows)

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
