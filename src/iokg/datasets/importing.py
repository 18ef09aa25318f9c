"""``iokg import twitter-io DIR --dataset ID``: a release folder into Parquet, all or nothing.

1. The folder's release CSVs are found (plain, gzipped, zipped) and every file on disk is hashed
   (SHA-256). With the same files already imported under the same id, nothing is done: a
   re-import of the same files is idempotent (``force`` re-imports anyway).
2. Holding the datasets folder's lock, each CSV is streamed row by row (`FileReader`): good rows
   go to a newline-delimited JSON file in a fresh import folder, bad rows to a rejects file with
   file, line, reason and text. Nothing is dropped silently.
3. DuckDB reads those files with fixed column types and writes ``users.parquet``,
   ``tweets.parquet`` and ``rejects.parquet`` (a second row with a ``userid`` or ``tweetid``
   seen before is a bad row too, pointing at the first). ``manifest.json`` records the files
   with their SHA-256, counts, the time range and the bad rows (the first 1,000 listed).
4. Only then is the registry replaced (`iokg.datasets.layout`); on any error the import
   folder is removed and the data served stays as it was. ``strict`` makes any bad row an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from iokg import __version__
from iokg.datasets import layout
from iokg.datasets.twitter_io import ArchiveFault, BadRow, FileReader, ReleaseFile, find_release, stored_types
from iokg.errors import IngestError, InvalidQuery, Problem

#: Bumped when the stored tables change: a re-import of the same files then does run.
IMPORTER_VERSION = 1
#: Bad rows listed in the manifest and the report (all are counted, and all are in rejects.parquet).
LISTED_BAD_ROWS = 1000
KIND = "twitter-io"


class Progress(Protocol):
    """What the import tells a progress bar: the bytes of CSV text to read, then each chunk read."""

    def begin(self, total_bytes: int) -> None: ...

    def advance(self, n_bytes: int) -> None: ...

    def end(self) -> None: ...


@dataclass
class ImportReport:
    """What an import did."""

    dataset: str
    folder: Path
    manifest: dict[str, Any]
    unchanged: bool = False
    seconds: float = 0.0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first LISTED_BAD_ROWS

    @property
    def bad_row_count(self) -> int:
        return int(self.manifest["counts"]["bad_rows"])

    def summary(self) -> str:
        c = self.manifest["counts"]
        files = len(self.manifest["files"])
        head = "unchanged (same files already imported)" if self.unchanged else f"imported in {self.seconds:.1f} s"
        return (f"{self.dataset}: {head}: {c['accounts']:,} accounts, {c['tweets']:,} tweets from "
                f"{files} file{'s' if files != 1 else ''}; {c['bad_rows']:,} bad row{'s' if c['bad_rows'] != 1 else ''}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fault(e: ArchiveFault) -> IngestError:
    return IngestError([Problem(e.file, e.line, "release file", e.message)])


def import_twitter_io(source: Path, root: Path, dataset_id: str, *, title: str | None = None,
                      strict: bool = False, force: bool = False, progress: Progress | None = None) -> ImportReport:
    """Import the Twitter information-operations release in ``source`` as dataset ``dataset_id``
    of the datasets folder ``root``. Raises `IngestError` (every problem with file and line) when
    the release cannot be read, or with ``strict`` when any row is bad; nothing changes then."""
    started = time.perf_counter()
    layout.check_dataset_id(dataset_id)
    source = Path(source)
    if not source.is_dir():
        raise InvalidQuery(f"{source} is not a folder; give the folder of a release")
    try:
        found = find_release(source)
    except ArchiveFault as e:
        raise _fault(e) from e
    kinds = {t.kind for t in found.tables}
    missing = [k for k in ("users", "tweets") if k not in kinds]
    if missing:
        raise IngestError([Problem(source.name, 0, "release folder",
                                   "no " + " and no ".join(f"*_{k}_csv_hashed.csv" for k in missing)
                                   + " file (plain, .gz or in a .zip)")])
    files = [{"name": p.name, "bytes": p.stat().st_size, "sha256": sha256_file(p)} for p in found.files]
    root.mkdir(parents=True, exist_ok=True)
    with layout.locked(root):
        current = layout.read_registry(root).get(dataset_id)
        if current and not force:
            previous = layout.read_manifest(root / current)
            if previous.get("importer_version") == IMPORTER_VERSION and previous.get("files") == files \
                    and (title is None or previous.get("title") == title):
                return ImportReport(dataset_id, root / current, previous, unchanged=True,
                                    seconds=time.perf_counter() - started,
                                    bad_rows=[BadRow(**b) for b in previous.get("bad_rows", [])])
        staging = layout.new_import_folder(root, dataset_id)
        try:
            manifest, listed = _convert(found.tables, staging, dataset_id, progress)
            if strict and manifest["counts"]["bad_rows"]:
                raise IngestError([Problem(b.file, b.line, "row", b.message) for b in listed])
            manifest.update({
                "format": layout.FORMAT, "importer_version": IMPORTER_VERSION, "importer": f"iokg {__version__}",
                "id": dataset_id, "kind": KIND, "title": title or dataset_id,
                "imported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "source_folder": source.name, "files": files, "ignored_files": found.ignored,
            })
            manifest = {k: manifest[k] for k in _MANIFEST_ORDER if k in manifest}
            (staging / layout.MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
            done = layout.finish_import_folder(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        registry = layout.read_registry(root)
        registry[dataset_id] = str(done.relative_to(root))
        layout.write_registry(root, registry)
        layout.prune(root, dataset_id)
    return ImportReport(dataset_id, done, manifest, seconds=time.perf_counter() - started, bad_rows=listed)


_MANIFEST_ORDER = ("format", "id", "kind", "title", "imported_at", "importer", "importer_version",
                   "source_folder", "files", "ignored_files", "tables", "counts", "time_range", "bad_rows")


def _convert(tables: list[ReleaseFile], staging: Path, dataset_id: str,
             progress: Progress | None) -> tuple[dict[str, Any], list[BadRow]]:
    """Stream every table into NDJSON, then DuckDB into Parquet; the manifest's counts."""
    outputs = {kind: open(staging / f"{kind}.ndjson", "w", encoding="utf-8") for kind in ("users", "tweets", "rejects")}
    listed: list[BadRow] = []
    table_info = []
    seq = 0
    total = sum(t.size for t in tables)
    if progress is not None:
        progress.begin(total)
    advance = progress.advance if progress is not None else None
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    try:
        for order, rf in enumerate(tables):
            reader = FileReader(rf, advance)
            rows = bad = 0
            out = outputs[rf.kind]
            try:
                for line, row in reader:
                    seq += 1
                    if isinstance(row, BadRow):
                        bad += 1
                        outputs["rejects"].write(dumps({"file": row.file, "line": row.line, "kind": rf.kind,
                                                        "message": row.message, "raw": row.raw, "seq": seq}) + "\n")
                        if len(listed) < LISTED_BAD_ROWS:
                            listed.append(row)
                        continue
                    rows += 1
                    row["file"], row["line"], row["seq"] = rf.name, line, seq
                    out.write(dumps(row) + "\n")
            except ArchiveFault as e:
                raise _fault(e) from e
            table_info.append({"file": rf.name, "kind": rf.kind, "rows": rows + bad, "bad_rows": bad,
                               "extra_columns": reader.extras})
    finally:
        for f in outputs.values():
            f.close()
        if progress is not None:
            progress.end()
    return _to_parquet(staging, dataset_id, table_info, listed)


