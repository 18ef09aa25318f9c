"""The query service (`iokg.sparql.service.QueryService`'s interface) over a remote store.

The same two doors and the same slots as the embedded service: client SPARQL (`sparql`), named
queries (`rows`) and the core's lookups (`slot`, `lookup`), each holding one of
``max_concurrent_queries`` slots waited for on the event loop. The store evaluates; the time
limit is the client's (`iokg.remote.client`), the row cap is applied as results stream in
(`iokg.remote.executor`). Work runs on the service's threads in the request's context, so every
query of one request reads the build pinned for it (`iokg.remote.store.PinBuild`).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pyoxigraph as ox

from iokg.errors import IokgError
from iokg.queries import NamedQuery, check_ids_exist, get_query
from iokg.remote.executor import RemoteExecutor, RemoteResult
from iokg.remote.store import RemoteStore
from iokg.sparql.dataset import Dataset
from iokg.sparql.executor import slots_busy_error
from iokg.sparql.negotiation import Formats
from iokg.sparql.worker import Rows

T = TypeVar("T")


class RemoteSlotStore:
    """The store interface (`iokg.store.Store`) for one holder of a slot: `select` and `rows`."""

    def __init__(self, store: RemoteStore):
        self._store = store

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


class RemoteQueryService:
    """The query service of a remote store: what `iokg.sparql.service.QueryService` offers."""

    def __init__(self, store: RemoteStore, *, query_timeout_ms: int, max_result_rows: int,
                 max_concurrent_queries: int):
        self.store = store
        self.executor = RemoteExecutor(store, max_result_rows=max_result_rows)
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

    async def __aenter__(self) -> RemoteQueryService:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def worker_pids(self) -> list[int]:
        """No worker processes: the store evaluates."""
        return []

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[RemoteSlotStore]:
        if self._free is None:
            raise RuntimeError("the query service is not open: the app's lifespan opens it")
        try:
            async with asyncio.timeout(self.query_timeout_ms / 1000):
                await self._free.acquire()
        except TimeoutError:
            raise slots_busy_error(self.slots, self.query_timeout_ms) from None
        try:
            yield RemoteSlotStore(self.store)
        finally:
            self._free.release()

    async def _in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        context = contextvars.copy_context()  # the request's pinned build goes with it
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, functools.partial(context.run, fn, *args, **kwargs))

    async def lookup(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        async with self.slot() as store:
            return await self._in_thread(fn, store, *args, **kwargs)

    async def sparql(self, query: str, *, formats: Formats, dataset: Dataset = Dataset(),
                     base_iri: str | None = None) -> RemoteResult:
        async with self.slot():
            return await self._in_thread(self.executor.evaluate, query, results_media_type=formats.results,
                                         graph_media_type=formats.graph, dataset=dataset, base_iri=base_iri)

    async def rows(self, name: str, values: Mapping[str, Any]) -> tuple[NamedQuery, Rows]:
        named = get_query(name)
        substitutions = named.bind(values)
        return named, await self.lookup(_named_rows, named, substitutions, self.max_result_rows)


def _named_rows(store: RemoteSlotStore, named: NamedQuery, substitutions: dict, cap: int) -> Rows:
    check_ids_exist(named, substitutions, store.select)
    try:
        return store.rows(named.text, substitutions, max_rows=cap)
    except IokgError as e:
        raise e.in_context(named.name) from None
