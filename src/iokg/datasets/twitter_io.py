"""Twitter's information-operations releases: the file names, the columns, and reading one row.

A release folder holds, per operation, a ``*_users_csv_hashed.csv`` and one or more
``*_tweets_csv_hashed.csv`` (``…_hashed_1.csv``, ``…_2.csv`` when split), plain, gzipped or in
``.zip`` files. Times are UTC. Ids of small accounts are replaced by hashes; list columns
(``hashtags``, ``urls``, ``user_mentions``) are written as ``[a, b]`` text.

Reading is streaming: a `FileReader` yields one checked row at a time, and every row that
cannot be read is yielded as a `BadRow` with its file and line (never dropped). A file that cannot
be read at all (missing columns, not UTF-8 text, a damaged zip) raises `ArchiveFault`.

>>> stored_types("users")["account_creation_date"], stored_types("tweets")["hashtags"]
('DATE', 'VARCHAR[]')
>>> NAME_PATTERN.search("china_052020_tweets_csv_hashed_2.csv").group(1)
'tweets'
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from iokg.datasets.values import BadValue, is_hashed, parse_bool, parse_count, parse_list, parse_time, short

#: The columns of a users file, in the release's order.
USER_COLUMNS: tuple[str, ...] = (
    "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language",
)

#: The columns of a tweets file, in the release's order.
TWEET_COLUMNS: tuple[str, ...] = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
    "poll_choices",
)

COLUMNS = {"users": USER_COLUMNS, "tweets": TWEET_COLUMNS}

INTEGER_COLUMNS = frozenset({"follower_count", "following_count", "quote_count", "reply_count",
                             "like_count", "retweet_count"})
LIST_COLUMNS = frozenset({"hashtags", "urls", "user_mentions"})

#: DuckDB types of the stored columns (the release's columns, typed, then iokg's own:
#: ``hashed``, and the ``file`` and ``line`` each row was read from).
_TYPES = {
    "follower_count": "BIGINT", "following_count": "BIGINT", "quote_count": "BIGINT",
    "reply_count": "BIGINT", "like_count": "BIGINT", "retweet_count": "BIGINT",
    "account_creation_date": "DATE", "tweet_time": "TIMESTAMPTZ", "is_retweet": "BOOLEAN",
    "hashtags": "VARCHAR[]", "urls": "VARCHAR[]", "user_mentions": "VARCHAR[]",
}
EXTRA_TYPES = {"hashed": "BOOLEAN", "file": "VARCHAR", "line": "BIGINT"}


def stored_types(kind: str) -> dict[str, str]:
    """Column name → DuckDB type of a stored table (``users`` or ``tweets``), in order."""
    types = {name: _TYPES.get(name, "VARCHAR") for name in COLUMNS[kind]}
    types.update(EXTRA_TYPES)
    return types


#: A release file name: ``<anything>_users_csv_hashed.csv``, ``<anything>_tweets_csv_hashed_2.csv``
#: (``unhashed`` too), optionally gzipped.
NAME_PATTERN = re.compile(r"(?:^|_)(users|tweets)_csv_(?:un)?hashed(?:_\d+)?\.csv(?:\.gz)?$", re.I)


class ArchiveFault(Exception):
    """A file of a release that cannot be read at all; ``line`` is where reading stopped."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


@dataclass(frozen=True)
class ReleaseFile:
    """One CSV of a release: a file on disk, or a member of a zip file on disk."""

    path: Path  # the file on disk (the zip, for a member)
    kind: str  # "users" or "tweets"
    member: str | None = None  # name inside the zip
    size: int = 0  # bytes of CSV text (uncompressed), for the progress bar; 0 if unknown

    @property
    def name(self) -> str:
        """How reports name it: ``x_tweets_csv_hashed.csv``, or ``x.zip/x_tweets_csv_hashed.csv``."""
        return f"{self.path.name}/{self.member}" if self.member else self.path.name


