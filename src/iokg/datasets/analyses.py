"""The analyses researchers run over a takedown archive, by name, with checked parameters.

Each analysis is named (``posting-hours``, ``working-hours``, ``account-creation``, ``languages``,
``clients``, ``hashtags``, ``urls``, ``mentions``, ``retweet-network``, ``reply-network``), takes
typed parameters, runs the SQL of ``queries/datasets/*.sql`` with every value bound (never pasted)
through a `DatasetStore`, and returns a `Result`: a JSON-ready body and a table for CSV.

`run_analysis` is the one entry point, for the HTTP routes and for a build that re-computes
evidence: the same dataset, analysis and parameters give the same result, and the result names
the SHA-256 of the files it was computed from (``source_files``), so a stored figure can be
checked against the data it came from.

>>> ANALYSES["posting-hours"].check({"tz": "Asia/Shanghai"})
{'tz': 'Asia/Shanghai'}
>>> ANALYSES["working-hours"].check({"tz": "UTC", "days": "mon-fri"})["days"]
[1, 2, 3, 4, 5]
>>> ANALYSES["posting-hours"].check({"tz": "Mars/Olympus"})
Traceback (most recent call last):
...
iokg.errors.InvalidQuery: tz: 'Mars/Olympus' is not an IANA time zone name (such as UTC, Asia/Shanghai, America/New_York)
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from iokg.datasets.catalog import DatasetStore
from iokg.datasets.output import jsonable
from iokg.errors import InvalidQuery
from iokg.settings import QUERIES_DIR

SQL_DIR = QUERIES_DIR / "datasets"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_NAMES = {d[:3].lower(): i + 1 for i, d in enumerate(WEEKDAYS)}


# ---------------------------------------------------------------------------------- SQL files
@dataclass(frozen=True)
class SqlFile:
    """One ``queries/datasets/NAME.sql``: a header of ``-- key: value`` lines, then one query, or
    several each after a ``-- query: NAME`` line."""

    name: str
    title: str
    description: str
    queries: dict[str, str]

    def text(self, query: str = "main") -> str:
        return self.queries[query]


_PARAM_NAME = re.compile(r"\$([A-Za-z_]\w*)")


def parse_sql_file(path: Path) -> SqlFile:
    header: dict[str, str] = {}
    queries: dict[str, list[str]] = {}
    current = "main"
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^--\s*(\w+):\s*(.*)$", line)
        if m and m.group(1) == "query":
            current = m.group(2).strip()
            queries[current] = []
        elif m and not queries:
            header.setdefault(m.group(1), m.group(2).strip())
        elif line.strip() or queries.get(current):
            queries.setdefault(current, []).append(line)
    return SqlFile(path.stem, header.get("title", path.stem), header.get("description", ""),
                   {k: "\n".join(v).strip() for k, v in queries.items()})


@lru_cache(maxsize=None)
def load_sql(folder: Path = SQL_DIR) -> dict[str, SqlFile]:
    return {p.stem: parse_sql_file(p) for p in sorted(Path(folder).glob("*.sql"))}


def bound(text: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values ``text`` uses (``$name``), to bind; DuckDB refuses values a query does not use."""
    return {name: values[name] for name in dict.fromkeys(_PARAM_NAME.findall(text))}


# ---------------------------------------------------------------------------------- parameters
#: Names zoneinfo may list that are no zone of their own (the machine's zone, a tz file alias).
NOT_ZONES = frozenset({"localtime", "posixrules"})


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """The IANA time zone names a ``tz`` parameter may take."""
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def check_tz(name: str, value: str) -> str:
    value = value.strip()
    if value not in time_zones():
        raise InvalidQuery(f"{name}: '{value[:60]}' is not an IANA time zone name "
                           "(such as UTC, Asia/Shanghai, America/New_York)")
    return value


