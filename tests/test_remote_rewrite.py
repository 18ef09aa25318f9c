"""Query text for the remote store: graph names tagged, everything else left as written."""

from __future__ import annotations

import doctest

import pyoxigraph as ox
import pytest

import iokg.remote.rewrite
from iokg.remote.executor import check_syntax
from iokg.remote.rewrite import ABSENT_GRAPH, bind_table, bind_values, prologue, rewrite
from iokg.remote.store import Build

DERIVED = "https://w3id.org/iokg/graph/derived"
BUILD = Build("b1", (DERIVED, "https://w3id.org/iokg/graph/data"))


def test_docstring_examples():
    result = doctest.testmod(iokg.remote.rewrite, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("query, expected", [
    # full IRI, prefixed name with an escaped slash, relative IRI against the query's BASE
    (f"ASK {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} }}", f"ASK {{ GRAPH <{DERIVED}@b1> {{ ?s ?p ?o }} }}"),
    ("PREFIX g: <https://w3id.org/iokg/> ASK { GRAPH g:graph\\/derived {} }",
     f"PREFIX g: <https://w3id.org/iokg/> ASK {{ GRAPH <{DERIVED}@b1> {{}} }}"),
    ("BASE <https://w3id.org/iokg/> ASK { GRAPH <graph/derived> {} }",
     f"BASE <https://w3id.org/iokg/> ASK {{ GRAPH <{DERIVED}@b1> {{}} }}"),
    # an IRI in a string or a comment is text, not a graph name
    (f'SELECT ("<{DERIVED}>" AS ?x) {{}} # <{DERIVED}>', f'SELECT ("<{DERIVED}>" AS ?x) {{}} # <{DERIVED}>'),
    # FROM / FROM NAMED naming no graph of the build reach no graph at all (no other build, no control graph)
    ("SELECT * FROM <urn:iokg:control> FROM NAMED <https://w3id.org/iokg/graph/data@old> { ?s ?p ?o }",
     f"SELECT * FROM <{ABSENT_GRAPH}> FROM NAMED <{ABSENT_GRAPH}> {{ ?s ?p ?o }}"),
    # a graph's IRI in a triple pattern is a term of the data (a release graph describes itself)
    (f"SELECT ?l {{ GRAPH <{DERIVED}> {{ <{DERIVED}> dcterms:license ?l }} }}",
     f"SELECT ?l {{ GRAPH <{DERIVED}@b1> {{ <{DERIVED}> dcterms:license ?l }} }}"),
    # an IRI that is no graph name is untouched, even where FROM is elsewhere in the text
    ("SELECT * FROM <https://w3id.org/iokg/graph/data> { ?s <http://e/p> <http://e/o> }",
     "SELECT * FROM <https://w3id.org/iokg/graph/data@b1> { ?s <http://e/p> <http://e/o> }"),
])
def test_rewrite_tags_graph_names_only(query, expected):
    assert rewrite(query, BUILD.tagged) == expected


def test_relative_iris_resolve_against_the_endpoint_base():
    text = rewrite("ASK { GRAPH <derived> {} }", BUILD.tagged, base_iri="https://w3id.org/iokg/graph/")
    assert f"<{DERIVED}@b1>" in text


def test_prologue_declares_only_the_predeclared_prefixes_used():
    text = prologue("SELECT ?x { ?x a iokg:Claim ; skos:prefLabel ?l }", "http://h/sparql")
    lines = text.splitlines()
    assert lines[0] == "BASE <http://h/sparql>"
    assert {line.split()[1] for line in lines[1:3]} == {"iokg:", "skos:"}
    assert "rdfs:" not in text
    check_syntax(text, None)  # still a query


def test_parameters_are_serialized_terms_never_raw_text():
    hostile = 'x" } ; DROP ALL ; SELECT * { "'
    text = bind_values("SELECT ?s WHERE { ?s ?p ?o }", {ox.Variable("o"): ox.Literal(hostile)})
    check_syntax(text, None)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal(hostile)))
    store.add(ox.Quad(ox.NamedNode("http://e/t"), ox.NamedNode("http://e/p"), ox.Literal("other")))
    assert [r["s"].value for r in store.query(text)] == ["http://e/s"]


def test_values_open_the_where_group_of_updates_and_constructs():
    text = bind_table("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", ["g"],
                      [[ox.NamedNode("http://e/g1")], [ox.NamedNode("http://e/g2")]])
    assert text.startswith("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { VALUES (?g) { (<http://e/g1>) (<http://e/g2>) }")
    text = bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {ox.Variable("s"): ox.NamedNode("http://e/s")})
    assert "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s)" in text
    check_syntax(text, None)


def test_check_syntax_reports_line_and_column_as_the_embedded_store_does():
    from iokg.errors import InvalidQuery
    with pytest.raises(InvalidQuery) as caught:
        check_syntax("SELECT * WHERE {\n  ?s ?p }", None)
    assert caught.value.position[0] == 2
