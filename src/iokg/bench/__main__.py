"""``python -m iokg.bench`` (or ``iokg-bench``): generate, build, serve twice, measure, print a table.

By default wrk (`iokg.bench.wrk`) drives both servers and `iokg.bench.compare` prints the ratios,
for the ``/sparql`` point query, the JSON lookups and the pages; ``--client python`` runs the
older Python loop (`iokg.bench.measure`) over the four SPARQL workloads. See docs/performance.md.
Everything runs in a fresh temporary folder (``--workdir`` to choose one, ``--keep`` to keep
it); both servers listen on 127.0.0.1 only and are stopped on every exit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph

from iokg.bench import work_folder
from iokg.bench.generate import DEFAULT_SCALE, Generated, generate
from iokg.bench.measure import Cell, check_agreement, measure
from iokg.bench.servers import both_servers, oxigraph_version
from iokg.bench.workloads import Workload, default_workloads
from iokg.build import build


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m iokg.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                   help=f"size of the synthetic graph; 1 is ~64 entities, 40 sources, ~370 assertions "
                        f"(default {DEFAULT_SCALE})")
    p.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    p.add_argument("--concurrency", default="1,8", help="comma-separated concurrencies (default 1,8)")
    p.add_argument("--requests", type=int, default=400,
                   help="at most this many timed requests per server, workload and concurrency (default 400)")
    p.add_argument("--seconds", type=float, default=12.0,
                   help="time budget per workload and concurrency, both servers together (default 12)")
    p.add_argument("--shacl", action=argparse.BooleanOptionalAction, default=False,
                   help="run the SHACL shapes in the build (slow past a few thousand assertions; default off)")
    p.add_argument("--only", default=None, help="comma-separated workload names to run (default all)")
    p.add_argument("--client", choices=("wrk", "python"), default="wrk",
                   help="wrk (default): the native load generator; python: the httpx loop of iokg.bench.measure")
    p.add_argument("--run-seconds", type=float, default=3.0,
                   help="with wrk: seconds of one timed run of one server (default 3)")
    p.add_argument("--max-run-seconds", type=float, default=12.0,
                   help="with wrk: a slow workload's runs last up to this long, to hold enough answers (default 12)")
    p.add_argument("--rounds", type=int, default=2,
                   help="with wrk: timed runs per server, workload and concurrency, alternating (default 2)")
    p.add_argument("--server", default="uvicorn",
                   help="with wrk: comma-separated ASGI servers to run iokg on, each compared with Oxigraph "
                        "(uvicorn, granian; default uvicorn)")
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True,
                   help="with wrk: pin the servers and wrk to different CPUs where there are two or more (default on)")
    p.add_argument("--store", type=Path, default=None,
                   help="a store already built from --scale and --seed: skip the build")
    p.add_argument("--workdir", type=Path, default=None, help="folder for data, store and logs (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    return p


def machine() -> str:
    mem = ""
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True, timeout=10).stdout.splitlines()[1]
        mem = " ".join(mem.split()[:2]).replace("Mem:", "memory")
    except (OSError, IndexError, subprocess.SubprocessError):
        pass
    return (f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {mem}; {platform.platform()}; "
            f"Python {platform.python_version()}; pyoxigraph {pyoxigraph.__version__}; {oxigraph_version()}; "
            f"load average {os.getloadavg()[0]:.1f}")


def _ms(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def table(cells: list[Cell]) -> str:
    """The results as a Markdown table, iokg and Oxigraph side by side."""
    head = ("| workload | conc | n | iokg p50 | p95 | p99 | req/s | oxigraph p50 | p95 | p99 | req/s "
            "| p50 ratio | req/s ratio |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for c in cells:
        i, o = c.iokg, c.oxigraph
        lines.append(
            f"| {c.workload} | {c.concurrency} | {i.requests} "
            f"| {_ms(i.percentile_ms(50))} | {_ms(i.percentile_ms(95))} | {_ms(i.percentile_ms(99))} | {i.throughput:.0f} "
            f"| {_ms(o.percentile_ms(50))} | {_ms(o.percentile_ms(95))} | {_ms(o.percentile_ms(99))} | {o.throughput:.0f} "
            f"| {i.percentile_ms(50) / o.percentile_ms(50):.2f}× | {i.throughput / o.throughput:.2f}× |")
    return "\n".join(lines)


def prepare(workdir: Path, scale: float, seed: int, shacl: bool, say=print) -> tuple[Generated, Path]:
    """Generate the data folder and build it with the real `iokg.build.build`."""
    t0 = time.perf_counter()
    g = generate(workdir / "data", scale=scale, seed=seed)
    say(f"generated scale {scale:g} seed {seed} in {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{v} {k}" for k, v in g.counts.items())
        + f", {g.derivations} derived_from links, {g.files} files")
    report = build(g.data_dir, workdir / "store", workdir / "store.trig", shacl=shacl)
    say(f"built with iokg.build.build({'shacl=True' if shacl else 'shacl=False: SHACL shapes skipped for speed'}) "
        f"in {report.seconds:.1f} s: {report.summary()}")
    if report.counts != g.counts:
        raise RuntimeError(f"the build counted {report.counts}, the generator wrote {g.counts}")
    return g, workdir / "store"


async def run_workloads(workloads: list[Workload], store: Path, log_dir: Path, *, concurrencies: list[int],
                        max_requests: int, max_seconds: float, say=print) -> list[Cell]:
    """Serve ``store`` twice, check both agree on every workload, then time each one."""
    cells = []
    with both_servers(store, log_dir) as (iokg, oxigraph):
        say(f"serving: iokg {iokg.url}/sparql, oxigraph {oxigraph.url}/query (--union-default-graph)")
        for w in workloads:
            rows = await check_agreement(w, iokg, oxigraph)
            say(f"  {w.name}: {w.description}; {len(w.params)} values; "
                f"both servers agree on the first {len(rows)}, rows: {rows}")
        for w in workloads:
            for c in concurrencies:
                cell = await measure(w, iokg, oxigraph, concurrency=c, max_requests=max_requests,
                                     max_seconds=max_seconds)
                for name, sample in (("iokg", cell.iokg), ("oxigraph", cell.oxigraph)):
                    if sample.errors:
                        say(f"  ! {w.name} c={c} {name}: {len(sample.errors)} errors, first: {sample.errors[0]}")
                say(f"  {w.name} c={c}: {cell.rounds} rounds, {cell.iokg.requests} + {cell.oxigraph.requests} "
                    f"requests, iokg {cell.iokg.throughput:.0f} req/s, oxigraph {cell.oxigraph.throughput:.0f} req/s")
                cells.append(cell)
    return cells


def wrk_plan(g: Generated, only: set[str] | None) -> list[tuple[str, list, list]]:
    """What the wrk comparison sends: (name, iokg's requests, Oxigraph's requests) per workload."""
    from iokg.bench.compare import requests_of
    from iokg.bench.lookups import route_workloads
    from iokg.bench.workloads import point_lookup

    plan = [("point", *requests_of(point_lookup(g)))]
    plan += [(w.name, w.iokg_requests(), w.oxigraph_requests()) for w in route_workloads(g)]
    return [p for p in plan if only is None or p[0] in only]


def check_plan(g: Generated, store: Path, only: set[str] | None, say=print) -> None:
    """Before timing: the Oxigraph side of every lookup gives the named queries' rows (in process)."""
    from iokg.bench.lookups import check_bound, route_workloads

    for w in route_workloads(g):
        if only is None or w.name in only:
            say(f"  {w.name}: {w.description}; {len(w.params)} values; Oxigraph's SPARQL rows {check_bound(store, w)}"
                + (" = the named queries' rows" if w.steps else ""))


