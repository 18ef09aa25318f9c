"""Reading imported datasets: one read-only DuckDB over the current imports, with time limits.

`DatasetStore` is what the routes, the analyses and a build read. Whenever the registry
(``datasets.json``) has been replaced, it writes a small private DuckDB catalog file (in a
temporary folder of its own, never in the datasets folder) holding the ``datasets`` table and the
views ``users``, ``tweets`` and ``rejects`` over the current imports' Parquet files (each row
carries its ``dataset``), and opens it **read-only** with:

- ``allowed_directories`` = the datasets folder, then ``enable_external_access = false``: no
  other file, no network, no ``COPY``, ``ATTACH``, ``INSTALL`` or ``LOAD``;
- extension autoload and autoinstall off; ``TimeZone = 'UTC'``; a memory limit;
- ``lock_configuration = true``: no statement can change any of that.

Every query runs on a cursor of its own, at most ``max_concurrent`` at once; past the time limit a
timer calls DuckDB's ``interrupt()`` and the query fails with `QueryTimeout`. Results are cut at
the row cap, and say so.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from iokg.datasets import layout
from iokg.datasets.importing import REJECT_TYPES
from iokg.datasets.twitter_io import stored_types
from iokg.errors import DatasetNotFound, Forbidden, InvalidQuery, Limit, QueryTimeout, ResourceLimit

DATASET_COLUMNS = {
    "id": "VARCHAR", "kind": "VARCHAR", "title": "VARCHAR", "imported_at": "TIMESTAMPTZ",
    "accounts": "BIGINT", "hashed_accounts": "BIGINT", "tweets": "BIGINT", "bad_rows": "BIGINT",
    "first_tweet": "TIMESTAMPTZ", "last_tweet": "TIMESTAMPTZ", "manifest": "JSON",
}


def table_types(table: str) -> dict[str, str]:
    """Column → DuckDB type of the views ``users``, ``tweets``, ``rejects``."""
    if table == "rejects":
        types = {k: v for k, v in REJECT_TYPES.items() if k != "seq"}
    else:
        types = stored_types(table)
    return {"dataset": "VARCHAR", **types}


@dataclass(frozen=True)
class Table:
    """A query result: column names and DuckDB types, rows, and whether the row cap cut it."""

    columns: list[str]
    types: list[str]
    rows: list[tuple]
    truncated: bool = False
    row_limit: int | None = None

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def _quote(text: str) -> str:
    """A SQL string literal of a path this module chose (never of user input)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class _Snapshot:
    stamp: tuple[int, int, int] | None
    con: duckdb.DuckDBPyConnection
    manifests: dict[str, dict[str, Any]]
    path: Path