@dataclass
class Folder:
    """What a release folder holds: its files on disk, the CSVs in them, what was left aside."""

    files: list[Path]  # every file read (plain, gzipped or zip), sorted
    tables: list[ReleaseFile]  # users files first, then tweets files, each sorted by name
    ignored: list[str] = field(default_factory=list)  # files and zip members that are no release CSV


def find_release(folder: Path) -> Folder:
    """The release CSVs in ``folder`` (not recursive) and in the zip files there.

    Raises `ArchiveFault` for a zip that cannot be opened (truncated or damaged)."""
    tables: list[ReleaseFile] = []
    files: list[Path] = []
    ignored: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    infos = archive.infolist()
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                raise ArchiveFault(path.name, 0, f"not a readable zip file (truncated or damaged?): {e}") from e
            found = False
            for info in sorted(infos, key=lambda i: i.filename):
                base = info.filename.rsplit("/", 1)[-1]
                m = NAME_PATTERN.search(base)
                if info.is_dir():
                    continue
                if m and not base.lower().endswith(".gz"):
                    tables.append(ReleaseFile(path, m.group(1).lower(), info.filename, info.file_size))
                    found = True
                else:
                    ignored.append(f"{path.name}/{info.filename}")
            if found:
                files.append(path)
            else:
                ignored.append(path.name)
            continue
        m = NAME_PATTERN.search(path.name)
        if m:
            gz = path.name.lower().endswith(".gz")
            tables.append(ReleaseFile(path, m.group(1).lower(), None, _gzip_size(path) if gz else path.stat().st_size))
            files.append(path)
        elif not path.name.startswith("."):
            ignored.append(path.name)
    tables.sort(key=lambda t: (t.kind != "users", t.name))
    return Folder(files, tables, ignored)


def _gzip_size(path: Path) -> int:
    """The uncompressed size a gzip file states in its last four bytes (modulo 4 GiB), for progress."""
    try:
        with open(path, "rb") as f:
            f.seek(-4, 2)
            return int.from_bytes(f.read(4), "little")
    except OSError:
        return 0


# ---------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class BadRow:
    """A row that could not be read, where it is, why, and its text as far as it was read."""

    file: str
    line: int
    message: str
    raw: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


Row = dict[str, Any]


def convert_row(kind: str, values: dict[str, str]) -> Row:
    """The typed row of a users or tweets record (values by column name); `BadValue` if a value
    cannot be read. Screen and display names of hashed accounts are not kept: they are hashes."""
    row: Row = {}
    userid = values["userid"].strip()
    if not userid:
        raise BadValue("userid is empty")
    if kind == "tweets" and not values["tweetid"].strip():
        raise BadValue("tweetid is empty")
    for name in COLUMNS[kind]:
        text = values[name]
        try:
            if name in INTEGER_COLUMNS:
                row[name] = parse_count(text)
            elif name == "tweet_time":
                row[name] = parse_time(text)
                if row[name] is None:
                    raise BadValue("is empty")
            elif name == "account_creation_date":
                row[name] = parse_time(text, date_only=True)
            elif name == "is_retweet":
                row[name] = parse_bool(text)
            elif name in LIST_COLUMNS:
                row[name] = parse_list(text)
            else:
                row[name] = text if text != "" else None
        except BadValue as e:
            raise BadValue(f"{name}: {e}") from None
    row["userid"] = userid
    if kind == "tweets":
        row["tweetid"] = row["tweetid"].strip()
    hashed = is_hashed(userid)
    row["hashed"] = hashed
    if hashed:
        row["user_screen_name"] = None
        row["user_display_name"] = None
    return row


class _Counting(io.RawIOBase):
    """A binary stream that reports how many bytes were read from it."""

    def __init__(self, stream: BinaryIO, on_bytes: Callable[[int], None] | None):
        self._stream, self._on_bytes = stream, on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if n and self._on_bytes is not None:
            self._on_bytes(n)
        return n


