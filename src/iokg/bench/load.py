"""``python -m iokg.bench.load``: the load table and the soak, on loopback, bounded in count and time.

A **mixed workload** (pages, JSON lookups, ``/sparql`` point queries, one after the other with
different bound values) is sent by wrk at rising concurrency (1, 4, 16, 64, 128 connections,
``--seconds`` each); each row gives throughput (right answers per second), p50/p99 latency
and errors by kind: ``shed`` (429, or 503 with ``Retry-After``: the service refusing load as it
should), other ``5xx``, ``4xx``, and wrk's socket errors (``connect``, ``read``, ``write``,
``timeout``: a request not answered within ``--timeout``, 5 s, half a row's ``--seconds``, so a
stuck request is counted instead of running past the end of its row unseen). The target is zero 5xx and zero socket
errors at every concurrency; past ``IOKG_MAX_IN_FLIGHT`` the excess is shed.

The **soak** keeps the mixed workload going for ``--soak-seconds`` at ``--soak-concurrency`` and
prints the server's RSS (summed over its processes) every ``--soak-interval``, then a line
``memory flat`` (or ``memory grew``) comparing the first sample with the last.

Without ``--target`` the synthetic graph is generated and built (``--scale``, ``--seed``; or
``--store`` names a store built from them) and ``iokg serve`` is started on 127.0.0.1, pinned
away from wrk where there are cores to spare. With ``--target URL`` another server is driven
instead (one serving the same synthetic build, say on a remote store); its RSS is read only
when ``--pid`` names its process group.

``--backends embedded,virtuoso`` gives, in one run, the load table (and soak) of ``iokg serve``
over the embedded store and then of ``iokg serve --remote`` over Virtuoso Open Source: Virtuoso is
started in the work directory on loopback ports (`iokg.bench.virtuoso`, as the remote-store tests
start it), the same synthetic build is pushed into it with the real push (graphs and materialized
rows), and both tables are printed again together at the end. The remote rows' RSS is that of
both process groups (iokg and Virtuoso), each also shown alone.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from iokg.bench import work_folder
from iokg.bench.compare import Memory, group_pids, memory_of
from iokg.bench.generate import DEFAULT_SCALE, Generated, generate
from iokg.bench.lookups import route_workloads
from iokg.bench.servers import iokg_server
from iokg.bench.workloads import point_lookup
from iokg.bench.wrk import Pinning, Request, WrkResult, run_wrk, wrk_binary, wrk_version

DEFAULT_CONCURRENCY = "1,4,16,64,128"
#: What ``--backends`` may name: the embedded store, and iokg serve --remote over Virtuoso.
BACKENDS = ("embedded", "virtuoso")
#: Which workloads make up the mixed one, and how many of each in every cycle of it.
MIX = {"page-entity": 1, "page-claim": 1, "entity": 1, "claim": 1, "corroboration": 1, "search": 2, "point": 3}


def mixed_requests(g: Generated) -> list[Request]:
    """The mixed workload's requests for iokg: the `MIX`, interleaved, each value in turn."""
    by_name = {w.name: w.iokg_requests() for w in route_workloads(g)}
    from iokg.bench.compare import requests_of
    by_name["point"] = requests_of(point_lookup(g))[0]
    out: list[Request] = []
    cycles = max(len(v) for v in by_name.values())
    for k in range(cycles):
        for name, n in MIX.items():
            reqs = by_name[name]
            for j in range(n):
                out.append(reqs[(k * n + j) % len(reqs)])
    return out


@dataclass
class LoadRow:
    concurrency: int
    result: WrkResult


def _ms(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.0f}"


def load_table(rows: list[LoadRow]) -> str:
    head = "| connections | req/s (2xx) | p50 ms | p99 ms | answers | shed (503 + Retry-After, 429) | 5xx | socket errors |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for row in rows:
        r = row.result
        kinds = r.errors_by_kind()
        sockets = {k: kinds[k] for k in ("connect", "read", "write", "timeout") if kinds.get(k)}
        silent = " (none answered within the row: still running at its end)" if r.requests == 0 else ""
        lines.append(f"| {row.concurrency} | {r.throughput:.0f} | {_ms(r.latency_ms[50])} | {_ms(r.latency_ms[99])} "
                     f"| {r.requests}{silent} | {kinds.get('shed', 0)} | {kinds.get('5xx', 0)} "
                     f"| {', '.join(f'{k} {n}' for k, n in sockets.items()) or 0} |")
    return "\n".join(lines)


