"""A minimal app for the lookups: the store on ``app.state.graph``, the router, one error shape.

Errors come out as ``{"error": {"status": int, "type": str, "message": str}}``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from iokg.api.routers import lookups
from iokg.errors import EntityNotFound, Forbidden, InvalidQuery, IokgError, QueryTimeout, StoreNotFound
from iokg.settings import Settings
from iokg.store import EmbeddedStore

STATUS = {EntityNotFound: 404, InvalidQuery: 400, QueryTimeout: 503, Forbidden: 403, StoreNotFound: 503}


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "type": kind, "message": message}}, status_code=status)


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="iokg", description="A knowledge graph of influence operations, with its sources.")
    app.state.settings = settings
    app.state.graph = EmbeddedStore(settings.store)
    app.include_router(lookups.router)

    @app.exception_handler(IokgError)
    def iokg_error(request: Request, exc: IokgError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)
        return _error(status, type(exc).__name__, str(exc))

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError):
        parts = [f"{'.'.join(str(x) for x in e['loc'] if x not in ('query', 'path'))}: {e['msg']}" for e in exc.errors()]
        return _error(400, "InvalidQuery", "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException):
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return _error(exc.status_code, kind, str(exc.detail))

    return app


def create_app_from_env() -> FastAPI:
    """For ``uvicorn --factory iokg.api.app:create_app_from_env``: settings from ``IOKG_*``."""
    return create_app(Settings())
