"""Pages to browse the graph, in HTML: sources, entities by type, DISARM techniques and tactics,
publishers, people, and the site's icon.

- ``/sources``: every source, newest first; ``?kind=``, ``?publisher=``, ``?author=``, ``?year=``
  narrow it, ``?sort=oldest|title`` reorders it, ``?page=`` pages through it;
- ``/entities``: every entity by type; ``?type=cluster`` one type only;
- ``/t``: every DISARM technique by tactic, the ones claims use first; ``/t/{id}``: a technique
  (``T0049.004``) or a tactic (``TA17``), with the claims that an operation uses it;
- ``/publishers`` and ``/persons``: who published the sources, and the people (person entities
  and the authors of sources).

The core is `iokg.browse` (named queries, no HTTP); routes are plain ``def`` (FastAPI runs them in
its thread pool) and hold no SPARQL.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from iokg import browse
from iokg.api.links import path_for
from iokg.api.slots import graph_of, hold_slot
from iokg.errors import EntityNotFound, InvalidQuery
from iokg.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse, dependencies=[Depends(hold_slot)])

#: Sources per page of ``/sources``.
SOURCES_PER_PAGE = 50
FAVICON = "favicon.svg"


def _graph(request: Request):
    return graph_of(request)


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        raise InvalidQuery(f"`page` must be a whole number from 1; got '{str(value)[:20]}'") from None


@router.get("/sources", name="sources_page")
def sources_page(request: Request) -> HTMLResponse:
    """Every source, newest first, narrowed by kind, publisher, author or year."""
    params = request.query_params
    filters = {k: params.get(k, "").strip() or None for k in ("kind", "publisher", "author", "year")}
    sort = params.get("sort", "").strip() or "newest"
    context: dict[str, Any] = {"filters": filters, "sort": sort, "listing": None, "error": None, "pages": None,
                               "SORTS": browse.SORTS}
    status = 200
    try:
        page = _page_number(params.get("page"))
        listing = browse.sources(_graph(request), **filters, sort=sort, limit=SOURCES_PER_PAGE,
                                 offset=(page - 1) * SOURCES_PER_PAGE)
        context["listing"] = listing
        last = max(1, -(-listing.total // SOURCES_PER_PAGE))
        here = {**filters, "sort": sort if sort != "newest" else None}
        context["pages"] = {
            "page": page, "last": last,
            "prev": path_for(request, "sources_page", query={**here, "page": page - 1}) if page > 1 else None,
            "next": path_for(request, "sources_page", query={**here, "page": page + 1}) if page < last else None}
    except InvalidQuery as e:
        context["error"] = str(e)
        status = 400
    return render(request, "sources.html", context, status_code=status)


@router.get("/entities", name="entities_page")
def entities_page(request: Request) -> HTMLResponse:
    """Every entity, grouped by type; ``?type=`` one type only."""
    wanted = request.query_params.get("type", "").strip() or None
    context: dict[str, Any] = {"type": wanted, "groups": [], "all_groups": [], "error": None}
    status = 200
    store = _graph(request)
    try:
        context["groups"] = browse.entities(store, wanted)
    except InvalidQuery as e:
        context["error"] = str(e)
        status = 400
    context["all_groups"] = context["groups"] if wanted is None else browse.entities(store)
    return render(request, "entities.html", context, status_code=status)


@router.get("/t", name="techniques_page")
def techniques_page(request: Request) -> HTMLResponse:
    """Every DISARM technique, by tactic; the ones the graph's claims use are listed first."""
    tactics = browse.techniques(_graph(request))
    used = [t for g in tactics for t in g.techniques if t.claims]
    return render(request, "techniques.html", {"tactics": tactics, "used": used})


@router.get("/t/{id}", name="technique_page")
def technique_page(request: Request, id: str) -> HTMLResponse:
    """A DISARM technique or tactic: its place in DISARM and the claims that an operation uses it."""
    try:
        view = browse.technique(_graph(request), id)
    except EntityNotFound as e:
        return render(request, "not_found.html", {"message": str(e), "what": "technique", "q": id},
                      status_code=404)
    return render(request, "technique.html", {"technique": view})


@router.get("/publishers", name="publishers_page")
def publishers_page(request: Request) -> HTMLResponse:
    """Every publisher, with how many sources it published, of which kinds, in which years."""
    return render(request, "publishers.html", {"publishers": browse.publishers(_graph(request))})


@router.get("/persons", name="persons_page")
def persons_page(request: Request) -> HTMLResponse:
    """People: the persons of the graph, and the authors of its sources."""
    return render(request, "persons.html", {"people": browse.people(_graph(request))})


@router.get("/favicon.ico", name="favicon", response_class=Response)
def favicon() -> Response:
    """The site's icon (an SVG; pages name it in ``<link rel="icon">`` too)."""
    return Response((files("iokg.web") / "static" / FAVICON).read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
