"""The benchmark's generator and measuring loop, at a tiny scale, through the real build and servers.

No timing is asserted: only that the synthetic graph has the shape the generator reports and
that both servers give the same answers.
"""

from __future__ import annotations

import asyncio
import doctest
import importlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from iokg import vocab
from iokg.bench.generate import generate
from iokg.bench.measure import check_agreement, measure
from iokg.bench.servers import both_servers
from iokg.bench.workloads import default_workloads
from iokg.build import build
from iokg.queries import load_queries
from iokg.store import run_query

NS = vocab.NS


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


@pytest.mark.parametrize("name", ["iokg.bench.generate", "iokg.bench.workloads"])
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
        with both_servers(store, tmp_path) as (iokg, oxigraph):
            procs = [iokg.process, oxigraph.process]
            for w in default_workloads(g):
                rows = await check_agreement(w, iokg, oxigraph, values=3)
                assert len(rows) == 3 and sum(rows) > 0, w.name
                cell = await measure(w, iokg, oxigraph, concurrency=2, max_requests=6, max_seconds=5, warmup=1)
                assert cell.iokg.errors == [] and cell.oxigraph.errors == []
                assert cell.iokg.requests == cell.oxigraph.requests > 0
        return procs

    procs = asyncio.run(run())
    assert all(p.poll() is not None for p in procs)  # both stopped


def test_oxigraph_reads_the_same_store_directory(bench_graph):
    _, report, store = bench_graph
    assert len(ox.Store.read_only(str(store.resolve()))) == report.triples
