"""The FastAPI application.

>>> from iokg.settings import Settings
>>> app = create_app(Settings(store="/nonexistent/store"))
>>> paths = app.openapi()["paths"]
>>> [p for p in ("/sparql", "/search", "/entities/{id}", "/claims/{id}", "/sources/{id}") if p in paths]
['/sparql', '/search', '/entities/{id}', '/claims/{id}', '/sources/{id}']
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from iokg import __version__
from iokg.api.access_log import AccessLog
from iokg.api.admission import AdmissionLimit
from iokg.api.cors import install_cors
from iokg.api.errors import install_error_handlers
from iokg.api.links import Links
from iokg.api.routers import datasets, dumps, health, lookups, releases, sparql
from iokg.api.security import install_security_headers
from iokg.datasets.catalog import DatasetStore
from iokg.queries import load_queries
from iokg.remote.backend import open_backend
from iokg.remote.store import PinBuild
from iokg.settings import Settings
from iokg.web.routers import browse_pages, dataset_pages, lookup_pages, pages, release_pages

log = logging.getLogger("iokg.api")


def create_app(settings: Settings) -> FastAPI:
    """The whole HTTP API and the web pages over ``settings.store`` (and the datasets beside it). Query
    workers start with the app's lifespan and stop with it; ``app.state.service`` is the `QueryService`
    every query goes through (`/sparql`, `/queries/{name}`, the lookups and pages), ``app.state.datasets``
    the `DatasetStore`."""
    load_queries()  # a package installed without its named queries fails here, not with a 404 per lookup
    backend = open_backend(settings)  # the embedded store and its workers, or the remote store (IOKG_REMOTE)
    service = backend.service
    dataset_store = DatasetStore.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.open()
        log.info(
            "iokg serving SPARQL at http://%s:%d/sparql over the store %s",
            settings.host,
            settings.port,
            settings.remote_query_url if backend.remote else settings.store,
        )
        try:
            yield
        finally:
            await service.close()
            await run_in_threadpool(dataset_store.close)

    app = FastAPI(
        title="iokg",
        version=__version__,
        summary="A knowledge graph of influence operations, with the sources behind every statement.",
        lifespan=lifespan,
        docs_url=None,  # served below from local assets: no CDN, works offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.service = service  # every query: /sparql, /queries/{name}, lookups and pages
    app.state.graph = backend.graph  # the served build's id (EmbeddedStore or RemoteStore)
    app.state.datasets = dataset_store  # the imported datasets (DuckDB over Parquet)
    app.state.search = backend.search  # the search index of the build it serves
    app.state.links = Links(settings.public_url)  # addresses to cite: never from the Host header
    install_error_handlers(app)
    app.add_middleware(sparql.SparqlEndpoint)  # added first: innermost, inside CORS, security headers, admission
    app.add_middleware(lookups.NamedQueryEndpoint)  # named queries the materialized rows answer, likewise
    install_cors(app)
    install_security_headers(app)  # outside CORS: its refusals get the headers too
    if backend.remote:
        app.add_middleware(PinBuild)  # one build per request: every read of a page from the same one
    app.add_middleware(AdmissionLimit, max_in_flight=settings.max_in_flight)  # outside all of the above
    if settings.access_log:
        app.add_middleware(AccessLog)  # added last: outermost, so refusals are logged too
    app.include_router(sparql.router)
    app.include_router(health.router)
    app.include_router(lookups.router)
    app.include_router(pages.router)
    app.include_router(lookup_pages.router)
    app.include_router(dumps.router)
    app.include_router(datasets.router)
    app.include_router(dataset_pages.router)
    app.include_router(browse_pages.router)
    app.include_router(releases.router)
    app.include_router(release_pages.router)
    app.mount("/static", StaticFiles(packages=[("iokg.web", "static")]), name="static")
    # Swagger UI 5 (OpenAPI 3.1, which FastAPI writes), from the pinned fastapi-offline package
    app.mount("/swagger-ui", StaticFiles(directory=str(files("fastapi_offline") / "static")), name="swagger-ui")

    @app.get("/docs", include_in_schema=False, name="swagger_ui_html")
    def api_docs() -> HTMLResponse:
        """The interactive OpenAPI page, with Swagger UI's files served by this app and started by a
        script file (no inline script, so the page keeps the Content-Security-Policy)."""
        openapi_url = html.escape(app.openapi_url or "/openapi.json")
        return HTMLResponse(
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>iokg API</title>\n<link rel="stylesheet" href="/swagger-ui/swagger-ui.css">\n'
            '<link rel="icon" href="/swagger-ui/favicon.png">\n</head>\n<body>\n'
            f'<div id="swagger-ui" data-openapi="{openapi_url}"></div>\n'
            '<script src="/swagger-ui/swagger-ui-bundle.js"></script>\n'
            '<script src="/static/swagger-init.js"></script>\n</body>\n</html>\n')

    return app


def app_from_environment() -> FastAPI:
    """An app configured from ``IOKG_*`` variables, for ``uvicorn --factory``."""
    return create_app(Settings())


#: The name the lookup tests start uvicorn with.
create_app_from_env = app_from_environment