def _open_binary(rf: ReleaseFile, stack: list) -> BinaryIO:
    if rf.member is not None:
        archive = zipfile.ZipFile(rf.path)
        stack.append(archive)
        return archive.open(rf.member)
    raw = open(rf.path, "rb")
    stack.append(raw)
    if rf.path.name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def _raw_text(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    text = out.getvalue().encode("utf-8", "replace").decode("utf-8")
    return short(text, 2000)


class FileReader:
    """Reads the records of one release CSV: iterate for ``(line, row)`` or ``(line, BadRow)``,
    where ``line`` is where the record starts (the header is line 1). ``extras`` (after the
    header is read) lists columns the release format does not have: they are not stored. A file
    that cannot be read raises `ArchiveFault`."""

    def __init__(self, rf: ReleaseFile, on_bytes: Callable[[int], None] | None = None):
        self.rf, self.on_bytes = rf, on_bytes
        self.extras: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, Row | BadRow]]:
        rf = self.rf
        stack: list = []
        line = 1
        try:
            binary = _open_binary(rf, stack)
            stack.append(binary)
            counted = io.BufferedReader(_Counting(binary, self.on_bytes), buffer_size=1 << 16)
            start = counted.peek(4)[:4]
            if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise ArchiveFault(rf.name, 1, "the file is UTF-16 text; a release is UTF-8")
            if not start:
                raise ArchiveFault(rf.name, 1, "the file is empty: no header line")
            text = io.TextIOWrapper(counted, encoding="utf-8-sig", errors="surrogateescape", newline="")
            reader = csv.reader(text, strict=False)
            header = _read_header(rf, reader)
            known = set(COLUMNS[rf.kind])
            self.extras = [h for h in header if h not in known]
            wanted = COLUMNS[rf.kind]
            index = [header.index(name) for name in wanted]
            width = len(header)
            previous_end = reader.line_num
            while True:
                line = previous_end + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    previous_end = reader.line_num
                    yield line, BadRow(rf.name, line, f"unreadable CSV: {e}")
                    continue
                previous_end = reader.line_num
                if not fields:
                    continue  # a blank line
                if len(fields) != width:
                    yield line, BadRow(rf.name, line, f"{len(fields)} fields where the header has {width}",
                                       _raw_text(fields))
                    continue
                try:
                    "".join(fields).encode("utf-8")
                except UnicodeEncodeError:
                    bad = next(header[i] for i, f in enumerate(fields) if _not_utf8(f))
                    yield line, BadRow(rf.name, line, f"{bad}: not UTF-8 text", _raw_text(fields))
                    continue
                try:
                    yield line, convert_row(rf.kind, {name: fields[i] for name, i in zip(wanted, index)})
                except BadValue as e:
                    yield line, BadRow(rf.name, line, str(e), _raw_text(fields))
        except ArchiveFault:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
            raise ArchiveFault(rf.name, line, "the file breaks off before its end (truncated or damaged?): "
                               f"{e}") from e
        finally:
            for item in reversed(stack):
                try:
                    item.close()
                except Exception:  # noqa: BLE001 - closing a broken archive may fail again
                    pass


def _read_header(rf: ReleaseFile, reader) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ArchiveFault(rf.name, 1, "the file is empty: no header line") from None
    except csv.Error as e:
        raise ArchiveFault(rf.name, 1, f"unreadable header: {e}") from e
    if any(_not_utf8(h) for h in header):
        raise ArchiveFault(rf.name, 1, "the header is not UTF-8 text; a release is UTF-8")
    header = [h.strip() for h in header]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise ArchiveFault(rf.name, 1, "columns named twice in the header: " + ", ".join(duplicates))
    missing = [name for name in COLUMNS[rf.kind] if name not in header]
    if missing:
        raise ArchiveFault(rf.name, 1, f"the header lacks {len(missing)} column(s) of a {rf.kind} file: "
                           + ", ".join(missing))
    return header


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
