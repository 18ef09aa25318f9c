"""The pool of query worker processes that can be killed: the time limit of every query.

pyoxigraph cannot time out or cancel a query, and a thread that gives up waiting keeps
computing. So every query the server runs (a client's SPARQL, a named query, a lookup's named
queries; only a single-pattern SELECT small enough, `iokg.sparql.bounded`, is answered without)
runs in one of ``max_concurrent_queries`` worker processes (each with the store open
read-only, `iokg.sparql.worker`); a job past its time limit has its worker killed and replaced,
and the caller gets `iokg.errors.QueryTimeout`. This module is the pool only: what is run, and
waiting for a free worker without holding a thread, is `iokg.sparql.service`.

>>> import tempfile, pathlib, pyoxigraph as ox
>>> from iokg.sparql.worker import RowsJob, SparqlJob
>>> path = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> store = ox.Store(str(path))
>>> store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
...                  ox.Literal("A"), ox.NamedNode("http://example.org/g")))
>>> del store
>>> with QueryExecutor(path, query_timeout_ms=5000, max_concurrent_queries=1) as executor:
...     result = executor.submit(SparqlJob("SELECT ?o WHERE { ?s ?p ?o }", "text/csv", max_rows=100))
...     rows = executor.submit(RowsJob("SELECT ?s ?o WHERE { ?s ?p ?o }", {ox.Variable("o"): ox.Literal("A")}))
...     executor.submit(RowsJob("SELECT ?s WHERE { ?s ?p"))
Traceback (most recent call last):
...
iokg.errors.InvalidQuery: SPARQL syntax error at line 1, column 24: ...
>>> result.body, result.truncated
(b'o\\r\\nA\\r\\n', False)
>>> rows.rows[0]["s"]
<NamedNode value=http://example.org/a>
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import socket
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from iokg import errors
from iokg.errors import Limit
from iokg.settings import Settings
from iokg.sparql.channel import Channel
from iokg.sparql.worker import RowsJob, SparqlJob, main

log = logging.getLogger(__name__)

#: How long a freshly started worker may take to import pyoxigraph and open the store.
WORKER_START_TIMEOUT_S = 60.0
#: How often a query on the event loop looks for an idle worker when none is (a replacement starting).
IDLE_POLL_S = 0.005


class _Worker:
    """One worker process and the parent's end of its socket pair (`iokg.sparql.channel`)."""

    def __init__(self, ctx: Any, store: Path):
        ours, theirs = socket.socketpair()
        self.process = ctx.Process(
            target=main, args=(theirs, str(store)), name="iokg-query-worker", daemon=True
        )
        self.process.start()
        theirs.close()
        self.channel = Channel(ours)
        self.ready = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def _check_ready(self, message: Any) -> None:
        if not (isinstance(message, tuple) and message[:1] == ("ready",)):
            raise errors.QueryWorkerFailed(f"unexpected message from a starting query worker: {message!r}")
        self.ready = True

    def wait_ready(self) -> None:
        if self.ready:
            return
        try:
            message = self.channel.recv(time.monotonic() + WORKER_START_TIMEOUT_S)
        except TimeoutError:
            raise errors.QueryWorkerFailed("a query worker did not start in time") from None
        except (EOFError, OSError) as e:
            raise errors.QueryWorkerFailed(f"a query worker exited as it started: {e!r}") from None
        self._check_ready(message)

    async def wait_ready_async(self) -> None:
        if self.ready:
            return
        try:
            message = await self.channel.recv_async(time.monotonic() + WORKER_START_TIMEOUT_S)
        except TimeoutError:
            raise errors.QueryWorkerFailed("a query worker did not start in time") from None
        except (EOFError, OSError) as e:
            raise errors.QueryWorkerFailed(f"a query worker exited as it started: {e!r}") from None
        self._check_ready(message)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.channel.close()

    def stop(self) -> None:
        self.channel.close()  # the worker sees EOF and returns
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


class _IdleWorkers:
    """The idle workers, the one used last handed out first: at low concurrency one worker answers
    everything, with its caches warm (a queue would rotate through all of them, each cold). Workers
    that just started go to the other end. Thread-safe."""

    def __init__(self) -> None:
        self._workers: deque[_Worker] = deque()
        self._changed = threading.Condition()

    def put(self, worker: _Worker, *, cold: bool = False) -> None:
        with self._changed:
            if cold:
                self._workers.appendleft(worker)
            else:
                self._workers.append(worker)
            self._changed.notify()

    def get_nowait(self) -> _Worker | None:
        with self._changed:
            return self._workers.pop() if self._workers else None

    def get(self, timeout: float) -> _Worker | None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._workers, timeout):
                return None
            return self._workers.pop()


def timeout_error(limit_ms: int) -> errors.QueryTimeout:
    return errors.QueryTimeout(f"query stopped after its time limit of {limit_ms} ms (IOKG_QUERY_TIMEOUT_MS)",
                               limit=Limit("IOKG_QUERY_TIMEOUT_MS", limit_ms))


def slots_busy_error(slots: int, waited_ms: int) -> errors.QueryTimeout:
    return errors.QueryTimeout(f"all {slots} query slots stayed busy for {waited_ms} ms "
                               "(IOKG_MAX_CONCURRENT_QUERIES); try again later",
                               limit=Limit("IOKG_MAX_CONCURRENT_QUERIES", slots))


