"""One query service with two doors, over the pool of query workers (`iokg.sparql.executor`).

- **Client SPARQL** (`QueryService.sparql`): the client's text is screened (no updates, no
  ``SERVICE``, `iokg.sparql.screening`), one format is negotiated for its query form
  (`iokg.sparql.negotiation.one_format`), it runs in a worker, and the serialized bytes come back
  (`Serialized`), cut at the row cap. A single-triple-pattern SELECT, whose cost is bounded by
  its answer, is answered in this process first when it fits (`iokg.sparql.bounded`).
- **Named queries** (`QueryService.rows`): typed parameters in (each checked and bound as an RDF
  term, `iokg.queries.NamedQuery.bind`; an id that names nothing is `EntityNotFound`), typed rows
  out (`Rows`: the columns and rows of terms), cut at the row cap.

The core's lookups (`iokg.provenance`, `iokg.browse`, `iokg.releases.lookups`) take the small
store interface `iokg.store.Store`; in the server that is a `PooledStore` (`QueryService.slot`,
`QueryService.lookup`), whose named queries run in the same workers, with the time limit of a
query counted once for the whole lookup.

Every door first holds one of ``max_concurrent_queries`` slots, as many as there are workers. A
request waits for a slot on the event loop (an `asyncio.Semaphore`), never on a thread, so waiting
requests cannot starve the thread pool; a request that waits longer than the time limit gets
`QueryTimeout` (``IOKG_MAX_CONCURRENT_QUERIES``). A client's SPARQL then needs no thread either:
its job is written to the worker's socket and the reply awaited on the event loop
(`QueryExecutor.submit_async`). A lookup holding a slot runs on one of the service's threads (one
per slot), since the core's lookups are plain functions; its named queries wait on the worker's
socket from there.

Limits are applied inside the pool: the worker cuts the result at the row cap while reading it,
and the executor kills a worker at the time limit.

>>> import asyncio, tempfile, pathlib, pyoxigraph as ox
>>> path = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> db = ox.Store(str(path))
>>> db.add(ox.Quad(ox.NamedNode("https://w3id.org/iokg/id/entity/a"), ox.NamedNode("http://example.org/p"),
...                ox.Literal("A"), ox.NamedNode("http://example.org/g")))
>>> del db
>>> async def ask(service):
...     async with service:
...         csv = await service.sparql("SELECT ?o { ?s ?p ?o }", formats=Formats("text/csv", None))
...         found = await service.lookup(lambda store: store.select("SELECT ?s { ?s ?p 'A' }"))
...         return csv.body, found[0]["s"].value
>>> service = QueryService(path, query_timeout_ms=5000, max_result_rows=10, max_concurrent_queries=1)
>>> with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs on this thread
...     thread.submit(asyncio.run, ask(service)).result()
(b'o\\r\\nA\\r\\n', 'https://w3id.org/iokg/id/entity/a')
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import time
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import Store

from iokg.errors import IokgError
from iokg.materialized import MaterializedRows
from iokg.materialized.filings import answer
from iokg.queries import NamedQuery, check_ids_exist, get_query
from iokg.settings import Settings
from iokg.sparql import bounded
from iokg.sparql.dataset import Dataset
from iokg.sparql.executor import QueryExecutor, slots_busy_error, timeout_error
from iokg.sparql.negotiation import Formats, one_format
from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.screening import MAX_QUERY_DEPTH, screen_cached
from iokg.sparql.worker import Rows, RowsJob, Serialized, SparqlJob, StoreHandle

T = TypeVar("T")

__all__ = ["PooledStore", "QueryService", "Rows", "Serialized"]


class PooledStore:
    """The store interface (`iokg.store.Store`) over the worker pool, for one holder of a slot.

    Each `select` runs in a worker; together they may take the query time limit, counted from
    when the slot was given. The same query with the same parameters is run once per holder (an
    entity page asks for the entity's head in the entity lookup and again for its attribution).
    """

    def __init__(self, executor: QueryExecutor, deadline: float, materialized: MaterializedRows | None = None):
        self._executor = executor
        self._deadline = deadline
        self.materialized = materialized  # the build's precomputed rows (`iokg.materialized`), read here
        self._answers: dict[tuple, Rows] = {}

    def rows(self, text: str, substitutions: Mapping[Any, Any] | None = None, *,
             max_rows: int | None = None) -> Rows:
        """`Rows` of a SELECT with bound parameters, cut after ``max_rows`` (None: all)."""
        substitutions = dict(substitutions or {})
        key = (text, max_rows, tuple(sorted((v.value, str(t)) for v, t in substitutions.items())))
        answer = self._answers.get(key)
        if answer is None:
            left_ms = int((self._deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                raise timeout_error(self._executor.query_timeout_ms)
            answer = self._executor.submit(RowsJob(text, substitutions, max_rows), timeout_ms=left_ms)
            self._answers[key] = answer
        return answer

    def select(self, text: str, substitutions: Mapping[Any, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of variable name to pyoxigraph term (unbound left out)."""
        return list(self.rows(text, substitutions).rows)


class QueryService:
    """The query service of one store: the SPARQL door, the named-query door and the lookups'
    store, all in the same pool of workers. Open it (``async with``, or `open` and `close`) on the
    event loop that will use it."""

    #: The materialized rows are a local SQLite file: the named-query door reads them on the event
    #: loop, with no slot (a remote store's are network reads, made in a slot on a thread).
    materialized_on_loop = True

    def __init__(self, store: Path, *, query_timeout_ms: int, max_result_rows: int,
                 max_concurrent_queries: int, max_query_depth: int = MAX_QUERY_DEPTH):
        self.executor = QueryExecutor(store, query_timeout_ms=query_timeout_ms,
                                      max_concurrent_queries=max_concurrent_queries)
        self.materialized = MaterializedRows(store)
        self.own_store = StoreHandle(store)  # the server's read-only handle, for bounded queries
        self.query_timeout_ms = query_timeout_ms
        self.max_result_rows = max_result_rows
        self.max_query_depth = max_query_depth
        self.slots = max_concurrent_queries
        self._free: asyncio.Semaphore | None = None
        self._threads: ThreadPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryService:
        return cls(settings.store, query_timeout_ms=settings.query_timeout_ms,
                   max_result_rows=settings.max_result_rows,
                   max_concurrent_queries=settings.max_concurrent_queries,
                   max_query_depth=settings.max_query_depth)

    # -- lifecycle -------------------------------------------------------------------------

    async def open(self) -> QueryService:
        """Start the workers and wait until they have opened the store; the slots belong to the
        running event loop."""
        self._threads = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="iokg-query")
        self._free = asyncio.Semaphore(self.slots)
        await self._in_thread(self.executor.start, wait=True)
        return self

    async def close(self) -> None:
        if self._threads is not None:
            # on a thread of its own: the pool's may all be waiting on busy workers, which this stops
            await asyncio.to_thread(self.executor.close)
            self._threads.shutdown(wait=False)
            self._threads = None
        self._free = None

    async def __aenter__(self) -> QueryService:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def worker_pids(self) -> list[int]:
        return self.executor.worker_pids()

    # -- slots -----------------------------------------------------------------------------

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[PooledStore]:
        """Wait, on the event loop, for a free worker; hold it for the block. The store given runs
        named queries in the pool, within the time limit from now."""
        free = await self._acquire_slot()
        try:
            yield self._slot_store(time.monotonic() + self.query_timeout_ms / 1000)
        finally:
            free.release()

    async def _acquire_slot(self) -> asyncio.Semaphore:
        """Take a slot (release it on the semaphore returned): at once when one is free, else
        waiting up to the time limit."""
        free = self._free
        if free is None:
            raise RuntimeError("the query service is not open: the app's lifespan opens it (uvicorn runs it; "
                               "in tests, enter Starlette's TestClient as a context manager)")
        if not free.locked():  # a free slot, no one waiting before us: no timer to set
            await free.acquire()
            return free
        try:
            async with asyncio.timeout(self.query_timeout_ms / 1000):
                await free.acquire()
        except TimeoutError:
            raise slots_busy_error(self.slots, self.query_timeout_ms) from None
        return free

    def _slot_store(self, deadline: float) -> PooledStore:
        """The store a slot's holder reads (a remote service gives its own)."""
        return PooledStore(self.executor, deadline, self.materialized)

    async def _in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn`` on one of the service's threads, in the caller's context (a request's contextvars,
        such as the build a remote store pinned for it, go with it)."""
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, functools.partial(context.run, fn, *args, **kwargs))

    async def lookup(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(store, *args, **kwargs)``, a core lookup, with a slot's `PooledStore`, on a thread."""
        async with self.slot() as store:
            return await self._in_thread(fn, store, *args, **kwargs)

    # -- the two doors ---------------------------------------------------------------------

    async def sparql(self, query: str, *, formats: Formats, dataset: Dataset = Dataset(),
                     base_iri: str | None = None) -> Serialized:
        """A client's query: screened, answered in the one format of ``formats`` its form takes,
        serialized by pyoxigraph in a worker, cut at the row cap (``truncated`` says so).

        Raises Forbidden (updates, SERVICE), NotAcceptable, InvalidQuery (syntax), QueryTimeout,
        StoreNotFound."""
        screened = screen_cached(query, self.max_query_depth)
        job = SparqlJob(query, one_format(formats, screened.form), self.max_result_rows, dataset,
                        union_default_graph=not screened.has_dataset_clause, base_iri=base_iri)
        pattern = bounded.single_pattern(query)
        if pattern is not None and (found := bounded.answer(self.own_store, job, pattern)) is not None:
            return found  # a single triple pattern: its cost is bounded, no worker needed
        free = await self._acquire_slot()
        try:  # on the event loop: the job goes to the worker's socket, its reply is awaited there
            return await self.executor.submit_async(job)
        finally:
            free.release()

    async def rows(self, name: str, values: Mapping[str, Any]) -> tuple[NamedQuery, Rows]:
        """The named query ``name`` with ``values`` (text as sent, or typed: `iokg.dates.AsOf`,
        dates, numbers) bound as RDF terms; its rows cut at the row cap. An unknown name or an id
        parameter naming nothing is `EntityNotFound`, a bad value `InvalidQuery`."""
        named = get_query(name)
        substitutions = named.bind(values)
        found = self._local_materialized(named, substitutions)
        if found is not None:
            return named, found
        return named, await self.lookup(_named_rows, named, substitutions, self.max_result_rows)

    def materialized_rows(self, name: str, values: Mapping[str, Any]) -> tuple[NamedQuery, Rows] | None:
        """`rows` when the build's materialized rows hold the answer and reading them is a local
        point read (`iokg.materialized`; a remote store's are read in a slot): on the calling
        thread, no slot, no worker. None when they do not; the same errors as `rows`."""
        named = get_query(name)
        found = self._local_materialized(named, named.bind(values))
        return (named, found) if found is not None else None

    def _local_materialized(self, named: NamedQuery, substitutions: dict) -> Rows | None:
        if not self.materialized_on_loop:
            return None
        return _materialized_rows(self.materialized, named, substitutions, self.max_result_rows)