def run_load(url: str, requests: list[Request], concurrencies: list[int], seconds: float, *, pinning: Pinning,
             timeout_s: float, say: Callable[[str], None] = print) -> list[LoadRow]:
    rows = []
    run_wrk(url, requests, connections=1, seconds=1, pinning=pinning, timeout_s=timeout_s)  # warm-up
    for c in concurrencies:
        result = run_wrk(url, requests, connections=c, seconds=seconds, pinning=pinning, timeout_s=timeout_s)
        say(f"  c={c}: {result.throughput:.0f} req/s, p50 {_ms(result.latency_ms[50])} ms, "
            f"p99 {_ms(result.latency_ms[99])} ms, statuses {dict(sorted(result.statuses.items()))}, "
            f"errors {result.errors_by_kind() or 'none'}")
        rows.append(LoadRow(c, result))
    return rows


def flat_line(samples: list[tuple[float, Memory]], tolerance: float = 0.10, floor_mb: float = 20.0) -> str:
    """``memory flat`` when the last RSS is within ``tolerance`` (or ``floor_mb``) of the first; with
    three samples or more, also the same from the second sample on (after the caches warmed up)."""
    if len(samples) < 2:
        return "memory: fewer than two samples"

    def verdict(a: tuple[float, Memory], b: tuple[float, Memory]) -> tuple[bool, str]:
        first, last = a[1].rss_mb, b[1].rss_mb
        grown = last - first
        return grown <= max(tolerance * first, floor_mb), (
            f"t={a[0]:.0f} s {first:.0f} MB, t={b[0]:.0f} s {last:.0f} MB ({grown:+.0f} MB, {100 * grown / first:+.1f}%)")

    flat, text = verdict(samples[0], samples[-1])
    line = f"memory {'flat' if flat else 'grew'} (first vs last): {text}"
    if len(samples) >= 3:
        warm_flat, warm = verdict(samples[1], samples[-1])
        line += f"; memory {'flat' if warm_flat else 'grew'} after warm-up (second vs last): {warm}"
    return line + f"; flat means within {tolerance:.0%} or {floor_mb:.0f} MB"


def soak(url: str, requests: list[Request], *, seconds: float, interval: float, concurrency: int,
         pinning: Pinning, timeout_s: float, memory: Callable[[], Memory] | None,
         say: Callable[[str], None] = print) -> tuple[WrkResult, list[tuple[float, Memory]]]:
    """The mixed workload for ``seconds``, the server's RSS sampled every ``interval``."""
    outcome: dict[str, object] = {}

    def drive() -> None:
        try:
            outcome["result"] = run_wrk(url, requests, connections=concurrency, seconds=seconds, pinning=pinning,
                                        timeout_s=timeout_s)
        except Exception as e:  # reported below, in the main thread
            outcome["error"] = e

    samples: list[tuple[float, Memory]] = []
    start = time.monotonic()
    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    while driver.is_alive():
        if memory is not None:
            m = memory()
            samples.append((time.monotonic() - start, m))
            say(f"  t={samples[-1][0]:.0f} s: {m.describe()}")
        driver.join(timeout=interval)
    if memory is not None:
        m = memory()
        samples.append((time.monotonic() - start, m))
        say(f"  t={samples[-1][0]:.0f} s (end): {m.describe()}")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"], samples  # type: ignore[return-value]


