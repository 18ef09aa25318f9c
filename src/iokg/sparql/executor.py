"""Run SPARQL queries in worker processes that can be killed, with a time limit and a row cap.

pyoxigraph cannot time out or cancel a query, and a thread that gives up waiting keeps
computing. So every query runs in one of ``max_concurrent_queries`` worker processes (each
with the store open read-only); a query past ``query_timeout_ms`` has its worker killed and
replaced, and the caller gets `iokg.errors.QueryTimeout`. Further queries wait for a free
worker. The whole result is serialized in the worker before anything is returned, so the HTTP
layer never has to report an error after a 200.

>>> import tempfile, pathlib, pyoxigraph as ox
>>> path = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> store = ox.Store(str(path))
>>> store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
...                  ox.Literal("A"), ox.NamedNode("http://example.org/g")))
>>> del store
>>> with QueryExecutor(path, query_timeout_ms=5000, max_result_rows=100,
...                    max_concurrent_queries=1) as executor:
...     result = executor.run("SELECT ?o WHERE { ?s ?p ?o }",
...                           results_media_type="text/csv", graph_media_type=None)
...     rows = executor.select_rows("SELECT ?s ?o WHERE { ?s ?p ?o }",
...                                 {ox.Variable("o"): ox.Literal("A")})
>>> result.body, result.truncated
(b'o\\r\\nA\\r\\n', False)
>>> rows[0]["s"]
<NamedNode value=http://example.org/a>
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iokg import errors
from iokg.settings import Settings
from iokg.sparql import protocol
from iokg.sparql.dataset import Dataset
from iokg.sparql.limits import attach_limit
from iokg.sparql.screening import MAX_QUERY_DEPTH, screen
from iokg.sparql.worker import Job, RowsJob, Serialized, main

log = logging.getLogger(__name__)

#: How long a freshly started worker may take to import pyoxigraph and open the store.
WORKER_START_TIMEOUT_S = 60.0

_ERROR_CLASSES: dict[str, type[Exception]] = {
    cls.__name__: cls
    for cls in (
        errors.StoreNotFound,
        errors.InvalidQuery,
        errors.Forbidden,
        errors.QueryTimeout,
        protocol.NotAcceptable,
    )
}

QueryResult = Serialized
"""What `QueryExecutor.run` returns: ``body`` (bytes), ``media_type``, ``truncated``, ``kind``."""


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, store: Path):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=main, args=(child, str(store)), name="iokg-query-worker", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(WORKER_START_TIMEOUT_S):
            raise RuntimeError("a query worker did not start in time")
        message = self.conn.recv()
        if message[0] != "ready":
            raise RuntimeError(f"unexpected message from a starting query worker: {message!r}")
        self.ready = True

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        self.conn.close()  # the worker sees EOF and returns
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


class QueryExecutor:
    """A pool of query worker processes over one store path. Thread-safe.

    Start it (or use it as a context manager) before calling `run` or `select_rows`.
    """

    def __init__(
        self,
        store: Path,
        *,
        query_timeout_ms: int,
        max_result_rows: int,
        max_concurrent_queries: int,
        max_query_depth: int = MAX_QUERY_DEPTH,
    ):
        self.store = Path(store)
        self.max_query_depth = max_query_depth
        self.query_timeout_ms = query_timeout_ms
        self.max_result_rows = max_result_rows
        self.max_concurrent_queries = max_concurrent_queries
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryExecutor:
        return cls(
            settings.store,
            query_timeout_ms=settings.query_timeout_ms,
            max_result_rows=settings.max_result_rows,
            max_concurrent_queries=settings.max_concurrent_queries,
            max_query_depth=settings.max_query_depth,
        )

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> QueryExecutor:
        with self._lock:
            if not self._started:
                for _ in range(self.max_concurrent_queries):
                    self._add_worker()
                self._started = True
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
        self._idle.put(worker)

    # -- queries ---------------------------------------------------------------------------

    def run(
        self,
        query: str,
        *,
        results_media_type: str | None,
        graph_media_type: str | None,
        dataset: Dataset = Dataset(),
        base_iri: str | None = None,
    ) -> QueryResult:
        """Evaluate a read-only query and serialize its result with pyoxigraph.

        ``results_media_type`` is the format for SELECT/ASK results, ``graph_media_type`` the
        one for CONSTRUCT/DESCRIBE graphs (either may be None when the client accepts none).
        SELECT rows and CONSTRUCT/DESCRIBE triples past ``max_result_rows`` are cut and the
        result says ``truncated=True``. Relative IRIs in the query resolve against ``base_iri``
        (the endpoint's URL); the prefixes of `iokg.sparql.prefixes` are predeclared.

        Raises Forbidden (updates, SERVICE), InvalidQuery (syntax), NotAcceptable,
        QueryTimeout, StoreNotFound.
        """
        screened = screen(query, self.max_query_depth)
        wanted = (
            graph_media_type if screened.form and screened.form.gives_graph else results_media_type
        )
        if screened.form is not None and wanted is None:
            raise protocol.NotAcceptable(protocol.not_acceptable_message(screened.form))
        job = Job(
            query=query,
            dataset=dataset,
            union_default_graph=not screened.has_dataset_clause,
            results_media_type=results_media_type,
            graph_media_type=graph_media_type,
            max_rows=self.max_result_rows,
            base_iri=base_iri,
        )
        return self._submit(job)

    def select_rows(
        self,
        query: str,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        *,
        name: str = "query",
    ) -> list[dict[str, Any]]:
        """Run a trusted, named SELECT with parameters bound as RDF terms; return its rows.

        For internal callers (lookups, pages) whose query text comes from ``queries/*.rq``.
        Parameters are bound with pyoxigraph's ``substitutions`` (never pasted into the text);
        the default graph is the union of all graphs. Every bound variable must appear in the
        SELECT projection (``SELECT *`` is fine), as pyoxigraph requires. Each row maps
        variable names to pyoxigraph terms; unbound variables are left out. The time limit applies, the row cap
        does not. ``name`` only appears in error messages.

        Example (see the module docstring for a run)::

            executor.select_rows(
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                "SELECT ?e ?label WHERE { ?e skos:prefLabel ?label }",
                {ox.Variable("e"): ox.NamedNode("https://example.org/x")},
                name="entity-label",
            )  # -> [{"e": NamedNode(...), "label": Literal("...")}]
        """
        screen(query, self.max_query_depth)
        job = RowsJob(query=query, substitutions=dict(substitutions or {}))
        try:
            return self._submit(job)
        except errors.IokgError as e:
            named = type(e)(f"{name}: {e}")
            for attr in ("limit", "position", "expected"):
                if hasattr(e, attr):
                    setattr(named, attr, getattr(e, attr))
            raise named from None

    def _submit(self, job: Job | RowsJob) -> Any:
        if not self._started:
            raise RuntimeError("the query executor is not started")
        limit_s = self.query_timeout_ms / 1000
        try:
            worker = self._idle.get(timeout=limit_s)
        except queue.Empty:
            raise attach_limit(
                errors.QueryTimeout(
                    f"all {self.max_concurrent_queries} query slots stayed busy for "
                    f"{self.query_timeout_ms} ms (IOKG_MAX_CONCURRENT_QUERIES); try again later"
                ),
                "IOKG_MAX_CONCURRENT_QUERIES",
                self.max_concurrent_queries,
            ) from None
        healthy = False
        try:
            worker.wait_ready()
            started = time.monotonic()
            try:
                worker.conn.send(job)
                answered = worker.conn.poll(limit_s)
            except (EOFError, OSError):
                raise _worker_lost(worker) from None
            if not answered:
                log.warning(
                    "query stopped after %d ms: killing worker %s",
                    self.query_timeout_ms,
                    worker.pid,
                )
                raise attach_limit(
                    errors.QueryTimeout(
                        f"query stopped after its time limit of {self.query_timeout_ms} ms "
                        "(IOKG_QUERY_TIMEOUT_MS)"
                    ),
                    "IOKG_QUERY_TIMEOUT_MS",
                    self.query_timeout_ms,
                )
            try:
                reply = worker.conn.recv()
            except (EOFError, OSError):
                raise _worker_lost(worker) from None
            healthy = True
            log.debug("query answered in %.1f ms", (time.monotonic() - started) * 1000)
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)
        if reply[0] == "ok":
            return reply[1]
        _, class_name, message, details = reply
        error = _ERROR_CLASSES.get(class_name, RuntimeError)(message)
        for name, value in details.items():
            setattr(error, name, value)
        raise error

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that timed out or failed, and start another in its place."""
        worker.kill()
        with self._lock:
            if worker not in self._workers:
                return  # closed meanwhile
            self._workers.discard(worker)
            if self._started:
                self._add_worker()


def _worker_lost(worker: _Worker) -> errors.ResourceLimit:
    """The error of a query whose worker process died under it (killed from outside, e.g. by the
    kernel when memory ran out); the pool replaces the worker, so the client may try again."""
    worker.process.join(timeout=1)
    code = worker.process.exitcode
    how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited (code {code})"
    log.warning("query worker %s %s while evaluating a query", worker.pid, how)
    return errors.ResourceLimit(
        f"the query worker evaluating this query {how} (for instance when memory ran out); "
        "a new worker has taken its place: try again, or ask for less"
    )
