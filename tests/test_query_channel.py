"""A client's SPARQL on the event loop: the job written to its worker's socket and the reply awaited
there (`iokg.sparql.channel`, `QueryExecutor.submit_async`), over real worker processes. No thread
is used; a worker killed, past its time limit, or left behind by a cancelled request is replaced
while the loop goes on answering; idle workers are handed out last-used first; a worker follows the
store link to a new build; and `/sparql` answered by `SparqlEndpoint` keeps every header and the
error shape of the app's routes."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from iokg import errors
from iokg.sparql.channel import Channel, send_message
from iokg.sparql.executor import _IdleWorkers
from iokg.sparql.negotiation import Formats
from iokg.sparql.service import QueryService
from iokg.sparql.worker import StoreHandle
from sparql_server import cpu_ticks, is_alive

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 3000^3 rows
SIMPLE = "SELECT ?o WHERE { <http://example.org/n7> ?p ?o }"
CSV = Formats("text/csv", "application/n-triples")
ANSWER = b"o\r\nvalue 7\r\n"


def run(coroutine):
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps a loop running in this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class NoThreads(ThreadPoolExecutor):
    """A thread pool that refuses work: proof that a path never hops to a thread."""

    def submit(self, *args, **kwargs):
        raise AssertionError("a thread was asked to wait for the worker")


class Ticker:
    """Counts how often the event loop gets to run a coroutine every 10 ms."""

    def __init__(self) -> None:
        self.ticks = 0

    async def __call__(self) -> None:
        while True:
            await asyncio.sleep(0.01)
            self.ticks += 1


async def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def busy_worker(pids: list[int], baseline: dict[int, int | None]) -> int | None:
    burning = [p for p in pids if (cpu_ticks(p) or 0) - (baseline.get(p) or 0) >= 5]
    return burning[0] if len(burning) == 1 else None


def test_a_clients_query_waits_on_the_event_loop_not_on_a_thread(big_store):
    async def scenario():
        async with QueryService(big_store, query_timeout_ms=5000, max_result_rows=10, max_concurrent_queries=2) as s:
            real_threads = s._threads
            s._threads = NoThreads(1)
            loop = asyncio.get_running_loop()
            loop.set_default_executor(NoThreads(1))
            try:
                return [await s.sparql(SIMPLE, formats=CSV) for _ in range(20)]
            finally:
                s._threads = real_threads
                loop.set_default_executor(ThreadPoolExecutor(1))  # closing the service stops workers on one

    answers = run(scenario())
    assert [a.body for a in answers] == [ANSWER] * 20


def test_a_worker_killed_while_the_loop_awaits_it_gives_a_clear_error_and_the_pool_refills(big_store):
    async def scenario():
        async with QueryService(big_store, query_timeout_ms=60_000, max_result_rows=10, max_concurrent_queries=2) as s:
            before = s.worker_pids()
            baseline = {p: cpu_ticks(p) for p in before}
            ticker = Ticker()
            ticking = asyncio.create_task(ticker())
            query = asyncio.create_task(s.sparql(RUNAWAY, formats=CSV))
            busy = await wait_until(lambda: busy_worker(before, baseline), 30, "a worker to evaluate the query")
            ticks_before_kill = ticker.ticks
            os.kill(busy, signal.SIGKILL)  # as the kernel's OOM killer would
            with pytest.raises(errors.ResourceLimit) as lost:
                await asyncio.wait_for(query, 30)
            after = await wait_until(lambda: len(p := s.worker_pids()) == 2 and busy not in p and p, 30,
                                     "the pool to refill")
            answers = [await s.sparql(SIMPLE, formats=CSV) for _ in range(3)]
            ticking.cancel()
            return before, busy, lost.value, after, answers, ticks_before_kill

    before, busy, error, after, answers, ticks = run(scenario())
    assert "killed by signal 9" in str(error) and "try again" in str(error)
    assert ticks >= 3  # the loop went on running while the worker evaluated
    assert not is_alive(busy) and set(before) - {busy} <= set(after)
    assert [a.body for a in answers] == [ANSWER] * 3


def test_a_query_past_its_limit_is_stopped_while_the_loop_keeps_running(big_store):
    async def scenario():
        async with QueryService(big_store, query_timeout_ms=600, max_result_rows=10, max_concurrent_queries=1) as s:
            (before,) = s.worker_pids()
            ticker = Ticker()
            ticking = asyncio.create_task(ticker())
            started = time.monotonic()
            with pytest.raises(errors.QueryTimeout) as stopped:
                await s.sparql(RUNAWAY, formats=CSV)
            took = time.monotonic() - started
            ticks = ticker.ticks
            answer = await s.sparql(SIMPLE, formats=CSV)  # the replacement answers
            ticking.cancel()
            return before, s.worker_pids(), stopped.value, took, ticks, answer

    before, after, error, took, ticks, answer = run(scenario())
    assert error.limit.setting == "IOKG_QUERY_TIMEOUT_MS" and error.limit.value == 600
    assert 0.6 <= took < 10
    assert ticks >= 10  # ~60 in 600 ms on a quiet machine: the loop was never blocked on the worker
    assert before not in after and len(after) == 1 and not is_alive(before)
    assert answer.body == ANSWER


def test_a_cancelled_request_takes_its_running_worker_with_it(big_store):
    """A request cancelled while its worker evaluates (a server shutting down) must not hand back a
    worker whose reply is still to come: it is killed and replaced."""

    async def scenario():
        async with QueryService(big_store, query_timeout_ms=60_000, max_result_rows=10, max_concurrent_queries=1) as s:
            (before,) = s.worker_pids()
            baseline = {before: cpu_ticks(before)}
            query = asyncio.create_task(s.sparql(RUNAWAY, formats=CSV))
            await wait_until(lambda: busy_worker([before], baseline), 30, "the worker to evaluate the query")
            query.cancel()
            with pytest.raises(asyncio.CancelledError):
                await query
            # at once: the next query waits on the loop for the replacement being started
            answer = await asyncio.wait_for(s.sparql(SIMPLE, formats=CSV), 30)
            after = await wait_until(lambda: (p := s.worker_pids()) and before not in p and p, 30,
                                     "a new worker in place of the cancelled one")
            return before, after, answer

    before, after, answer = run(scenario())
    assert not is_alive(before) and len(after) == 1
    assert answer.body == ANSWER


def test_idle_workers_are_handed_out_last_used_first_and_new_ones_last():
    idle = _IdleWorkers()
    a, b, c = object(), object(), object()
    idle.put(a, cold=True)
    idle.put(b, cold=True)
    assert idle.get_nowait() is a  # the first started: cold ones queue behind each other
    idle.put(a)  # just used: warm
    idle.put(c, cold=True)  # just started: behind the rest
    assert [idle.get_nowait(), idle.get_nowait(), idle.get_nowait()] == [a, b, c]
    assert idle.get_nowait() is None
    started = time.monotonic()
    assert idle.get(timeout=0.1) is None and time.monotonic() - started >= 0.1
    threading.Timer(0.05, idle.put, (b,)).start()
    assert idle.get(timeout=5) is b  # woken by a worker coming back


def test_big_messages_and_time_limits_on_the_async_channel():
    ours, theirs = socket.socketpair()
    channel = Channel(ours)
    big = os.urandom(5_000_000)

    async def scenario():
        writer = threading.Thread(target=send_message, args=(theirs, ("ok", big)))
        writer.start()  # more than the socket holds: the reader must drain it while it is written
        got = await channel.recv_async(time.monotonic() + 30)
        writer.join()
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await channel.recv_async(time.monotonic() + 0.2)
        waited = time.monotonic() - started
        theirs.close()
        with pytest.raises(EOFError):
            await channel.recv_async(time.monotonic() + 5)
        return got, waited

    (kind, body), waited = run(scenario())
    assert kind == "ok" and body == big
    assert 0.2 <= waited < 5
    channel.close()


def test_a_worker_follows_the_store_link_to_a_new_build(tmp_path: Path):
    def store_with(path: Path, value: str) -> Path:
        db = ox.Store(str(path))
        db.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal(value)))
        del db
        return path

    one, two = store_with(tmp_path / "one", "first"), store_with(tmp_path / "two", "second")
    link = tmp_path / "store"
    link.symlink_to(one)
    handle = StoreHandle(link)

    def value() -> str:
        return next(iter(handle.get().quads_for_pattern(None, None, None))).object.value

    assert value() == "first" and handle.get() is handle.get()  # opened once while the link stays
    new_link = tmp_path / "store.new"
    new_link.symlink_to(two)
    new_link.replace(link)  # as a build publishes
    assert value() == "second"
    link.unlink()
    with pytest.raises(errors.StoreNotFound):
        handle.get()


def test_sparql_answers_keep_the_apps_headers_and_error_shape(sites, big_store):
    server = sites(big_store)
    query = {"query": SIMPLE}
    ok = server.client.post("/sparql", data=query, headers={"Accept": "text/csv", "Origin": "https://example.org"})
    assert ok.status_code == 200 and ok.content == ANSWER
    assert ok.headers["content-type"] == "text/csv; charset=utf-8"
    assert ok.headers["vary"] == "Accept" and ok.headers["x-content-type-options"] == "nosniff"
    assert ok.headers["access-control-allow-origin"] == "*"
    assert "X-IOKG-Truncated" in ok.headers["access-control-expose-headers"]
    bad = server.client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p"})
    assert bad.status_code == 400 and bad.headers["access-control-allow-origin"] == "*"
    assert bad.json()["error"]["type"] == "invalid_query" and bad.json()["error"]["position"] == {"line": 1, "column": 24}
    refused = server.client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "forbidden"
    described = server.client.get("/sparql", headers={"Accept": "text/turtle"})  # no query: the route answers
    assert described.status_code == 200 and described.headers["content-type"].startswith("text/turtle")
    assert b"Service" in described.content