def run_wrk_comparison(args, g: Generated, store: Path, workdir: Path, concurrencies: list[int],
                       only: set[str] | None, say=print) -> None:
    import httpx

    from iokg.bench.compare import memory_of, run_pairs
    from iokg.bench.compare import table as wrk_table
    from iokg.bench.wrk import Pinning, wrk_binary, wrk_version

    wrk_binary()  # no wrk: stop here, saying how to install it
    pinning = Pinning.auto() if args.pin else Pinning.none()
    say(f"load generator: {wrk_version()}; {pinning.describe()}")
    check_plan(g, store, only, say)
    plan = wrk_plan(g, only)
    for server in [s.strip() for s in args.server.split(",") if s.strip()]:
        with both_servers(store, workdir, cpus=pinning.servers, settings={"IOKG_SERVER": server}) as (iokg, oxigraph):
            say(f"serving: iokg ({server}) {iokg.url}, oxigraph {oxigraph.url}/query (--union-default-graph)")
            for name, ireqs, _ in plan:  # every iokg route answers before anything is timed
                r = ireqs[0]
                answer = httpx.request(r.method, iokg.url + r.path, content=r.body, headers=r.headers, timeout=60)
                if answer.status_code != 200:
                    raise RuntimeError(f"{name}: iokg answered {answer.status_code} to {r.path}: {answer.text[:300]}")
            pairs = run_pairs(plan, iokg, oxigraph, concurrencies=concurrencies, seconds=args.run_seconds,
                              rounds=args.rounds, pinning=pinning, workdir=workdir,
                              max_seconds=args.max_run_seconds, say=say)
            say("")
            say(f"iokg on {server}; n = right answers, req/s = right answers per second, over {args.rounds} "
                f"alternating wrk runs per server of {args.run_seconds:g} s (up to {args.max_run_seconds:g} s for "
                f"slow workloads); latency: median over the runs of wrk's percentiles; ratios iokg / oxigraph.")
            say("")
            say(wrk_table(pairs))
            say("")
            say(f"memory after the runs: iokg ({server}) {memory_of(iokg).describe()}")
            say(f"memory after the runs: oxigraph {memory_of(oxigraph).describe()}")
            say("")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    concurrencies = [int(x) for x in args.concurrency.split(",") if x.strip()]
    started = time.perf_counter()
    with work_folder(args.workdir, keep=args.keep, prefix="iokg-bench-") as workdir:
        print(f"machine: {machine()}")
        if args.store:
            g = generate(workdir / "data", scale=args.scale, seed=args.seed)
            store = args.store
            print(f"generated scale {args.scale:g} seed {args.seed} for its ids; serving the store {store} built from it")
        else:
            g, store = prepare(workdir, args.scale, args.seed, args.shacl)
        only = set(args.only.split(",")) if args.only else None
        if args.client == "wrk":
            run_wrk_comparison(args, g, store, workdir, concurrencies, only)
            print(f"total {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.1f} "
                  f"(other processes on this machine share its cores)")
            return 0
        workloads = default_workloads(g)
        if only:
            workloads = [w for w in workloads if w.name in only]
        cells = asyncio.run(run_workloads(workloads, store, workdir, concurrencies=concurrencies,
                                          max_requests=args.requests, max_seconds=args.seconds))
        print()
        print("Latency in ms (p50/p95/p99 per request, client side); req/s = requests / wall time of the "
              "server's rounds; ratios are iokg / oxigraph (latency: >1 is slower; req/s: <1 is slower).")
        print()
        print(table(cells))
        print()
        print(f"total {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.1f} "
              f"(other processes on this machine share its cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
