"""``python -m iokg.bench.archive``: how long a takedown archive at ASPI's scale takes to import.

Generates a synthetic Twitter information-operations archive (`iokg.datasets.synthetic`; by
default 23,750 accounts and 348,608 tweets, ASPI's scale: its Strategist piece speaks of "almost
24,000 accounts and 350,000 tweets"), imports it with the real `import_twitter_io`, then times a
re-import of the same files (idempotent: nothing to do), the posting-hours analysis in two time
zones and one query through the SQL door, and prints every figure. Not a test: nothing is
asserted about speed. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from iokg.bench import work_folder
from iokg.datasets.analyses import run_analysis
from iokg.datasets.catalog import DatasetStore
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import ASPI_ACCOUNTS, ASPI_TWEETS, generate


@dataclass
class Figures:
    """Seconds per step, and what was imported."""

    seconds: dict[str, float] = field(default_factory=dict)
    accounts: int = 0
    tweets: int = 0
    bytes: int = 0


def machine() -> str:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return (f"{os.cpu_count()} cores ({usable} usable); {platform.platform()}; Python {platform.python_version()}; "
            f"duckdb {duckdb.__version__}; load average {os.getloadavg()[0]:.1f}")


def run(workdir: Path, *, accounts: int = ASPI_ACCOUNTS, tweets: int = ASPI_TWEETS, seed: int = 1,
        zipped: bool = False, say=print) -> Figures:
    """Generate, import, re-import, analyse; ``say`` each figure as it comes."""
    figures = Figures()

    def timed(name: str, fn):
        t0 = time.perf_counter()
        value = fn()
        figures.seconds[name] = time.perf_counter() - t0
        return value

    g = timed("generate", lambda: generate(workdir / "release", accounts=accounts, tweets=tweets, seed=seed,
                                           zipped=zipped))
    figures.bytes = sum(p.stat().st_size for p in (g.users_file, g.tweets_file))
    say(f"generated {accounts:,} accounts and {tweets:,} tweets ({figures.bytes / 1e6:.1f} MB"
        f"{', zipped' if zipped else ''}) in {figures.seconds['generate']:.1f} s")
    root = workdir / "datasets"
    report = timed("import", lambda: import_twitter_io(g.folder, root, "bench"))
    c = report.manifest["counts"]
    figures.accounts, figures.tweets = c["accounts"], c["tweets"]
    rate = figures.tweets / figures.seconds["import"]
    say(f"import: {figures.seconds['import']:.1f} s ({rate:,.0f} tweets/s): {report.summary()}")
    again = timed("reimport", lambda: import_twitter_io(g.folder, root, "bench"))
    say(f"re-import of the same files: {figures.seconds['reimport']:.2f} s ({'unchanged' if again.unchanged else 'redone'})")
    store = DatasetStore(root, timeout_ms=600_000)
    try:
        timed("open", lambda: store.manifests())
        for tz in ("Asia/Shanghai", "America/New_York"):
            body = timed(f"posting-hours {tz}", lambda tz=tz: run_analysis(store, "bench", "posting-hours", {"tz": tz}).body)
            say(f"posting-hours {tz}: {figures.seconds[f'posting-hours {tz}'] * 1000:.0f} ms ({body['tweets']:,} tweets)")
        share = timed("working-hours", lambda: run_analysis(store, "bench", "working-hours", {"tz": "Asia/Shanghai"}).body)
        say(f"working-hours Asia/Shanghai: {figures.seconds['working-hours'] * 1000:.0f} ms: {share['statement']}")
        sql = "SELECT tweet_client_name, count(*) FROM tweets GROUP BY ALL ORDER BY 2 DESC"
        timed("sql", lambda: store.run_user_sql(sql))
        say(f"SQL door ({sql}): {figures.seconds['sql'] * 1000:.0f} ms")
    finally:
        store.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m iokg.bench.archive", description=__doc__.split("\n\n")[0])
    p.add_argument("--accounts", type=int, default=ASPI_ACCOUNTS, help=f"accounts (default {ASPI_ACCOUNTS})")
    p.add_argument("--tweets", type=int, default=ASPI_TWEETS, help=f"tweets (default {ASPI_TWEETS})")
    p.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    p.add_argument("--zip", action="store_true", help="zip the generated CSVs, as some releases are")
    p.add_argument("--workdir", type=Path, default=None, help="folder for the archive and the datasets (default: temp)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args(argv)
    with work_folder(args.workdir, keep=args.keep, prefix="iokg-bench-archive-") as workdir:
        print(f"machine: {machine()}")
        run(workdir, accounts=args.accounts, tweets=args.tweets, seed=args.seed, zipped=args.zip)
    return 0


if __name__ == "__main__":
    sys.exit(main())
