"""The code that runs inside a query worker process (see `iokg.sparql.executor`).

A worker opens the store read-only, then answers jobs from its socket one at a time. Each job is
evaluated, serialized or read to its end, and its iterator dropped, in one call on the worker's
main thread (pyoxigraph result iterators must not cross threads). The row cap is applied here,
while the result is read; the parent kills the whole process when a job runs past its time
limit: that is the only way to stop pyoxigraph.

Messages (all picklable), framed over the worker's end of a socket pair (`iokg.sparql.channel`):

- parent → worker: a `SparqlJob` (a client's query, to serialize in one format) or a `RowsJob`
  (a named query with bound parameters, whose rows come back as terms);
- worker → parent: ``("ready", pid)`` once at start, then per job ``("ok", payload)`` (a
  `Serialized` or `Rows`) or ``("error", error)``: the `iokg.errors` error itself, pickled with
  its attributes (``limit``, ``position``, ``expected``), never rebuilt from a class name.

Every query is parsed with the predeclared prefixes of `iokg.sparql.prefixes`; a `SparqlJob` may
give the base IRI its relative IRIs resolve against (the endpoint's URL).
"""

from __future__ import annotations

import os
import pickle
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iokg import errors
from iokg.sparql.channel import recv_message, send_message
from iokg.sparql.dataset import Dataset
from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.syntax import syntax_error
from iokg.store import open_read_only, resolve_store


@dataclass(frozen=True)
class SparqlJob:
    """Evaluate a client's ``query`` and serialize its result in the one format ``media_type``
    names (negotiated before: a results format for SELECT/ASK, a graph format for CONSTRUCT and
    DESCRIBE), cut after ``max_rows`` rows or triples. Relative IRIs in the query resolve against
    ``base_iri`` (None: they are errors)."""

    query: str
    media_type: str
    max_rows: int
    dataset: Dataset = Dataset()
    union_default_graph: bool = True
    base_iri: str | None = None


@dataclass(frozen=True)
class RowsJob:
    """Evaluate a SELECT over the union of all graphs with bound parameters; its rows as terms,
    at most ``max_rows`` of them (None: all)."""

    query: str
    substitutions: dict[ox.Variable, Any] = field(default_factory=dict)
    max_rows: int | None = None


@dataclass(frozen=True)
class Serialized:
    """A serialized result: its bytes, their media type, and whether the row cap cut it."""

    body: bytes
    media_type: str
    truncated: bool
    kind: str  # "results" (SELECT), "boolean" (ASK) or "graph" (CONSTRUCT, DESCRIBE)


@dataclass(frozen=True)
class Rows:
    """The rows of a SELECT: ``columns`` (its variables, in order), ``rows`` (dicts of variable
    name to pyoxigraph term, unbound variables left out) and whether the row cap cut them."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False


class _Enough(Exception):
    """Raised from inside the serializer to stop evaluation once the cap is passed."""


class _LineCap:
    """A write target that keeps the first ``max_lines`` + 1 lines, then stops the serializer.

    TSV results and N-Triples hold one row or triple per line (line breaks in literals are
    escaped), so counting lines counts rows without parsing anything.
    """

    def __init__(self, max_lines: int):
        self.max_lines = max_lines
        self.chunks: list[bytes] = []
        self.lines = 0
        self.cut = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.max_lines:
            self.cut = True
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        data = b"".join(self.chunks)
        if self.cut:
            end = -1
            for _ in range(self.max_lines):
                end = data.index(b"\n", end + 1)
            data = data[: end + 1]
        return data


class StoreHandle:
    """The open store of one worker, reopened when the store link points at a new build.

    Which build the link points at is learned per job from one ``stat`` of the link (the device
    and inode of the directory it leads to), not by resolving the path component by component."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.opened: Path | None = None
        self.store: ox.Store | None = None
        self._identity: tuple[int, int] | None = None

    def get(self) -> ox.Store:
        try:
            found = os.stat(self.path)
            identity = (found.st_dev, found.st_ino)
        except OSError:
            identity = None  # resolve_store below says what is missing
        if self.store is None or identity is None or identity != self._identity:
            self.store = None  # drop the old build first
            current = resolve_store(self.path)
            self.store = open_read_only(current)
            self.opened, self._identity = current, identity
        return self.store


