"""Real SPARQL clients against /sparql over a real uvicorn process.

SPARQLWrapper is run with every return format for every query form that can carry it, over
GET, form POST and direct POST. It sends the format three times as parameters (``format``,
``output``, ``results``), some of them twice (a name and a media type), besides ``Accept``.
"""

from __future__ import annotations

import csv
import io
import warnings

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from sparql_server import EX, G1, QUADS, P

ALL_PAIRS = {(s, o) for s, o, _ in QUADS}
SELECT_ALL = "SELECT ?s ?o WHERE { ?s ?p ?o }"
CONSTRUCT_G1 = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"
G1_TRIPLES = {
    (rdflib.URIRef(s), rdflib.URIRef(P), rdflib.Literal(o)) for s, o, g in QUADS if g == G1
}
DESCRIBE_ALICE = f"DESCRIBE <{EX}alice>"
ALICE_TRIPLES = {(rdflib.URIRef(EX + "alice"), rdflib.URIRef(P), rdflib.Literal("hello"))}

#: (HTTP method, SPARQLWrapper request method): GET, form POST, direct POST.
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


def run(server, query: str, return_format: str, method: tuple[str, str], **accept):
    """Run ``query`` with SPARQLWrapper; fail on any warning about what the server sent."""
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method[0])
    client.setRequestMethod(method[1])
    if accept:  # content negotiation only, with an Accept header of our own
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept["accept"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = client.query()
        content_type = result.info()["content-type"]
        converted = result.convert()
    about_response = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)
                      and "Accept header" not in str(w.message)]
    assert about_response == [], about_response
    return converted, content_type


def solutions(converted, return_format: str) -> set[tuple[str, str]]:
    if return_format == JSON:
        return {(b["s"]["value"], b["o"]["value"]) for b in converted["results"]["bindings"]}
    if return_format == XML:
        pairs = set()
        for result in converted.getElementsByTagName("result"):
            values = {
                b.getAttribute("name"): b.firstChild.firstChild.nodeValue
                for b in result.getElementsByTagName("binding")
            }
            pairs.add((values["s"], values["o"]))
        return pairs
    text = converted.decode("utf-8")
    if return_format == CSV:
        return {(row["s"], row["o"]) for row in csv.DictReader(io.StringIO(text))}
    header, *lines = text.splitlines()
    assert header == "?s\t?o"
    rows = [line.split("\t") for line in lines]
    return {(s.strip("<>"), rdflib.util.from_n3(o).toPython()) for s, o in rows}


RESULT_MEDIA_TYPES = {
    JSON: "application/sparql-results+json",
    XML: "application/sparql-results+xml",
    CSV: "text/csv",
    TSV: "text/tab-separated-values",
}


