"""Single-pattern SELECTs answered in the server process (`iokg.sparql.bounded`): which queries
are taken for one, that their bytes are the worker's bytes, and that anything past the byte budget
or the row cap, or failing, goes to a worker and is answered as before."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from iokg import vocab
from iokg.sparql import bounded
from iokg.sparql.worker import SparqlJob, StoreHandle, run_job

JSON = "application/sparql-results+json"
TSV = "text/tab-separated-values"


@pytest.mark.parametrize("query, bound", [
    ("SELECT ?p ?o WHERE { <https://w3id.org/iokg/id/entity/alpha> ?p ?o }", 2),
    ("select * where {?s ?p ?o.}", 3),
    ("SELECT ?s { ?s a iokg:Campaign }", 1),
    ("PREFIX ex: <http://example.org/> BASE <http://example.org/> SELECT * { ?s ex:p <x> } LIMIT 5", 1),
    ("SELECT ?s ?nothing { ?s rdfs:label 'Alpha' }", 1),  # ?nothing is never bound
    ('SELECT ?s { ?s ?p "2019"^^xsd:gYear }', 1),
    ("# a comment { ?a ?b ?c . ?d ?e ?f }\nSELECT ?s { ?s ?p ?o }", 1),
])
def test_single_patterns_are_recognized_with_the_variables_every_row_binds(query, bound):
    assert bounded.single_pattern(query) == bounded.Pattern(bound)


@pytest.mark.parametrize("query", [
    "SELECT ?s { ?s ?p ?o . ?o ?q ?r }",  # a join
    "SELECT ?s { ?s ?p ?o ; ?q ?r }",
    "SELECT ?s { ?s ?p ?o , ?r }",
    "SELECT DISTINCT ?p { ?s ?p ?o }",  # reads every row before the first distinct one past the cap
    "SELECT REDUCED ?p { ?s ?p ?o }",
    "SELECT ?s { ?s ?p ?o } ORDER BY ?s",  # sorts everything first
    "SELECT ?s { ?s ?p ?o } OFFSET 1000000",
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    "SELECT ?s { ?s ?p ?o FILTER(?o > 3) }",
    "SELECT ?s { ?s <http://example.org/p>* ?o }",  # a property path
    "SELECT ?s { ?s <http://example.org/p>/<http://example.org/q> ?o }",
    "SELECT ?s { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s { { ?s ?p ?o } }",
    "SELECT ?s FROM <http://example.org/g> { ?s ?p ?o }",  # a dataset of its own
    "SELECT ?s { ?s ?p ?o } VALUES ?s { <http://example.org/a> }",
    "SELECT ?s { OPTIONAL { ?s ?p ?o } }",
    "SELECT * { <http://example.org/a> <http://example.org/p> <http://example.org/b> }",  # no variable
    "SELECT ?x { ?s ?p ?o }",  # none of the projected variables is in the pattern
    "SELECT ?s { ?s ?p 'x'@en }",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <http://example.org/a>",
    "SELECT ?s { ?s ?p ?o } LIMIT",
    "SELECT * { ?s ?p 'x\\u0027 . ?a ?b ?c . ?d ?e ?f . ' }",  # the escape, read first, ends the string
    "SELECT * { ?s ?p \"\\U00000022 . ?a ?b ?c \" }",
])
def test_everything_else_is_left_to_a_worker(query):
    assert bounded.single_pattern(query) is None


def alpha_iri() -> str:
    return vocab.entity_iri("alpha")


@pytest.mark.parametrize("media_type", [JSON, TSV])
@pytest.mark.parametrize("query", [
    "SELECT ?p ?o WHERE { <{iri}> ?p ?o }",
    "SELECT ?s ?p WHERE { ?s ?p <{iri}> }",
    "SELECT * WHERE { ?s a iokg:Claim } LIMIT 7",
    "SELECT ?o ?nothing WHERE { <{iri}> rdfs:label ?o }",
])
def test_the_server_s_answer_is_the_worker_s_answer_byte_for_byte(basic_store: Path, query, media_type):
    query = query.replace("{iri}", alpha_iri())
    job = SparqlJob(query, media_type, 10_000, base_iri="http://127.0.0.1/sparql")
    pattern = bounded.single_pattern(query)
    assert pattern is not None
    mine = bounded.answer(StoreHandle(basic_store), job, pattern)
    assert mine is not None
    theirs = run_job(StoreHandle(basic_store).get(), job)
    assert theirs.body.count(b"\n" if media_type == TSV else b'{"type":') > 0 or "nothing" in query
    assert (mine.body, mine.media_type, mine.truncated, mine.kind) == (theirs.body, theirs.media_type, False, "results")


def test_past_the_byte_budget_or_the_row_cap_or_in_another_format_it_is_given_up(basic_store: Path):
    query = "SELECT * { ?s ?p ?o }"
    pattern = bounded.single_pattern(query)
    handle = StoreHandle(basic_store)
    whole = bounded.answer(handle, SparqlJob(query, JSON, 1_000_000), pattern, max_bytes=10_000_000)
    assert whole is not None
    rows = whole.body.count(b'{"type":') // 3
    assert rows > 20
    assert bounded.answer(handle, SparqlJob(query, JSON, 1_000_000), pattern, max_bytes=len(whole.body) - 1) is None
    assert bounded.answer(handle, SparqlJob(query, JSON, rows), pattern, max_bytes=10_000_000) is not None
    assert bounded.answer(handle, SparqlJob(query, JSON, rows - 1), pattern, max_bytes=10_000_000) is None
    assert (query, ox.QueryResultsFormat.JSON, rows - 1, 10_000_000) in bounded._OUTGROWN  # not read again
    assert bounded.answer(handle, SparqlJob(query, "text/csv", 1_000_000), pattern) is None
    broken = "SELECT ?s { ?s nosuchprefix:p ?o }"
    assert bounded.answer(handle, SparqlJob(broken, JSON, 10), bounded.single_pattern(broken)) is None
    missing = StoreHandle(basic_store.parent / "no-store-here")
    assert bounded.answer(missing, SparqlJob(query, JSON, 10), pattern) is None


def test_over_http_a_cut_answer_a_syntax_error_and_other_formats_are_as_before(basic_store: Path, sites):
    site = sites(basic_store, max_result_rows=3)
    headers = {"Content-Type": "application/sparql-query", "Accept": JSON}
    cut = site.post("/sparql", content="SELECT * { ?s ?p ?o }", headers=headers)
    assert cut.status_code == 200
    assert cut.headers["X-IOKG-Truncated"] == "true" and cut.headers["X-IOKG-Row-Limit"] == "3"
    assert len(cut.json()["results"]["bindings"]) == 3 and cut.json()["truncated"] is True

    broken = site.post("/sparql", content="SELECT ?s { ?s nosuchprefix:p ?o }", headers=headers)
    assert broken.status_code == 400
    assert broken.json()["error"]["type"] == "invalid_query"
    assert "nosuchprefix" in broken.json()["error"]["message"]

    point = f"SELECT ?p ?o WHERE {{ <{alpha_iri()}> rdfs:label ?o ; ?p ?o }}"  # not single: a worker
    single = f"SELECT ?p ?o WHERE {{ <{alpha_iri()}> ?p ?o }} LIMIT 2"
    for accept in (JSON, TSV, "text/csv", "application/sparql-results+xml"):
        for query in (point, single):
            r = site.post("/sparql", content=query, headers={**headers, "Accept": accept})
            assert r.status_code == 200, (accept, query)
            assert r.headers["content-type"].startswith(accept)
            assert r.headers["x-content-type-options"] == "nosniff"  # the security headers, as for any answer
            assert r.headers["access-control-allow-origin"] == "*"
            assert r.headers["vary"] == "Accept"


def test_a_single_pattern_is_answered_while_every_worker_is_busy(limited_server):
    """The limited server has two workers; two runaway queries hold both, and a point query is
    still answered before either is stopped at the 2-second limit."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends on the big store
    finished: list[float] = []

    def run() -> None:
        httpx.post(limited_server.url + "/sparql", data={"query": runaway}, timeout=30)
        finished.append(time.monotonic())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # both runaway queries have reached their workers
    try:
        r = httpx.post(limited_server.url + "/sparql", timeout=30,
                       data={"query": "SELECT ?p ?o WHERE { ?s ?p ?o } LIMIT 3"},
                       headers={"Accept": JSON})
        answered = time.monotonic()
        assert r.status_code == 200
        assert len(r.json()["results"]["bindings"]) == 3
        assert not finished or min(finished) > answered, "the point query waited for a worker"
    finally:
        for t in threads:
            t.join(timeout=30)
    assert len(finished) == 2


def test_a_build_published_while_serving_is_read_by_the_server_s_own_handle(tmp_path: Path):
    """The server's handle follows the store link as the workers do."""
    from iokg.store import new_build_dir, publish

    store = tmp_path / "store"
    for label in ("first", "second"):
        build = new_build_dir(store)
        db = ox.Store(str(build))
        db.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                       ox.Literal(label), ox.NamedNode("http://example.org/g")))
        db.flush()
        del db
        (build / ".complete").touch()
        publish(store, build)
        if label == "first":
            handle = StoreHandle(store)
        query = "SELECT ?o { <http://example.org/a> ?p ?o }"
        found = bounded.answer(handle, SparqlJob(query, TSV, 10), bounded.single_pattern(query))
        assert found is not None and found.body == f'?o\n"{label}"\n'.encode()
