"""The ontology parses, every term is labelled and defined, and it agrees with iokg.vocab."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from iokg import vocab
from iokg.settings import ONTOLOGY_DIR

NS = rdflib.Namespace(vocab.NS)


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_DIR / "iokg.ttl", format="turtle")


def test_parses_with_both_parsers():
    with open(ONTOLOGY_DIR / "iokg.ttl", "rb") as f:
        assert len(list(ox.parse(f, format=ox.RdfFormat.TURTLE))) > 300
    with open(ONTOLOGY_DIR / "shapes.ttl", "rb") as f:
        assert len(list(ox.parse(f, format=ox.RdfFormat.TURTLE))) > 50


def iokg_terms(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(vocab.NS)}


def test_every_term_has_a_label_and_a_definition(onto):
    terms = iokg_terms(onto)
    assert len(terms) > 100
    for t in terms:
        assert onto.value(t, RDFS.label) is not None, f"{t} has no rdfs:label"
        assert onto.value(t, SKOS.definition) is not None, f"{t} has no skos:definition"


def test_every_term_used_by_the_build_is_defined(onto, basic_store):
    """Each iokg: class and property in a built graph is a term of the ontology."""
    defined = iokg_terms(onto)
    db = ox.Store.read_only(str(basic_store.resolve()))
    used = set()
    for q in db.quads_for_pattern(None, None, None, ox.NamedNode(vocab.GRAPH_DATA)):
        used.add(q.predicate.value)
        if q.predicate.value == str(RDF.type) or isinstance(q.object, ox.NamedNode):
            used.add(q.object.value)
    used = {u for u in used if u.startswith(vocab.NS)}
    assert used, "the fixture graph uses iokg terms"
    missing = sorted(u for u in used if rdflib.URIRef(u) not in defined)
    assert missing == []


def test_vocab_tables_match_ontology(onto):
    for t in vocab.ENTITY_TYPES.values():
        assert (NS[t.cls], RDF.type, OWL.Class) in onto, t.cls
        assert str(onto.value(NS[t.cls], SKOS.notation)) == t.key
    for p in vocab.PREDICATES.values():
        assert (NS[p.key], RDF.type, NS.ClaimProperty) in onto, p.key
    for table, cls in ((vocab.SOURCE_KINDS, "SourceKind"), (vocab.STANCES, "Stance"),
                       (vocab.EVIDENCE_KINDS, "EvidenceKind"), (vocab.CONFIDENCE_WHOSE, "ConfidenceWhose")):
        members = set(onto.subjects(RDF.type, NS[cls]))
        assert members == {NS[c.local] for c in table.values()}, cls
        for c in table.values():
            assert str(onto.value(NS[c.local], SKOS.notation)) == c.key
    levels = set(onto.subjects(RDF.type, NS.Likelihood))
    assert levels == {NS[item.local] for item in vocab.LIKELIHOODS.values()}
    ranks = sorted(int(onto.value(item, NS.rank)) for item in levels)
    assert ranks == list(range(1, 8))


def test_alignment_with_w3c_vocabularies(onto):
    assert (NS.subOrganizationOf, RDFS.subPropertyOf, rdflib.URIRef("http://www.w3.org/ns/org#subOrganizationOf")) in onto
    assert (NS.Source, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/prov#Entity")) in onto
    assert (NS.via, RDFS.subPropertyOf, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) in onto
    assert (NS.saidBy, RDFS.subPropertyOf, rdflib.URIRef("http://www.w3.org/ns/prov#wasAttributedTo")) in onto
