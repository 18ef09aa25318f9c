"""The benchmark's generator and measuring loop, at a tiny scale, through the real build and servers.

No timing is asserted: only that the synthetic graph has the shape the generator reports and
that both servers give the same answers.
"""

from __future__ import annotations

import asyncio
import doctest
import importlib
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from iokg import vocab
from iokg.bench.compare import group_pids, memory_of, requests_of, run_pairs
from iokg.bench.compare import table as compare_table
from iokg.bench.generate import generate
from iokg.bench.load import flat_line, load_table, mixed_requests, run_load, soak
from iokg.bench.lookups import check_bound, route_workloads
from iokg.bench.measure import check_agreement, measure
from iokg.bench.servers import both_servers, iokg_server
from iokg.bench.workloads import default_workloads, point_lookup
from iokg.bench.wrk import Pinning, wrk_binary
from iokg.build import build
from iokg.queries import load_queries
from iokg.store import run_query
from sparql_server import QUERY_WORKERS

NS = vocab.NS
#: The servers' settings: the tests' number of query workers (`sparql_server.QUERY_WORKERS`).
WORKERS = {"IOKG_MAX_CONCURRENT_QUERIES": QUERY_WORKERS}


@pytest.fixture(scope="module")
def bench_graph(tmp_path_factory):
    """Scale 1 (~360 assertions), built with the SHACL shapes on."""
    root = tmp_path_factory.mktemp("bench")
    g = generate(root / "data", scale=1, seed=7)
    report = build(g.data_dir, root / "store", root / "store.trig", shacl=True)
    return g, report, root / "store"


