"""Driving a server with ``wrk``, the native load generator, from a list of requests.

``wrk`` (Debian's package; ``scripts/install-bench.sh`` installs it) keeps ``connections``
keep-alive connections busy for ``seconds`` and measures latency in C, so the figures are the
server's, not a Python client's. What it sends comes from a Lua script this module writes: the
requests of a workload (method, path, headers, body), cycled through in order by every wrk
thread from its own starting point, so consecutive requests bind different values. The script
counts answers by status (and 503s carrying ``Retry-After``) in each thread and prints one JSON
line at the end: requests, duration, latency percentiles, socket errors (connect, read, write,
timeout) and statuses.

``taskset`` pins wrk to chosen CPUs (`Pinning`), so it does not compete with the server it
measures where the machine has cores to spare.

>>> script = lua_script([Request("GET", "/healthz"), Request("POST", "/sparql", b"ASK {}", {"Accept": "x"})])
>>> '{"POST", "/sparql", {["Accept"] = "x"}, "ASK {}"}' in script
True
>>> lua_string('a"b\\n')
'"a\\\\"b\\\\n"'
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: Where to look for wrk: ``IOKG_WRK`` if set, else ``wrk`` on PATH.
WRK_ENV = "IOKG_WRK"
INSTALL_HINT = "install it with `bash scripts/install-bench.sh` (Debian's wrk) or set IOKG_WRK to its path"
PERCENTILES = (50, 90, 99)


class WrkMissing(RuntimeError):
    """There is no wrk to run."""


@dataclass(frozen=True)
class Request:
    """One HTTP request as wrk sends it (path relative to the server's base URL)."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class WrkResult:
    """What one wrk run reports."""

    requests: int
    seconds: float
    latency_ms: dict[int, float]
    mean_ms: float
    socket_errors: dict[str, int]
    statuses: dict[int, int]
    retry_after_503: int = 0

    @property
    def ok(self) -> int:
        """Answers with a 2xx or 3xx status: what throughput counts."""
        return sum(n for s, n in self.statuses.items() if 200 <= s < 400)

    @property
    def throughput(self) -> float:
        """Right answers (2xx, 3xx) per second."""
        return self.ok / self.seconds if self.seconds else math.nan

    def errors_by_kind(self) -> dict[str, int]:
        """Non-2xx answers and socket errors, by kind: ``shed`` (429, or 503 with Retry-After),
        ``5xx`` (any other 5xx), ``4xx``, and wrk's ``connect``/``read``/``write``/``timeout``."""
        kinds: dict[str, int] = {}

        def add(kind: str, n: int) -> None:
            if n:
                kinds[kind] = kinds.get(kind, 0) + n

        add("shed", self.statuses.get(429, 0) + self.retry_after_503)
        add("5xx", sum(n for s, n in self.statuses.items() if s >= 500) - self.retry_after_503)
        add("4xx", sum(n for s, n in self.statuses.items() if 400 <= s < 500 and s != 429))
        for kind, n in self.socket_errors.items():
            add(kind, n)
        return kinds


def wrk_binary() -> str:
    """The wrk command, or `WrkMissing` saying how to install it."""
    wanted = os.environ.get(WRK_ENV, "wrk")
    found = shutil.which(wanted)
    if found is None:
        raise WrkMissing(f"no wrk (looked for {wanted!r}): {INSTALL_HINT}")
    return found


def wrk_version() -> str:
    out = subprocess.run([wrk_binary(), "-v"], capture_output=True, text=True, timeout=30)
    return (out.stdout or out.stderr).splitlines()[0].split(" Copyright")[0].strip()


@dataclass(frozen=True)
class Pinning:
    """Which CPUs the servers and the load generator run on (``None``: not pinned)."""

    servers: tuple[int, ...] | None
    generator: tuple[int, ...] | None

    @classmethod
    def auto(cls) -> Pinning:
        """With two usable CPUs or more and ``taskset`` at hand, the generator gets the last CPU and
        the servers the others; otherwise nothing is pinned."""
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2 or shutil.which("taskset") is None:
            return cls(None, None)
        return cls(tuple(cpus[:-1]), (cpus[-1],))

    @classmethod
    def none(cls) -> Pinning:
        return cls(None, None)

    def prefix(self, cpus: tuple[int, ...] | None) -> list[str]:
        return ["taskset", "-c", ",".join(map(str, cpus))] if cpus else []

    def describe(self) -> str:
        if not self.servers:
            return "not pinned (fewer than 2 usable CPUs or no taskset)"
        return (f"servers on CPU {','.join(map(str, self.servers))}, "
                f"wrk on CPU {','.join(map(str, self.generator or ()))} (taskset)")


def lua_string(data: str | bytes) -> str:
    """A Lua string literal for ``data`` (bytes kept as they are)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    out = []
    for b in raw:
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append(f"\\{b:03d}")
    return '"' + "".join(out) + '"'


_SCRIPT_TAIL = r"""
local threads = {}
local counter = 0
function setup(thread)
  thread:set("start", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  -- built here, not at load time: wrk.format adds the Host header, known only from now on
  requests = {}
  for _, s in ipairs(specs) do
    table.insert(requests, wrk.format(s[1], s[2], s[3], s[4]))
  end
  statuses = {}
  shed = 0
  index = (start * 7919) % #requests
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 503 and (headers["retry-after"] or headers["Retry-After"]) then
    shed = shed + 1
  end
end

local function pct(latency, p) return latency:percentile(p) / 1000.0 end

function done(summary, latency, requests)
  local all, shed_total = {}, 0
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("statuses")) do all[s] = (all[s] or 0) + n end
    shed_total = shed_total + t:get("shed")
  end
  local parts = {}
  for s, n in pairs(all) do table.insert(parts, string.format('"%d": %d', s, n)) end
  local e = summary.errors
  io.write(string.format(
    'IOKG-WRK {"requests": %d, "duration_us": %d, "p50": %.3f, "p90": %.3f, "p99": %.3f, "mean": %.3f, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "statuses": {%s}, "retry_after_503": %d}\n',
    summary.requests, summary.duration, pct(latency, 50), pct(latency, 90), pct(latency, 99),
    latency.mean / 1000.0, e.connect, e.read, e.write, e.timeout, table.concat(parts, ", "), shed_total))
end
"""


def lua_script(requests: list[Request]) -> str:
    """The wrk script that cycles through ``requests`` and reports as `run_wrk` reads it."""
    if not requests:
        raise ValueError("wrk needs at least one request")
    lines = ["specs = {}"]
    for r in requests:
        headers = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.headers.items()) + "}"
        body = lua_string(r.body) if r.body is not None else "nil"
        lines.append(f"table.insert(specs, {{{lua_string(r.method)}, {lua_string(r.path)}, {headers}, {body}}})")
    return "\n".join(lines) + "\n" + _SCRIPT_TAIL


def parse_report(output: str) -> WrkResult:
    """The JSON line the script's ``done`` wrote, as a `WrkResult`."""
    for line in output.splitlines():
        if line.startswith("IOKG-WRK "):
            doc = json.loads(line[len("IOKG-WRK "):])
            return WrkResult(
                requests=doc["requests"], seconds=doc["duration_us"] / 1e6,
                latency_ms={p: doc[f"p{p}"] for p in PERCENTILES}, mean_ms=doc["mean"],
                socket_errors={k: doc[k] for k in ("connect", "read", "write", "timeout")},
                statuses={int(s): n for s, n in doc["statuses"].items()},
                retry_after_503=doc["retry_after_503"])
    raise RuntimeError(f"wrk printed no report:\n{output[-2000:]}")


def run_wrk(base_url: str, requests: list[Request], *, connections: int, seconds: float,
            threads: int | None = None, timeout_s: float = 30.0, pinning: Pinning | None = None,
            workdir: Path | None = None) -> WrkResult:
    """Run wrk against ``base_url`` for ``seconds`` with ``connections`` connections."""
    binary = wrk_binary()
    threads = max(1, min(threads or 1, connections))
    with tempfile.TemporaryDirectory(dir=workdir, prefix="wrk-") as tmp:
        script = Path(tmp) / "requests.lua"
        script.write_text(lua_script(requests), encoding="utf-8")
        argv = [*(pinning.prefix(pinning.generator) if pinning else []), binary,
                "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
                "--timeout", f"{max(1, round(timeout_s))}s", "--latency", "-s", str(script), base_url]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + timeout_s + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited with {done.returncode}: {done.stderr[-2000:] or done.stdout[-2000:]}")
    return parse_report(done.stdout)
