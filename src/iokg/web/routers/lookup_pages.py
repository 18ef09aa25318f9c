"""The journalists' pages: search results, entities, sources and claims, in HTML.

They show what the JSON lookups (`iokg.api.routers.lookups`) return, from the same core functions
of `iokg.provenance`, at short stable URLs of their own:

- ``/find?q=NAME``: search (`iokg.search`): entities, sources, techniques, publishers, authors and
  excerpts, grouped by kind; ``&kind=`` one kind only, paged with ``&page=``;
- ``/e/{id}``: an entity: the verdict on its attributions first, then its names, attribution
  chains, claims (in collapsible groups; each card's full evidence is on its claim page), a
  timeline and its sources, all as known on a day with ``?as_of=``; ``/e/{id}/attribution.svg`` is
  the picture alone;
- ``/s/{id}``: a source, what it derives from, what relays it, every claim it makes;
- ``/c/{id}``: a claim with its sources and a block to cite it.

Routes are plain ``def`` (FastAPI runs them in its thread pool). No SPARQL here: the core runs
the named queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from iokg import browse, dates, provenance, vocab
from iokg import search as searching
from iokg.api.links import links_of, path_for, thing_path
from iokg.api.slots import graph_of, hold_slot
from iokg.dates import AsOf
from iokg.errors import EntityNotFound, InvalidQuery
from iokg.provenance.lookups import known
from iokg.provenance.models import SourceView
from iokg.releases.lookups import takedown_figures
from iokg.web import presentation
from iokg.web.attribution_svg import attribution_svg, empty_svg
from iokg.web.templating import CONTENT_SECURITY_POLICY, render, served_build
from iokg.web.verdict import by_support, contested_ends, summary, verdict

#: Entity types that can publish sources (a source's publisher is one of these).
PARTY_TYPES = {"organization", "state-entity", "person"}
#: Hits shown per kind on the grouped results page, and per page when one kind is asked for.
GROUP_HITS = 8
PAGE_HITS = 25

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse, dependencies=[Depends(hold_slot)])


def _graph(request: Request):
    return graph_of(request)


def _not_found(request: Request, error: EntityNotFound, what: str) -> HTMLResponse:
    return render(request, "not_found.html", {"message": str(error), "what": what, "q": ""}, status_code=404)


def _page_sources(store, assertions) -> dict[str, SourceView]:
    """The sources the assertions on a page are read in and carried by, by id, in one read
    (`iokg.provenance.source_views`): they name the carriers, relays and references."""
    return provenance.source_views(store, [i for a in assertions for i in (a.source.id, *a.via)])


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        raise InvalidQuery(f"`page` must be a whole number from 1; got '{str(value)[:20]}'") from None


@router.get("/find", name="find")
def find(request: Request) -> HTMLResponse:
    """Search results for ``q``, grouped by kind (the first few of each, with a link to all of
    them), or with ``kind``, that kind alone, a page at a time (``page``)."""
    params = request.query_params
    q = params.get("q", "").strip()
    kind = params.get("kind", "").strip() or None
    context: dict[str, Any] = {"q": q, "kind": kind, "groups": [], "results": None, "error": None,
                               "pages": None, "KIND_LABELS": searching.KIND_LABELS}
    status = 200
    if q:
        try:
            page = _page_number(params.get("page"))
            if kind is None:
                found = searching.hits(request.app.state.search, q)
                context["groups"] = [(g, [h for h in found if h.kind == g.kind][:GROUP_HITS])
                                     for g in searching.groups_of(found)]
                results = None
            else:
                results = searching.search(request.app.state.search, q, kind, PAGE_HITS, (page - 1) * PAGE_HITS)
                context["groups"] = [(g, results.results) for g in results.groups if g.kind == kind]
                last = max(1, -(-results.total // PAGE_HITS))
                context["pages"] = {"page": page, "last": last,
                                    "prev": path_for(request, "find", query={"q": q, "kind": kind, "page": page - 1})
                                    if page > 1 else None,
                                    "next": path_for(request, "find", query={"q": q, "kind": kind, "page": page + 1})
                                    if page < last else None}
            context["results"] = results
        except InvalidQuery as e:
            context["error"] = str(e)
            status = 400
    return render(request, "find.html", context, status_code=status)


def _as_of(request: Request) -> tuple[str, AsOf | None, str | None]:
    """The ``as_of`` text as given, parsed (None when empty or bad), and the error for a bad one
    (then all dates are shown)."""
    text = request.query_params.get("as_of", "").strip()
    try:
        return text, AsOf.optional(text), None
    except InvalidQuery as e:
        return text, None, str(e)


@router.get("/e/{id}", name="entity_page")
def entity_page(request: Request, id: str) -> HTMLResponse:
    """An entity: the verdict on its attributions first, then names, the attribution chains, the
    claims with their sources (in collapsible groups), a timeline and its sources. ``?as_of=``
    governs every section: only what was known by then is shown, and every count is re-tallied."""
    store = _graph(request)
    as_of, when, as_of_error = _as_of(request)
    day = when.last_day if when else None
    try:
        view = provenance.entity(store, id, day)
    except EntityNotFound as e:
        return _not_found(request, e, "entity")
    chains = provenance.attribution(store, id, day)
    published = []
    if view.type in PARTY_TYPES:  # a party may publish sources: list them, with the link to the listing
        listing = browse.published_by(store, view.label)[:browse.MAX_LIMIT]
        published = [s for s in listing if s.publisher_iri == view.iri and known(s.date, day)]
    figures = None
    if view.type == "takedown":
        figures = takedown_figures(store, id)
        if day is not None:  # only figures from claims said by then
            said = {c.id for c in view.claims}
            figures.released = [f for f in figures.released if f.claim in said]
            figures.reported = [f for f in figures.reported if f.claim in said]
    show_chains = bool(chains.hops) or view.type in vocab.OPERATIONS or when is not None
    groups = presentation.group_claims(view.claims)
    for g in groups:  # attributions in the verdict's order, not the alphabet's
        if g.anchor == "attribution":
            g.claims = by_support(g.claims, view.id)
    context = {
        "entity": view,
        "verdict": verdict(view, chains),
        "summaries": {c.id: summary(c, view.id) for c in view.claims},
        "groups": groups,
        "said": presentation.said_groups(view.claims, view.label),
        "chains": chains,
        "show_chains": show_chains,
        "svg": attribution_svg(chains) if show_chains else None,
        "svg_url": path_for(request, "entity_attribution_svg", id=id,
                            query={"as_of": when.text if when else None}),
        "hops": {h.claim: h for h in chains.hops},
        "contested_ends": contested_ends(view, chains),
        "as_of": as_of,
        "when": when,
        "as_of_error": as_of_error,
        "as_of_forms": dates.FORMS,
        "as_of_pattern": dates.HTML_PATTERN,
        "published": published,
        "figures": figures,
    }
    return render(request, "entity.html", context, status_code=400 if as_of_error else 200)


@router.get("/e/{id}/attribution.svg", name="entity_attribution_svg")
def entity_attribution_svg(request: Request, id: str) -> Response:
    """The attribution chain picture alone, as an SVG file (``?as_of=`` as on the page)."""
    store = _graph(request)
    when = AsOf.optional(request.query_params.get("as_of"))  # errors: the API's JSON error shape
    view = provenance.attribution(store, id, when.last_day if when else None)
    svg = attribution_svg(view, standalone=True) or empty_svg(view.note or "No attribution chain.")
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff"})


def _as_of_context(as_of: str, when: AsOf | None, as_of_error: str | None) -> dict[str, Any]:
    return {"as_of": as_of, "when": when, "as_of_error": as_of_error, "as_of_forms": dates.FORMS,
            "as_of_pattern": dates.HTML_PATTERN}


@router.get("/s/{id}", name="source_page")
def source_page(request: Request, id: str) -> HTMLResponse:
    """A source: metadata, derivation both ways, and every claim it makes with its stance; with
    ``?as_of=``, as known then (a source published after it is not found)."""
    store = _graph(request)
    as_of, when, as_of_error = _as_of(request)
    try:
        view = provenance.source(store, id, when.last_day if when else None)
    except EntityNotFound as e:
        return _not_found(request, e, "source")
    by_stance = [(stance, heading, [c for c in view.claims if c.assertion.stance == stance])
                 for stance, heading in presentation.STANCES]
    context = {"source": view, "by_stance": [b for b in by_stance if b[2]],
               "sources": _page_sources(store, [c.assertion for c in view.claims]),
               **_as_of_context(as_of, when, as_of_error)}
    return render(request, "source.html", context, status_code=400 if as_of_error else 200)


@router.get("/c/{id}", name="claim_page")
def claim_page(request: Request, id: str) -> HTMLResponse:
    """A claim: its card (every source by stance, corroboration), timeline, and how to cite it;
    with ``?as_of=``, as known then (only assertions made by then, the count re-tallied)."""
    store = _graph(request)
    as_of, when, as_of_error = _as_of(request)
    try:
        view = provenance.claim(store, id, when.last_day if when else None)
    except EntityNotFound as e:
        return _not_found(request, e, "claim")
    sources = _page_sources(store, presentation.all_assertions(view))  # one read
    refs = presentation.references(view, sources.__getitem__)
    # The address to cite comes from IOKG_PUBLIC_URL (or the IRI), never from the request's Host.
    page_url = links_of(request).cite_url(view.iri, thing_path(request, "claim", id))
    build = served_build(request)
    today = dt.date.today()
    context = {
        "claim": view,
        "sources": sources,
        "timeline": presentation.timeline([view]),
        "references": refs,
        "page_url": page_url,
        "retrieved": today,
        "citation": citation_text(view, refs, page_url, today, build),
        **_as_of_context(as_of, when, as_of_error),
    }
    return render(request, "claim.html", context, status_code=400 if as_of_error else 200)


def claim_in_words(claim) -> str:
    """Who backs a claim and who contests it, in one plain sentence: origins named, then contesters."""
    c = claim.corroboration
    names = ", ".join(p.label or p.id for p in sorted(c.origins, key=lambda p: (p.label or p.id).casefold()))
    if c.origins:
        parts = [f"{c.independent_origins} independent origin{'' if c.independent_origins == 1 else 's'} ({names})"]
        if c.supporting_assertions > c.independent_origins:
            parts[0] += f", in {c.supporting_assertions} supporting assertions"
    else:
        parts = ["no party supports it"]
    for x in c.contesting:
        parts.append(f"{'disputed' if x.stance == 'disputes' else 'denied'} by {x.party.label or x.party.id}"
                     + (f" ({x.date})" if x.date else ""))
    if c.inconclusive:
        parts.append(f"{', '.join(p.label or p.id for p in c.inconclusive)} could not tell")
    if not c.contesting:
        parts.append("no recorded dispute or denial")
    return "; ".join(parts) + "."


def citation_text(claim, refs, page_url: str, retrieved: dt.date, build: str | None) -> str:
    """The cite block as plain text: the claim, what its sources say, where to find it, when it was
    retrieved and from which build of the graph, then its references."""
    lines = [f"Claim: {claim.label}.", f"Sources: {claim_in_words(claim)}",
             f"iokg claim {claim.id}: {page_url}",
             f"Retrieved {retrieved.isoformat()} from iokg" + (f", build {build}." if build else "."),
             "", "References:"]
    lines += [f"[{i}] {presentation.reference_text(r.source)} ({r.role})" for i, r in enumerate(refs, 1)]
    return "\n".join(lines)
