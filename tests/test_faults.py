"""Faults the service survives, each against real processes: a query worker killed mid-query, the store
vanishing under a running server and coming back, SIGTERM while queries are in flight (grace period,
no new connections, workers reaped, nothing left in the process group).

Builds that collide or run out of disk are in tests/test_faults_build.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import BASIC
from iokg.build import build
from sparql_server import SERVER_COMMAND, cpu_ticks, free_port, is_alive, server_env, worker_pids

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends on 3000 triples
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # 9,000,000 rows: a few seconds
SIMPLE = "SELECT ?o WHERE { <http://example.org/n7> ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def log(self) -> str:
        """What the server wrote to stderr so far (a file, never a pipe a noisy server could fill)."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def serve(store: Path, **settings: object) -> Iterator[Served]:
    """The server (`SERVER_COMMAND`: ``python -m iokg.api``) in a process group of its
    own (so a test can look for orphans)."""
    port = free_port()
    env = server_env(store=store, port=port, host="127.0.0.1", **settings)
    with tempfile.NamedTemporaryFile("wb", prefix="iokg-server-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(SERVER_COMMAND, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=log)
    served = Served(f"http://127.0.0.1:{port}", process, Path(log.name))
    try:
        wait_for(lambda: _healthy(served), 30, "the server to answer /healthz")
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        served.log_path.unlink(missing_ok=True)


def _healthy(served: Served) -> bool:
    if served.process.poll() is not None:
        raise RuntimeError(f"server exited: {served.log()}")
    try:
        return httpx.get(served.url + "/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def wait_for(condition, timeout_s: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) of the process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def ask(url: str, query: str, timeout: float = 60) -> httpx.Response:
    return httpx.get(url + "/sparql", params={"query": query}, headers=JSON, timeout=timeout)


def in_thread(fn) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def run() -> None:
        try:
            out["response"] = fn()
        except Exception as e:  # noqa: BLE001 - the test looks at it
            out["error"] = e

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def burning(pids: set[int], baseline: dict[int, int | None], ticks: int = 5) -> set[int]:
    return {p for p in pids if (cpu_ticks(p) or 0) - (baseline.get(p) or 0) >= ticks}


# ------------------------------------------------------------------ a query worker killed mid-query

def test_a_worker_killed_mid_query_gives_a_clear_503_and_the_pool_refills(big_store):
    with serve(big_store, query_timeout_ms=60_000, max_concurrent_queries=2) as server:
        assert ask(server.url, SIMPLE).status_code == 200
        before = wait_for(lambda: len(p := worker_pids(server.pid)) == 2 and p, what="2 workers")
        baseline = {p: cpu_ticks(p) for p in before}
        thread, out = in_thread(lambda: ask(server.url, RUNAWAY))
        (busy,) = wait_for(lambda: burning(before, baseline), what="a worker to evaluate the query")
        os.kill(busy, signal.SIGKILL)  # as the kernel's OOM killer would
        thread.join(timeout=30)

        r = out["response"]
        assert r.status_code == 503
        error = r.json()["error"]
        assert error["type"] == "resource_limit"
        assert "killed by signal 9" in error["message"] and "try again" in error["message"]
        assert r.headers["retry-after"].isdigit()
        # the pool refills: a fresh worker in place of the killed one, which was reaped
        after = wait_for(lambda: len(p := worker_pids(server.pid)) == 2 and p, what="the pool to refill")
        assert busy not in after and (before - {busy}) <= after
        assert not is_alive(busy)
        for _ in range(3):  # and the next queries answer, on either worker
            r = ask(server.url, SIMPLE)
            assert r.status_code == 200 and r.json()["results"]["bindings"][0]["o"]["value"] == "value 7"


# ------------------------------------------------------------------ the store vanishing

@pytest.fixture
def built_store(tmp_path) -> Path:
    store = tmp_path / "store"
    build(BASIC, store)
    return store


def _answers(url: str) -> dict[str, httpx.Response]:
    return {
        "sparql": ask(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        "entity": httpx.get(url + "/entities/alpha", timeout=30),
        "search": httpx.get(url + "/search", params={"q": "alpha"}, timeout=30),
        "page": httpx.get(url + "/e/alpha", timeout=30),
    }


@pytest.mark.parametrize("what", ["build directory", "store link"])
def test_the_store_vanishing_gives_503_with_retry_after_and_it_recovers_without_a_restart(built_store, what):
    source = built_store.resolve() if what == "build directory" else built_store
    moved = source.with_name("moved-away")
    with serve(built_store, max_concurrent_queries=1) as server:
        good = _answers(server.url)
        assert {k: r.status_code for k, r in good.items()} == dict.fromkeys(good, 200)
        count = good["sparql"].json()["results"]["bindings"][0]["n"]["value"]

        os.rename(source, moved)
        try:
            gone = _answers(server.url)
            for name, r in gone.items():
                assert r.status_code == 503, (name, r.status_code, r.text[:300])
                assert r.headers["retry-after"].isdigit(), name
                if name != "page":
                    error = r.json()["error"]
                    assert error["type"] == "store_not_found" and "no store at" in error["message"], name
            assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200  # the process lives on
        finally:
            os.rename(moved, source)

        back = _answers(server.url)
        assert {k: r.status_code for k, r in back.items()} == dict.fromkeys(back, 200)
        assert back["sparql"].json()["results"]["bindings"][0]["n"]["value"] == count
        assert back["entity"].json()["label"] == good["entity"].json()["label"]
        assert server.process.poll() is None


# ------------------------------------------------------------------ SIGTERM under load

def test_sigterm_lets_queries_in_flight_finish_refuses_new_ones_and_leaves_no_process(big_store):
    with serve(big_store, query_timeout_ms=60_000, max_concurrent_queries=2, shutdown_grace_ms=30_000) as server:
        assert ask(server.url, SIMPLE).status_code == 200
        workers = wait_for(lambda: len(p := worker_pids(server.pid)) == 2 and p, what="2 workers")
        assert set(workers) <= set(group_members(server.pid))
        baseline = {p: cpu_ticks(p) for p in workers}
        flights = [in_thread(lambda: ask(server.url, SLOW)) for _ in range(2)]
        wait_for(lambda: len(burning(workers, baseline)) == 2, what="both workers to evaluate a query")

        server.process.send_signal(signal.SIGTERM)
        sent = time.monotonic()

        def refused() -> bool:
            try:
                httpx.get(server.url + "/healthz", timeout=1)
            except (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError):
                return True  # refused, or taken from the backlog as the socket closed and reset
            return False

        wait_for(refused, 5, "new connections to be refused")
        assert all(thread.is_alive() for thread, _ in flights), \
            "the queries ended before new connections were refused; make them slower"
        for thread, out in flights:
            thread.join(timeout=60)
            assert "error" not in out, out.get("error")
            r = out["response"]
            assert r.status_code == 200
            assert r.json()["results"]["bindings"][0]["n"]["value"] == "9000000"
        # uvicorn shuts down in order, then ends by the signal it was sent
        assert server.process.wait(timeout=30) in (0, -signal.SIGTERM)
        assert time.monotonic() - sent < 30
        assert "Application shutdown complete" in server.log(), server.log()
        wait_for(lambda: not any(is_alive(p) for p in workers), 10, "the workers to be reaped")
        wait_for(lambda: not group_members(server.pid), 10, "the process group to empty")


def test_sigterm_stops_a_query_past_the_grace_period(big_store):
    with serve(big_store, query_timeout_ms=120_000, max_concurrent_queries=1, shutdown_grace_ms=1_000) as server:
        assert ask(server.url, SIMPLE).status_code == 200
        (worker,) = wait_for(lambda: worker_pids(server.pid), what="the worker")
        start = cpu_ticks(worker) or 0
        thread, out = in_thread(lambda: ask(server.url, RUNAWAY, timeout=60))
        wait_for(lambda: (cpu_ticks(worker) or 0) - start >= 5, what="the worker to evaluate the query")
        server.process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        server.process.wait(timeout=30)
        assert time.monotonic() - sent < 15  # the grace (1 s) and the workers' stop, not the query's 120 s
        thread.join(timeout=30)
        assert "error" in out or out["response"].status_code >= 500  # cut off, never a 200
        wait_for(lambda: not is_alive(worker), 10, "the runaway worker to be killed")
        wait_for(lambda: not group_members(server.pid), 10, "the process group to empty")
