"""Real SPARQL clients against /sparql over a real uvicorn process."""

from __future__ import annotations

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sparql_server import EX, G1, QUADS, P
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

ALL_PAIRS = {(s, o) for s, o, _ in QUADS}
SELECT_ALL = "SELECT ?s ?o WHERE { ?s ?p ?o }"


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
