"""JSON routes of the provenance lookups, and IRI dereferencing.

Every query goes through the app's `iokg.sparql.service.QueryService`, in its query workers under
the time limit. The lookups hold a query slot (`iokg.api.slots.hold_slot`, waited for on the event
loop) and read the slot's store (`iokg.api.slots.graph_of`); they are plain ``def``, so FastAPI runs
them in its thread pool and a query never blocks the event loop. ``/queries/{name}`` is the
service's named-query door. Inputs are parsed once, here: ``as_of`` into an `iokg.dates.AsOf`.

Errors are raised as `iokg.errors` types (EntityNotFound, InvalidQuery, ...); the app maps them to
its one JSON error shape.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.datastructures import QueryParams

from iokg import browse, dates, provenance
from iokg import search as searching
from iokg.api.links import links_of, path_for, thing_path
from iokg.api.routers.sparql import header, route_path
from iokg.api.slots import graph_of, hold_slot
from iokg.dates import AsOf
from iokg.errors import EntityNotFound, IokgError, NotAcceptable, ProtocolError
from iokg.queries import load_queries
from iokg.sparql import rows as named_rows
from iokg.sparql.negotiation import HTML, Offer, negotiate
from iokg.sparql.service import Rows

router = APIRouter(tags=["lookups"])


_graph = graph_of
#: What the routes that read the graph declare: they hold a query slot while they run.
SLOT = [Depends(hold_slot)]


def as_of_param(as_of: str | None = Query(
        None, description=f"Only what was known by then: {dates.FORMS}; a year or a month counts up to "
        "its last day (2020 is 2020-12-31), as the data's own dates do.")) -> AsOf | None:
    """``as_of`` parsed once, where the request enters; 400 naming the accepted forms."""
    return AsOf.optional(as_of)


def _canonical(request: Request, response: Response, kind: str, ident: str, iri: str | None) -> None:
    """Say where the thing's citable page is (``Link: <…>; rel="canonical"``), from
    ``IOKG_PUBLIC_URL`` or the IRI: never from the request's Host."""
    url = links_of(request).cite_url(iri, thing_path(request, kind, ident))
    response.headers["Link"] = f'<{url}>; rel="canonical"'


class ParamInfo(BaseModel):
    name: str
    type: str = Field(description="iri, entity, source, claim, string, date or integer.")
    optional: bool
    description: str


class NamedQueryInfo(BaseModel):
    name: str
    title: str
    description: str
    params: list[ParamInfo]


class QueryRows(BaseModel):
    name: str
    columns: list[str]
    rows: list[dict[str, Any]] = Field(description="One object per solution; unbound variables are left out. "
                                       "IRIs and literals as strings, xsd:integer as numbers, xsd:boolean as booleans.")
    truncated: bool


def search_results(request: Request, q: str, kind: str | None, limit: int, offset: int) -> searching.SearchResults:
    """A page of search results, each hit with the citable ``url`` of its page and, for a publisher,
    an author or an entity that publishes sources, the ``sources_url`` of the list of its sources."""
    results = searching.search(request.app.state.search, q, kind, limit, offset)
    links = links_of(request)
    for hit in results.results:
        listed = hit.kind in ("publisher", "author")
        hit.url = links.cite_url(hit.iri if not listed else None, thing_path(request, hit.kind, hit.id))
        if listed:
            hit.sources_url = hit.url
        elif hit.published_as:
            hit.sources_url = links.page_url(thing_path(request, "publisher", hit.published_as))
    return results


@router.get("/search", response_model=searching.SearchResults, name="lookup_search",
            summary="Search names, aliases, titles, publishers, authors, DISARM techniques and excerpts")
def search(request: Request,
           q: str = Query(description="What to look for. Case, accents, spaces, hyphens and punctuation do not "
                          "matter, words may come in any order, and a typo or two is forgiven.", max_length=200),
           kind: str | None = Query(None, description="Only hits of this kind: " + ", ".join(searching.KIND_LABELS)),
           limit: int = Query(20, ge=1, le=200, description="Most results to return."),
           offset: int = Query(0, ge=0, le=searching.MAX_OFFSET, description="How many results to skip (paging).")):
    return search_results(request, q, kind or None, limit, offset)


@router.get("/entities/{id}", response_model=provenance.EntityView, name="lookup_entity",
            summary="An entity with its names and every claim about it, with sources", dependencies=SLOT)
