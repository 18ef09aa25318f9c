"""The code that runs inside a query worker process (see `iokg.sparql.executor`).

A worker opens the store read-only, then answers requests from its pipe one at a time. Each
request is evaluated, serialized and its iterator dropped in one call on the worker's main
thread (pyoxigraph result iterators must not cross threads). The parent kills the whole process
when a query runs past its time limit: that is the only way to stop pyoxigraph.

Messages (all picklable):

- parent → worker: a `Job` or a `RowsJob`;
- worker → parent: ``("ready", pid)`` once at start, then per job ``("ok", payload)`` or
  ``("error", error_class_name, message, details)``, where ``details`` holds the error's
  ``position`` and ``expected`` (syntax errors, see `iokg.sparql.syntax`) when it has them.

Every query is parsed with the predeclared prefixes of `iokg.sparql.prefixes`; a `Job` may give
the base IRI its relative IRIs resolve against (the endpoint's URL).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iokg import errors
from iokg.sparql.dataset import Dataset
from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.protocol import NotAcceptable
from iokg.sparql.syntax import syntax_error
from iokg.store import open_read_only, resolve_store


@dataclass(frozen=True)
class Job:
    """Evaluate ``query`` and serialize the result in the format whose media type is given
    (``results_media_type`` for SELECT/ASK, ``graph_media_type`` for CONSTRUCT/DESCRIBE),
    cutting it after ``max_rows`` rows (SELECT) or triples (CONSTRUCT/DESCRIBE). Relative IRIs
    in the query resolve against ``base_iri`` (None: they are errors)."""

    query: str
    dataset: Dataset
    union_default_graph: bool
    results_media_type: str | None
    graph_media_type: str | None
    max_rows: int
    base_iri: str | None = None


@dataclass(frozen=True)
class RowsJob:
    """Evaluate a SELECT with bound parameters and return its rows as dicts of terms."""

    query: str
    substitutions: dict[ox.Variable, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Serialized:
    """A serialized result: its bytes, their media type, and whether the row cap cut it."""

    body: bytes
    media_type: str
    truncated: bool
    kind: str  # "results" (SELECT), "boolean" (ASK) or "graph" (CONSTRUCT, DESCRIBE)


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
    """The open store of one worker, reopened when the store link points at a new build."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.opened: Path | None = None
        self.store: ox.Store | None = None

    def get(self) -> ox.Store:
        current = resolve_store(self.path)
        if self.store is None or current != self.opened:
            self.store = None  # drop the old build first
            self.store = open_read_only(self.path)
            self.opened = current
        return self.store


def run_job(store: ox.Store, job: Job) -> Serialized:
    """Evaluate and serialize one job on the calling thread."""
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
        fmt = _results_format(job.results_media_type)
        return Serialized(result.serialize(format=fmt), fmt.media_type, False, "boolean")

    if isinstance(result, ox.QuerySolutions):
        fmt = _results_format(job.results_media_type)
        body, truncated = _capped(result, ox.QueryResultsFormat.TSV, job.max_rows)
        del result
        if fmt != ox.QueryResultsFormat.TSV:
            body = ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(format=fmt)
        if truncated and fmt == ox.QueryResultsFormat.JSON:
            body = _flag_json(body)
        return Serialized(body, fmt.media_type, truncated, "results")

    fmt = _graph_format(job.graph_media_type)
    body, truncated = _capped(result, ox.RdfFormat.N_TRIPLES, job.max_rows)
    del result
    if fmt != ox.RdfFormat.N_TRIPLES:
        body = ox.serialize(ox.parse(body, ox.RdfFormat.N_TRIPLES), format=fmt)
    return Serialized(body, fmt.media_type, truncated, "graph")


def run_rows(store: ox.Store, job: RowsJob) -> list[dict[str, Any]]:
    """Evaluate a parameterized SELECT over the union of all graphs; rows as dicts of terms."""
    try:
        result = store.query(
            job.query,
            use_default_graph_as_union=True,
            substitutions=job.substitutions or None,
            prefixes=PREDECLARED,
        )
    except SyntaxError as e:
        raise syntax_error(job.query, e) from None
    except RuntimeError as e:  # e.g. a substituted variable missing from the projection
        raise errors.InvalidQuery(str(e)) from None
    if not isinstance(result, ox.QuerySolutions):
        raise errors.InvalidQuery("only SELECT queries return rows")
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term
        rows.append(row)
    return rows


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


def _results_format(media_type: str | None) -> ox.QueryResultsFormat:
    fmt = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise NotAcceptable("no acceptable format for SELECT or ASK results was asked for")
    return fmt


def _graph_format(media_type: str | None) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise NotAcceptable("no acceptable format for a CONSTRUCT or DESCRIBE graph was asked for")
    return fmt


#: Attributes of an error that travel back to the parent with it.
ERROR_DETAILS = ("position", "expected")

#: How often a worker checks that the server that started it is still alive.
PARENT_CHECK_INTERVAL_S = 1.0


def _exit_with_parent() -> None:
    """Exit as soon as the parent is gone, even in the middle of a query.

    A worker otherwise notices only when it next reads its pipe, and a runaway query of a
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


def main(conn: Any, store_path: str) -> None:
    """Worker process entry point: answer jobs from ``conn`` until it closes."""
    _exit_with_parent()
    handle = StoreHandle(Path(store_path))
    try:
        handle.get()  # warm up; a missing store is reported per query
    except Exception:
        pass
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            store = handle.get()
            if isinstance(job, RowsJob):
                payload: Any = run_rows(store, job)
            else:
                payload = run_job(store, job)
            reply: tuple[Any, ...] = ("ok", payload)
        except errors.IokgError as e:
            details = {k: getattr(e, k) for k in ERROR_DETAILS if hasattr(e, k)}
            reply = ("error", type(e).__name__, str(e), details)
        except OSError as e:
            reply = ("error", "StoreNotFound", f"the store could not be read: {e}", {})
        except Exception as e:  # an engine bug must not kill the worker silently
            reply = ("error", "RuntimeError", f"{type(e).__name__}: {e}", {})
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
