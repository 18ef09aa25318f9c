"""Named queries: the ``*.rq`` files of this package (``iokg/queries/``), each documented in a header and run with bound terms.

A header is a block of ``#`` comment lines at the top of the file::

    # title: Independent sources per claim
    # description: For every claim, how many primary sources stand behind it.
    # param: claim (claim) optional: only this claim

A parameter has a name (the SPARQL variable without ``?``), a type in parentheses
(``iri``, ``entity``, ``source``, ``claim``, ``technique``, ``string``, ``date``, ``integer``), then
``optional`` or not, and a description. A ``technique`` is a DISARM technique or tactic id
(``T0049.004``, ``TA17``), bound as its IRI. A ``date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``,
bound as the last day it can stand for (`iokg.dates.AsOf`: ``2020`` is ``2020-12-31``). Values are
bound as RDF terms with pyoxigraph's ``substitutions``; they are never pasted into the query text.

>>> q = load_queries()["corroboration"]
>>> [p.name for p in q.params]
['claim']
>>> q.bind({"claim": "spicypanda--attributedTo--cicc"})[Variable("claim")].value
'https://w3id.org/iokg/id/claim/spicypanda--attributedTo--cicc'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Variable

from iokg import vocab
from iokg.dates import AsOf
from iokg.errors import EntityNotFound, InvalidQuery, IokgError
from iokg.settings import QUERIES_DIR

XSD = vocab.PREFIXES["xsd"]
PARAM_TYPES = ("iri", "entity", "source", "claim", "technique", "string", "date", "integer")
TACTIC_PATTERN = re.compile(r"^TA\d{2}$")
#: Parameter types that name something by its id; an id that names nothing is `EntityNotFound`.
ID_TYPES = ("entity", "source", "claim")
#: Query-string keys of `/queries/{name}` that are not the query's own: ``as`` names the result
#: format (json, csv, tsv). No named query may have a parameter of that name.
RESERVED_PARAMS = ("as",)
#: The named query that tells whether an IRI names something (see `check_ids_exist`).
EXISTS_QUERY = "exists"
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>[a-z]+)\)\s*(?P<optional>optional)?\s*:?\s*(?P<doc>.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool
    description: str

    def term(self, value: str | AsOf | dt.date | int):
        """The RDF term for a value given as text, or already typed (an `AsOf` or a date for a
        ``date``, an int for an ``integer``: parsed once, where the request entered); `InvalidQuery`
        if it is not of the type."""
        if self.type == "date" and isinstance(value, (AsOf, dt.date)):
            day = value.last_day if isinstance(value, AsOf) else value
            return Literal(day.isoformat(), datatype=NamedNode(XSD + "date"))
        if self.type == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return Literal(str(value), datatype=NamedNode(XSD + "integer"))
        if not isinstance(value, str):
            raise InvalidQuery(f"parameter `{self.name}` ({self.type}) cannot take {type(value).__name__} values")
        raw = value.strip()
        if self.type in ("entity", "source", "claim"):
            ok = vocab.ID_PATTERN.match(raw) if self.type != "claim" else re.fullmatch(r"[A-Za-z0-9.\-]+", raw)
            if not ok:
                raise InvalidQuery(f"parameter `{self.name}` must be a {self.type} id, got '{raw}'")
            iri = {"entity": vocab.entity_iri, "source": vocab.source_iri, "claim": vocab.claim_iri}[self.type](raw)
            return NamedNode(iri)
        if self.type == "technique":
            if vocab.TECHNIQUE_PATTERN.match(raw):
                return NamedNode(vocab.technique_iri(raw))
            if TACTIC_PATTERN.match(raw):
                return NamedNode(vocab.tactic_iri(raw))
            raise InvalidQuery(f"parameter `{self.name}` must be a DISARM technique or tactic id "
                               f"(e.g. T0049.004, TA17), got '{raw[:40]}'")
        if self.type == "iri":
            if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>\"{}|^`\\]*", raw):
                raise InvalidQuery(f"parameter `{self.name}` must be an absolute IRI, got '{raw}'")
            return NamedNode(raw)
        if self.type == "date":
            day = AsOf.parse(raw, self.name).last_day
            return Literal(day.isoformat(), datatype=NamedNode(XSD + "date"))
        if self.type == "integer":
            if not re.fullmatch(r"-?\d+", raw):
                raise InvalidQuery(f"parameter `{self.name}` must be a whole number, got '{raw}'")
            return Literal(raw, datatype=NamedNode(XSD + "integer"))
        return Literal(raw)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path

    def bind(self, values: Mapping[str, object]) -> dict[Variable, object]:
        """Substitutions for the given parameter values (see `Param.term`); unknown or missing ones
        are errors, and an empty or None value counts as not given."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise InvalidQuery(f"query `{self.name}` has no parameter {', '.join(unknown)}; "
                               f"it takes: {', '.join(known) or 'none'}")
        out = {}
        for p in self.params:
            if values.get(p.name) not in (None, ""):
                out[Variable(p.name)] = p.term(values[p.name])
            elif not p.optional:
                raise InvalidQuery(f"query `{self.name}` needs parameter `{p.name}` ({p.type}): {p.description}")
        return out


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"^#\s*(\w+)\s*:\s*(.*)$", line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise ValueError(f"{path.name}: bad param line '{value}'; write: name (type) [optional]: text")
            if pm.group("name") in RESERVED_PARAMS:
                raise ValueError(f"{path.name}: a parameter may not be called `{pm.group('name')}`: "
                                 "/queries/{name} reads it as the result format")
            params.append(Param(pm.group("name"), pm.group("type"), bool(pm.group("optional")), pm.group("doc")))
        elif key in ("title", "description"):
            meta[key] = (meta.get(key, "") + " " + value).strip()
    if "title" not in meta:
        raise ValueError(f"{path.name}: the header needs a `# title:` line")
    return NamedQuery(path.stem, meta["title"], meta.get("description", ""), tuple(params), text, path)


