"""The FastAPI application.

>>> from iokg.settings import Settings
>>> app = create_app(Settings(store="/nonexistent/store"))
>>> paths = app.openapi()["paths"]
>>> [p for p in ("/sparql", "/search", "/entities/{id}", "/claims/{id}", "/sources/{id}") if p in paths]
['/sparql', '/search', '/entities/{id}', '/claims/{id}', '/sources/{id}']
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from swagger_ui_bundle import swagger_ui_path

from iokg import __version__
from iokg.api.admission import AdmissionLimit
from iokg.api.cors import install_cors
from iokg.api.errors import install_error_handlers
from iokg.api.links import Links
from iokg.api.routers import datasets, dumps, health, lookups, releases, sparql
from iokg.datasets.catalog import DatasetStore
from iokg.queries import load_queries
from iokg.search import SearchIndex
from iokg.settings import Settings
from iokg.sparql.executor import QueryExecutor
from iokg.store import EmbeddedStore
from iokg.web.routers import browse_pages, dataset_pages, lookup_pages, pages, release_pages

log = logging.getLogger("iokg.api")


def create_app(settings: Settings) -> FastAPI:
    """The whole HTTP API and the web pages over ``settings.store`` (and the datasets beside it). Query
    workers start with the app's lifespan and stop with it; ``app.state.executor`` is the `QueryExecutor`
    routes share, ``app.state.datasets`` the `DatasetStore`."""
    load_queries()  # a package installed without its named queries fails here, not with a 404 per lookup
    executor = QueryExecutor.from_settings(settings)
    dataset_store = DatasetStore.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(executor.start)
        log.info(
            "iokg serving SPARQL at http://%s:%d/sparql over the store %s",
            settings.host,
            settings.port,
            settings.store,
        )
        try:
            yield
        finally:
            await run_in_threadpool(executor.close)
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
    app.state.executor = executor
    app.state.graph = EmbeddedStore(settings.store)  # what the lookups read
    app.state.datasets = dataset_store  # the imported datasets (DuckDB over Parquet)
    app.state.search = SearchIndex(app.state.graph)  # the search index of the build it serves
    app.state.links = Links(settings.public_url)  # addresses to cite: never from the Host header
    install_error_handlers(app)
    install_cors(app)
    app.add_middleware(AdmissionLimit, max_in_flight=settings.max_in_flight)  # added last: outermost
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
    app.mount("/swagger-ui", StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False, name="swagger_ui_html")
    def api_docs() -> HTMLResponse:
        """The interactive OpenAPI page, with Swagger UI's files served by this app."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title="iokg API",
            swagger_js_url="/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/swagger-ui/favicon-32x32.png")

    return app


def app_from_environment() -> FastAPI:
    """An app configured from ``IOKG_*`` variables, for ``uvicorn --factory``."""
    return create_app(Settings())


#: The name the lookup tests start uvicorn with.
create_app_from_env = app_from_environment
