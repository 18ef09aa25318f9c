"""GET/POST /sparql over a real uvicorn process: the SPARQL 1.1 Protocol, negotiation, errors."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from iokg.store import new_build_dir, publish
from sparql_server import EX, G1, G2, QUADS, P, Trap, build_store, in_process

SELECT_ALL = "SELECT ?s ?o WHERE { ?s ?p ?o }"
CONSTRUCT_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
ALL_PAIRS = {(s, o) for s, o, _ in QUADS}


def pairs_from_json(response: httpx.Response) -> set[tuple[str, str]]:
    data = json.loads(response.content)
    assert data["head"]["vars"] == ["s", "o"]
    return {(b["s"]["value"], b["o"]["value"]) for b in data["results"]["bindings"]}


def pairs_from_solutions(solutions: ox.QuerySolutions) -> set[tuple[str, str]]:
    return {(row["s"].value, row["o"].value) for row in solutions}


def error_of(response: httpx.Response, status: int, type_: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status and error["type"] == type_
    assert isinstance(error["message"], str) and error["message"]
    return error


# -- the three ways to send a query ------------------------------------------------------


def test_get_query_answers_over_the_union_of_all_graphs(server):
    r = httpx.get(server.sparql, params={"query": SELECT_ALL})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json"
    assert pairs_from_json(r) == ALL_PAIRS


def test_post_form_query(server):
    r = httpx.post(server.sparql, data={"query": SELECT_ALL})
    assert r.status_code == 200
    assert pairs_from_json(r) == ALL_PAIRS


def test_post_direct_query(server):
    r = httpx.post(
        server.sparql,
        content=SELECT_ALL.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert r.status_code == 200
    assert pairs_from_json(r) == ALL_PAIRS


# -- dataset ------------------------------------------------------------------------------


def test_default_graph_uri_restricts_the_default_graph(server):
    r = httpx.get(server.sparql, params={"query": SELECT_ALL, "default-graph-uri": G1})
    assert pairs_from_json(r) == {(s, o) for s, o, g in QUADS if g == G1}


def test_several_default_graph_uris_are_merged(server):
    r = httpx.get(
        server.sparql,
        params=[("query", SELECT_ALL), ("default-graph-uri", G1), ("default-graph-uri", G2)],
    )
    assert pairs_from_json(r) == {(s, o) for s, o, g in QUADS if g in (G1, G2)}


def test_named_graph_uri_limits_graph_patterns_and_empties_the_default_graph(server):
    query = "SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.get(server.sparql, params={"query": query, "named-graph-uri": G2})
    rows = json.loads(r.content)["results"]["bindings"]
    assert [(b["g"]["value"], b["s"]["value"]) for b in rows] == [(G2, EX + "carol")]
    r = httpx.get(server.sparql, params={"query": SELECT_ALL, "named-graph-uri": G2})
    assert pairs_from_json(r) == set()


def test_dataset_parameters_in_the_url_of_a_direct_post(server):
    r = httpx.post(
        server.sparql,
        params={"default-graph-uri": G2},
        content=SELECT_ALL,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert pairs_from_json(r) == {(EX + "carol", "hallo")}


def test_dataset_parameters_in_a_form_post(server):
    r = httpx.post(server.sparql, data={"query": SELECT_ALL, "default-graph-uri": G1})
    assert pairs_from_json(r) == {(s, o) for s, o, g in QUADS if g == G1}


def test_from_clause_is_honoured_over_the_union_default(server):
    r = httpx.get(server.sparql, params={"query": f"SELECT ?s ?o FROM <{G2}> WHERE {{ ?s ?p ?o }}"})
    assert pairs_from_json(r) == {(EX + "carol", "hallo")}


def test_invalid_graph_iri_is_a_bad_request(server):
    r = httpx.get(server.sparql, params={"query": SELECT_ALL, "default-graph-uri": "not an iri"})
    error_of(r, 400, "invalid_request")


# -- content negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type", "fmt"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            ox.QueryResultsFormat.JSON,
        ),
        ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        (
            "text/csv;q=0.2, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/*", "text/csv", ox.QueryResultsFormat.CSV),
        ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_select_results_negotiation(server, accept, media_type, fmt):
    r = httpx.get(server.sparql, params={"query": SELECT_ALL}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in r.headers["vary"]
    if fmt == ox.QueryResultsFormat.CSV:
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert {(row["s"], row["o"]) for row in rows} == ALL_PAIRS
    else:
        assert pairs_from_solutions(ox.parse_query_results(r.content, fmt)) == ALL_PAIRS


def test_csv_results(server):
    r = httpx.get(server.sparql, params={"query": SELECT_ALL}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"].split(";")[0] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {(row["s"], row["o"]) for row in rows} == ALL_PAIRS


@pytest.mark.parametrize(
    ("name", "media_type", "fmt"),
    [
        ("csv", "text/csv", ox.QueryResultsFormat.CSV),
        ("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ],
)
def test_format_parameter_names_the_results_format_over_accept(server, name, media_type, fmt):
    r = httpx.get(
        server.sparql,
        params={"query": SELECT_ALL, "format": name},
        headers={"Accept": "application/sparql-results+xml;q=0.1, text/turtle"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    if fmt == ox.QueryResultsFormat.CSV:
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert {(row["s"], row["o"]) for row in rows} == ALL_PAIRS
    else:
        assert pairs_from_solutions(ox.parse_query_results(r.content, fmt)) == ALL_PAIRS


@pytest.mark.parametrize(
    ("name", "media_type", "rdflib_format"),
    [
        ("turtle", "text/turtle", "turtle"),
        ("ntriples", "application/n-triples", "nt"),
        ("json", "application/ld+json", "json-ld"),
        ("xml", "application/rdf+xml", "xml"),
    ],
)
def test_format_parameter_names_the_graph_format(server, name, media_type, rdflib_format):
    r = httpx.get(server.sparql, params={"query": CONSTRUCT_ALL, "format": name})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    graph = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    assert {(str(s), str(o)) for s, _, o in graph} == ALL_PAIRS


def test_format_parameter_in_a_form_post(server):
    r = httpx.post(server.sparql, data={"query": SELECT_ALL, "format": "csv"})
    assert r.headers["content-type"].split(";")[0] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {(row["s"], row["o"]) for row in rows} == ALL_PAIRS


def test_format_that_cannot_carry_the_result_is_406(server):
    r = httpx.get(server.sparql, params={"query": CONSTRUCT_ALL, "format": "csv"})
    error_of(r, 406, "not_acceptable")
    r = httpx.get(server.sparql, params={"query": SELECT_ALL, "format": "turtle"})
    error_of(r, 406, "not_acceptable")


@pytest.mark.parametrize(
    "params",
    [{"format": "yaml"}, {"format": ["csv", "json"]}, {"format": "csv", "output": "json"},
     {"results": "image/png"}],
)
def test_unknown_or_conflicting_format_is_400(server, params):
    r = httpx.get(server.sparql, params={"query": SELECT_ALL, **params})
    error = error_of(r, 400, "invalid_request")
    assert "format" in error["message"]


@pytest.mark.parametrize(
    ("params", "media_type"),
    [
        ([("format", "tsv"), ("format", "text/tab-separated-values")], "text/tab-separated-values"),
        ([("output", "csv")], "text/csv"),
        ([("results", "xml"), ("format", "")], "application/sparql-results+xml"),
        ([("format", "application/sparql-results+json")], "application/sparql-results+json"),
    ],
)
def test_format_by_media_type_repeated_or_as_output_or_results(server, params, media_type):
    r = httpx.get(server.sparql, params=[("query", SELECT_ALL), *params],
                  headers={"Accept": "text/turtle, application/sparql-results+xml;q=0.1"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media_type


def test_xml_with_rdf_xml_leaves_graphs_only(server):
    params = [("query", CONSTRUCT_ALL), ("format", "xml"), ("format", "application/rdf+xml")]
    r = httpx.get(server.sparql, params=params)
    assert r.headers["content-type"].split(";")[0] == "application/rdf+xml"
    params[0] = ("query", SELECT_ALL)
    error_of(httpx.get(server.sparql, params=params), 406, "not_acceptable")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/csv", ox.QueryResultsFormat.CSV),
    ],
)
@pytest.mark.parametrize(
    ("query", "expected"), [("ASK { ?s ?p 'hola' }", True), ("ASK { ?s ?p 'nope' }", False)]
)
def test_ask_results_negotiation(server, accept, fmt, query, expected):
    r = httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200
    if fmt == ox.QueryResultsFormat.CSV:
        assert r.text.strip() == str(expected).lower()
    else:
        assert bool(ox.parse_query_results(r.content, fmt)) is expected


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
        ("*/*", "text/turtle", "turtle"),
        (None, "text/turtle", "turtle"),
    ],
)
def test_construct_graph_negotiation(server, accept, media_type, rdflib_format):
    headers = {"Accept": accept} if accept else {}
    r = httpx.get(server.sparql, params={"query": CONSTRUCT_ALL}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=r.content, format=rdflib_format)
    triples = {
        (str(s), str(p), str(o))
        for s, p, o, *_ in (graph.quads() if isinstance(graph, rdflib.Dataset) else graph)
    }
    assert triples == {(s, P, o) for s, o, _ in QUADS}


def test_describe_gives_a_graph(server):
    r = httpx.get(
        server.sparql,
        params={"query": f"DESCRIBE <{EX}alice>"},
        headers={"Accept": "application/n-triples"},
    )
    assert r.status_code == 200
    graph = rdflib.Graph().parse(data=r.text, format="nt")
    assert set(graph) == {(rdflib.URIRef(EX + "alice"), rdflib.URIRef(P), rdflib.Literal("hello"))}


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (SELECT_ALL, "text/turtle"),
        (SELECT_ALL, "application/sparql-results+json;q=0"),
        (CONSTRUCT_ALL, "application/sparql-results+json"),
        ("ASK {}", "image/png"),
    ],
)
def test_nothing_acceptable_is_406(server, query, accept):
    r = httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept})
    error = error_of(r, 406, "not_acceptable")
    assert "can send" in error["message"]


# -- request errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "multipart/form-data; boundary=x", None]
)
def test_post_of_another_media_type_is_415(server, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    r = httpx.post(server.sparql, content=SELECT_ALL.encode(), headers=headers)
    error_of(r, 415, "unsupported_media_type")


def test_syntax_error_is_400_with_line_column_and_a_caret(server):
    bad = "SELECT ?s\nWHERE {\n  ?s ?p \"x\" ;\n     ?q }"
    with pytest.raises(SyntaxError) as parser:
        ox.Store().query(bad)
    line, column = (int(n) for n in str(parser.value).split()[2].rstrip(":").split(":"))
    r = httpx.get(server.sparql, params={"query": bad})
    error = error_of(r, 400, "invalid_query")
    assert error["position"] == {"line": line, "column": column}
    first, quoted, caret = error["message"].split("\n")
    assert first.startswith(f"SPARQL syntax error at line {line}, column {column}: expected")
    assert quoted == bad.split("\n")[line - 1]
    assert caret == " " * (column - 1) + "^"
    assert "\\u{" not in error["message"] and "[_]" not in error["message"]


def test_an_undeclared_prefix_is_named(server):
    query = "SELECT ?s WHERE {\n  ?s a iokg:Claim ;\n     foaf:name ?name .\n}"
    error = error_of(httpx.get(server.sparql, params={"query": query}), 400, "invalid_query")
    assert "the prefix `foaf:` is not declared" in error["message"]
    assert "predeclared: iokg:, rdf:, rdfs:" in error["message"]
    assert error["position"]["line"] == 3
    assert len(error["message"]) < 400


def test_the_documented_syntax_error_is_the_real_one(server):
    docs = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text()
    block = next(b for b in docs.split("```json\n")[1:] if "invalid_query" in b.split("```")[0])
    documented = json.loads(block.split("```")[0])
    query = "SELECT * WHERE {\n  ?s a iokg:Claim ; foaf:name ?n }"
    r = httpx.post(server.sparql, data={"query": query})
    assert r.json() == documented
    assert documented["error"]["message"].split("\n")[2].index("^") == query.index("foaf") - 17


def test_syntax_errors_in_a_form_post_have_the_same_shape(server):
    error = error_of(httpx.post(server.sparql, data={"query": "ASK {"}), 400, "invalid_query")
    assert error["position"] == {"line": 1, "column": 6}
    assert error["message"].endswith("ASK {\n     ^")


PREDECLARED = {
    "iokg": "https://w3id.org/iokg/ns#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "org": "http://www.w3.org/ns/org#",
}


@pytest.mark.parametrize(("prefix", "namespace"), sorted(PREDECLARED.items()))
def test_prefixes_are_predeclared(server, prefix, namespace):
    query = f"SELECT ?x WHERE {{ BIND({prefix}:thing AS ?x) }}"
    r = httpx.get(server.sparql, params={"query": query})
    assert r.status_code == 200, r.text
    assert json.loads(r.content)["results"]["bindings"] == [
        {"x": {"type": "uri", "value": namespace + "thing"}}
    ]


def test_a_declared_prefix_wins_over_a_predeclared_one(server):
    query = f"PREFIX iokg: <{EX}> SELECT ?s ?o WHERE {{ ?s ?p ?o FILTER(?s = iokg:alice) }}"
    r = httpx.get(server.sparql, params={"query": query})
    assert pairs_from_json(r) == {(EX + "alice", "hello")}


def test_predeclared_prefixes_keep_screening_working(server):
    # a prefixed name that reads like a keyword is no SERVICE clause; a real one still is
    r = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s rdf:type iokg:SERVICE }"})
    assert r.status_code == 200
    r = httpx.get(server.sparql, params={"query": "SELECT * { SERVICE iokg:x { ?s ?p ?o } }"})
    error_of(r, 403, "forbidden")


def test_relative_iris_resolve_against_the_endpoint_url(server):
    r = httpx.post(
        server.sparql + "?default-graph-uri=" + G1,
        content="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert r.status_code == 200, r.text
    graph = rdflib.Graph().parse(data=r.text, format="nt")
    assert set(graph) == {
        (rdflib.URIRef(server.url + "/s"), rdflib.URIRef(server.url + "/p"), rdflib.Literal(1))
    }
    # a BASE in the query wins
    r = httpx.get(
        server.sparql,
        params={"query": f"BASE <{EX}> SELECT ?x WHERE {{ BIND(<a> AS ?x) }}"},
    )
    assert json.loads(r.content)["results"]["bindings"][0]["x"]["value"] == EX + "a"


@pytest.mark.parametrize(
    "send",
    [
        lambda url: httpx.get(url, params=[("query", "ASK {}"), ("query", "ASK {}")]),
        lambda url: httpx.post(url, data={"query": ["ASK {}", "ASK {}"]}),
        lambda url: httpx.post(url, params={"query": "ASK {}"}, data={"query": "ASK {}"}),
        lambda url: httpx.post(
            url,
            params={"query": "ASK {}"},
            content="ASK {}",
            headers={"Content-Type": "application/sparql-query"},
        ),
    ],
)
def test_repeated_query_parameter_is_400(server, send):
    error = error_of(send(server.sparql), 400, "invalid_request")
    assert "query" in error["message"]


@pytest.mark.parametrize(
    "send",
    [
        lambda url: httpx.get(url, params={"default-graph-uri": G1}),
        lambda url: httpx.post(url, data={"default-graph-uri": G1}),
        lambda url: httpx.post(
            url, content=b"", headers={"Content-Type": "application/sparql-query"}
        ),
    ],
)
def test_missing_query_is_400(server, send):
    error_of(send(server.sparql), 400, "invalid_request")


@pytest.mark.parametrize(
    "send",
    [
        lambda url: httpx.post(
            url,
            content=b"SELECT * { ?s ?p '\xff' }",
            headers={"Content-Type": "application/sparql-query"},
        ),
        lambda url: httpx.post(
            url,
            content=b"query=ASK%20%7B%7D%FF",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        lambda url: httpx.get(url + "?query=ASK%20%7B%7D%FF"),
    ],
)
def test_text_that_is_not_utf8_is_400(server, send):
    error = error_of(send(server.sparql), 400, "invalid_request")
    assert "UTF-8" in error["message"]


def test_unknown_route_and_method_use_the_same_error_shape(server):
    error_of(httpx.get(server.url + "/no-such-page"), 404, "not_found")
    error_of(httpx.put(server.sparql, content=b"x"), 405, "method_not_allowed")


# -- read-only and offline ----------------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        lambda url: httpx.get(url, params={"query": f"INSERT DATA {{ <{EX}x> <{P}> 'x' }}"}),
        lambda url: httpx.post(
            url, data={"query": f"PREFIX ex: <{EX}> DELETE WHERE {{ ?s ?p ?o }}"}
        ),
        lambda url: httpx.post(url, data={"update": "CLEAR ALL"}),
        lambda url: httpx.post(
            url,
            content="LOAD <http://example.org/data.ttl>",
            headers={"Content-Type": "application/sparql-query"},
        ),
        lambda url: httpx.post(
            url, content="DROP ALL", headers={"Content-Type": "application/sparql-update"}
        ),
    ],
)
def test_updates_are_forbidden(server, send):
    error = error_of(send(server.sparql), 403, "forbidden")
    assert "read-only" in error["message"]
    r = httpx.get(server.sparql, params={"query": SELECT_ALL})
    assert pairs_from_json(r) == ALL_PAIRS  # nothing changed


@pytest.fixture
def trap():
    t = Trap()
    yield t
    t.close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        "ASK {{ ?a ?b ?c . SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    ],
)
def test_federated_service_is_forbidden_and_never_fetched(server, trap, query):
    r = httpx.get(server.sparql, params={"query": query.format(url=trap.url)})
    error = error_of(r, 403, "forbidden")
    assert "SERVICE" in error["message"]
    assert trap.hits == []


def test_the_word_service_in_a_string_or_name_is_fine(server):
    query = (
        f"PREFIX service: <{EX}> SELECT ?service WHERE {{ BIND('SERVICE <x> {{}}' AS ?service) }}"
    )
    r = httpx.get(server.sparql, params={"query": query})
    assert r.status_code == 200
    assert json.loads(r.content)["results"]["bindings"][0]["service"]["value"] == "SERVICE <x> {}"


def test_from_and_graph_parameters_never_fetch_urls(server, trap):
    r = httpx.get(
        server.sparql,
        params={
            "query": f"SELECT * FROM <{trap.url}> FROM NAMED <{trap.url}g> WHERE {{ ?s ?p ?o }}"
        },
    )
    assert r.status_code == 200
    assert json.loads(r.content)["results"]["bindings"] == []
    r = httpx.get(
        server.sparql,
        params={
            "query": "SELECT * WHERE { ?s ?p ?o }",
            "default-graph-uri": trap.url,
            "named-graph-uri": trap.url + "n",
        },
    )
    assert r.status_code == 200
    assert json.loads(r.content)["results"]["bindings"] == []
    assert trap.hits == []


# -- bare GET: service description or query page ------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_bare_get_gives_the_service_description(server, accept, fmt):
    r = httpx.get(server.sparql, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    graph = rdflib.Graph().parse(data=r.content, format=fmt)
    service = rdflib.URIRef(server.sparql)
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    assert formats == {"http://www.w3.org/ns/formats/" + name for name in (
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
        "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG", "N3")}
    declared = {
        (str(graph.value(d, SH.prefix)), graph.value(d, SH.namespace))
        for d in graph.objects(service, SH.declare)
    }
    assert declared == {
        (p, rdflib.Literal(ns, datatype=rdflib.XSD.anyURI)) for p, ns in PREDECLARED.items()
    }


class FormFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_bare_get_from_a_browser_goes_to_the_query_page(server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = httpx.get(server.sparql, headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["location"] == "/query"  # a path: no Host header in it
    assert "Accept" in r.headers["vary"]
    r = httpx.get(server.sparql, headers={"Accept": accept}, follow_redirects=True)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    finder = FormFinder()
    finder.feed(r.text)
    tags = dict(finder.tags)
    assert tags["form"]["action"] == "/query"
    assert tags["textarea"]["name"] == "query"
    loaded = [a.get("src") or a["href"] for t, a in finder.tags if t in ("script", "link")]
    assert loaded and all(url.startswith("/static/") for url in loaded)


def test_health_answers(server):
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok", "store": True}


# -- store lifecycle ----------------------------------------------------------------------


def test_missing_store_then_each_new_build_is_picked_up(tmp_path: Path):
    store = tmp_path / "store"
    with in_process(store, max_concurrent_queries=1) as s:
        error_of(s.get("/sparql", params={"query": SELECT_ALL}), 503, "store_not_found")
        for word in ("first", "second"):
            build = build_store(new_build_dir(store), [(EX + word, word, G1)])
            (build / ".complete").touch()
            publish(store, build)
            r = s.get("/sparql", params={"query": SELECT_ALL})
            assert pairs_from_json(r) == {(EX + word, word)}