class QueryExecutor:
    """A pool of query worker processes over one store path. Thread-safe.

    Start it (or use it as a context manager) before calling `submit`.
    """

    def __init__(self, store: Path, *, query_timeout_ms: int, max_concurrent_queries: int):
        self.store = Path(store)
        self.query_timeout_ms = query_timeout_ms
        self.max_concurrent_queries = max_concurrent_queries
        self._ctx = multiprocessing.get_context("spawn")
        self._idle = _IdleWorkers()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryExecutor:
        return cls(settings.store, query_timeout_ms=settings.query_timeout_ms,
                   max_concurrent_queries=settings.max_concurrent_queries)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, *, wait: bool = False) -> QueryExecutor:
        """Start the workers; with ``wait``, return once every one has opened the store (so the
        first queries do not wait for a process to start)."""
        with self._lock:
            if not self._started:
                for _ in range(self.max_concurrent_queries):
                    self._add_worker()
                self._started = True
            workers = list(self._workers)
        if wait:
            for worker in workers:
                worker.wait_ready()
        return self

    def close(self) -> None:
        with self._lock:
            workers, self._workers = list(self._workers), set()
            self._started = False
        for worker in workers:
            worker.stop()

    def __enter__(self) -> QueryExecutor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (for health checks and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._workers if w.pid is not None)

    def _add_worker(self) -> None:
        worker = _Worker(self._ctx, self.store)
        self._workers.add(worker)
        self._idle.put(worker, cold=True)

    # -- jobs ------------------------------------------------------------------------------

    def submit(self, job: SparqlJob | RowsJob, *, timeout_ms: int | None = None) -> Any:
        """Run ``job`` in a free worker and return its payload (`Serialized` or `Rows`), or raise
        the `iokg.errors` error the worker raised. Past ``timeout_ms`` (default: the query time
        limit) the worker is killed and `QueryTimeout` raised. Waits on the calling thread.

        Blocks while every worker is busy: callers in the server hold a slot of
        `iokg.sparql.service.QueryService` first, so a worker is always free when they get here.
        """
        worker = self._take_idle()
        healthy = False
        try:
            worker.wait_ready()
            deadline = time.monotonic() + self._limit_ms(timeout_ms) / 1000
            try:
                worker.channel.send(job, deadline)
                reply = worker.channel.recv(deadline)
            except TimeoutError:
                raise self._stopped(worker, timeout_ms) from None
            except (EOFError, OSError):
                raise _worker_lost(worker) from None
            healthy = True
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)
        return _payload(reply)

    async def submit_async(self, job: SparqlJob | RowsJob, *, timeout_ms: int | None = None) -> Any:
        """`submit` on the running event loop: the job is written to its worker's socket and the
        reply awaited on the loop (no thread waits for it). A worker past the limit, or lost, is
        killed at once; its replacement starts on a thread of the loop's."""
        worker = self._idle_now()
        if worker is None:  # only while a replacement is being started
            worker = await self._wait_idle()
        try:
            await worker.wait_ready_async()
            deadline = time.monotonic() + self._limit_ms(timeout_ms) / 1000
            try:
                await worker.channel.send_async(job, deadline)
                reply = await worker.channel.recv_async(deadline)
            except TimeoutError:
                raise self._stopped(worker, timeout_ms) from None
            except (EOFError, OSError):
                raise await asyncio.to_thread(_worker_lost, worker) from None
        except asyncio.CancelledError:  # the request went away with a job running: the worker goes too
            worker.process.kill()
            asyncio.get_running_loop().run_in_executor(None, self._replace, worker)
            raise
        except BaseException:
            worker.process.kill()
            await asyncio.get_running_loop().run_in_executor(None, self._replace, worker)
            raise
        self._idle.put(worker)
        return _payload(reply)

    def _limit_ms(self, timeout_ms: int | None) -> int:
        return max(self.query_timeout_ms if timeout_ms is None else timeout_ms, 0)

    def _stopped(self, worker: _Worker, timeout_ms: int | None) -> errors.QueryTimeout:
        log.warning("query stopped after %d ms: killing worker %s", self._limit_ms(timeout_ms), worker.pid)
        worker.process.kill()  # at once: its replacement is started after
        return timeout_error(self.query_timeout_ms)

    def _idle_now(self) -> _Worker | None:
        if not self._started:
            raise RuntimeError("the query executor is not started")
        return self._idle.get_nowait()

    async def _wait_idle(self) -> _Worker:
        """A worker as soon as one is idle, looked for every few milliseconds on the loop (no thread
        that a cancelled request could leave holding a worker), up to the time limit."""
        deadline = time.monotonic() + self.query_timeout_ms / 1000
        while (worker := self._idle_now()) is None:
            if time.monotonic() >= deadline:
                raise slots_busy_error(self.max_concurrent_queries, self.query_timeout_ms)
            await asyncio.sleep(IDLE_POLL_S)
        return worker

    def _take_idle(self) -> _Worker:
        if not self._started:
            raise RuntimeError("the query executor is not started")
        worker = self._idle.get(timeout=self.query_timeout_ms / 1000)
        if worker is None:
            raise slots_busy_error(self.max_concurrent_queries, self.query_timeout_ms)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that timed out or failed, and start another in its place."""
        worker.kill()
        with self._lock:
            if worker not in self._workers:
                return  # closed meanwhile
            self._workers.discard(worker)
            if self._started:
                self._add_worker()


def _payload(reply: tuple[str, Any]) -> Any:
    if reply[0] == "ok":
        return reply[1]
    raise reply[1]


def _worker_lost(worker: _Worker) -> errors.ResourceLimit:
    """The error of a query whose worker process died under it (killed from outside, e.g. by the
    kernel when memory ran out): 503, since the pool replaces the worker and the client may try again."""
    worker.process.join(timeout=1)
    code = worker.process.exitcode
    how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited (code {code})"
    log.warning("query worker %s %s while evaluating a query", worker.pid, how)
    return errors.ResourceLimit(
        f"the query worker evaluating this query {how} (for instance when memory ran out); "
        "a new worker has taken its place: try again, or ask for less"
    )