@pytest.mark.parametrize("method", METHODS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(server, return_format, method):
    converted, content_type = run(server, SELECT_ALL, return_format, method)
    assert content_type.split(";")[0] == RESULT_MEDIA_TYPES[return_format]
    assert solutions(converted, return_format) == ALL_PAIRS


def boolean(converted, return_format: str) -> bool:
    if return_format == JSON:
        return converted["boolean"]
    if return_format == XML:
        return converted.getElementsByTagName("boolean")[0].firstChild.nodeValue == "true"
    return {"true": True, "false": False}[converted.decode().strip().splitlines()[-1]]


@pytest.mark.parametrize("method", METHODS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize(("query", "expected"), [("ASK { ?s ?p 'hola' }", True),
                                                 ("ASK { ?s ?p 'nope' }", False)])
def test_sparqlwrapper_ask_in_every_results_format(server, return_format, method, query, expected):
    converted, content_type = run(server, query, return_format, method)
    assert content_type.split(";")[0] == RESULT_MEDIA_TYPES[return_format]
    assert boolean(converted, return_format) is expected


#: SPARQLWrapper's graph formats: (return format, media type sent back, rdflib parser of the
#: bytes when SPARQLWrapper hands back bytes, else None: it gives an rdflib graph).
GRAPH_FORMATS = [
    (XML, "application/rdf+xml", None),
    (RDF, "application/rdf+xml", None),
    (RDFXML, "application/rdf+xml", None),
    (TURTLE, "text/turtle", "turtle"),
    (N3, "text/n3", "n3"),
    (JSONLD, "application/ld+json", None),
]


def graph_of(converted, parser: str | None) -> set:
    if parser is None:
        return {(s, p, o) for s, p, o, *_ in converted.quads((None, None, None, None))}
    return set(rdflib.Graph().parse(data=converted, format=parser))


@pytest.mark.parametrize("method", METHODS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize(("return_format", "media_type", "parser"), GRAPH_FORMATS,
                         ids=[f[0] for f in GRAPH_FORMATS])
@pytest.mark.parametrize(("query", "expected"), [(CONSTRUCT_G1, G1_TRIPLES),
                                                 (DESCRIBE_ALICE, ALICE_TRIPLES)],
                         ids=["construct", "describe"])
def test_sparqlwrapper_graphs_in_every_rdf_format(server, return_format, media_type, parser,
                                                  method, query, expected):
    converted, content_type = run(server, query, return_format, method)
    assert content_type.split(";")[0] == media_type
    assert graph_of(converted, parser) == expected


@pytest.mark.parametrize(("query", "expected"), [(CONSTRUCT_G1, G1_TRIPLES),
                                                 (DESCRIBE_ALICE, ALICE_TRIPLES)],
                         ids=["construct", "describe"])
def test_sparqlwrapper_n_triples_by_content_negotiation(server, query, expected):
    converted, content_type = run(server, query, N3, METHODS[0], accept="application/n-triples")
    assert content_type.split(";")[0] == "application/n-triples"
    assert graph_of(converted, "nt") == expected


def test_sparqlwrapper_json(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(SELECT_ALL)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    assert {(b["s"]["value"], b["o"]["value"]) for b in data["results"]["bindings"]} == ALL_PAIRS


def test_sparqlwrapper_xml_over_post(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(SELECT_ALL)
    client.setMethod(POST)
    client.setReturnFormat(XML)
    document = client.query().convert()  # an xml.dom.minidom Document
    pairs = set()
    for result in document.getElementsByTagName("result"):
        values = {
            b.getAttribute("name"): b.firstChild.firstChild.nodeValue
            for b in result.getElementsByTagName("binding")
        }
        pairs.add((values["s"], values["o"]))
    assert pairs == ALL_PAIRS


def test_sparqlwrapper_ask_and_construct(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery("ASK { ?s ?p 'hello' }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert {(str(s), str(o)) for s, _, o in graph} == {(s, o) for s, o, g in QUADS if g == G1}


def test_sparqlwrapper_sees_errors_as_exceptions(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(server.sparql)
    client.setQuery("SELECT ?s WHERE { ?s ?p }")
    client.setReturnFormat(JSON)
    try:
        client.query()
    except QueryBadFormed as e:
        assert "invalid_query" in str(e)
    else:
        raise AssertionError("a malformed query was accepted")


def test_rdflib_sparqlstore_select_and_construct(server):
    store = SPARQLStore(query_endpoint=server.sparql)
    rows = store.query(SELECT_ALL)
    assert {(str(r.s), str(r.o)) for r in rows} == ALL_PAIRS
    graph = rdflib.Graph(store=store)
    assert (rdflib.URIRef(EX + "alice"), rdflib.URIRef(P), rdflib.Literal("hello")) in graph
    constructed = store.query(
        f"CONSTRUCT {{ ?s <{P}> ?o }} WHERE {{ ?s <{P}> ?o FILTER(?o = 'hola') }}"
    )
    assert set(constructed.graph) == {
        (rdflib.URIRef(EX + "dave"), rdflib.URIRef(P), rdflib.Literal("hola"))
    }
