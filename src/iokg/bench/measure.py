"""Timing both servers side by side: bounded rounds, alternating which server goes first.

For each workload and concurrency, the two servers take turns: a round sends ``round_size``
requests to one server, then as many to the other, and the next round starts with the other
server, so drifting noise (another process, a CPU clock change) hits both. Rounds stop at
``max_requests`` per server, or after the round in which ``max_seconds`` ran out; both servers
always get the same number of requests. ``concurrency`` tasks share one keep-alive client per
server and walk the workload's values in order, so consecutive requests bind different values.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from iokg.bench.servers import Server
from iokg.bench.workloads import Call, Workload

#: Per-request time limit (a request past it counts as an error and is reported).
REQUEST_TIMEOUT_S = 60.0


class Mismatch(RuntimeError):
    """The two servers gave different answers to the same question."""


@dataclass
class Sample:
    latencies_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_s)

    def percentile_ms(self, p: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies_s:
            return math.nan
        ordered = sorted(self.latencies_s)
        return 1000 * ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def throughput(self) -> float:
        return self.requests / self.wall_s if self.wall_s else math.nan


@dataclass
class Cell:
    """One workload at one concurrency: a sample per server."""

    workload: str
    concurrency: int
    iokg: Sample
    oxigraph: Sample
    rounds: int = 0


async def _send(client: httpx.AsyncClient, call: Call) -> httpx.Response:
    return await client.request(call.method, call.path, content=call.content, headers=call.headers)


async def _round(client: httpx.AsyncClient, build, values: Sequence[str], start: int, count: int,
                 concurrency: int, sample: Sample) -> None:
    """``count`` requests, ``concurrency`` at a time, binding ``values`` from index ``start`` on."""
    next_index = iter(range(start, start + count))

    async def worker() -> None:
        for i in next_index:
            call = build(values[i % len(values)])
            t0 = time.perf_counter()
            try:
                response = await _send(client, call)
                await response.aread()
                ok = response.status_code == 200
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as e:
                ok, problem = False, f"{type(e).__name__}: {e}"
            elapsed = time.perf_counter() - t0
            if ok:
                sample.latencies_s.append(elapsed)
            else:
                sample.errors.append(problem)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    sample.wall_s += time.perf_counter() - t0


def _client(server: Server, concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=server.url, limits=limits, timeout=REQUEST_TIMEOUT_S)


async def check_agreement(workload: Workload, iokg: Server, oxigraph: Server, values: int = 8) -> list[int]:
    """Row counts for the first ``values`` values; `Mismatch` unless both servers agree on each
    (on the solutions themselves where the workload can compare them)."""
    counts = []
    async with _client(iokg, 1) as ic, _client(oxigraph, 1) as oc:
        for value in workload.params[:values]:
            a = await _send(ic, workload.iokg(value))
            b = await _send(oc, workload.oxigraph(value))
            if a.status_code != 200 or b.status_code != 200:
                raise Mismatch(f"{workload.name} {value}: iokg HTTP {a.status_code} {a.text[:300]!r}, "
                               f"oxigraph HTTP {b.status_code} {b.text[:300]!r}")
            rows_i, rows_o = workload.iokg_rows(a.content), workload.oxigraph_rows(b.content)
            if rows_i != rows_o:
                raise Mismatch(f"{workload.name} {value}: iokg returned {rows_i} rows, oxigraph {rows_o}")
            if workload.same_answer is not None and not workload.same_answer(a.content, b.content):
                raise Mismatch(f"{workload.name} {value}: same row count ({rows_i}) but different solutions")
            counts.append(rows_i)
    return counts


async def measure(workload: Workload, iokg: Server, oxigraph: Server, *, concurrency: int,
                  max_requests: int, max_seconds: float, round_size: int | None = None,
                  warmup: int = 4) -> Cell:
    """Time ``workload`` on both servers, alternating rounds (see the module docstring)."""
    round_size = round_size or max(4, 2 * concurrency)
    round_size = min(round_size, max_requests)
    cell = Cell(workload.name, concurrency, Sample(), Sample())
    targets = [(iokg, workload.iokg, cell.iokg), (oxigraph, workload.oxigraph, cell.oxigraph)]
    clients = [_client(server, concurrency) for server, _, _ in targets]
    try:
        for client, (_, build, _) in zip(clients, targets):  # open connections, touch the pages
            await _round(client, build, workload.params, 0, max(warmup, concurrency), concurrency, Sample())
        deadline = time.monotonic() + max_seconds
        done = 0
        while done < max_requests:
            count = min(round_size, max_requests - done)
            order = [0, 1] if cell.rounds % 2 == 0 else [1, 0]
            for k in order:
                _, build, sample = targets[k]
                await _round(clients[k], build, workload.params, done, count, concurrency, sample)
            done += count
            cell.rounds += 1
            if time.monotonic() > deadline:
                break
    finally:
        for client in clients:
            await client.aclose()
    return cell
