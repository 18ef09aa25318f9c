"""Which named queries a build files, under which parameter, and how a query's answer is read from them.

A `Filing` says: the rows of named query ``query`` with one of ``params`` bound are kept, for
every value of that parameter, as the query gives them (same rows, same order). Some parameters
are applied on reading instead (``filters``): attribution's ``as_of`` only keeps rows whose
``?dateTo`` is on or before it, so `answer` takes the filed rows and keeps those, exactly as the
query's ``FILTER (?dateTo_ <= ?as_of)`` would, and binds ``?as_of`` in each row as the query
projects it. ``covers`` limits a filing to terms whose text starts so (``exists`` is filed for
entity, source and claim IRIs only; any other term is answered by the query).

`answer` works over anything offering ``rows(query, param, term)`` (the rows filed, ``[]`` for
none, None when that query and parameter are not filed): `iokg.materialized.MaterializedRows`,
or a remote store's pushed copy of the same table.

>>> import pyoxigraph as ox
>>> class Two:
...     def rows(self, query, param, term):
...         d = lambda s: ox.Literal(s, datatype=ox.NamedNode(XSD_DATE))
...         return [{"entity": term, "claim": ox.NamedNode("urn:c"), "dateTo": d(s)} for s in ("2019-09-30", "2021-01-01")]
>>> e = {ox.Variable("entity"): ox.NamedNode(vocab.entity_iri("a"))}
>>> len(answer(Two(), "attribution", e))
2
>>> cut = answer(Two(), "attribution", {**e, ox.Variable("as_of"): ox.Literal("2020-12-31", datatype=ox.NamedNode(XSD_DATE))})
>>> [r["dateTo"].value for r in cut], list(cut[0])
(['2019-09-30'], ['entity', 'as_of', 'claim', 'dateTo'])
>>> answer(Two(), "attribution", {**e, ox.Variable("other"): ox.Literal("x")}) is None
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from iokg import vocab

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: The id namespaces `iokg.queries.check_ids_exist` asks about (entities, sources, claims).
ID_PREFIXES = (vocab.ID + "entity/", vocab.ID + "source/", vocab.ID + "claim/")


def _day(term: Any) -> dt.date | None:
    if not isinstance(term, ox.Literal) or term.datatype.value != XSD_DATE:
        return None
    try:
        return dt.date.fromisoformat(term.value)
    except ValueError:
        return None


def known_by(rows: list[dict[str, Any]], as_of: Any) -> list[dict[str, Any]]:
    """The rows whose ``dateTo`` is on or before ``as_of`` (an xsd:date term), with ``as_of`` bound
    after ``entity`` as attribution.rq projects it: what its ``FILTER (?dateTo_ <= ?as_of)`` keeps
    (a row without a comparable date is dropped, as the filter's error drops it)."""
    day = _day(as_of)
    if day is None:
        return []
    kept = []
    for row in rows:
        when = _day(row.get("dateTo"))
        if when is not None and when <= day:
            out = {"entity": row["entity"], "as_of": as_of} if "entity" in row else {"as_of": as_of}
            out.update((k, v) for k, v in row.items() if k != "entity")
            kept.append(out)
    return kept


@dataclass(frozen=True)
class Filing:
    """The rows of ``query`` kept per value of each of ``params``."""

    query: str
    params: tuple[str, ...]
    #: further parameters applied on reading: name -> fn(rows, term) -> rows
    filters: Mapping[str, Callable[[list, Any], list]] = field(default_factory=dict)
    #: the filing holds only terms whose text starts with one of these (empty: every term)
    covers: tuple[str, ...] = ()
    #: the parameter's terms are plain strings (a literal), not IRIs
    literal: bool = False
    #: GROUP_CONCAT columns of space-separated ids, in no order SPARQL gives: filed sorted
    sets: tuple[str, ...] = ()

    def holds(self, term: Any) -> bool:
        if self.literal:
            return isinstance(term, ox.Literal) and term.datatype.value == XSD_STRING and not term.language
        return isinstance(term, ox.NamedNode) and (not self.covers or term.value.startswith(self.covers))


#: What a build files (`iokg.materialized.writing` computes them).
FILINGS: dict[str, Filing] = {f.query: f for f in (
    Filing("assertions", ("entity", "claim", "source")),
    Filing("entity", ("entity",)),
    Filing("source", ("source",)),
    Filing("corroboration", ("claim",), sets=("origins", "relays", "contesting", "inconclusive")),
    Filing("computed-evidence", ("claim",)),
    Filing("attribution", ("entity",), filters={"as_of": known_by}),
    Filing("source-list", ("publisher",), literal=True),
    Filing("exists", ("thing",), covers=ID_PREFIXES),
)}


def filed_keys() -> list[str]:
    """``query/param`` of every filing, as the file's meta table lists them."""
    return [f"{f.query}/{p}" for f in FILINGS.values() for p in f.params]


def answer(source, query: str, substitutions: Mapping[Any, Any]) -> list[dict[str, Any]] | None:
    """The rows of named query ``query`` with ``substitutions`` (variable -> term) read from the
    filed rows of ``source``; None when they are not filed (another query, several filed
    parameters bound, a parameter neither filed nor a filter, a term outside what is filed)."""
    filing = FILINGS.get(query)
    if filing is None or source is None:
        return None
    bound = {getattr(v, "value", v): t for v, t in substitutions.items()}
    keys = [p for p in filing.params if p in bound]
    if len(keys) != 1 or not set(bound) - {keys[0]} <= set(filing.filters):
        return None
    term = bound[keys[0]]
    if not filing.holds(term):
        return None
    rows = source.rows(query, keys[0], term)
    if rows is None:
        return None
    for name, fn in filing.filters.items():
        if name in bound:
            rows = fn(rows, bound[name])
    return rows
