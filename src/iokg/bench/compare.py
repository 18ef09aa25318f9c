"""iokg beside Oxigraph's server under wrk: per-workload throughput and latency ratios, in one run.

For each workload and concurrency the two servers take turns: a wrk run of ``seconds`` against
one, then the other, the first server alternating each round (``rounds``), after a warm-up run
of each that is not counted. Throughput is all timed requests over all timed seconds; latency
percentiles are the median, over the rounds, of what wrk measured. Any answer other than 2xx or
a socket error is counted and printed; a workload with errors is marked so, never hidden.

Targets (issue 11): the lookups and pages at least 1.0× Oxigraph's throughput on the equivalent
SPARQL, ``/sparql`` point queries at least 0.6×.
"""

from __future__ import annotations

import os
import statistics
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

    @property
    def requests(self) -> int:
        """Right answers (2xx, 3xx) over all runs."""
        return sum(r.ok for r in self.runs)

    @property
    def throughput(self) -> float:
        seconds = sum(r.seconds for r in self.runs)
        return self.requests / seconds if seconds else float("nan")

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
        return self.iokg.throughput / self.oxigraph.throughput

    @property
    def target(self) -> float:
        return TARGETS.get(self.workload, DEFAULT_TARGET)


def requests_of(workload: Workload) -> tuple[list[Request], list[Request]]:
    """A SPARQL `Workload`'s requests for iokg and for Oxigraph, as wrk sends them."""
    def convert(call) -> Request:
        return Request(call.method, call.path, call.content, dict(call.headers))
    return ([convert(workload.iokg(v)) for v in workload.params],
            [convert(workload.oxigraph(v)) for v in workload.params])


def compare(name: str, iokg_requests: list[Request], oxigraph_requests: list[Request], iokg: Server,
            oxigraph: Server, *, concurrency: int, seconds: float, rounds: int, pinning: Pinning,
            workdir: Path | None = None, warmup_s: float = 1.0) -> Pair:
    """Alternating wrk runs of one workload on both servers (see the module docstring)."""
    pair = Pair(name, concurrency, Side(), Side())
    sides = [(iokg, iokg_requests, pair.iokg), (oxigraph, oxigraph_requests, pair.oxigraph)]
    threads = 1 if (pinning.generator and len(pinning.generator) == 1) else min(2, concurrency)

    def run(server: Server, reqs: list[Request], s: float) -> WrkResult:
        return run_wrk(server.url, reqs, connections=concurrency, seconds=s, threads=threads,
                       pinning=pinning, workdir=workdir)

    for server, reqs, _ in sides:
        run(server, reqs, warmup_s)
    for k in range(rounds):
        for server, reqs, side in (sides if k % 2 == 0 else sides[::-1]):
            side.runs.append(run(server, reqs, seconds))
    return pair


def _ms(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def table(pairs: list[Pair]) -> str:
    """The ratios as a Markdown table (req/s ratio: iokg ÷ Oxigraph, >1 is faster)."""
    head = ("| workload | conc | iokg req/s | p50 ms | p99 ms | oxigraph req/s | p50 ms | p99 ms "
            "| req/s ratio | p50 ratio | target | met |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for p in pairs:
        i, o = p.iokg, p.oxigraph
        errors = {**{f"iokg {k}": n for k, n in i.errors().items()},
                  **{f"oxigraph {k}": n for k, n in o.errors().items()}}
        met = "yes" if p.ratio >= p.target else "no"
        if errors:
            met += " (errors: " + ", ".join(f"{k} {n}" for k, n in errors.items()) + ")"
        lines.append(
            f"| {p.workload} | {p.concurrency} | {i.throughput:.0f} | {_ms(i.latency_ms(50))} | {_ms(i.latency_ms(99))} "
            f"| {o.throughput:.0f} | {_ms(o.latency_ms(50))} | {_ms(o.latency_ms(99))} "
            f"| {p.ratio:.2f}× | {i.latency_ms(50) / o.latency_ms(50):.2f}× | ≥ {p.target:.1f}× | {met} |")
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


def group_pids(pgid: int) -> list[int]:
    """Every live process of process group ``pgid`` (a server and its workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
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
              workdir: Path | None = None, say: Callable[[str], None] = print) -> list[Pair]:
    pairs = []
    for name, ireqs, oreqs in plan:
        for c in concurrencies:
            pair = compare(name, ireqs, oreqs, iokg, oxigraph, concurrency=c, seconds=seconds, rounds=rounds,
                           pinning=pinning, workdir=workdir)
            say(f"  {name} c={c}: iokg {pair.iokg.throughput:.0f} req/s, oxigraph {pair.oxigraph.throughput:.0f} "
                f"req/s, ratio {pair.ratio:.2f}×"
                + (f"; errors iokg {pair.iokg.errors()}, oxigraph {pair.oxigraph.errors()}"
                   if pair.iokg.errors() or pair.oxigraph.errors() else ""))
            pairs.append(pair)
    return pairs