def entity(request: Request, response: Response, id: str, as_of: AsOf | None = Depends(as_of_param)):
    view = provenance.entity(_graph(request), id, as_of.last_day if as_of else None)
    _canonical(request, response, "entity", view.id, view.iri)
    return view


@router.get("/entities/{id}/attribution", response_model=provenance.AttributionView, name="lookup_attribution",
            summary="Attribution chains from a cluster or campaign, each hop with its sources", dependencies=SLOT)
def attribution(request: Request, id: str, as_of: AsOf | None = Depends(as_of_param)):
    return provenance.attribution(_graph(request), id, as_of)


@router.get("/claims/{id}", response_model=provenance.ClaimView, name="lookup_claim",
            summary="A claim with every assertion by stance and its independent sources", dependencies=SLOT)
def claim(request: Request, response: Response, id: str, as_of: AsOf | None = Depends(as_of_param)):
    view = provenance.claim(_graph(request), id, as_of.last_day if as_of else None)
    _canonical(request, response, "claim", view.id, view.iri)
    return view


@router.get("/sources/{id}", response_model=provenance.SourceView, name="lookup_source",
            summary="A source: metadata, derivation, and every claim it makes", dependencies=SLOT)
def source(request: Request, response: Response, id: str, as_of: AsOf | None = Depends(as_of_param)):
    """With ``as_of``, a source published after it is a 404 (it did not exist yet)."""
    view = provenance.source(_graph(request), id, as_of.last_day if as_of else None)
    _canonical(request, response, "source", view.id, view.iri)
    return view


@router.get("/techniques/{id}", response_model=browse.TechniqueView, name="lookup_technique",
            summary="A DISARM technique or tactic, and the claims that an operation uses it", dependencies=SLOT)
def technique(request: Request, response: Response, id: str):
    """DISARM Red Framework, DISARM Foundation, CC BY-SA 4.0."""
    view = browse.technique(_graph(request), id)
    _canonical(request, response, view.kind, view.id, view.iri)
    return view


@router.get("/queries", response_model=list[NamedQueryInfo], name="lookup_queries",
            summary="The named queries and their parameters")
def queries():
    return [NamedQueryInfo(name=q.name, title=q.title, description=q.description,
                           params=[ParamInfo(name=p.name, type=p.type, optional=p.optional,
                                             description=p.description) for p in q.params])
            for q in load_queries().values()]


#: The formats of a named query's rows: (``as`` value, media type), the first the default.
ROW_FORMATS = (("json", "application/json"), ("csv", "text/csv"),
               ("tsv", "text/tab-separated-values"))
_ROW_OFFERS = tuple(Offer(media, media) for _, media in ROW_FORMATS)
#: The query-string key naming the format; SPARQLWrapper's `format`, `output` and `results`
#: stay free, and no named query may have a parameter of this name.
FORMAT_KEY = "as"


def _row_format(request: Request) -> str:
    return _row_format_of(request.query_params, request.headers.get("accept"))


def _row_format_of(params: QueryParams, accept: str | None) -> str:
    """The media type of a named query's rows: ``as=…`` if given, else by ``Accept``."""
    named = params.getlist(FORMAT_KEY)
    if named:
        by_name = dict(ROW_FORMATS)
        if len(named) > 1 or named[0] not in by_name:
            raise ProtocolError(f"`{FORMAT_KEY}` takes one of {', '.join(by_name)} (once)")
        return by_name[named[0]]
    offer = negotiate(accept, _ROW_OFFERS)
    if offer is None:
        raise NotAcceptable("a named query's rows come as " + ", ".join(m for _, m in ROW_FORMATS))
    return offer.serves


@router.get("/queries/{name}", response_model=QueryRows, name="lookup_named_query",
            summary="Run a named query; its parameters come from the query string",
            responses={200: {"content": {"text/csv": {}, "text/tab-separated-values": {}},
                             "description": "The rows: JSON (QueryRows), CSV or TSV, by Accept "
                                            "or by `as=json|csv|tsv`."}})
async def named_query(request: Request, name: str):
    """The named-query door of the query service: read from the build's materialized rows where they
    hold the query with these parameters (`iokg.materialized`), else run in a query worker like
    `/sparql`; the row cap (and for a query, the time limit) of the settings apply. The rows come
    as JSON, CSV or TSV, chosen by ``Accept`` or by ``as=json|csv|tsv``. An entity, source or claim
    parameter naming nothing is a 404."""
    media_type = _row_format(request)
    values = {k: v for k, v in request.query_params.items() if k != FORMAT_KEY}
    _, result = await request.app.state.service.rows(name, values)
    return rows_response(name, media_type, result, request.app.state.settings.max_result_rows)


