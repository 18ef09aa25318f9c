"""The entity, claim and source lookups. (Search is `iokg.search`.)

Each takes an optional ``as_of`` (a day, or ``YYYY`` / ``YYYY-MM`` text counting to its last day:
`iokg.dates.AsOf`) and then answers with what was known by then: only assertions whose latest
possible date is on or before it (a statement's own date when a document gives one, else its
document's), corroboration re-tallied from those alone, claims with none left out of an entity,
sources dated after it left out of lists, and a source published after it not found at all.
Each takes an `iokg.store.Store` and runs named queries on it with `iokg.queries.run_named`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from pyoxigraph import NamedNode

from iokg import dates, vocab
from iokg.errors import EntityNotFound
from iokg.evidence import lookups as computed_evidence
from iokg.provenance import corroboration
from iokg.provenance import rows as r
from iokg.provenance.models import AliasView, ClaimView, EntityView, SourceClaim, SourceRef, SourceView, StanceGroups
from iokg.queries import run_named as run

CLAIM_ID = re.compile(r"^[A-Za-z0-9.\-]+$")


def check_id(kind: str, ident: str) -> str:
    """``ident`` if it can be an id of that kind; otherwise nothing can have it: `EntityNotFound`."""
    if not isinstance(ident, str) or len(ident) > 300 or not (
            CLAIM_ID if kind == "claim" else vocab.ID_PATTERN).fullmatch(ident):
        raise EntityNotFound(f"no {kind} with id '{ident[:80]}'")
    return ident


def known(date_to: dt.date | str | None, as_of: dt.date | None) -> bool:
    """Whether something whose latest possible day is ``date_to`` (a day, or a partial date's text)
    was known by ``as_of``; everything is, without one. An undated thing is not, with one."""
    if as_of is None:
        return True
    if isinstance(date_to, str):
        try:
            date_to = dates.bounds(date_to)[1]
        except ValueError:
            return False
    return date_to is not None and date_to <= as_of


def _as_of(as_of: dates.AsOf | dt.date | str | None) -> dt.date | None:
    when = as_of if isinstance(as_of, dates.AsOf) else dates.AsOf.optional(as_of)
    return when.last_day if when else None


def _claim_views(assertion_rows: list[dict], as_of: dt.date | None = None) -> list[ClaimView]:
    """Claims of the rows (one per assertion), each with its assertions by stance and corroboration;
    with ``as_of``, only the assertions known by then, and only claims with one left."""
    by_claim: dict[str, list[dict]] = {}
    for row in r.unique_by(assertion_rows, "assertion"):
        if not known(r.day(r.text(row, "dateTo")), as_of):
            continue
        by_claim.setdefault(r.text(row, "claim"), []).append(row)
    order = {k: i for i, k in enumerate(vocab.PREDICATES)}
    views = []
    for iri, rows in by_claim.items():
        summary = r.claim_summary(rows[0])
        groups = r.group_by_stance([r.assertion(x) for x in rows])
        views.append(ClaimView(**summary.model_dump(), assertions=groups,
                               corroboration=corroboration.from_assertions(groups)))
    views.sort(key=lambda c: (order.get(c.predicate.key, 99), c.label.casefold(), c.id))
    return views


def entity(store, id: str, as_of: dt.date | str | None = None) -> EntityView:
    """An entity: names (each alias with the sources that use it), type, description, sources, and
    every claim with it as subject or object, with its assertions by stance and corroboration
    (with ``as_of``, as known then: an alias only its sources then used is left out)."""
    check_id("entity", id)
    when = _as_of(as_of)
    rows = run(store, "entity", entity=id)
    if not rows:
        raise EntityNotFound(f"no entity with id '{id}'")
    head = rows[0]
    aliases: dict[str, list] = {}
    sources: dict[str, object] = {}
    for row in rows:
        part = r.text(row, "part")
        if part == "alias":
            srcs = aliases.setdefault(r.text(row, "name"), [])
            if r.text(row, "sourceId") and all(s.id != r.text(row, "sourceId") for s in srcs):
                srcs.append(r.source_ref(row))
        elif part == "mention" and r.text(row, "sourceId") and known(r.text(row, "sourceDate"), when):
            sources.setdefault(r.text(row, "sourceId"), r.source_ref(row))
    if when is not None:  # an alias known only from later sources was not known yet
        aliases = {name: kept for name, srcs in aliases.items()
                   if (kept := [s for s in srcs if known(s.date, when)]) or not srcs}
    type_key = r.type_key(r.text(head, "class"))
    etype = vocab.ENTITY_TYPES.get(type_key)
    claim_rows = run(store, "assertions", entity=id)
    claims = _claim_views(claim_rows, when)
    alias_views = [AliasView(name=n, sources=sorted(s, key=lambda x: (x.date, x.id)))
                   for n, s in sorted(aliases.items(), key=lambda kv: kv[0].casefold())]
    return EntityView(
        id=id, iri=r.text(head, "entity") or vocab.entity_iri(id), label=r.text(head, "label"), type=type_key,
        type_label=etype.label if etype else type_key, description=r.text(head, "description"),
        names=[r.text(head, "label"), *(a.name for a in alias_views)], aliases=alias_views,
        sources=sorted(sources.values(), key=lambda s: (s.date, s.id)), claims=claims, as_of=when)


def claim(store, id: str, as_of: dt.date | str | None = None) -> ClaimView:
    """A claim with every assertion behind it, by stance, and its count of independent sources
    (with ``as_of``, as known then: a claim nobody had made by then has no assertions)."""
    check_id("claim", id)
    when = _as_of(as_of)
    rows = run(store, "assertions", claim=id)
    if not rows:
        raise EntityNotFound(f"no claim with id '{id}'")
    views = _claim_views(rows, when)
    if views:
        view = views[0].model_copy(update={"as_of": when})
    else:
        summary = r.claim_summary(rows[0])
        view = ClaimView(**summary.model_dump(), assertions=StanceGroups(), corroboration=corroboration.NONE, as_of=when)
    view.computed_evidence = computed_evidence.for_claim(store, id)
    return view


def sources(store) -> list[SourceRef]:
    """Every source as a `SourceRef` (title, publisher, kind, date), oldest first: enough to name
    sources known only by id, such as the carriers of an assertion or the relays of a claim."""
    return [r.source_ref(row) for row in r.unique_by(run(store, "sources"), "source")]


def source(store, id: str, as_of: dt.date | str | None = None) -> SourceView:
    """A source: its metadata, what it derives from, what derives from it, every claim it makes
    (with ``as_of``: a source dated after it is not found; the others list only what was known then)."""
    check_id("source", id)
    when = _as_of(as_of)
    rows = run(store, "source", source=id)
    if not rows:
        raise EntityNotFound(f"no source with id '{id}'")
    head = rows[0]
    if not known(r.text(head, "dateTo") or r.text(head, "date"), when):
        raise EntityNotFound(f"source '{id}' is dated {r.text(head, 'date')}: not yet published as of "
                             f"{when.isoformat()}")
    related: dict[str, dict] = {"derivedFrom": {}, "derivative": {}}
    for row in rows:
        rel = r.text(row, "relation")
        if rel in related and known(r.text(row, "otherDate"), when):
            related[rel].setdefault(r.text(row, "otherId"), r.source_ref(row, "other"))
    claims = [SourceClaim(claim=r.claim_summary(row), assertion=r.assertion(row))
              for row in r.unique_by(run(store, "assertions", source=id), "assertion")
              if known(r.day(r.text(row, "dateTo")), when)]
    order = {k: i for i, k in enumerate(vocab.PREDICATES)}
    claims.sort(key=lambda c: (order.get(c.claim.predicate.key, 99), c.claim.label.casefold(), c.claim.id))
    return _source_view(rows[0], claims=claims,
                        derived_from=sorted(related["derivedFrom"].values(), key=lambda s: (s.date, s.id)),
                        derivatives=sorted(related["derivative"].values(), key=lambda s: (s.date, s.id)),
                        as_of=when)


def source_views(store, ids: Iterable[str]) -> dict[str, SourceView]:
    """The metadata of the sources ``ids`` (what a reference to each needs; claims and derivation
    left empty), by id, for those that exist: one read of the build's materialized `source` rows,
    or, where the store has none, the query `source-details` over every source."""
    wanted = [i for i in dict.fromkeys(ids) if isinstance(i, str) and vocab.ID_PATTERN.fullmatch(i)]
    materialized = getattr(store, "materialized", None)
    found = None
    if materialized is not None and hasattr(materialized, "many"):
        found = materialized.many("source", "source", [NamedNode(vocab.source_iri(i)) for i in wanted])
    if found is None:
        every = source_details(store)
        return {i: every[i] for i in wanted if i in every}
    return {i: _source_view(rows[0], claims=[], derived_from=[], derivatives=[])
            for i in wanted if (rows := found.get(vocab.source_iri(i)))}


def source_details(store) -> dict[str, SourceView]:
    """Every source's metadata by id, in one query (named query `source-details`): what a reference
    to a source needs (its claims and derivation are left empty; `source` has them)."""
    views = (_source_view(row, claims=[], derived_from=[], derivatives=[]) for row in run(store, "source-details"))
    return {view.id: view for view in views}


def _source_view(head: dict, **parts) -> SourceView:
    """A `SourceView` from the metadata columns of `source.rq` / `source-details.rq`."""
    kind, kind_label = r.source_kind(r.text(head, "kind"))

    def integer(name: str) -> int | None:
        v = r.text(head, name)
        return int(v) if v is not None else None

    ident = r.text(head, "id")
    authors = r.text(head, "authors")
    return SourceView(
        id=ident, iri=r.text(head, "source") or vocab.source_iri(ident), title=r.text(head, "title"),
        publisher=r.text(head, "publisher"), publisher_id=r.text(head, "publisherId"), kind=kind, kind_label=kind_label,
        authors=authors.split("; ") if authors else [], date=r.text(head, "date"),
        date_from=r.day(r.text(head, "dateFrom")), date_to=r.day(r.text(head, "dateTo")),
        url=r.text(head, "url"), archive_url=r.text(head, "archiveUrl"), sha256=r.text(head, "sha256"),
        file_size_bytes=integer("fileSizeBytes"), page_count=integer("pageCount"),
        handling=r.text(head, "handling"), language=r.text(head, "language"), cited_as=r.text(head, "citedAs"),
        note=r.text(head, "note"), **parts)
