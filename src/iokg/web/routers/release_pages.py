"""The pages of the dataset releases: ``/r/{id}`` (where it is from, licence and credit, files,
the takedown's released and reported figures side by side) and ``/r/{id}/indicators?page=N``
(the indicators, paged, exactly as released: a defanged link is text, never a link). No SPARQL
here: `iokg.releases.lookups` runs the named queries."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from iokg.api.slots import graph_of, hold_slot
from iokg.errors import EntityNotFound
from iokg.releases import lookups
from iokg.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse, dependencies=[Depends(hold_slot)])


def _not_found(request: Request, error: EntityNotFound) -> HTMLResponse:
    return render(request, "not_found.html", {"message": str(error), "what": "data release", "q": ""},
                  status_code=404)


@router.get("/r/{id}", name="release_page")
def release_page(request: Request, id: str) -> HTMLResponse:  # noqa: A002
    try:
        view = lookups.release(graph_of(request), id)
    except EntityNotFound as e:
        return _not_found(request, e)
    return render(request, "release.html", {"r": view, "figures": view.figures})


@router.get("/r/{id}/indicators", name="release_indicators_page")
def release_indicators_page(request: Request, id: str) -> HTMLResponse:  # noqa: A002
    store = graph_of(request)
    page = lookups.page_number(request.query_params.get("page"))
    try:
        view = lookups.release(store, id)
        found = lookups.indicators(store, id, page)
    except EntityNotFound as e:
        return _not_found(request, e)
    return render(request, "release_indicators.html", {"r": view, "p": found})
