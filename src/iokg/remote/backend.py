"""Which store the service reads, chosen by the settings: the embedded pyoxigraph store (the
default) or the remote SPARQL store (``IOKG_REMOTE=true``, ``iokg serve --remote``).

`open_backend` gives the three things the app shares between routes: the query service every
query goes through (`/sparql`, the query page, `/queries/{name}`, the lookups and pages:
`iokg.sparql.service.QueryService` or `iokg.remote.service.RemoteQueryService`), the graph (what
the served build's id is read from) and the search index; and whether requests must be pinned to
one build (`iokg.remote.store.PinBuild`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iokg.errors import IokgError
from iokg.remote.client import Endpoints, RemoteClient
from iokg.remote.service import RemoteQueryService
from iokg.remote.store import RemoteStore
from iokg.search import SearchIndex
from iokg.settings import Settings


class RemoteSearchIndex(SearchIndex):
    """The search index of the remote store's served build, made in memory from the named query
    ``searchable`` once per build (the store holds no index file)."""

    def _version(self):
        return f"remote:{self.graph.current().id}", None


@dataclass
class Backend:
    service: Any
    graph: Any
    search: SearchIndex
    remote: bool


def remote_client(settings: Settings) -> RemoteClient:
    """The client of the store the settings name; `IokgError` when no query URL is set."""
    if not settings.remote_query_url:
        raise IokgError("the remote store needs its query URL: set IOKG_REMOTE_QUERY_URL "
                        "(or --remote-query-url)")
    endpoints = Endpoints(settings.remote_query_url, settings.remote_update_url, settings.remote_gsp_url)
    return RemoteClient(endpoints, query_timeout_ms=settings.query_timeout_ms,
                        retry_ms=settings.remote_retry_ms, timeout_param=settings.remote_timeout_param)


def open_backend(settings: Settings) -> Backend:
    """The query service, graph and search index the settings choose (nothing is contacted yet)."""
    if settings.remote:
        store = RemoteStore(remote_client(settings))
        service = RemoteQueryService(store, query_timeout_ms=settings.query_timeout_ms,
                                     max_result_rows=settings.max_result_rows,
                                     max_concurrent_queries=settings.max_concurrent_queries)
        return Backend(service, store, RemoteSearchIndex(store), True)
    from iokg.sparql.service import QueryService
    from iokg.store import EmbeddedStore

    graph = EmbeddedStore(settings.store)
    return Backend(QueryService.from_settings(settings), graph, SearchIndex(graph), False)