@lru_cache(maxsize=4)
def load_queries(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query in ``folder``, by file stem; a missing or empty folder is an error, so a
    broken install fails at start instead of answering 404 for every lookup."""
    found = sorted(Path(folder).glob("*.rq"))
    if not found:
        raise IokgError(f"no named queries in {folder}: the package is installed without its queries/*.rq")
    return {p.stem: parse_query_file(p) for p in found}


def get_query(name: str) -> NamedQuery:
    queries = load_queries()
    if name not in queries:
        raise EntityNotFound(f"no named query '{name}'; known: {', '.join(queries)}")
    return queries[name]


def run_named(store, name: str, **params: object) -> list[dict]:
    """Rows of the named query ``name`` on ``store`` (an `iokg.store.Store`) with ``params`` bound
    as RDF terms (None or empty values left out): how the core's lookups run every query. Where
    the store offers the build's materialized rows (``store.materialized``) and they hold this
    query with these parameters (`iokg.materialized.answer`), they are read instead: one point read."""
    q = get_query(name)
    substitutions = q.bind(params)
    rows = read_materialized(store, name, substitutions)
    return rows if rows is not None else store.select(q.text, substitutions)


def read_materialized(store, name: str, substitutions: Mapping) -> list[dict] | None:
    """The rows of named query ``name`` with ``substitutions`` from the build's materialized rows
    (``store.materialized``, `iokg.materialized`), or None when they are not there."""
    from iokg.materialized.filings import answer

    return answer(getattr(store, "materialized", None), name, substitutions)


def check_ids_exist(named: NamedQuery, substitutions: dict[Variable, object], select, materialized=None) -> None:
    """Raise `EntityNotFound` when an entity, source or claim parameter names nothing.

    ``select(text, substitutions)`` runs a SELECT and returns its rows (`iokg.store.Store.select`);
    the named query `exists` is asked once per id parameter given, from ``materialized`` (the
    build's materialized rows, `iokg.materialized`) where it holds the answer.
    """
    from iokg.materialized.filings import answer

    exists = get_query(EXISTS_QUERY)
    for p in named.params:
        term = substitutions.get(Variable(p.name))
        if p.type in ID_TYPES and term is not None:
            found = answer(materialized, EXISTS_QUERY, {Variable("thing"): term})
            if found is None:
                found = select(exists.text, {Variable("thing"): term})
            if not found:
                ident = term.value.rsplit("/", 1)[-1]
                raise EntityNotFound(f"no {p.type} with id '{ident}' (parameter `{p.name}` of "
                                     f"query `{named.name}`)")