def run_job(store: ox.Store, job: SparqlJob) -> Serialized:
    """Evaluate and serialize one client query on the calling thread."""
    kwargs: dict[str, Any] = {}
    if job.dataset.is_given:
        kwargs["default_graph"] = [ox.NamedNode(u) for u in job.dataset.default_graph_uris]
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in job.dataset.named_graph_uris]
    elif job.union_default_graph:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(job.query, base_iri=job.base_iri, prefixes=PREDECLARED, **kwargs)
    except SyntaxError as e:
        raise syntax_error(job.query, e) from None
    except ValueError as e:  # e.g. an invalid IRI in default-graph-uri
        raise errors.InvalidQuery(str(e)) from None

    if isinstance(result, ox.QueryBoolean):
        fmt = _results_format(job.media_type)
        return Serialized(result.serialize(format=fmt), fmt.media_type, False, "boolean")

    if isinstance(result, ox.QuerySolutions):
        fmt = _results_format(job.media_type)
        body, truncated = _capped(result, ox.QueryResultsFormat.TSV, job.max_rows)
        del result
        if fmt != ox.QueryResultsFormat.TSV:
            body = ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(format=fmt)
        if truncated and fmt == ox.QueryResultsFormat.JSON:
            body = _flag_json(body)
        return Serialized(body, fmt.media_type, truncated, "results")

    fmt = _graph_format(job.media_type)
    body, truncated = _capped(result, ox.RdfFormat.N_TRIPLES, job.max_rows)
    del result
    if fmt != ox.RdfFormat.N_TRIPLES:
        body = ox.serialize(ox.parse(body, ox.RdfFormat.N_TRIPLES), format=fmt)
    return Serialized(body, fmt.media_type, truncated, "graph")


def run_rows(store: ox.Store, job: RowsJob) -> Rows:
    """Evaluate a parameterized SELECT over the union of all graphs; its rows as dicts of terms."""
    try:
        result = store.query(
            job.query,
            use_default_graph_as_union=True,
            substitutions=job.substitutions or None,
            prefixes=PREDECLARED,
        )
    except SyntaxError as e:
        raise syntax_error(job.query, e) from None
    except (RuntimeError, ValueError) as e:  # e.g. a substituted variable missing from the projection
        raise errors.InvalidQuery(str(e)) from None
    if not isinstance(result, ox.QuerySolutions):
        raise errors.InvalidQuery("only SELECT queries return rows")
    return read_rows(result, job.max_rows)


def read_rows(result: ox.QuerySolutions, max_rows: int | None = None) -> Rows:
    """Read ``result`` (on the thread that made it) into `Rows`, stopping after ``max_rows``."""
    names = [v.value for v in result.variables]
    rows = []
    truncated = False
    for solution in result:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term
        rows.append(row)
    return Rows(names, rows, truncated)


def _capped(result: Any, fmt: Any, max_rows: int) -> tuple[bytes, bool]:
    """Serialize ``result`` line by line, keeping the header (TSV only) and ``max_rows`` rows."""
    header = 1 if isinstance(fmt, ox.QueryResultsFormat) else 0
    sink = _LineCap(max_rows + header)
    try:
        result.serialize(sink, format=fmt)
    except _Enough:
        pass
    return sink.value(), sink.cut


def _flag_json(body: bytes) -> bytes:
    """Add ``"truncated": true`` to a SPARQL JSON result (clients ignore unknown keys)."""
    assert body.startswith(b"{")
    return b'{"truncated":true,' + body[1:]


def _results_format(media_type: str) -> ox.QueryResultsFormat:
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise errors.NotAcceptable(f"{media_type} cannot carry SELECT or ASK results")
    return fmt


def _graph_format(media_type: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise errors.NotAcceptable(f"{media_type} cannot carry a CONSTRUCT or DESCRIBE graph")
    return fmt

#: How often a worker checks that the server that started it is still alive.
PARENT_CHECK_INTERVAL_S = 1.0


def _exit_with_parent() -> None:
    """Exit as soon as the parent is gone, even in the middle of a query.

    A worker otherwise notices only when it next reads its socket, and a runaway query of a
    killed server would burn a core until it ends. Evaluation releases the GIL, so this
    thread gets to run.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_INTERVAL_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="iokg-parent-watch", daemon=True).start()


def main(sock: Any, store_path: str) -> None:
    """Worker process entry point: answer jobs from ``sock`` (a socket) until it closes."""
    _exit_with_parent()
    handle = StoreHandle(Path(store_path))
    try:
        handle.get()  # warm up; a missing store is reported per query
    except Exception:
        pass
    send_message(sock, ("ready", os.getpid()))
    while True:
        try:
            job = recv_message(sock)
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            store = handle.get()
            payload: Any = run_rows(store, job) if isinstance(job, RowsJob) else run_job(store, job)
            reply: tuple[Any, ...] = ("ok", payload)
        except errors.IokgError as e:
            reply = ("error", e)
        except OSError as e:
            reply = ("error", errors.StoreNotFound(f"the store could not be read: {e}"))
        except Exception as e:  # an engine bug must not kill the worker silently
            reply = ("error", errors.QueryWorkerFailed(f"{type(e).__name__}: {e}"))
        try:
            send_message(sock, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as e:  # an error that does not pickle
            send_message(sock, ("error", errors.QueryWorkerFailed(f"{reply[1]!s} ({type(e).__name__})")))
        except (BrokenPipeError, OSError):
            return