@dataclass(frozen=True)
class Param:
    """A parameter of an analysis: ``kind`` is ``tz``, ``int`` (``low``–``high``), ``choice``,
    ``hour`` (0–24) or ``weekdays`` (``mon-fri``, ``sat,sun``, ``1-5``)."""

    name: str
    kind: str
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    low: int = 1
    high: int = 1000

    def parse(self, raw: Any) -> Any:
        if raw is None:
            return self.default
        text = str(raw).strip() if not isinstance(raw, (list, tuple)) else raw
        if self.kind == "tz":
            return check_tz(self.name, text)
        if self.kind in ("int", "hour"):
            low, high = (0, 24) if self.kind == "hour" else (self.low, self.high)
            try:
                value = int(text)
            except (TypeError, ValueError):
                raise InvalidQuery(f"{self.name}: '{str(text)[:40]}' is not a whole number") from None
            if not low <= value <= high:
                raise InvalidQuery(f"{self.name}: {value} is out of range ({low}–{high})")
            return value
        if self.kind == "choice":
            if text not in self.choices:
                raise InvalidQuery(f"{self.name}: '{str(text)[:40]}' is not one of {', '.join(self.choices)}")
            return text
        if self.kind == "weekdays":
            return parse_weekdays(self.name, text)
        raise AssertionError(self.kind)


def parse_weekdays(name: str, text: Any) -> list[int]:
    """ISO weekday numbers (Monday = 1) from ``mon-fri``, ``sat,sun``, ``1-5`` or a list of those.

    >>> parse_weekdays("days", "fri-mon")
    [1, 5, 6, 7]
    """
    if isinstance(text, (list, tuple)):
        text = ",".join(str(t) for t in text)

    def day(word: str) -> int:
        w = word.strip().lower()
        if w.isdigit() and 1 <= int(w) <= 7:
            return int(w)
        if w[:3] in _DAY_NAMES:
            return _DAY_NAMES[w[:3]]
        raise InvalidQuery(f"{name}: '{word.strip()[:20]}' is not a weekday (mon … sun, or 1 … 7, Monday = 1)")

    days: set[int] = set()
    for part in str(text).split(","):
        if not part.strip():
            continue
        if "-" in part:
            a, b = (day(x) for x in part.split("-", 1))
            days.update(range(a, b + 1) if a <= b else [*range(a, 8), *range(1, b + 1)])
        else:
            days.add(day(part))
    if not days:
        raise InvalidQuery(f"{name}: give at least one weekday")
    return sorted(days)


