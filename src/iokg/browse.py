"""Browsing the graph: sources (by kind, publisher, author, year), entities by type, DISARM
techniques and tactics with the claims that use them, publishers, and people.

Like `iokg.provenance`, every function takes a store offering ``select(text, substitutions)``,
runs named queries of ``queries/*.rq`` with their parameters bound as RDF terms, and returns
pydantic models; nothing here knows about HTTP. Bad filters raise `iokg.errors.InvalidQuery`,
unknown ids `iokg.errors.EntityNotFound`.

Publishers and authors are names today (``dcterms:publisher`` and ``dcterms:creator`` literals);
the queries also take a party IRI with a label, so a publisher or author that becomes an entity
keeps its name here and gains an ``iri``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from iokg import provenance, vocab
from iokg.errors import EntityNotFound, InvalidQuery
from iokg.provenance.models import ClaimView
from iokg.queries import TACTIC_PATTERN
from iokg.queries import run_named as _run

_SOURCE_KINDS = {c.local: c for c in vocab.SOURCE_KINDS.values()}
_CLASS_TYPES = {t.cls: t for t in vocab.ENTITY_TYPES.values()}
SORTS = ("newest", "oldest", "title")
MAX_LIMIT = 500


def _text(row: dict, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


def _int(row: dict, name: str) -> int | None:
    value = _text(row, name)
    return int(value) if value not in (None, "") else None


def _local(iri: str | None) -> str:
    if not iri:
        return ""
    return iri[len(vocab.NS):] if iri.startswith(vocab.NS) else iri.rsplit("/", 1)[-1]


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# ---------------------------------------------------------------- sources
class SourceItem(BaseModel):
    id: str
    iri: str
    title: str
    publisher: str | None = None
    publisher_iri: str | None = Field(default=None, description="When the publisher is a party of the graph.")
    kind: str = Field(description="Source kind key, e.g. news-article.")
    kind_label: str
    date: str = Field(description="As precise as known: YYYY, YYYY-MM or YYYY-MM-DD.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    authors: list[str] = Field(default_factory=list)


class Facet(BaseModel):
    value: str = Field(description="What to pass as the filter (a kind key, a year, a publisher's name).")
    label: str
    count: int


class SourceList(BaseModel):
    kind: str | None = None
    publisher: str | None = None
    author: str | None = None
    year: int | None = None
    sort: Literal["newest", "oldest", "title"] = "newest"
    limit: int
    offset: int
    total: int = Field(description="How many sources pass the filters.")
    sources: list[SourceItem]
    kinds: list[Facet] = Field(description="Every source kind in the graph, with its number of sources.")
    years: list[Facet] = Field(description="Every year a source is dated in, newest first.")
    publishers: list[Facet] = Field(description="Every publisher, by number of sources.")


def source_kind_key(value: str | None) -> str | None:
    """A source kind given as its key (``news-article``); `InvalidQuery` if there is no such kind."""
    if value in (None, ""):
        return None
    if value not in vocab.SOURCE_KINDS:
        raise InvalidQuery(f"`kind` must be a source kind ({', '.join(vocab.SOURCE_KINDS)}); got '{value[:40]}'")
    return value


def _source_items(rows: list[dict]) -> list[SourceItem]:
    """`SourceItem`s from rows of the named query `source-list`."""
    items = []
    for row in rows:
        concept = _SOURCE_KINDS.get(_local(_text(row, "sourceKind")))
        authors = _text(row, "authors")
        items.append(SourceItem(
            id=_text(row, "sourceId"), iri=_text(row, "source"), title=_text(row, "sourceTitle"),
            publisher=_text(row, "sourcePublisher"), publisher_iri=_text(row, "publisherParty"),
            kind=concept.key if concept else _local(_text(row, "sourceKind")),
            kind_label=concept.label if concept else _local(_text(row, "sourceKind")),
            date=_text(row, "sourceDate"), date_from=_day(_text(row, "dateFrom")), date_to=_day(_text(row, "dateTo")),
            authors=sorted(authors.split("; ")) if authors else []))
    return items


def published_by(store, publisher: str) -> list[SourceItem]:
    """The sources with this publisher (by name), newest first: `sources` without its facets, in
    one read of the build's materialized rows where it has them."""
    items = _source_items(_run(store, "source-list", publisher=publisher))
    items.sort(key=lambda s: (-(s.date_to or dt.date.min).toordinal(), s.id))
    return items