def summed(*parts: Memory) -> Memory:
    """The memory of several servers as one (the remote service: iokg and its store)."""
    return Memory(sum(m.processes for m in parts), sum(m.rss_mb for m in parts), sum(m.pss_mb for m in parts),
                  sum(m.peak_rss_mb for m in parts))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m iokg.bench.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE, help=f"synthetic graph size (default {DEFAULT_SCALE})")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--store", type=Path, default=None,
                   help="a store already built from --scale and --seed (default: generate and build one)")
    p.add_argument("--target", default=None, metavar="URL",
                   help="drive this server (serving the same synthetic build) instead of starting iokg serve")
    p.add_argument("--pid", type=int, default=None, help="with --target: its process group, to read its RSS")
    p.add_argument("--backends", default="embedded", metavar="LIST",
                   help="which stores iokg serves from, one table each, in one run: embedded, virtuoso (iokg "
                        "serve --remote over a Virtuoso started here, the build pushed into it) or both, "
                        "comma-separated (default embedded)")
    p.add_argument("--concurrency", default=DEFAULT_CONCURRENCY, help=f"connections per row (default {DEFAULT_CONCURRENCY})")
    p.add_argument("--seconds", type=float, default=10.0, help="seconds per row (default 10)")
    p.add_argument("--timeout", type=float, default=5.0,
                   help="a request unanswered after this many seconds counts as a timeout (default 5; keep it "
                        "under --seconds, or a request still running at the end of a row goes unseen)")
    p.add_argument("--soak-seconds", type=float, default=300.0, help="length of the soak; 0 skips it (default 300)")
    p.add_argument("--soak-interval", type=float, default=30.0, help="seconds between RSS samples (default 30)")
    p.add_argument("--soak-concurrency", type=int, default=16, help="connections during the soak (default 16)")
    p.add_argument("--setting", action="append", default=[], metavar="IOKG_NAME=VALUE",
                   help="a setting of the iokg server started (repeatable), e.g. IOKG_SERVER=granian")
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True,
                   help="pin the server and wrk to different CPUs where there are two or more (default on)")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--keep", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    wrk_binary()  # no wrk: stop now, saying how to install it
    if args.target and urlsplit(args.target).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("--target must be a loopback address: this load test never leaves the machine")
    concurrencies = [int(x) for x in args.concurrency.split(",") if x.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not backends or any(b not in BACKENDS for b in backends):
        raise SystemExit(f"--backends takes {', '.join(BACKENDS)} (comma-separated), not {args.backends!r}")
    pinning = Pinning.auto() if args.pin else Pinning.none()
    settings = dict(s.split("=", 1) for s in args.setting)
    with work_folder(args.workdir, keep=args.keep, prefix="iokg-load-") as workdir:
        from iokg.bench.__main__ import machine, prepare
        print(f"machine: {machine()}; {wrk_version()}")
        if args.target or args.store:
            g = generate(workdir / "data", scale=args.scale, seed=args.seed)
            store = args.store
        else:
            g, store = prepare(workdir, args.scale, args.seed, shacl=False)
        requests = mixed_requests(g)
        print(f"mixed workload: {len(requests)} requests cycled ({', '.join(f'{n} {k}' for k, n in MIX.items())} "
              f"per cycle); {pinning.describe()}")

        tables: list[tuple[str, str]] = []

        def measure(url: str, memory: Callable[[], Memory] | None, name: str = "target",
                    parts: Callable[[], str] | None = None) -> None:
            rows = run_load(url, requests, concurrencies, args.seconds, pinning=pinning, timeout_s=args.timeout)
            print()
            print(load_table(rows))
            print()
            tables.append((name, load_table(rows)))
            if memory is not None:
                print(f"after the load table: {memory().describe()}" + (f" ({parts()})" if parts else ""))
            if args.soak_seconds > 0:
                print(f"soak: {args.soak_seconds:.0f} s at {args.soak_concurrency} connections")
                result, samples = soak(url, requests, seconds=args.soak_seconds, interval=args.soak_interval,
                                       concurrency=args.soak_concurrency, pinning=pinning, timeout_s=args.timeout,
                                       memory=memory)
                print(f"soak: {result.requests} answers, {result.throughput:.0f} req/s, "
                      f"p50 {_ms(result.latency_ms[50])} ms, p99 {_ms(result.latency_ms[99])} ms, "
                      f"errors {result.errors_by_kind() or 'none'}")
                print(flat_line(samples) if memory is not None else "memory: not measured (give --pid)")
                if parts is not None:
                    print(f"at the end of the soak: {parts()}")
                tables[-1] = (name, tables[-1][1] + f"\nsoak: {flat_line(samples) if memory else 'not measured'}")

        if args.target:
            pid = args.pid

            def remote_memory() -> Memory:
                from iokg.bench.servers import Server
                proc = type("P", (), {"pid": pid})()
                return memory_of(Server("target", args.target, proc, Path()))  # type: ignore[arg-type]

            print(f"target: {args.target}" + (f" (process group {pid}: {len(group_pids(pid))} processes)" if pid else ""))
            measure(args.target.rstrip("/"), remote_memory if pid else None)
        else:
            if "embedded" in backends:
                with iokg_server(store, workdir / "iokg.log", cpus=pinning.servers, settings=settings) as server:
                    print(f"serving: iokg {server.url} (embedded store; default settings"
                          f"{', ' + str(settings) if settings else ''})")
                    measure(server.url, lambda: memory_of(server), "iokg serve (embedded store)")
            if "virtuoso" in backends:
                from iokg.bench.virtuoso import push_build, virtuoso, virtuoso_version

                with virtuoso(workdir / "virtuoso", cpus=pinning.servers) as store_server:
                    started = time.monotonic()
                    print(f"\nvirtuoso: {virtuoso_version()} on {store_server.server.url}; "
                          f"pushed {push_build(store, store_server.settings)} "
                          f"(push and Virtuoso's load: {time.monotonic() - started:.0f} s)")
                    remote = {**settings, "IOKG_REMOTE": "true", **store_server.settings}
                    with iokg_server(store, workdir / "iokg-remote.log", cpus=pinning.servers,
                                     settings=remote) as server:
                        print(f"serving: iokg {server.url} (iokg serve --remote over Virtuoso; default settings"
                              f"{', ' + str(settings) if settings else ''})")

                        def both() -> str:
                            return (f"iokg: {memory_of(server).describe()}; "
                                    f"virtuoso: {memory_of(store_server.server).describe()}")

                        measure(server.url, lambda: summed(memory_of(server), memory_of(store_server.server)),
                                "iokg serve --remote (Virtuoso)", both)
            if len(tables) > 1:
                for name, table in tables:
                    print(f"\n{name}:\n{table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