def _count(store: Path, where: str) -> int:
    rows = list(run_query(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


@pytest.mark.parametrize("name", ["iokg.bench.generate", "iokg.bench.workloads", "iokg.bench.wrk",
                                  "iokg.bench.lookups"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_generator_is_deterministic(tmp_path):
    a = generate(tmp_path / "a", scale=0.5, seed=11)
    b = generate(tmp_path / "b", scale=0.5, seed=11)
    assert a.counts == b.counts
    files = sorted(p.relative_to(a.data_dir) for p in a.data_dir.rglob("*.yaml"))
    assert files == sorted(p.relative_to(b.data_dir) for p in b.data_dir.rglob("*.yaml"))
    assert all((a.data_dir / f).read_bytes() == (b.data_dir / f).read_bytes() for f in files)
    c = generate(tmp_path / "c", scale=0.5, seed=12)
    assert any((c.data_dir / f).read_bytes() != (a.data_dir / f).read_bytes() for f in files)


def test_scale_multiplies_the_counts(tmp_path):
    small = generate(tmp_path / "s", scale=1).counts
    large = generate(tmp_path / "l", scale=3).counts
    for key in ("entities", "sources", "claims", "assertions"):
        assert 2.4 * small[key] <= large[key] <= 3.6 * small[key], key


def test_build_counts_match_the_generator(bench_graph):
    g, report, store = bench_graph
    assert report.counts == g.counts
    assert _count(store, f"?x a <{NS}Claim>") == g.counts["claims"]
    assert _count(store, f"?x a <{NS}Assertion>") == g.counts["assertions"]
    assert _count(store, f"?x a <{NS}Source>") == g.counts["sources"]
    for etype in ("campaign", "cluster", "state-entity", "person", "platform", "narrative"):
        cls = vocab.ENTITY_TYPES[etype].cls
        assert _count(store, f"?x a <{NS}{cls}>") == len(g.entities[etype]) > 0, etype


def test_graph_has_derivations_stances_and_confidence(bench_graph):
    g, _, store = bench_graph
    prov = vocab.PREFIXES["prov"]
    assert _count(store, f"?x <{prov}wasDerivedFrom> ?p") == len(
        {s for kind in ("news-article", "encyclopedia") for s in g.sources.get(kind, [])}) > 0
    assert _count(store, f"?x <{prov}wasDerivedFrom> ?p . ?p <{prov}wasDerivedFrom> ?q") > 0  # chains
    assert _count(store, f"?x <{NS}via> ?s") > 0
    for stance in ("Supports", "Disputes", "Denies"):
        assert _count(store, f"?x <{NS}stance> <{NS}{stance}>") > 0, stance
    assert _count(store, f"?x <{NS}likelihood> ?l") > 0
    assert _count(store, f"?x <{NS}saidBy> ?p") > _count(store, f"?x <{NS}ownVoice> true") > 0


def test_corroboration_finds_independent_origins_and_collapses_relays(bench_graph):
    _, _, store = bench_graph
    rows = list(run_query(store, load_queries()["corroboration"].text))
    independent = [int(r["independentOrigins"].value) for r in rows]
    supporting = [int(r["supportingAssertions"].value) for r in rows]
    assert sum(1 for n in independent if n >= 1) > len(rows) / 2
    assert any(n >= 2 for n in independent)
    # a relay counts among the assertions of a claim, not among its independent origins
    assert any(s > i >= 1 for s, i in zip(supporting, independent))


def test_bound_provenance_query_agrees_with_the_named_query(bench_graph):
    g, _, store = bench_graph
    workload = next(w for w in default_workloads(g) if w.name == "provenance")
    claim = workload.params[0]
    bound = list(run_query(store, workload.iokg(claim).content.decode()))
    named = load_queries()["corroboration"]
    expected = list(run_query(store, named.text, named.bind({"claim": claim})))
    assert len(bound) == len(expected) == 1
    for var in ("independentOrigins", "supportingAssertions"):
        assert bound[0][var] == expected[0][var], var
    for var in ("origins", "relays", "contesting"):  # GROUP_CONCAT gives no order
        words = [sorted((r[var].value if r[var] is not None else "").split()) for r in (bound[0], expected[0])]
        assert words[0] == words[1], var


def test_measuring_loop_on_both_servers(bench_graph, tmp_path):
    """A handful of requests per workload through the real loop; both servers give the same rows."""
    g, _, store = bench_graph

    async def run():
        with both_servers(store, tmp_path, settings=WORKERS) as (iokg, oxigraph):
            procs = [iokg.process, oxigraph.process]
            for w in default_workloads(g):
                rows = await check_agreement(w, iokg, oxigraph, values=3)
                assert len(rows) == 3 and sum(rows) > 0, w.name
                cell = await measure(w, iokg, oxigraph, concurrency=2, max_requests=6, max_seconds=5, warmup=1)
                assert cell.iokg.errors == [] and cell.oxigraph.errors == []
                assert cell.iokg.requests == cell.oxigraph.requests > 0
        return procs

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: the browser tests' Playwright keeps one running here
        procs = thread.submit(asyncio.run, run()).result()
    assert all(p.poll() is not None for p in procs)  # both stopped


def test_oxigraph_reads_the_same_store_directory(bench_graph):
    _, report, store = bench_graph
    assert len(ox.Store.read_only(str(store.resolve()))) == report.triples


# --- the wrk path: lookups beside their SPARQL, the comparison, the load table and the soak ----------

def test_lookup_sparql_gives_the_named_queries_rows(bench_graph):
    """What Oxigraph is asked for each lookup (values written in) answers as the named queries do."""
    g, _, store = bench_graph
    for w in route_workloads(g):
        rows = check_bound(store, w, values=2)
        assert len(rows) == 2 and all(n > 0 for n in rows), w.name


def test_wrk_compares_both_servers(bench_graph, tmp_path):
    """wrk (installed by scripts/install-bench.sh) drives both servers through the Lua script; every
    answer is right, on both sides, and the table gives a ratio per workload."""
    g, _, store = bench_graph
    wrk_binary()  # fails, saying how to install wrk, when the test set-up did not
    pinning = Pinning.auto()
    by_name = {w.name: w for w in route_workloads(g)}
    plan = [("point", *requests_of(point_lookup(g))),
            ("page-entity", by_name["page-entity"].iokg_requests(), by_name["page-entity"].oxigraph_requests())]
    with both_servers(store, tmp_path, cpus=pinning.servers, settings=WORKERS) as (iokg, oxigraph):
        pairs = run_pairs(plan, iokg, oxigraph, concurrencies=[2], seconds=1, rounds=1, pinning=pinning,
                          workdir=tmp_path, say=lambda _: None)
        memory = memory_of(iokg)
    for pair in pairs:
        assert pair.iokg.errors() == {} and pair.oxigraph.errors() == {}, pair.workload
        assert pair.iokg.requests > 0 and pair.oxigraph.requests > 0
        assert pair.ratio > 0
        assert pair.iokg.cpu_us_per_answer > 0 and pair.oxigraph.cpu_us_per_answer > 0  # read from /proc
    assert "| point | 2 |" in compare_table(pairs)
    assert memory.processes >= 2 and memory.rss_mb > 10  # uvicorn and its query workers


def test_load_table_sheds_past_the_limit_and_the_soak_samples_memory(bench_graph, tmp_path):
    """A real server with IOKG_MAX_IN_FLIGHT=2: one connection is never refused; eight are shed with
    503 + Retry-After, never a 5xx of another kind or a socket error."""
    g, _, store = bench_graph
    pinning = Pinning.auto()
    assert {r.path.split("?")[0].split("/")[1] for r in mixed_requests(g)} >= {"e", "c", "entities", "claims", "search", "sparql"}
    claims = next(w for w in route_workloads(g) if w.name == "claim").iokg_requests()
    requests = [r for pair in zip(requests_of(point_lookup(g))[0], claims) for r in pair]  # the quicker ones
    with iokg_server(store, tmp_path / "iokg.log", cpus=pinning.servers,
                     settings={**WORKERS, "IOKG_MAX_IN_FLIGHT": "2"}) as server:
        rows = run_load(server.url, requests, [1, 8], 1, pinning=pinning, timeout_s=15, say=lambda _: None)
        _, samples = soak(server.url, requests, seconds=2, interval=1, concurrency=2, pinning=pinning,
                          timeout_s=15, memory=lambda: memory_of(server), say=lambda _: None)
    one, eight = (r.result for r in rows)
    assert one.ok > 0 and one.errors_by_kind() == {}
    kinds = eight.errors_by_kind()
    assert kinds.get("shed", 0) > 0 and set(kinds) <= {"shed"}, kinds
    assert "| 8 |" in load_table(rows)
    assert len(samples) >= 2 and flat_line(samples).startswith("memory ")


def test_granian_serves_and_stops(bench_graph, tmp_path):
    """IOKG_SERVER=granian: the same app answers, and stopping the server leaves no process behind."""
    g, _, store = bench_graph
    entity = g.entities["campaign"][0]
    with iokg_server(store, tmp_path / "granian.log", settings={**WORKERS, "IOKG_SERVER": "granian"}) as server:
        answer = httpx.get(f"{server.url}/entities/{entity}", timeout=30)
        pgid = server.process.pid
    assert answer.status_code == 200 and answer.json()["id"] == entity
    deadline = time.monotonic() + 10
    while group_pids(pgid) and time.monotonic() < deadline:  # killed processes take a moment to go
        time.sleep(0.1)
    assert group_pids(pgid) == []