# ---------------------------------------------------------------------------------- results
@dataclass
class Result:
    """An analysis' answer: ``body`` for JSON (starts with ``dataset`` and ``analysis``), and one
    table (``columns``, ``rows``) for CSV."""

    body: dict[str, Any]
    columns: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Analysis:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    compute: Callable[[DatasetStore, str, dict[str, Any]], Result] = field(repr=False)

    def check(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters, parsed and checked; unknown names are an error."""
        known = {p.name for p in self.params}
        unknown = sorted(set(raw) - known)
        if unknown:
            allowed = ", ".join(sorted(known)) or "none"
            raise InvalidQuery(f"unknown parameter(s) for {self.name}: {', '.join(unknown)} (allowed: {allowed})")
        return {p.name: p.parse(raw.get(p.name)) for p in self.params}


def _head(dataset: str, name: str, store: DatasetStore, **params: Any) -> dict[str, Any]:
    files = store.manifest(dataset)["files"]
    return {"dataset": dataset, "analysis": name, **params,
            "source_files": [{"name": f["name"], "sha256": f["sha256"]} for f in files]}


def _run(store: DatasetStore, sql_name: str, query: str, values: dict[str, Any]):
    text = load_sql()[sql_name].text(query)
    return store.query(text, bound(text, values))


def weekday_hour_matrix(store: DatasetStore, dataset: str, tz: str) -> list[list[int]]:
    """Tweets by weekday (rows, Monday first) and local hour (24 columns) in ``tz``."""
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, tweets in _run(store, "posting-hours", "main", {"dataset": dataset, "tz": tz}).rows:
        grid[weekday - 1][hour] = tweets
    return grid


def posting_hours(store: DatasetStore, dataset: str, p: dict[str, Any]) -> Result:
    grid = weekday_hour_matrix(store, dataset, p["tz"])
    body = {**_head(dataset, "posting-hours", store, tz=p["tz"]), "tweets": sum(map(sum, grid)),
            "weekdays": list(WEEKDAYS), "weekday_hour": grid}
    rows = [[WEEKDAYS[d], h, grid[d][h]] for d in range(7) for h in range(24)]
    return Result(body, ["weekday", "hour", "tweets"], rows)


def working_hours(store: DatasetStore, dataset: str, p: dict[str, Any]) -> Result:
    if p["from_hour"] >= p["to_hour"]:
        raise InvalidQuery("from_hour must be before to_hour (hours 0–24, to_hour not included)")
    grid = weekday_hour_matrix(store, dataset, p["tz"])
    total = sum(map(sum, grid))
    inside = sum(grid[d - 1][h] for d in p["days"] for h in range(p["from_hour"], p["to_hour"]))
    share = inside / total if total else None
    body = {**_head(dataset, "working-hours", store, tz=p["tz"], days=p["days"], from_hour=p["from_hour"],
                    to_hour=p["to_hour"]),
            "day_names": [WEEKDAYS[d - 1] for d in p["days"]],
            "tweets": total, "in_window": inside, "share": share,
            "statement": _window_words(p, inside, total, share)}
    return Result(body, ["tz", "days", "from_hour", "to_hour", "tweets", "in_window", "share"],
                  [[p["tz"], " ".join(WEEKDAYS[d - 1][:3] for d in p["days"]), p["from_hour"], p["to_hour"],
                    total, inside, share]])


def _window_words(p: dict[str, Any], inside: int, total: int, share: float | None) -> str:
    days = p["days"]
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
        span = f"{WEEKDAYS[days[0] - 1]}–{WEEKDAYS[days[-1] - 1]}"
    else:
        span = ", ".join(WEEKDAYS[d - 1] for d in days)
    pct = f"{share:.0%}" if share is not None else "no share (no tweets)"
    return (f"{pct} of tweets ({inside:,} of {total:,}) fall {span} "
            f"{p['from_hour']:02d}:00–{p['to_hour']:02d}:00 {p['tz']}")


def account_creation(store: DatasetStore, dataset: str, p: dict[str, Any]) -> Result:
    rows = _run(store, "account-creation", "main", {"dataset": dataset}).rows
    counts = {m: n for m, n in rows if m is not None}
    unknown = sum(n for m, n in rows if m is None)
    months = []
    if counts:
        first, last = min(counts), max(counts)
        y, m = int(first[:4]), int(first[5:])
        while f"{y:04d}-{m:02d}" <= last:
            key = f"{y:04d}-{m:02d}"
            months.append({"month": key, "accounts": counts.get(key, 0)})
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    body = {**_head(dataset, "account-creation", store), "accounts": sum(counts.values()) + unknown,
            "unknown": unknown, "months": months}
    return Result(body, ["month", "accounts"], [[x["month"], x["accounts"]] for x in months])


def languages(store: DatasetStore, dataset: str, p: dict[str, Any]) -> Result:
    rows = _run(store, "languages", p["of"], {"dataset": dataset}).rows
    total = sum(n for _, n in rows)
    items = [{"language": lang, "count": n, "share": n / total} for lang, n in rows]
    body = {**_head(dataset, "languages", store, of=p["of"]), "total": total, "languages": items}
    return Result(body, ["language", "count", "share"], [[i["language"], i["count"], i["share"]] for i in items])


def clients(store: DatasetStore, dataset: str, p: dict[str, Any]) -> Result:
    rows = _run(store, "clients", "main", {"dataset": dataset, "limit": p["limit"]}).rows
    total = int(rows[0][3]) if rows else 0
    items = [{"client": c, "tweets": n, "accounts": a, "share": n / total} for c, n, a, _ in rows]
    body = {**_head(dataset, "clients", store, limit=p["limit"]), "tweets": total, "clients": items}
    return Result(body, ["client", "tweets", "accounts", "share"],
                  [[i["client"], i["tweets"], i["accounts"], i["share"]] for i in items])


def _top(kind: str) -> Callable[[DatasetStore, str, dict[str, Any]], Result]:
    def compute(store: DatasetStore, dataset: str, p: dict[str, Any]) -> Result:
        table = _run(store, "top-items", kind, {"dataset": dataset, "limit": p["limit"]})
        items = [{k: jsonable(v) for k, v in r.items()} for r in table.records()]
        body = {**_head(dataset, kind, store, limit=p["limit"]), kind: items}
        return Result(body, table.columns, [list(r) for r in table.rows])

    return compute


def _network(kind: str) -> Callable[[DatasetStore, str, dict[str, Any]], Result]:
    def compute(store: DatasetStore, dataset: str, p: dict[str, Any]) -> Result:
        values = {"dataset": dataset, "kind": kind, "limit": p["limit"]}
        summary = _run(store, "network", "summary", values).records()[0]
        targets = _run(store, "network", "targets", values)
        pairs = _run(store, "network", "pairs", values)
        name = f"{kind}-network"
        body = {**_head(dataset, name, store, limit=p["limit"]), "kind": kind,
                "summary": {k: jsonable(v) for k, v in summary.items()},
                "top_targets": [{k: jsonable(v) for k, v in r.items()} for r in targets.records()],
                "top_pairs": [{k: jsonable(v) for k, v in r.items()} for r in pairs.records()]}
        return Result(body, pairs.columns, [list(r) for r in pairs.rows])

    return compute


TZ = Param("tz", "tz", "UTC", "IANA time zone the hours are counted in, e.g. Asia/Shanghai")
LIMIT = Param("limit", "int", 25, "how many to list (1–1000)")

ANALYSES: dict[str, Analysis] = {a.name: a for a in [
    Analysis("posting-hours", "Posting hours", "Tweets by weekday (Monday first) and hour of the day in a time zone.",
             (TZ,), posting_hours),
    Analysis("working-hours", "Tweets in working hours",
             "The share of tweets posted on given weekdays between two hours of a time zone "
             "(from_hour included, to_hour not).",
             (TZ, Param("days", "weekdays", [1, 2, 3, 4, 5], "weekdays: mon-fri, sat,sun, 1-5 (Monday = 1)"),
              Param("from_hour", "hour", 8, "first hour of the window (0–23)"),
              Param("to_hour", "hour", 17, "hour the window ends, not included (1–24)")), working_hours),
    Analysis("account-creation", "Account creation by month",
             "Accounts by the month (UTC) they were created, every month from the first to the last.",
             (), account_creation),
    Analysis("languages", "Languages", "Tweets by tweet_language, or accounts by account_language.",
             (Param("of", "choice", "tweets", "tweets or accounts", choices=("tweets", "accounts")),), languages),
    Analysis("clients", "Clients", "Tweets by the client (app) that posted them.", (LIMIT,), clients),
    Analysis("hashtags", "Top hashtags", "Hashtags by the number of tweets using them, exactly as released.",
             (LIMIT,), _top("hashtags")),
    Analysis("urls", "Top URLs", "URLs by the number of tweets carrying them, exactly as released (never fetched).",
             (LIMIT,), _top("urls")),
    Analysis("mentions", "Top mentions", "Accounts mentioned, by the number of tweets mentioning them.",
             (LIMIT,), _top("mentions")),
    Analysis("retweet-network", "Retweet network", "Who retweets whom inside the set: summary, top targets, top pairs.",
             (LIMIT,), _network("retweet")),
    Analysis("reply-network", "Reply network", "Who replies to whom inside the set: summary, top targets, top pairs.",
             (LIMIT,), _network("reply")),
]}


def run_analysis(store: DatasetStore | Path, dataset: str, name: str,
                 params: Mapping[str, Any] | None = None) -> Result:
    """Run analysis ``name`` over ``dataset`` with ``params`` (checked; defaults filled in).

    ``store`` is a `DatasetStore`, or the path of a datasets folder (opened for this call).
    Raises `InvalidQuery` (unknown analysis or bad parameter), `DatasetNotFound`, `QueryTimeout`."""
    if not isinstance(store, DatasetStore):
        own = DatasetStore(Path(store))
        try:
            return run_analysis(own, dataset, name, params)
        finally:
            own.close()
    analysis = ANALYSES.get(name)
    if analysis is None:
        raise InvalidQuery(f"no analysis named '{name[:60]}'; known: {', '.join(ANALYSES)}")
    checked = analysis.check(dict(params or {}))
    store.manifest(dataset)  # DatasetNotFound before any SQL runs
    return analysis.compute(store, dataset, checked)