def sources(store, kind: str | None = None, publisher: str | None = None, author: str | None = None,
            year: int | str | None = None, sort: str = "newest", limit: int = 100, offset: int = 0) -> SourceList:
    """The sources that pass the filters (each optional), sorted, one page of them, with every
    kind, year and publisher to narrow by."""
    kind = source_kind_key(kind)
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise InvalidQuery(f"`year` must be a year such as 2023; got '{str(year)[:40]}'") from None
    else:
        year = None
    if sort not in SORTS:
        raise InvalidQuery(f"`sort` must be one of {', '.join(SORTS)}; got '{str(sort)[:40]}'")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise InvalidQuery(f"`offset` must be 0 or more, got {offset}")
    rows = _run(store, "source-list", kind=vocab.NS + vocab.SOURCE_KINDS[kind].local if kind else None,
                publisher=publisher or None, author=author or None, year=str(year) if year is not None else None)
    items = _source_items(rows)
    if sort == "oldest":
        items.sort(key=lambda s: (s.date_from or dt.date.max, s.id))
    elif sort == "title":
        items.sort(key=lambda s: (s.title.casefold(), s.id))
    else:
        items.sort(key=lambda s: (-(s.date_to or dt.date.min).toordinal(), s.id))
    kinds, years = [], []
    for row in _run(store, "source-facets"):
        count = _int(row, "count") or 0
        if _text(row, "facet") == "kind":
            concept = _SOURCE_KINDS.get(_local(_text(row, "value")))
            if concept:
                kinds.append(Facet(value=concept.key, label=concept.label, count=count))
        elif _text(row, "facet") == "year":
            years.append(Facet(value=_text(row, "value"), label=_text(row, "value"), count=count))
    kinds.sort(key=lambda f: f.label)
    years.sort(key=lambda f: f.value, reverse=True)
    pubs = [Facet(value=p.name, label=p.name, count=p.sources) for p in publishers(store)]
    return SourceList(kind=kind, publisher=publisher or None, author=author or None, year=year, sort=sort,
                      limit=limit, offset=offset, total=len(items), sources=items[offset:offset + limit],
                      kinds=kinds, years=years, publishers=pubs)


# ---------------------------------------------------------------- publishers and people
class PublisherItem(BaseModel):
    name: str
    iri: str | None = Field(default=None, description="When the publisher is a party of the graph.")
    id: str | None = Field(default=None, description="The party's entity id, when it is one.")
    sources: int
    kinds: list[str] = Field(description="Labels of the kinds of its sources.")
    first_year: int | None = None
    last_year: int | None = None


def publishers(store) -> list[PublisherItem]:
    """Every publisher with its number of sources, their kinds and years; most sources first."""
    out = []
    for row in _run(store, "publishers"):
        kinds = sorted({_SOURCE_KINDS[_local(k)].label for k in (_text(row, "kinds") or "").split()
                        if _local(k) in _SOURCE_KINDS})
        iri = _text(row, "party")
        entity = vocab.ID + "entity/"
        out.append(PublisherItem(name=_text(row, "publisher"), iri=iri, sources=_int(row, "sources"),
                                 id=iri[len(entity):] if iri and iri.startswith(entity) else None,
                                 kinds=kinds, first_year=_int(row, "firstYear"), last_year=_int(row, "lastYear")))
    return out


class PersonItem(BaseModel):
    name: str
    id: str | None = Field(default=None, description="The entity id, for a person of the graph.")
    iri: str | None = None
    description: str | None = None
    claims: int = Field(default=0, description="Claims about the person.")
    sources: list[str] = Field(default_factory=list, description="Ids of the sources they wrote (authors).")


class People(BaseModel):
    persons: list[PersonItem] = Field(description="Person entities: officials, spokespeople, researchers, targets.")
    authors: list[PersonItem] = Field(description="Authors of sources, by name.")


def people(store) -> People:
    persons, authors = [], []
    for row in _run(store, "persons"):
        item = PersonItem(name=_text(row, "name"), id=_text(row, "id"),
                          iri=_text(row, "entity") or _text(row, "party"), description=_text(row, "description"),
                          claims=_int(row, "claims") or 0, sources=sorted((_text(row, "sources") or "").split()))
        (persons if _text(row, "part") == "person" else authors).append(item)
    def key(p):
        return p.name.casefold(), p.id or ""
    return People(persons=sorted(persons, key=key), authors=sorted(authors, key=key))


# ---------------------------------------------------------------- entities
class EntityItem(BaseModel):
    id: str
    iri: str
    label: str
    type: str
    type_label: str
    description: str | None = None
    aliases: list[str] = Field(default_factory=list)
    claims: int = Field(description="Claims with it as subject or object.")


class EntityGroup(BaseModel):
    type: str
    label: str
    entities: list[EntityItem]


