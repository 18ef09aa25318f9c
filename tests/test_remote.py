"""The same lookups, pages and SPARQL protocol requests against the embedded store and against
real remote SPARQL stores (Oxigraph's server, Virtuoso Open Source), each behind a real
`iokg` server process; every answer of a remote backend must equal the embedded one's."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from iokg.remote.backend import remote_client
from iokg.remote.push import push
from iokg.settings import Settings
from iokg.store import build_id, resolve_store
from remote_stores import remote_store
from sparql_server import running_server

BACKENDS = ["oxigraph", "virtuoso"]


def push_build(settings: dict, store) -> str:
    """Push the current build of ``store`` with the real push; its id."""
    client = remote_client(Settings(**settings))
    try:
        return push(client, resolve_store(store) / "dumps" / "iokg.nq", build_id(store)).build
    finally:
        client.close()


@pytest.fixture(scope="session")
def embedded(lookups_store_path):
    """The reference: an iokg server over the embedded store."""
    with running_server(lookups_store_path) as server:
        yield server


@pytest.fixture(scope="session", params=BACKENDS)
def remote(request, lookups_store_path, tmp_path_factory):
    """An iokg server over a remote store into which the lookups build was pushed."""
    with remote_store(request.param, tmp_path_factory.mktemp(request.param)) as settings:
        push_build(settings, lookups_store_path)
        with running_server(lookups_store_path, remote="true", **settings) as server:
            server.kind = request.param
            yield server


LOOKUPS = [
    "/entities/panda-a", "/entities/dragon", "/entities/panda-a/attribution",
    "/entities/panda-a/attribution?as_of=2019-09", "/claims/panda-a--partOf--dragon",
    "/claims/panda-a--accountCount--about-300", "/sources/gov-2023-report", "/sources/daily-2019-relay",
    "/search?q=panda", "/search?q=dragn", "/queries/corroboration", "/queries/corroboration?claim=panda-a--partOf--dragon",
    "/queries/stats?as=csv", "/entities/nobody", "/claims/nope--partOf--nothing",
]


@pytest.mark.parametrize("path", LOOKUPS)
def test_lookups_answer_as_on_the_embedded_store(remote, embedded, path):
    got, want = httpx.get(remote.url + path, timeout=60), httpx.get(embedded.url + path, timeout=60)
    assert got.status_code == want.status_code
    assert got.headers["content-type"] == want.headers["content-type"]
    if "json" in want.headers["content-type"]:
        assert got.json() == want.json()
    else:
        assert got.text == want.text


PAGES = ["/e/panda-a", "/e/dragon", "/c/panda-a--partOf--dragon", "/s/gov-2023-report", "/find?q=panda",
         "/entities", "/sources", "/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_the_embedded_store_s_pages(remote, embedded, path):
    """Byte for byte, build id included: the remote store serves the same build."""
    got, want = httpx.get(remote.url + path, timeout=60), httpx.get(embedded.url + path, timeout=60)
    assert got.status_code == want.status_code == 200
    assert got.text == want.text
    assert build_id_of(got.text) is not None


def build_id_of(html: str) -> str | None:
    marker = '<code id="build-id">'
    return html.split(marker, 1)[1].split("<", 1)[0] if marker in html else None


QUERIES = {
    "select": "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?s",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "derived": "SELECT ?claim ?n WHERE { GRAPH <https://w3id.org/iokg/graph/derived> "
               "{ ?claim iokg:independentOrigins ?n } } ORDER BY ?claim",
    "from-named": "PREFIX g: <https://w3id.org/iokg/graph/> SELECT ?g (COUNT(*) AS ?n) FROM NAMED g:derived "
                  "FROM NAMED <https://example.org/not-a-graph> WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "from": "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/iokg/graph/ontology> WHERE { ?s ?p ?o }",
    "ask": "ASK { ?s a iokg:Cluster }",
    "ask-false": "ASK { ?s a iokg:NoSuchClass }",
    "construct": "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s a iokg:Cluster ; skos:prefLabel ?l }",
}
FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "csv": "text/csv", "tsv": "text/tab-separated-values"}


def canonical(response: httpx.Response):
    """A result independent of row order and serializer spacing."""
    media = response.headers["content-type"].split(";")[0]
    if media in ("text/csv",):
        lines = response.text.splitlines()
        return lines[0], sorted(lines[1:])
    results = ox.QueryResultsFormat.from_media_type(media)
    if results is not None:
        parsed = ox.parse_query_results(response.content, format=results)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        names = [v.value for v in parsed.variables]
        return names, sorted(tuple(str(s[n]) for n in names) for s in parsed)
    return sorted(str(t) for t in ox.parse(response.content, format=ox.RdfFormat.from_media_type(media)))


@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_sparql_results_are_the_embedded_store_s(remote, embedded, name, fmt):
    query = QUERIES[name]
    accept = "text/turtle" if name == "construct" and fmt != "json" else (
        "application/n-triples" if name == "construct" else FORMATS[fmt])
    if name.startswith("ask") and fmt == "csv":
        accept = FORMATS["tsv"]  # no CSV for ASK
    got = httpx.post(remote.sparql, data={"query": query}, headers={"Accept": accept}, timeout=60)
    want = httpx.post(embedded.sparql, data={"query": query}, headers={"Accept": accept}, timeout=60)
    assert got.status_code == want.status_code == 200, got.text
    assert got.headers["content-type"] == want.headers["content-type"]
    assert canonical(got) == canonical(want)


def test_graph_names_are_the_usual_ones(remote):
    rows = httpx.post(remote.sparql, data={"query": QUERIES["graphs"]},
                      headers={"Accept": FORMATS["json"]}, timeout=60).json()["results"]["bindings"]
    names = {r["g"]["value"] for r in rows}
    assert "https://w3id.org/iokg/graph/derived" in names and "https://w3id.org/iokg/graph/data" in names
    assert all("@" not in n and not n.startswith("urn:iokg:") for n in names)


def test_dataset_parameters_name_the_usual_graphs(remote, embedded):
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
              "default-graph-uri": "https://w3id.org/iokg/graph/derived"}
    got = httpx.get(remote.sparql, params=params, headers={"Accept": FORMATS["csv"]}, timeout=60)
    want = httpx.get(embedded.sparql, params=params, headers={"Accept": FORMATS["csv"]}, timeout=60)
    assert got.status_code == 200 and got.text == want.text
    assert int(got.text.split()[1]) > 0


def test_sparqlwrapper_reads_the_remote_backend(remote, embedded):
    def rows(url):
        client = SPARQLWrapper(url)
        client.setQuery(QUERIES["select"])
        client.setReturnFormat(JSON)
        return client.query().convert()["results"]["bindings"]
    assert rows(remote.sparql) == rows(embedded.sparql) != []


@pytest.mark.parametrize("query, status, kind", [
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", 403, "forbidden"),
    ("DROP ALL", 403, "forbidden"),
    ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403, "forbidden"),
    ("SELECT * WHERE { ?s ?p }", 400, "invalid_query"),
])
def test_refusals_are_the_embedded_store_s(remote, embedded, query, status, kind):
    got = httpx.post(remote.sparql, data={"query": query}, timeout=60)
    want = httpx.post(embedded.sparql, data={"query": query}, timeout=60)
    assert got.status_code == want.status_code == status
    assert got.json() == want.json()
    assert got.json()["error"]["type"] == kind


def test_an_update_refused_changes_nothing_on_the_store(remote):
    query = "INSERT DATA { GRAPH <urn:iokg:control> { <urn:iokg:control#service> <urn:iokg:control#current> <urn:x> } }"
    assert httpx.post(remote.sparql, data={"update": query, "query": query}, timeout=60).status_code == 403
    assert httpx.get(remote.url + "/entities/panda-a", timeout=60).status_code == 200


@pytest.fixture(scope="session", params=BACKENDS)
def limited_remote(request, big_store, tmp_path_factory):
    """A remote store holding the big synthetic store, served with small limits."""
    folder = tmp_path_factory.mktemp(f"limited-{request.param}")
    dump = folder / "big.nq"
    ox.serialize(ox.Store.read_only(str(big_store)), output=str(dump), format=ox.RdfFormat.N_QUADS)
    with remote_store(request.param, folder / "store") as settings:
        client = remote_client(Settings(**settings))
        push(client, dump, "big-1")
        client.close()
        # the default four slots: the runaway query may still hold one when the next request comes
        with running_server(big_store, remote="true", query_timeout_ms=500, max_result_rows=50,
                            max_concurrent_queries=4, **settings) as server:
            yield server


def test_row_cap_cuts_a_remote_result(limited_remote):
    response = httpx.post(limited_remote.sparql, data={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"},
                          headers={"Accept": FORMATS["json"]}, timeout=60)
    assert response.status_code == 200
    body = response.json()
    assert body["truncated"] is True and len(body["results"]["bindings"]) == 50
    assert response.headers["X-IOKG-Truncated"] == "true" and response.headers["X-IOKG-Row-Limit"] == "50"


def test_time_limit_stops_a_runaway_query_on_the_store(limited_remote):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = httpx.post(limited_remote.sparql, data={"query": query}, timeout=60)
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["type"] == "query_timeout"
    assert error["limit"] == {"setting": "IOKG_QUERY_TIMEOUT_MS", "value": 500}
    # the server is still answering
    ok = httpx.post(limited_remote.sparql, data={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": FORMATS["json"]},
                    timeout=60)
    assert ok.status_code == 200 and ok.json()["boolean"] is True, ok.text
