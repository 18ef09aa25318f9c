"""One JSON error shape for every error, and one mapping from core errors to HTTP statuses.

Every error response has the body::

    {"error": {"status": 400, "type": "invalid_query", "message": "...",
               "limit": {"setting": "IOKG_QUERY_TIMEOUT_MS", "value": 10000}}}

``limit`` is present only when a configured limit was hit; ``position``
(``{"line": 1, "column": 26}``, counted in characters from 1) only for a SPARQL syntax error.

>>> status_and_type(QueryTimeout("too slow"))
(503, 'query_timeout')
>>> status_and_type(NotAcceptable("no format"))
(406, 'not_acceptable')
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from iokg.errors import (
    DumpsNotFound,
    EntityNotFound,
    Forbidden,
    IngestError,
    InvalidQuery,
    IokgError,
    NotAcceptable,
    ProtocolError,
    QueryTimeout,
    QueryWorkerFailed,
    RequestTooLarge,
    ResourceLimit,
    StoreFailed,
    StoreNotFound,
    StoreUnavailable,
    UnsupportedMediaType,
)

log = logging.getLogger(__name__)

#: Core error class → (HTTP status, error type). Subclasses inherit their base's entry.
ERROR_STATUS: dict[type[Exception], tuple[int, str]] = {
    InvalidQuery: (400, "invalid_query"),
    ProtocolError: (400, "invalid_request"),
    Forbidden: (403, "forbidden"),
    EntityNotFound: (404, "not_found"),
    DumpsNotFound: (404, "not_found"),
    NotAcceptable: (406, "not_acceptable"),
    RequestTooLarge: (413, "request_too_large"),
    UnsupportedMediaType: (415, "unsupported_media_type"),
    IngestError: (500, "ingest_error"),
    IokgError: (500, "internal_error"),
    QueryWorkerFailed: (500, "internal_error"),
    QueryTimeout: (503, "query_timeout"),
    ResourceLimit: (503, "resource_limit"),
    StoreNotFound: (503, "store_not_found"),
    StoreUnavailable: (503, "store_unavailable"),
    StoreFailed: (502, "store_error"),
}


def status_and_type(error: Exception) -> tuple[int, str]:
    """The HTTP status and error type of a core error (500 for anything unknown)."""
    for cls in type(error).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500, "internal_error"


def error_response(
    status: int, type_: str, message: str, limit: Any = None, position: Any = None
) -> JSONResponse:
    """The one error shape."""
    body: dict[str, Any] = {"status": status, "type": type_, "message": message}
    if limit is not None:
        body["limit"] = {"setting": limit.setting, "value": limit.value}
    if position is not None:
        body["position"] = {"line": position[0], "column": position[1]}
    return JSONResponse({"error": body}, status_code=status)


def _snake(phrase: str) -> str:
    return phrase.lower().replace(" ", "_").replace("-", "_").replace("'", "")


async def _core_error(request: Request, error: Exception) -> JSONResponse:
    return core_error_response(error)


def core_error_response(error: Exception) -> JSONResponse:
    """The answer to a core error (`iokg.errors`): its status, the one shape, ``Retry-After`` if it has one."""
    status, type_ = status_and_type(error)
    response = error_response(
        status, type_, str(error), getattr(error, "limit", None), getattr(error, "position", None)
    )
    retry_after = getattr(error, "retry_after_s", None)  # e.g. a remote store that is down
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    phrase = HTTPStatus(error.status_code).phrase
    response = error_response(error.status_code, _snake(phrase), str(error.detail))
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in error.errors()
    )
    return error_response(400, "invalid_request", details or "invalid request")


async def _client_gone(request: Request, error: Exception) -> Response:
    """The client went away before its request body was whole (or was cut off at
    ``IOKG_REQUEST_READ_TIMEOUT_MS``): nobody is left to answer, and it is no server error."""
    log.debug("client left during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(500, "internal_error", "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` answer with the one JSON shape."""
    app.add_exception_handler(IokgError, _core_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected)
