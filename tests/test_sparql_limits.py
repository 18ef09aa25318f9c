"""Limits of /sparql over a real uvicorn process: time limit (the worker is really killed),
concurrency, row cap, request size. The server runs with 2000 ms, 50 rows, 4000 bytes, 2 workers."""

from __future__ import annotations

import csv
import io
import json
import threading
import time

import httpx
import pyoxigraph as ox
import pytest

from sparql_server import cpu_ticks, is_alive, worker_pids

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 3000^3 rows
SIMPLE = "SELECT ?o WHERE { <http://example.org/n7> ?p ?o }"


def simple_answer(url: str) -> list[str]:
    r = httpx.get(url, params={"query": SIMPLE}, timeout=10)
    assert r.status_code == 200, r.text
    return [b["o"]["value"] for b in json.loads(r.content)["results"]["bindings"]]


def wait_for(condition, timeout_s: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_runaway_query_is_stopped_its_worker_killed_and_service_goes_on(limited_server):
    url = limited_server.sparql
    assert simple_answer(url) == ["value 7"]
    before = wait_for(
        lambda: (p := worker_pids(limited_server.pid)) and len(p) == 2 and p, what="2 workers"
    )
    baseline = {pid: cpu_ticks(pid) for pid in before}

    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(url, params={"query": RUNAWAY}, timeout=30)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    # the worker evaluating the runaway query burns CPU; find it
    busy = wait_for(
        lambda: next((p for p in before if (cpu_ticks(p) or 0) - (baseline[p] or 0) >= 5), None),
        what="a worker to burn CPU",
    )
    # while it runs, the other worker still answers
    assert simple_answer(url) == ["value 7"]
    assert thread.is_alive(), "the runaway query answered before the simple one"
    thread.join(timeout=30)

    r = outcome["response"]
    assert r.status_code == 503
    error = r.json()["error"]
    assert error["type"] == "query_timeout"
    assert "2000 ms" in error["message"] and "IOKG_QUERY_TIMEOUT_MS" in error["message"]
    assert error["limit"] == {"setting": "IOKG_QUERY_TIMEOUT_MS", "value": 2000}
    assert 2 <= outcome["seconds"] < 10

    # the busy worker is gone (killed and reaped), a fresh one took its place
    assert not is_alive(busy)
    after = worker_pids(limited_server.pid)
    assert busy not in after and len(after) == 2
    assert (before - {busy}) <= after
    # and the service keeps answering, on both workers
    for _ in range(4):
        assert simple_answer(url) == ["value 7"]


def test_more_queries_than_workers_wait_for_a_slot(limited_server):
    results: list[int] = []

    def ask() -> None:
        r = httpx.get(
            limited_server.sparql,
            params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
            timeout=30,
        )
        results.append(
            int(json.loads(r.content)["results"]["bindings"][0]["n"]["value"])
            if r.status_code == 200
            else -r.status_code
        )

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [3000] * 8


def test_select_past_the_row_cap_is_cut_and_flagged(limited_server):
    r = httpx.get(limited_server.sparql, params={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["x-iokg-truncated"] == "true"
    assert r.headers["x-iokg-row-limit"] == "50"
    data = json.loads(r.content)
    assert data["truncated"] is True
    assert len(data["results"]["bindings"]) == 50
    # still valid SPARQL JSON for a strict parser
    assert len(list(ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON))) == 50


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/csv", None),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_row_cap_in_every_results_format(limited_server, accept, fmt):
    r = httpx.get(
        limited_server.sparql,
        params={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"},
        headers={"Accept": accept},
    )
    assert r.headers["x-iokg-truncated"] == "true"
    if fmt is None:
        rows = list(csv.DictReader(io.StringIO(r.text)))
    else:
        rows = list(ox.parse_query_results(r.content, fmt))
    assert len(rows) == 50


@pytest.mark.parametrize(("limit", "truncated"), [(49, False), (50, False), (51, True)])
def test_row_cap_boundary(limited_server, limit, truncated):
    r = httpx.get(
        limited_server.sparql, params={"query": f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {limit}"}
    )
    data = json.loads(r.content)
    assert len(data["results"]["bindings"]) == min(limit, 50)
    assert ("x-iokg-truncated" in r.headers) is truncated
    assert data.get("truncated", False) is truncated


def test_construct_past_the_row_cap_is_cut_and_flagged(limited_server):
    import rdflib

    r = httpx.get(
        limited_server.sparql,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/turtle"},
    )
    assert r.status_code == 200
    assert r.headers["x-iokg-truncated"] == "true"
    assert len(rdflib.Graph().parse(data=r.text, format="turtle")) == 50


@pytest.mark.parametrize("method", ["form", "direct"])
def test_oversized_post_is_413(limited_server, method):
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000
    if method == "form":
        r = httpx.post(limited_server.sparql, data={"query": query})
    else:
        r = httpx.post(
            limited_server.sparql,
            content=query,
            headers={"Content-Type": "application/sparql-query"},
        )
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["type"] == "request_too_large"
    assert error["limit"] == {"setting": "IOKG_MAX_REQUEST_BYTES", "value": 4000}


def test_oversized_get_is_413(limited_server):
    r = httpx.get(limited_server.sparql, params={"query": "ASK {} # " + "x" * 5000})
    assert r.status_code == 413
    assert r.json()["error"]["type"] == "request_too_large"


def test_query_just_under_the_size_limit_runs(limited_server):
    query = "ASK {} # " + "x" * 3000
    r = httpx.post(
        limited_server.sparql, content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 200


def test_workers_exit_when_the_server_is_killed_mid_query(big_store):
    from sparql_server import running_server

    with running_server(big_store, query_timeout_ms=60_000, max_concurrent_queries=1) as server:
        simple_answer(server.sparql)
        (worker,) = worker_pids(server.pid)
        start = cpu_ticks(worker) or 0

        def runaway() -> None:
            try:
                httpx.get(server.sparql, params={"query": RUNAWAY}, timeout=30)
            except httpx.TransportError:
                pass  # the server dies under it

        thread = threading.Thread(target=runaway)
        thread.start()
        wait_for(lambda: (cpu_ticks(worker) or 0) - start >= 5, what="the worker to burn CPU")
        server.process.kill()
        server.process.wait()
        thread.join(timeout=30)
        wait_for(lambda: not is_alive(worker), timeout_s=10, what="the orphaned worker to exit")
