"""JSON routes of the dataset releases in the graph: a release, its indicators (paged), and every
figure for a takedown. Indicators come exactly as released, with ``"defanged": true`` on a
defanged link; nothing here turns one into a live address."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from iokg.api.slots import graph_of, hold_slot
from iokg.releases import lookups

router = APIRouter(tags=["releases"], dependencies=[Depends(hold_slot)])


def _graph(request: Request):
    return graph_of(request)


@router.get("/releases/{id}", response_model=lookups.ReleaseView, name="lookup_release",
            summary="A data release: where it is from, its licence, files, and the takedown's figures")
def release(request: Request, id: str):  # noqa: A002
    return lookups.release(_graph(request), id)


@router.get("/releases/{id}/indicators", response_model=lookups.IndicatorPage, name="lookup_release_indicators",
            summary="One page of a release's indicators, exactly as released")
def release_indicators(request: Request, id: str,  # noqa: A002
                       page: str | None = Query(None, description="The page, from 1.")):
    return lookups.indicators(_graph(request), id, lookups.page_number(page))


@router.get("/takedowns/{id}/figures", response_model=lookups.TakedownFigures, name="lookup_takedown_figures",
            summary="Every figure given for a takedown: released counts beside reported figures")
def takedown_figures(request: Request, id: str):  # noqa: A002
    return lookups.takedown_figures(_graph(request), id)
