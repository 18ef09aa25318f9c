"""iokg beside Oxigraph's server under wrk: per-workload throughput and latency ratios, in one run.

For each workload and concurrency the two servers take turns: a wrk run of ``seconds`` against
one, then the other (longer, up to ``max_seconds``, for a workload whose requests take so long
that a run would hold fewer than `FEW` answers), the first server alternating each round (``rounds``), after a warm-up run
of each that is not counted. Throughput is all timed requests over all timed seconds; latency
percentiles are the median, over the rounds, of what wrk measured. **CPU µs per answer** is the
CPU time (user + system, from ``/proc``) the server's process group used during its timed runs,
over its right answers: unlike throughput on a shared core, it does not move with whatever else
the machine is running. Any answer other than 2xx or
a socket error is counted and printed; a workload with errors is marked so, never hidden.

Targets (issue 11): the lookups and pages at least 1.0× Oxigraph's throughput on the equivalent
SPARQL, ``/sparql`` point queries at least 0.6×.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from iokg.bench.servers import Server
from iokg.bench.workloads import Workload
from iokg.bench.wrk import Pinning, Request, WrkResult, run_wrk

#: Throughput each workload should reach, as a share of Oxigraph's on the same question.
TARGETS = {"point": 0.6}
DEFAULT_TARGET = 1.0


@dataclass
class Side:
    """One server's runs of one workload at one concurrency."""

    runs: list[WrkResult] = field(default_factory=list)
    cpu_s: float = 0.0  # CPU time the server's processes used during the runs (user + system)

    @property
    def requests(self) -> int:
        """Right answers (2xx, 3xx) over all runs."""
        return sum(r.ok for r in self.runs)

    @property
    def throughput(self) -> float:
        seconds = sum(r.seconds for r in self.runs)
        return self.requests / seconds if seconds else float("nan")

    @property
    def cpu_us_per_answer(self) -> float:
        """CPU time of the server per right answer, in µs: what a request costs, whatever else
        the machine is doing (throughput on a shared core is not)."""
        return self.cpu_s / self.requests * 1e6 if self.requests else float("nan")

    def latency_ms(self, p: int) -> float:
        return statistics.median(r.latency_ms[p] for r in self.runs) if self.runs else float("nan")

    def errors(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for r in self.runs:
            for kind, n in r.errors_by_kind().items():
                total[kind] = total.get(kind, 0) + n
        return total


@dataclass
class Pair:
    workload: str
    concurrency: int
    iokg: Side
    oxigraph: Side

    @property
    def ratio(self) -> float:
        """iokg's throughput over Oxigraph's (NaN when Oxigraph answered nothing)."""
        o = self.oxigraph.throughput
        return self.iokg.throughput / o if o else float("nan")

    @property
    def target(self) -> float:
        return TARGETS.get(self.workload, DEFAULT_TARGET)


def requests_of(workload: Workload) -> tuple[list[Request], list[Request]]:
    """A SPARQL `Workload`'s requests for iokg and for Oxigraph, as wrk sends them."""
    def convert(call) -> Request:
        return Request(call.method, call.path, call.content, dict(call.headers))
    return ([convert(workload.iokg(v)) for v in workload.params],
            [convert(workload.oxigraph(v)) for v in workload.params])


def one_request_s(server: Server, request: Request) -> float:
    """Seconds one request takes, alone (to size the runs of slow workloads)."""
    import httpx

    t0 = time.perf_counter()
    httpx.request(request.method, server.url + request.path, content=request.body, headers=request.headers,
                  timeout=120)
    return time.perf_counter() - t0


def run_seconds(seconds: float, max_seconds: float, request_s: float, concurrency: int, servers_cpus: int) -> float:
    """``seconds``, or longer (up to ``max_seconds``) when a request takes so long that a run of
    ``seconds`` would hold fewer than `FEW` answers."""
    parallel = max(1, min(concurrency, servers_cpus))
    return max(seconds, min(max_seconds, FEW * request_s / parallel))


def compare(name: str, iokg_requests: list[Request], oxigraph_requests: list[Request], iokg: Server,
            oxigraph: Server, *, concurrency: int, seconds: float, rounds: int, pinning: Pinning,
            workdir: Path | None = None, warmup_s: float = 1.0, max_seconds: float | None = None) -> Pair:
    """Alternating wrk runs of one workload on both servers (see the module docstring). A run lasts
    ``seconds``, or up to ``max_seconds`` for a workload whose requests are slow."""
    pair = Pair(name, concurrency, Side(), Side())
    if max_seconds and max_seconds > seconds:
        slowest = max(one_request_s(iokg, iokg_requests[1 % len(iokg_requests)]),
                      one_request_s(oxigraph, oxigraph_requests[1 % len(oxigraph_requests)]))
        seconds = run_seconds(seconds, max_seconds, slowest, concurrency, len(pinning.servers or (0, 1)))
        warmup_s = max(warmup_s, min(seconds, 2 * slowest))
    sides = [(iokg, iokg_requests, pair.iokg), (oxigraph, oxigraph_requests, pair.oxigraph)]
    threads = 1 if (pinning.generator and len(pinning.generator) == 1) else min(2, concurrency)

    def run(server: Server, reqs: list[Request], s: float) -> WrkResult:
        return run_wrk(server.url, reqs, connections=concurrency, seconds=s, threads=threads,
                       pinning=pinning, workdir=workdir)

    for server, reqs, _ in sides:
        run(server, reqs, warmup_s)
    for k in range(rounds):
        for server, reqs, side in (sides if k % 2 == 0 else sides[::-1]):
            before = cpu_seconds(server)
            side.runs.append(run(server, reqs, seconds))
            side.cpu_s += cpu_seconds(server) - before
    return pair


def _ms(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 1000 else f"{x:.0f}"


def _rate(x: float) -> str:
    return f"{x:.1f}" if x < 10 else f"{x:.0f}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


#: Fewer right answers than this on either side, and a row's ratio is marked as not to be read.
FEW = 20


def table(pairs: list[Pair]) -> str:
    """The ratios as a Markdown table (req/s ratio: iokg ÷ Oxigraph, >1 is faster)."""
    head = ("| workload | conc | iokg n | req/s | p50 ms | p99 ms | oxigraph n | req/s | p50 ms | p99 ms "
            "| req/s ratio | p50 ratio | CPU µs/answer iokg | oxigraph | target | met |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for p in pairs:
        i, o = p.iokg, p.oxigraph
        errors = {**{f"iokg {k}": n for k, n in i.errors().items()},
                  **{f"oxigraph {k}": n for k, n in o.errors().items()}}
        met = "yes" if p.ratio >= p.target else "no"
        if min(i.requests, o.requests) < FEW:
            met += f" (n < {FEW}: too few answers to read)"
        if errors:
            met += " (errors: " + ", ".join(f"{k} {n}" for k, n in errors.items()) + ")"
        lines.append(
            f"| {p.workload} | {p.concurrency} | {i.requests} | {_rate(i.throughput)} | {_ms(i.latency_ms(50))} "
            f"| {_ms(i.latency_ms(99))} | {o.requests} | {_rate(o.throughput)} | {_ms(o.latency_ms(50))} "
            f"| {_ms(o.latency_ms(99))} | {p.ratio:.2f}× | {_ratio(i.latency_ms(50), o.latency_ms(50))} "
            f"| {i.cpu_us_per_answer:.0f} | {o.cpu_us_per_answer:.0f} | ≥ {p.target:.1f}× | {met} |")
    return "\n".join(lines)


# --- memory -------------------------------------------------------------------------------------

def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _stat_fields(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (state first), None once gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2:].split()


def cpu_seconds(server: Server) -> float:
    """CPU time (user + system) used so far by the live processes of a server's process group."""
    ticks = 0
    for pid in group_pids(server.process.pid):
        fields = _stat_fields(pid)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def group_pids(pgid: int) -> list[int]:
    """Every live process of process group ``pgid`` (a server and its workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(entry)) is not None and len(fields) > 2 \
                and int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


@dataclass(frozen=True)
class Memory:
    processes: int
    rss_mb: float
    pss_mb: float
    peak_rss_mb: float

    def describe(self) -> str:
        return (f"{self.processes} process{'es' if self.processes != 1 else ''}, RSS {self.rss_mb:.0f} MB "
                f"(PSS {self.pss_mb:.0f} MB: shared pages counted once), peak RSS {self.peak_rss_mb:.0f} MB")


def memory_of(server: Server) -> Memory:
    """RSS of a server, summed over its process group (iokg: uvicorn and its query workers)."""
    pids = group_pids(server.process.pid)
    rss = sum(_status_kb(p, "VmRSS") for p in pids)
    hwm = sum(_status_kb(p, "VmHWM") for p in pids)
    pss = sum(_pss_kb(p) for p in pids)
    return Memory(len(pids), rss / 1024, pss / 1024, hwm / 1024)


def run_pairs(plan: list[tuple[str, list[Request], list[Request]]], iokg: Server, oxigraph: Server, *,
              concurrencies: list[int], seconds: float, rounds: int, pinning: Pinning,
              workdir: Path | None = None, max_seconds: float | None = None,
              say: Callable[[str], None] = print) -> list[Pair]:
    pairs = []
    for name, ireqs, oreqs in plan:
        for c in concurrencies:
            pair = compare(name, ireqs, oreqs, iokg, oxigraph, concurrency=c, seconds=seconds, rounds=rounds,
                           pinning=pinning, workdir=workdir, max_seconds=max_seconds)
            say(f"  {name} c={c}: iokg {pair.iokg.throughput:.0f} req/s, oxigraph {pair.oxigraph.throughput:.0f} "
                f"req/s, ratio {pair.ratio:.2f}×"
                + (f"; errors iokg {pair.iokg.errors()}, oxigraph {pair.oxigraph.errors()}"
                   if pair.iokg.errors() or pair.oxigraph.errors() else ""))
            pairs.append(pair)
    return pairs
