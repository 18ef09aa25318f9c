"""``GET`` and ``POST /sparql``: the read-only SPARQL 1.1 Protocol endpoint.

The protocol itself lives in `iokg.sparql.protocol`; queries run through the client-SPARQL door
of `iokg.sparql.service.QueryService` (screened, one format negotiated, run in a worker, bytes
back). This module only moves bytes between HTTP and those two.

A query is answered by `SparqlEndpoint`, a small ASGI middleware just inside the app's own
(admission, security headers and CORS still wrap it): it reads the request straight from the
ASGI scope and sends pyoxigraph's bytes, without FastAPI's routing, request object and dependency
machinery, which cost more than the rest of a point query in the server process
(docs/performance.md). Errors take the one JSON shape (`iokg.api.errors.core_error_response`).
The routes below declare the endpoint in the OpenAPI document and answer what the middleware
passes on: a bare ``GET`` (the service description, or the query page), ``HEAD``, ``OPTIONS``.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import URL

from iokg.api.errors import core_error_response
from iokg.api.links import path_for
from iokg.errors import IokgError, NotAcceptable
from iokg.sparql import protocol
from iokg.sparql.description import service_description
from iokg.sparql.service import QueryService, Serialized

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
    body = await read_body(request, settings.max_request_bytes) if request.method == "POST" else b""
    parsed = parse(request.method, request.scope, body, settings.max_request_bytes)
    if parsed.query is None:
        return describe_service(request, request.headers.get("accept"))
    return await run(request.app.state.service, parsed, request.headers.get("accept"), endpoint_url(request))


def parse(method: str, scope: dict, body: bytes, max_request_bytes: int) -> protocol.SparqlRequest:
    return protocol.parse_request(method, scope.get("query_string", b""), header(scope, b"content-type"), body,
                                  max_request_bytes=max_request_bytes)


async def run(service: QueryService, parsed: protocol.SparqlRequest, accept: str | None, base_iri: str) -> Response:
    """The answer to a parsed query: pyoxigraph's bytes, flagged when the row cap cut them."""
    assert parsed.query is not None
    formats = protocol.request_formats(parsed.formats, accept)
    result = await service.sparql(parsed.query, formats=formats, dataset=parsed.dataset, base_iri=base_iri)
    response = Response(result.body)
    response.raw_headers = result_headers(result, service.max_result_rows)
    return response


def header(scope: dict, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def route_path(scope: dict) -> str:
    """The path as the app's router matches it: without the ``root_path`` a proxy mounted it under."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root + "/") else path


class _ClientGone(Exception):
    pass


class SparqlEndpoint:
    """ASGI middleware answering ``GET /sparql?query=`` and ``POST /sparql`` itself (see the module);
    every other request goes on to ``app``."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST") or route_path(scope) != "/sparql":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        try:
            body = await _read_body(receive, scope, state.settings.max_request_bytes) if scope["method"] == "POST" else b""
            parsed = parse(scope["method"], scope, body, state.settings.max_request_bytes)
            if parsed.query is None:  # a bare GET: the route describes the service
                await self.app(scope, receive, send)
                return
            result = await state.service.sparql(
                parsed.query, formats=protocol.request_formats(parsed.formats, header(scope, b"accept")),
                dataset=parsed.dataset, base_iri=base_iri(scope))
        except IokgError as e:
            response = core_error_response(e)
        except _ClientGone:  # nobody left to answer (as iokg.api.errors does for the routes)
            response = Response(status_code=400)
        else:  # the answer's bytes as they are, with `result_headers`
            await send({"type": "http.response.start", "status": 200,
                        "headers": result_headers(result, state.service.max_result_rows)})
            await send({"type": "http.response.body", "body": result.body})
            return
        await response(scope, receive, send)


def result_headers(result: Serialized, max_result_rows: int) -> list[tuple[bytes, bytes]]:
    """The raw headers of a result answered 200: its type (``charset=utf-8`` for text), length,
    ``Vary: Accept``, and the row cap's flags when it cut the result."""
    media_type = result.media_type.encode("latin-1")
    if media_type.startswith(b"text/") and b"charset=" not in media_type.lower():
        media_type += b"; charset=utf-8"
    headers = [(b"vary", b"Accept")]
    if result.truncated:
        headers += [(TRUNCATED_HEADER.lower().encode(), b"true"),
                    (ROW_LIMIT_HEADER.lower().encode(), str(max_result_rows).encode())]
    headers += [(b"content-length", str(len(result.body)).encode()), (b"content-type", media_type)]
    return headers


def base_iri(scope: dict) -> str:
    """The endpoint's URL without the query string, from the ASGI scope (the parts of the URL
    Starlette reads), remembered per scheme, server, path and ``Host``."""
    server = scope.get("server")
    return _base_iri(scope.get("scheme", "http"), None if server is None else tuple(server),
                     scope.get("root_path", ""), scope["path"], header(scope, b"host"))


@functools.lru_cache(maxsize=256)
def _base_iri(scheme: str, server: tuple | None, root_path: str, path: str, host: str | None) -> str:
    scope = {"scheme": scheme, "server": server, "root_path": root_path, "path": path, "query_string": b"",
             "headers": [] if host is None else [(b"host", host.encode("latin-1"))]}
    return str(URL(scope=scope)).split("?", 1)[0]


async def _read_body(receive: Any, scope: dict, max_request_bytes: int) -> bytes:
    """`read_body` on raw ASGI messages."""
    length = header(scope, b"content-length")
    if length and length.isdigit():
        protocol.check_size(int(length), max_request_bytes)
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        protocol.check_size(size, max_request_bytes)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def endpoint_url(request: Request) -> str:
    """The URL of this endpoint as the client asked for it, without the query string: the base
    IRI relative IRIs in a query resolve against, and the service's name (`base_iri`)."""
    return base_iri(request.scope)


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