REJECT_TYPES = {"file": "VARCHAR", "line": "BIGINT", "kind": "VARCHAR", "message": "VARCHAR", "raw": "VARCHAR",
                "seq": "BIGINT"}


def _to_parquet(staging: Path, dataset_id: str, table_info: list[dict[str, Any]],
                listed: list[BadRow]) -> tuple[dict[str, Any], list[BadRow]]:
    tmp = staging / ".duckdb-tmp"
    con = duckdb.connect(config={"temp_directory": str(tmp), "autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    try:
        con.execute("SET GLOBAL TimeZone = 'UTC'")
        duplicates: list[tuple] = []
        for kind, key in (("users", "userid"), ("tweets", "tweetid")):
            columns = {**stored_types(kind), "seq": "BIGINT"}
            con.read_json(str(staging / f"{kind}.ndjson"), columns=columns, format="newline_delimited") \
                .create(f"raw_{kind}")
            # a second row with an id seen before is a bad row, pointing at the first
            dups = con.sql(
                f"SELECT file, line, {key} AS id, first_file, first_line, seq FROM ("
                f" SELECT file, line, {key}, seq, first_value(file) OVER w AS first_file,"
                f" first_value(line) OVER w AS first_line, row_number() OVER w AS n FROM raw_{kind}"
                f" WINDOW w AS (PARTITION BY {key} ORDER BY seq)) WHERE n > 1 ORDER BY seq").fetchall()
            for file, line, ident, first_file, first_line, seq in dups:
                bad = BadRow(file, line, f"{key} {ident} appears again (first at {first_file}:{first_line})")
                if len(listed) < LISTED_BAD_ROWS:
                    listed.append(bad)
                next(t for t in table_info if t["file"] == file)["bad_rows"] += 1
                duplicates.append((file, line, kind, bad.message, "", seq))
            con.sql(f"SELECT $dataset AS dataset, * EXCLUDE (seq) FROM raw_{kind}"
                    f" QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY seq) = 1 ORDER BY seq",
                    params={"dataset": dataset_id}) \
                .write_parquet(str(staging / f"{kind}.parquet"), compression="zstd")
        rejects = con.read_json(str(staging / "rejects.ndjson"), columns=REJECT_TYPES, format="newline_delimited")
        rejects.create("raw_rejects")
        if duplicates:
            con.executemany("INSERT INTO raw_rejects VALUES (?, ?, ?, ?, ?, ?)", duplicates)
        con.sql("SELECT $dataset AS dataset, * EXCLUDE (seq) FROM raw_rejects ORDER BY seq",
                params={"dataset": dataset_id}).write_parquet(str(staging / "rejects.parquet"), compression="zstd")
        counts, time_range = _summary(con)
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for kind in ("users", "tweets", "rejects"):
        (staging / f"{kind}.ndjson").unlink(missing_ok=True)
    listed.sort(key=lambda b: ([t["file"] for t in table_info].index(b.file), b.line))
    counts["bad_rows"] = sum(t["bad_rows"] for t in table_info)
    manifest = {"tables": table_info, "counts": counts, "time_range": time_range,
                "bad_rows": [{"file": b.file, "line": b.line, "message": b.message} for b in listed]}
    return manifest, listed


def _summary(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, int], dict[str, str | None]]:
    """The summary figures of the imported tables (after duplicates were set aside)."""
    q = """
    WITH u AS (SELECT * FROM raw_users QUALIFY row_number() OVER (PARTITION BY userid ORDER BY seq) = 1),
         t AS (SELECT * FROM raw_tweets QUALIFY row_number() OVER (PARTITION BY tweetid ORDER BY seq) = 1)
    SELECT (SELECT count(*) FROM u),
           (SELECT count(*) FILTER (WHERE hashed) FROM u),
           (SELECT count(*) FROM t),
           (SELECT count(*) FILTER (WHERE is_retweet) FROM t),
           (SELECT count(*) FILTER (WHERE in_reply_to_userid IS NOT NULL) FROM t),
           (SELECT count(DISTINCT userid) FROM t),
           (SELECT count(*) FROM t WHERE userid NOT IN (SELECT userid FROM u)),
           (SELECT count(*) FROM u WHERE userid NOT IN (SELECT DISTINCT userid FROM t)),
           (SELECT min(tweet_time) FROM t), (SELECT max(tweet_time) FROM t),
           (SELECT min(account_creation_date) FROM u), (SELECT max(account_creation_date) FROM u)
    """
    (accounts, hashed, tweets, retweets, replies, posting, orphan, silent,
     first, last, created_first, created_last) = con.execute(q).fetchone()
    counts = {"accounts": accounts, "hashed_accounts": hashed, "tweets": tweets, "retweets": retweets,
              "replies": replies, "accounts_that_tweeted": posting, "tweets_by_unlisted_accounts": orphan,
              "accounts_without_tweets": silent}

    def iso(v):
        return v.astimezone(dt.timezone.utc).isoformat() if isinstance(v, dt.datetime) else (
            v.isoformat() if v is not None else None)

    return counts, {"first_tweet": iso(first), "last_tweet": iso(last),
                    "first_account_created": iso(created_first), "last_account_created": iso(created_last)}
