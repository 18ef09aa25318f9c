"""The query service (`iokg.sparql.service.QueryService`'s interface) over a remote store.

The same two doors and the same slots as the embedded service: client SPARQL (`sparql`), named
queries (`rows`) and the core's lookups (`slot`, `lookup`), each holding one of
``max_concurrent_queries`` slots waited for on the event loop. The store evaluates; the time
limit is the client's (`iokg.remote.client`), the row cap is applied as results stream in
(`iokg.remote.executor`). Work runs on the service's threads in the request's context
(`QueryService._in_thread`), so every query of one request reads the build pinned for it
(`iokg.remote.store.PinBuild`). Lookups read the served build's materialized rows where it holds
them (`iokg.remote.materialized`): one point query instead of the named query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from iokg.remote.executor import RemoteExecutor, RemoteResult
from iokg.remote.materialized import RemoteMaterializedRows
from iokg.remote.store import RemoteStore
from iokg.sparql.dataset import Dataset
from iokg.sparql.negotiation import Formats
from iokg.sparql.service import QueryService
from iokg.sparql.worker import Rows


class RemoteSlotStore:
    """The store interface (`iokg.store.Store`) for one holder of a slot: `select` and `rows`."""

    def __init__(self, store: RemoteStore, materialized: RemoteMaterializedRows | None = None):
        self._store = store
        self.materialized = materialized  # the served build's rows (`iokg.remote.materialized`), read here

    def select(self, text: str, substitutions: Mapping[Any, Any] | None = None) -> list[dict[str, Any]]:
        return self._store.select(text, dict(substitutions or {}))

    def rows(self, text: str, substitutions: Mapping[Any, Any] | None = None, *,
             max_rows: int | None = None) -> Rows:
        """`Rows` of a SELECT, cut after ``max_rows``; the columns are the query's own variables."""
        substitutions = dict(substitutions or {})
        found = self.select(text, substitutions)
        # The projection, in order: the same text evaluated over an empty store (no data, instant).
        columns = [v.value for v in ox.Store().query(text, substitutions=substitutions or None).variables]
        if max_rows is not None and len(found) > max_rows:
            return Rows(columns, found[:max_rows], True)
        return Rows(columns, found, False)


class RemoteQueryService(QueryService):
    """The query service of a remote store: `iokg.sparql.service.QueryService` with the store
    evaluating, so no worker processes; the slots, lookups and the named-query door are the
    embedded service's own."""

    #: The pushed materialized rows are read over the network: in a slot, on a thread.
    materialized_on_loop = False

    def __init__(self, store: RemoteStore, *, query_timeout_ms: int, max_result_rows: int,
                 max_concurrent_queries: int):
        self.store = store
        self.executor = RemoteExecutor(store, max_result_rows=max_result_rows)  # type: ignore[assignment]
        # the served build's materialized rows, one point query per lookup (iokg.remote.materialized)
        self.materialized = RemoteMaterializedRows(store)  # type: ignore[assignment]
        self.query_timeout_ms = query_timeout_ms
        self.max_result_rows = max_result_rows
        self.slots = max_concurrent_queries
        self._free: asyncio.Semaphore | None = None
        self._threads: ThreadPoolExecutor | None = None

    async def open(self) -> RemoteQueryService:
        self._threads = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="iokg-remote")
        self._free = asyncio.Semaphore(self.slots)
        return self

    async def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=False)
            self._threads = None
        self.executor.close()
        self._free = None

    def worker_pids(self) -> list[int]:
        """No worker processes: the store evaluates."""
        return []

    def _slot_store(self, deadline: float) -> RemoteSlotStore:  # type: ignore[override]
        return RemoteSlotStore(self.store, self.materialized)  # type: ignore[arg-type]

    async def sparql(self, query: str, *, formats: Formats, dataset: Dataset = Dataset(),
                     base_iri: str | None = None) -> RemoteResult:  # type: ignore[override]
        async with self.slot():
            return await self._in_thread(self.executor.evaluate, query, results_media_type=formats.results,
                                         graph_media_type=formats.graph, dataset=dataset, base_iri=base_iri)
