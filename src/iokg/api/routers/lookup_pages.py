"""The journalists' pages: search results, entities, sources and claims, in HTML.

They show what the JSON lookups (`iokg.api.routers.lookups`) return, from the same core functions
of `iokg.provenance`, at short stable URLs of their own:

- ``/find?q=NAME``: entities and sources by name, alias or title;
- ``/e/{id}``: an entity, its claims with their sources, the attribution chains (``?as_of=``
  redraws them as known on a day) and a timeline; ``/e/{id}/attribution.svg`` is the picture alone;
- ``/s/{id}``: a source, what it derives from, what relays it, every claim it makes;
- ``/c/{id}``: a claim with its sources and a block to cite it.

Routes are plain ``def`` (FastAPI runs them in its thread pool). No SPARQL here: the core runs
the named queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from iokg import provenance, vocab
from iokg.api import presentation
from iokg.api.attribution_svg import attribution_svg, empty_svg
from iokg.api.templating import CONTENT_SECURITY_POLICY, render
from iokg.errors import EntityNotFound, InvalidQuery
from iokg.provenance.models import AttributionView, SourceRef

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _graph(request: Request):
    return request.app.state.graph


def _not_found(request: Request, error: EntityNotFound, what: str) -> HTMLResponse:
    return render(request, "not_found.html", {"message": str(error), "what": what, "q": ""}, status_code=404)


def _source_names(store) -> dict[str, SourceRef]:
    """Every source by id, to name sources known only by id (a claim's primary sources)."""
    return {s.id: s for s in provenance.sources(store)}


@router.get("/find", name="find")
def find(request: Request) -> HTMLResponse:
    """Search results for ``q``: entities by label or alias, sources by title, ignoring case."""
    q = request.query_params.get("q", "").strip()
    context: dict[str, Any] = {"q": q, "results": None, "error": None}
    status = 200
    if q:
        try:
            context["results"] = provenance.search(_graph(request), q, limit=100)
        except InvalidQuery as e:
            context["error"] = str(e)
            status = 400
    return render(request, "find.html", context, status_code=status)


def _attribution(store, id: str, as_of: str) -> tuple[AttributionView, str | None]:
    """The attribution chains as of ``as_of`` (all dates when empty), and the error for a bad date."""
    if as_of:
        try:
            return provenance.attribution(store, id, as_of), None
        except InvalidQuery as e:
            return provenance.attribution(store, id), str(e)
    return provenance.attribution(store, id), None


@router.get("/e/{id}", name="entity_page")
def entity_page(request: Request, id: str) -> HTMLResponse:
    """An entity: names, claims with their sources (grouped), attribution chains, timeline."""
    store = _graph(request)
    try:
        view = provenance.entity(store, id)
    except EntityNotFound as e:
        return _not_found(request, e, "entity")
    as_of = request.query_params.get("as_of", "").strip()
    chains, as_of_error = _attribution(store, id, as_of)
    show_chains = bool(chains.hops) or view.type in vocab.OPERATIONS or as_of != ""
    context = {
        "entity": view,
        "groups": presentation.group_claims(view.claims),
        "timeline": presentation.timeline(view.claims),
        "chains": chains,
        "show_chains": show_chains,
        "svg": attribution_svg(chains) if show_chains else None,
        "svg_url": request.url_for("entity_attribution_svg", id=id).include_query_params(
            **({"as_of": chains.as_of.isoformat()} if chains.as_of else {})),
        "hops": {h.claim: h for h in chains.hops},
        "as_of": as_of,
        "as_of_error": as_of_error,
        "sources": _source_names(store),
    }
    return render(request, "entity.html", context, status_code=400 if as_of_error else 200)


@router.get("/e/{id}/attribution.svg", name="entity_attribution_svg")
def entity_attribution_svg(request: Request, id: str) -> Response:
    """The attribution chain picture alone, as an SVG file (``?as_of=YYYY-MM-DD`` as on the page)."""
    store = _graph(request)
    as_of = request.query_params.get("as_of", "").strip() or None
    view = provenance.attribution(store, id, as_of)  # errors: the API's JSON error shape
    svg = attribution_svg(view, standalone=True) or empty_svg(view.note or "No attribution chain.")
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff"})


@router.get("/s/{id}", name="source_page")
def source_page(request: Request, id: str) -> HTMLResponse:
    """A source: metadata, derivation both ways, and every claim it makes with its stance."""
    store = _graph(request)
    try:
        view = provenance.source(store, id)
    except EntityNotFound as e:
        return _not_found(request, e, "source")
    by_stance = [(stance, heading, [c for c in view.claims if c.assertion.stance == stance])
                 for stance, heading in presentation.STANCES]
    return render(request, "source.html", {"source": view, "by_stance": [b for b in by_stance if b[2]],
                                           "sources": _source_names(store)})


@router.get("/c/{id}", name="claim_page")
def claim_page(request: Request, id: str) -> HTMLResponse:
    """A claim: its card (every source by stance, corroboration), timeline, and how to cite it."""
    store = _graph(request)
    try:
        view = provenance.claim(store, id)
    except EntityNotFound as e:
        return _not_found(request, e, "claim")
    cache: dict[str, Any] = {}

    def lookup(source_id: str):
        if source_id not in cache:
            cache[source_id] = provenance.source(store, source_id)
        return cache[source_id]

    refs = presentation.references(view, lookup)
    page_url = str(request.url_for("claim_page", id=id))
    context = {
        "claim": view,
        "sources": _source_names(store),
        "timeline": presentation.timeline([view]),
        "references": refs,
        "page_url": page_url,
        "citation": citation_text(view, refs, page_url),
    }
    return render(request, "claim.html", context)


def citation_text(claim, refs, page_url: str) -> str:
    """The cite block as plain text: the claim, its IRI and page, then its references."""
    today = dt.date.today().isoformat()
    lines = [f"iokg, “{claim.label}”. Claim {claim.id}. {claim.iri} (page: {page_url}), accessed {today}.",
             "", "Sources:"]
    lines += [f"[{i}] {presentation.reference_text(r.source)} ({r.role})" for i, r in enumerate(refs, 1)]
    return "\n".join(lines)