class DatasetStore:
    """The imported datasets of ``root``, read-only, with a time limit, a row cap and a memory limit."""

    def __init__(self, root: Path, *, timeout_ms: int = 10_000, max_rows: int = 10_000, memory_mb: int = 1024,
                 max_concurrent: int = 4):
        self.root = Path(root)
        self.timeout_ms, self.max_rows, self.memory_mb = timeout_ms, max_rows, memory_mb
        self.max_concurrent = max_concurrent
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._tmp: Path | None = None
        self._generation = 0

    @classmethod
    def from_settings(cls, settings) -> DatasetStore:
        return cls(settings.datasets_path, timeout_ms=settings.query_timeout_ms, max_rows=settings.max_result_rows,
                   memory_mb=settings.datasets_memory_mb, max_concurrent=settings.max_concurrent_queries)

    # -- what is imported ------------------------------------------------------------------
    def manifests(self) -> dict[str, dict[str, Any]]:
        """Every current dataset's manifest, by id."""
        return self._current().manifests

    def manifest(self, dataset_id: str) -> dict[str, Any]:
        """The manifest of ``dataset_id``; `DatasetNotFound` if it was never imported."""
        manifests = self.manifests()
        if dataset_id not in manifests:
            known = ", ".join(manifests) or "none yet (`iokg import twitter-io DIR --dataset ID`)"
            raise DatasetNotFound(f"no dataset with id '{dataset_id[:80]}'; imported: {known}")
        return manifests[dataset_id]

    # -- queries -------------------------------------------------------------------------
    def query(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None, *,
              max_rows: int | None = None) -> Table:
        """Run iokg's own SQL (an analysis) with bound parameters, under the limits."""
        cap = self.max_rows if max_rows is None else max_rows

        def run(cur: duckdb.DuckDBPyConnection) -> Table:
            cur.execute(sql, params) if params is not None else cur.execute(sql)
            columns = [d[0] for d in cur.description or []]
            types = [str(d[1]) for d in cur.description or []]
            rows = cur.fetchmany(cap + 1)
            return Table(columns, types, rows[:cap], len(rows) > cap, cap)

        return self._run(run, user=False)

    def run_user_sql(self, sql: str) -> Table:
        """Run a client's SQL: screened to one read-only query (`screen`), then under the limits."""

        def run(cur: duckdb.DuckDBPyConnection) -> Table:
            text = screen(cur, sql)
            relation = cur.sql(text)
            columns, types = list(relation.columns), [str(t) for t in relation.types]
            rows = relation.limit(self.max_rows + 1).fetchall()
            return Table(columns, types, rows[: self.max_rows], len(rows) > self.max_rows, self.max_rows)

        return self._run(run, user=True)

    def _run(self, fn: Callable[[duckdb.DuckDBPyConnection], Table], *, user: bool) -> Table:
        timeout = self.timeout_ms / 1000
        if not self._slots.acquire(timeout=timeout):
            raise QueryTimeout(
                f"no query slot freed up within {self.timeout_ms} ms (IOKG_MAX_CONCURRENT_QUERIES)",
                limit=Limit("IOKG_MAX_CONCURRENT_QUERIES", self.max_concurrent))
        try:
            cur = self._current().con.cursor()
            guard = threading.Lock()
            finished = False

            def stop() -> None:
                with guard:
                    if not finished:
                        cur.interrupt()

            timer = threading.Timer(timeout, stop)
            timer.daemon = True
            timer.start()
            try:
                return fn(cur)
            except duckdb.InterruptException:
                raise QueryTimeout(
                    f"query stopped after its time limit of {self.timeout_ms} ms (IOKG_QUERY_TIMEOUT_MS)",
                    limit=Limit("IOKG_QUERY_TIMEOUT_MS", self.timeout_ms)) from None
            except duckdb.OutOfMemoryException as e:
                raise ResourceLimit(
                    f"query stopped: it needed more than {self.memory_mb} MB of memory (IOKG_DATASETS_MEMORY_MB)",
                    limit=Limit("IOKG_DATASETS_MEMORY_MB", self.memory_mb)) from e
            except duckdb.PermissionException as e:
                raise Forbidden("the SQL door reads the imported datasets only: no other file, no network, "
                                f"no extension, no setting ({_first_line(e)})") from None
            except duckdb.Error as e:
                if user:
                    raise InvalidQuery(f"SQL error: {_first_line(e)}") from None
                raise
            finally:
                with guard:
                    finished = True
                timer.cancel()
                cur.close()
        finally:
            self._slots.release()

    # -- the catalog ---------------------------------------------------------------------
    def _current(self) -> _Snapshot:
        stamp = layout.registry_stamp(self.root)
        snap = self._snapshot
        if snap is not None and snap.stamp == stamp:
            return snap
        with self._lock:
            if self._snapshot is not None and self._snapshot.stamp == stamp:
                return self._snapshot
            self._snapshot = self._open(stamp)
            if snap is not None:  # readers still holding the old connection keep it until they finish
                snap.path.unlink(missing_ok=True)
            return self._snapshot

    def _open(self, stamp) -> _Snapshot:
        current = layout.current_manifests(self.root) if stamp is not None else {}
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="iokg-datasets-"))
            # removed by close(), or when the store is collected or the process exits
            self._cleanup = weakref.finalize(self, shutil.rmtree, str(self._tmp), True)
        self._generation += 1
        path = self._tmp / f"catalog-{self._generation}.duckdb"
        config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        with duckdb.connect(str(path), config=config) as con:
            con.execute("SET GLOBAL TimeZone = 'UTC'")
            columns = ", ".join(f"{name} {kind}" for name, kind in DATASET_COLUMNS.items())
            con.execute(f"CREATE TABLE datasets ({columns})")
            for dataset_id, (folder, m) in current.items():
                c, r = m["counts"], m["time_range"]
                con.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [dataset_id, m["kind"], m["title"], m["imported_at"], c["accounts"], c["hashed_accounts"],
                             c["tweets"], c["bad_rows"], r["first_tweet"], r["last_tweet"],
                             json.dumps(m, ensure_ascii=False)])
            for table in layout.TABLES:
                files = [str((folder / f"{table}.parquet").resolve()) for folder, _ in current.values()]
                if files:
                    listing = ", ".join(_quote(f) for f in files)
                    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listing}], union_by_name = true)")
                else:
                    cols = ", ".join(f"{name} {kind}" for name, kind in table_types(table).items())
                    con.execute(f"CREATE TABLE {table} ({cols})")
        ro = duckdb.connect(str(path), read_only=True, config={
            **config, "memory_limit": f"{self.memory_mb}MB"})
        ro.execute("SET GLOBAL TimeZone = 'UTC'")
        allowed = str(self.root.resolve()).rstrip("/") + "/"
        ro.execute("SET allowed_directories = ?", [[allowed]])
        ro.execute("SET enable_external_access = false")
        ro.execute("SET lock_configuration = true")
        return _Snapshot(stamp, ro, {k: m for k, (_, m) in current.items()}, path)

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.con.close()
                self._snapshot = None
            if self._tmp is not None:
                self._cleanup()
                self._tmp = None


# ---------------------------------------------------------------------------------- screening
def screen(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """``sql`` if it is exactly one read-only query (``SELECT``, ``WITH … SELECT``, ``FROM …``,
    ``VALUES``, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``), parsed by DuckDB itself; otherwise
    `InvalidQuery` (empty, a syntax error, several statements) or `Forbidden` (anything else:
    ``COPY``, ``ATTACH``, ``INSTALL``, ``LOAD``, ``PRAGMA``, ``SET``, ``CREATE``, ``EXPLAIN``, …)."""
    text = sql.strip()
    if not text:
        raise InvalidQuery("empty SQL: send one SELECT (or WITH …) query in the `sql` parameter")
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as e:
        raise InvalidQuery(f"SQL syntax error: {_first_line(e)}") from None
    if not statements:
        raise InvalidQuery("no SQL statement found: send one SELECT (or WITH …) query")
    if len(statements) > 1:
        raise InvalidQuery(f"one statement only, got {len(statements)}: send a single SELECT (or WITH …) query")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        name = getattr(kind, "name", str(kind)).replace("_STATEMENT", "")
        raise Forbidden(f"only a read-only SELECT (or WITH …) query is allowed, not {name}")
    return text


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.split("\n", 1)[0][:500]

