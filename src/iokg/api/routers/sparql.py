"""``GET`` and ``POST /sparql``: the read-only SPARQL 1.1 Protocol endpoint.

The protocol itself lives in `iokg.sparql.protocol`; queries run through the client-SPARQL door
of `iokg.sparql.service.QueryService` (screened, one format negotiated, run in a worker, bytes
back). This module only moves bytes between HTTP and those two.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from iokg.api.links import path_for
from iokg.errors import NotAcceptable
from iokg.sparql import protocol
from iokg.sparql.description import service_description
from iokg.sparql.service import QueryService

router = APIRouter(tags=["sparql"])

#: Set on a result cut at the row cap (IOKG_MAX_RESULT_ROWS).
TRUNCATED_HEADER = "X-IOKG-Truncated"
ROW_LIMIT_HEADER = "X-IOKG-Row-Limit"


async def read_body(request: Request, max_request_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it passes the limit."""
    length = request.headers.get("content-length")
    if length and length.isdigit():
        protocol.check_size(int(length), max_request_bytes)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        protocol.check_size(size, max_request_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


@router.get(
    "/sparql",
    name="sparql",
    summary="SPARQL 1.1 query (read-only); bare GET: service description, or the query page",
    response_class=Response,
)
async def sparql_get(request: Request) -> Response:
    """Run the query in the ``query`` parameter (``default-graph-uri`` and
    ``named-graph-uri`` may be repeated; ``format`` names a result format and overrides
    ``Accept``, as do SPARQLWrapper's ``output`` and ``results``). Without a query: the service
    description, or a redirect to the query page (``/query``) for a browser."""
    return await answer(request)


@router.post(
    "/sparql",
    name="sparql_post",
    summary="SPARQL 1.1 query (read-only) as a form or as application/sparql-query",
    response_class=Response,
)
async def sparql_post(request: Request) -> Response:
    """Run a query sent as ``application/x-www-form-urlencoded`` (``query`` parameter in the
    body) or as ``application/sparql-query`` (the body is the query)."""
    return await answer(request)


@router.options("/sparql", name="sparql_options", include_in_schema=False)
async def sparql_options() -> Response:
    """What a plain ``OPTIONS`` (no CORS preflight, which `iokg.api.cors` answers) is told."""
    return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})


async def answer(request: Request) -> Response:
    """Read a protocol request, run it in a query worker, send pyoxigraph's bytes as they are."""
    settings = request.app.state.settings
    service: QueryService = request.app.state.service
    body = await read_body(request, settings.max_request_bytes) if request.method == "POST" else b""
    parsed = protocol.parse_request(
        request.method,
        request.scope.get("query_string", b""),
        request.headers.get("content-type"),
        body,
        max_request_bytes=settings.max_request_bytes,
    )
    accept = request.headers.get("accept")
    if parsed.query is None:
        return describe_service(request, accept)
    formats = protocol.request_formats(parsed.formats, accept)
    result = await service.sparql(parsed.query, formats=formats, dataset=parsed.dataset,
                                  base_iri=endpoint_url(request))
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers[TRUNCATED_HEADER] = "true"
        headers[ROW_LIMIT_HEADER] = str(service.max_result_rows)
    return Response(result.body, media_type=result.media_type, headers=headers)


def endpoint_url(request: Request) -> str:
    """The URL of this endpoint as the client asked for it, without the query string: the base
    IRI relative IRIs in a query resolve against, and the service's name."""
    return str(request.url).split("?", 1)[0]


def describe_service(request: Request, accept: str | None) -> Response:
    offer = protocol.negotiate(accept, protocol.SERVICE_DESCRIPTION_OFFERS)
    if offer is None:
        names = protocol.offered_media_types(protocol.SERVICE_DESCRIPTION_OFFERS)
        raise NotAcceptable(
            f"no acceptable format for the service description; try {names}"
        )
    if offer.serves == protocol.HTML:  # a browser: the query page
        return RedirectResponse(  # a path: the Host header cannot send the browser elsewhere
            path_for(request, "query_page"), status_code=303, headers={"Vary": "Accept"}
        )
    settings = request.app.state.settings
    endpoint = endpoint_url(request)
    comment = (
        "Read-only. The default graph is the union of all graphs. Relative IRIs resolve "
        "against this endpoint's URL. Limits: "
        f"{settings.query_timeout_ms} ms per query (IOKG_QUERY_TIMEOUT_MS), "
        f"{settings.max_result_rows} rows or triples per result (IOKG_MAX_RESULT_ROWS), "
        f"{settings.max_request_bytes} bytes per request (IOKG_MAX_REQUEST_BYTES)."
    )
    body = service_description(endpoint, offer.serves, comment=comment)
    return Response(body, media_type=offer.serves, headers={"Vary": "Accept"})