def rows_response(name: str, media_type: str, result: Rows, max_result_rows: int) -> Response:
    """A named query's rows in ``media_type`` (JSON `QueryRows`, CSV or TSV)."""
    columns = named_rows.columns(result.rows)
    headers = {"Vary": "Accept"}
    if media_type == "application/json":
        body = QueryRows(name=name, columns=columns, rows=[named_rows.json_row(row) for row in result.rows],
                         truncated=result.truncated)
        return Response(body.model_dump_json(), media_type=media_type, headers=headers)
    if result.truncated:
        headers.update({"X-IOKG-Truncated": "true", "X-IOKG-Row-Limit": str(max_result_rows)})
    write = named_rows.to_csv if media_type == "text/csv" else named_rows.to_tsv
    return Response(write(columns, result.rows), media_type=media_type, headers=headers)


class NamedQueryEndpoint:
    """ASGI middleware answering ``GET /queries/{name}`` itself when the build's materialized rows
    hold the answer (`QueryService.materialized_rows`: a local point read, no worker), with the
    same bytes and headers as the route; everything else, errors included, goes on to ``app``
    (the route answers them). Like `iokg.api.routers.sparql.SparqlEndpoint`, it saves FastAPI's
    routing and dependency machinery on the requests that are only a read."""

    PREFIX = "/queries/"

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        response = None
        if scope["type"] == "http" and scope["method"] == "GET":
            path = route_path(scope)
            name = path[len(self.PREFIX):] if path.startswith(self.PREFIX) else ""
            if name and "/" not in name:
                response = self._answer(scope, name)
        if response is None:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)

    @staticmethod
    def _answer(scope: dict, name: str) -> Response | None:
        state = scope["app"].state
        try:
            params = QueryParams(scope.get("query_string", b"").decode("latin-1"))
            media_type = _row_format_of(params, header(scope, b"accept"))
            values = {k: v for k, v in params.items() if k != FORMAT_KEY}
            found = state.service.materialized_rows(name, values)
        except IokgError:
            return None  # the route says what is wrong, in the one error shape
        if found is None:
            return None
        return rows_response(name, media_type, found[1], state.settings.max_result_rows)


#: What an IRI dereferences to: kind -> (JSON lookup route, HTML page route).
DEREFERENCE = {"entity": ("lookup_entity", "entity_page"), "source": ("lookup_source", "source_page"),
               "claim": ("lookup_claim", "claim_page"), "assertion": ("lookup_claim", "claim_page"),
               "technique": ("lookup_technique", "technique_page"), "tactic": ("lookup_technique", "technique_page")}
#: JSON first: a client that accepts both equally (``*/*``, no Accept) gets JSON.
_IRI_OFFERS = (Offer("application/json", "application/json"), Offer(HTML, HTML))


#: What the last part of an iokg IRI can be: ids, DISARM notations (T0049.004), claim keys.
_IRI_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,499}")


@router.get("/id/{kind}/{rest:path}", name="lookup_dereference", status_code=303,
            response_class=RedirectResponse, summary="Dereference an iokg IRI to its JSON lookup (or, "
            "for a browser, its web page)",
            responses={303: {"description": "See the lookup of the entity, source, claim or DISARM technique: "
                             "its JSON, or its HTML page when the Accept header prefers text/html."}})
def dereference(request: Request, kind: str, rest: str):
    """The redirect's ``Location`` is a path: it stays on the address the client asked, whatever
    its Host header said."""
    first = rest.split("/", 1)[0]
    routes = DEREFERENCE.get(kind)
    if routes is None or not first:
        raise EntityNotFound(f"no lookup for IRIs of kind '{kind}'; known: {', '.join(DEREFERENCE)}")
    if not _IRI_ID.fullmatch(first):  # '..', NUL bytes, markup: no iokg IRI ends so, so no redirect
        raise EntityNotFound(f"no {kind} has the id {first[:80]!r}")
    offer = negotiate(request.headers.get("accept"), _IRI_OFFERS)
    route = routes[1] if offer is not None and offer.serves == HTML else routes[0]
    return RedirectResponse(path_for(request, route, id=first), status_code=303, headers={"Vary": "Accept"})