def entity_type_key(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in vocab.ENTITY_TYPES:
        raise InvalidQuery(f"`type` must be an entity type ({', '.join(vocab.ENTITY_TYPES)}); got '{value[:40]}'")
    return value


def entities(store, type: str | None = None) -> list[EntityGroup]:
    """Every entity (of ``type``, when given), grouped by type in the order of `vocab.ENTITY_TYPES`."""
    type = entity_type_key(type)
    rows = _run(store, "entity-list", type=vocab.NS + vocab.ENTITY_TYPES[type].cls if type else None)
    groups: dict[str, list[EntityItem]] = {}
    for row in rows:
        etype = _CLASS_TYPES.get(_local(_text(row, "class")))
        if etype is None:
            continue
        aliases = _text(row, "aliases")
        groups.setdefault(etype.key, []).append(EntityItem(
            id=_text(row, "id"), iri=_text(row, "entity"), label=_text(row, "label"), type=etype.key,
            type_label=etype.label, description=_text(row, "description"),
            aliases=sorted(aliases.split("; "), key=str.casefold) if aliases else [], claims=_int(row, "claims") or 0))
    order = list(vocab.ENTITY_TYPES)
    return [EntityGroup(type=k, label=vocab.ENTITY_TYPES[k].label,
                        entities=sorted(v, key=lambda e: (e.label.casefold(), e.id)))
            for k, v in sorted(groups.items(), key=lambda kv: order.index(kv[0]))]


# ---------------------------------------------------------------- techniques
class TechniqueItem(BaseModel):
    id: str = Field(description="DISARM id, e.g. T0049.004.")
    iri: str
    name: str
    tactic_id: str
    tactic_name: str
    phase: str | None = None
    parent: str | None = Field(default=None, description="The parent technique's id, for a sub-technique.")
    claims: int = Field(description="Claims that an operation uses it.")


class TacticGroup(BaseModel):
    id: str
    iri: str
    name: str
    phase: str | None = None
    techniques: list[TechniqueItem]


def techniques(store) -> list[TacticGroup]:
    """Every DISARM technique, by tactic, each with its number of claims."""
    groups: dict[str, TacticGroup] = {}
    for row in _run(store, "techniques"):
        item = TechniqueItem(id=_text(row, "id"), iri=_text(row, "technique"), name=_text(row, "name"),
                             tactic_id=_text(row, "tacticId"), tactic_name=_text(row, "tacticName"),
                             phase=_text(row, "phase"), parent=_text(row, "parentId"), claims=_int(row, "claims") or 0)
        group = groups.setdefault(item.tactic_id, TacticGroup(id=item.tactic_id, iri=_text(row, "tactic"),
                                                              name=item.tactic_name, phase=item.phase, techniques=[]))
        group.techniques.append(item)
    return [groups[k] for k in sorted(groups)]


class NarrowerItem(BaseModel):
    id: str
    name: str


class TechniqueView(BaseModel):
    id: str
    iri: str
    kind: Literal["technique", "tactic"]
    name: str
    tactic_id: str | None = None
    tactic_name: str | None = None
    phase: str | None = None
    parent_id: str | None = None
    parent_name: str | None = None
    narrower: list[NarrowerItem] = Field(description="Sub-techniques of a technique, or the techniques of a tactic.")
    claims: list[ClaimView] = Field(description="The claims that an operation uses it, with their sources.")
    licence: str = Field(default="DISARM Red Framework, DISARM Foundation, CC BY-SA 4.0 "
                         "(https://creativecommons.org/licenses/by-sa/4.0/)")


def technique(store, id: str) -> TechniqueView:
    """A DISARM technique (``T0049.004``) or tactic (``TA17``), with its place in DISARM and every
    claim that an operation uses it (each with its assertions and corroboration)."""
    if not isinstance(id, str) or not (vocab.TECHNIQUE_PATTERN.match(id) or TACTIC_PATTERN.match(id)):
        raise EntityNotFound(f"no DISARM technique or tactic with id '{str(id)[:40]}'")
    rows = _run(store, "technique", technique=id)
    if not rows:
        raise EntityNotFound(f"no DISARM technique or tactic with id '{id}'")
    head = rows[0]
    narrower: dict[str, NarrowerItem] = {}
    claim_ids: dict[str, None] = {}
    for row in rows:
        part = _text(row, "part")
        if part == "narrower":
            narrower.setdefault(_text(row, "otherId"), NarrowerItem(id=_text(row, "otherId"), name=_text(row, "otherName")))
        elif part == "claim":
            claim_ids.setdefault(_text(row, "claimId"))
    kind = "tactic" if _local(_text(head, "class")) == "Tactic" else "technique"
    return TechniqueView(
        id=_text(head, "id"), iri=_text(head, "technique"), kind=kind, name=_text(head, "name"),
        tactic_id=_text(head, "tacticId"), tactic_name=_text(head, "tacticName"), phase=_text(head, "phase"),
        parent_id=_text(head, "parentId"), parent_name=_text(head, "parentName"),
        narrower=sorted(narrower.values(), key=lambda n: n.id),
        claims=[provenance.claim(store, c) for c in claim_ids])