class _NotMaterialized(Exception):
    """An existence check the materialized rows do not hold."""


def _not_materialized(*_: object) -> list:
    raise _NotMaterialized


def _materialized_rows(materialized, named: NamedQuery, substitutions: dict, cap: int) -> Rows | None:
    """The named query's rows from the build's materialized rows, its ids checked there too, cut
    at the row cap; None when they do not hold them (then the query runs in a worker)."""
    found = answer(materialized, named.name, substitutions)
    if found is None:
        return None
    try:
        check_ids_exist(named, substitutions, _not_materialized, materialized)
    except _NotMaterialized:
        return None
    return Rows(_columns(named.text), found[:cap], len(found) > cap)


@functools.lru_cache(maxsize=64)
def _columns(text: str) -> list[str]:
    """A query's projection, in order (evaluated over an empty store: no data, instant)."""
    return [v.value for v in Store().query(text, prefixes=PREDECLARED).variables]


def _named_rows(store: PooledStore, named: NamedQuery, substitutions: dict, cap: int) -> Rows:
    found = _materialized_rows(getattr(store, "materialized", None), named, substitutions, cap)
    if found is not None:
        return found
    check_ids_exist(named, substitutions, store.select, getattr(store, "materialized", None))
    try:
        return store.rows(named.text, substitutions, max_rows=cap)
    except IokgError as e:
        raise e.in_context(named.name) from None
