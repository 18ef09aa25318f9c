"""Every SHACL shape in ontology/shapes.ttl: a valid example conforms, each broken one fails as expected."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from iokg.ingest.shapes import shacl_problems, violations

PREFIXES = """
@prefix iokg: <https://w3id.org/iokg/ns#> .
@prefix x: <https://w3id.org/iokg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""

VALID = PREFIXES + """
x:source\\/r a iokg:Source ; dcterms:title "R" ; dcterms:publisher x:entity\\/lab ; dcterms:date "2020-03"^^xsd:gYearMonth ;
    iokg:sourceKind iokg:ResearchReport ; iokg:dateFrom "2020-03-01"^^xsd:date ; iokg:dateTo "2020-03-31"^^xsd:date .
x:source\\/n a iokg:Source ; dcterms:title "N" ; dcterms:publisher x:entity\\/news ; dcterms:date "2020-04-02"^^xsd:date ;
    iokg:sourceKind iokg:NewsArticle ; prov:wasDerivedFrom x:source\\/r ;
    iokg:dateFrom "2020-04-02"^^xsd:date ; iokg:dateTo "2020-04-02"^^xsd:date .
x:source\\/w a iokg:Source ; dcterms:title "W" ; dcterms:publisher x:entity\\/lab ; dcterms:date "2024"^^xsd:gYear ;
    iokg:sourceKind iokg:EncyclopediaArticle ; prov:wasDerivedFrom x:source\\/r ;
    iokg:dateFrom "2024-01-01"^^xsd:date ; iokg:dateTo "2024-12-31"^^xsd:date .
x:source\\/s a iokg:Source ; dcterms:title "S" ; dcterms:publisher x:entity\\/m ; dcterms:date "2020-05-01"^^xsd:date ;
    iokg:sourceKind iokg:OfficialStatement ; iokg:dateFrom "2020-05-01"^^xsd:date ; iokg:dateTo "2020-05-01"^^xsd:date .
x:entity\\/a a iokg:Campaign ; skos:prefLabel "A" ; iokg:mentionedIn x:source\\/r ; iokg:alias x:alias .
x:entity\\/m a iokg:StateEntity ; skos:prefLabel "M" ; iokg:mentionedIn x:source\\/r .
x:entity\\/lab a iokg:Organization ; skos:prefLabel "Lab" ; iokg:mentionedIn x:source\\/r .
x:entity\\/news a iokg:Organization ; skos:prefLabel "News" ; iokg:mentionedIn x:source\\/n .
x:entity\\/stubbs a iokg:Person ; skos:prefLabel "Stubbs" ; iokg:mentionedIn x:source\\/n .
x:alias a iokg:Alias ; iokg:name "A-1" ; iokg:usedBy x:source\\/r .
x:claim a iokg:Claim ; iokg:subject x:entity\\/a ; iokg:predicate iokg:attributedTo ; iokg:object x:entity\\/m .
x:assertion a iokg:Assertion ; iokg:claim x:claim ; iokg:source x:source\\/r ; iokg:stance iokg:Supports ;
    iokg:saidBy x:entity\\/lab ; iokg:ownVoice true ;
    iokg:likelihood iokg:Likely ; iokg:evidenceKind iokg:BehaviouralPattern ; iokg:excerpt "short" ;
    iokg:confidenceWords "likely" ; iokg:confidenceWhose iokg:AsserterWords ;
    dcterms:date "2020-03"^^xsd:gYearMonth .
x:relay a iokg:Assertion ; iokg:claim x:claim ; iokg:source x:source\\/n ; iokg:stance iokg:Supports ;
    iokg:saidBy x:entity\\/lab ; iokg:speaker x:entity\\/stubbs ; iokg:via x:source\\/r ;
    dcterms:date "2020-04-02"^^xsd:date .
x:denial a iokg:Assertion ; iokg:claim x:claim ; iokg:source x:source\\/s ; iokg:stance iokg:Denies ;
    iokg:saidBy x:entity\\/m ; iokg:ownVoice true ; dcterms:date "2020-05-01"^^xsd:date .
x:count a iokg:Claim ; iokg:subject x:entity\\/a ; iokg:predicate iokg:accountCount ; iokg:value 100 .
x:countAssertion a iokg:Assertion ; iokg:claim x:count ; iokg:source x:source\\/r ; iokg:stance iokg:Supports ;
    iokg:saidBy x:entity\\/lab ;
    iokg:evidenceKind iokg:PlatformData ; dcterms:date "2020-03"^^xsd:gYearMonth .
x:evidence a iokg:ComputedEvidence ; iokg:bearsOn x:count ; iokg:analysis "stated-count" ;
    iokg:analysedDataset x:source\\/r ; iokg:measure "count" ; iokg:computed true ; iokg:result 100 ;
    iokg:resultStatement "the release states 100 accounts" ; iokg:computedAt "b1" ; prov:wasGeneratedBy x:run .
x:run a iokg:AnalysisRun ; prov:used x:source\\/r .
"""


def graph(extra: str = "", drop: list[tuple[str, str]] = ()) -> rdflib.Graph:
    g = rdflib.Graph().parse(data=VALID, format="turtle")
    ns = {"iokg": "https://w3id.org/iokg/ns#", "x": "https://w3id.org/iokg/id/",
          "dcterms": "http://purl.org/dc/terms/", "skos": "http://www.w3.org/2004/02/skos/core#",
          "prov": "http://www.w3.org/ns/prov#"}

    def iri(curie: str) -> rdflib.URIRef:
        prefix, local = curie.split(":", 1)
        return rdflib.URIRef(ns[prefix] + local)

    for s, p in drop:
        g.remove((iri(s), iri(p), None))
    return g.parse(data=PREFIXES + extra, format="turtle")


def test_valid_example_conforms():
    assert shacl_problems(graph()) == []


CASES = {
    # SourceShape
    "source without title": ({"drop": [("x:source/r", "dcterms:title")]}, "a source has exactly one title"),
    "source without publisher": ({"drop": [("x:source/r", "dcterms:publisher")]}, "names exactly one publisher"),
    "source with a publisher that is no party": ({"drop": [("x:source/n", "dcterms:publisher")],
                                                  "extra": "x:source\\/n dcterms:publisher x:entity\\/a ."},
                                                 "is not an organization, state entity or person"),
    "source with a plain-text date": ({"drop": [("x:source/r", "dcterms:date")],
                                       "extra": 'x:source\\/r dcterms:date "March 2020" .'},
                                      "exactly one date (year, month or day)"),
    "source with an impossible date": ({"drop": [("x:source/r", "dcterms:date")],
                                        "extra": 'x:source\\/r dcterms:date "2021-02-31"^^xsd:date .'},
                                       "exactly one date (year, month or day)"),
    "source without kind": ({"drop": [("x:source/r", "iokg:sourceKind")]}, "exactly one kind"),
    "source derived from a non-source": ({"extra": "x:source\\/n prov:wasDerivedFrom x:entity\\/a ."},
                                         "derives only from other sources"),
    "source relaying a later one": ({"extra": "x:source\\/r prov:wasDerivedFrom x:source\\/n ."},
                                    "which is dated after it"),
    "encyclopedia without references": ({"drop": [("x:source/w", "prov:wasDerivedFrom")]},
                                        "an encyclopedia article derives from the references"),
    # ClaimShape
    "claim without subject": ({"drop": [("x:claim", "iokg:subject")]}, "exactly one subject"),
    "claim with a non-claim predicate": ({"drop": [("x:claim", "iokg:predicate")],
                                          "extra": "x:claim iokg:predicate skos:related ."},
                                         "exactly one predicate, an iokg:ClaimProperty"),
    "claim without assertion": ({"extra": "x:lonely a iokg:Claim ; iokg:subject x:entity\\/a ; "
                                          "iokg:predicate iokg:postsAbout ; iokg:object x:entity\\/m ."},
                                "backed (or contested) by at least one assertion"),
    "claim with object and value": ({"extra": "x:claim iokg:value 3 ."}, "either one object or one value"),
    # AssertionShape
    "assertion without claim": ({"drop": [("x:assertion", "iokg:claim")]}, "about exactly one claim"),
    "assertion without source": ({"drop": [("x:assertion", "iokg:source")]}, "exactly one source"),
    "assertion with an unknown stance": ({"drop": [("x:assertion", "iokg:stance")],
                                          "extra": "x:assertion iokg:stance iokg:Maybe ."},
                                         "supports, disputes, denies or inconclusive"),
    "assertion with two likelihoods": ({"extra": "x:assertion iokg:likelihood iokg:Unlikely ."},
                                       "at most one ICD 203 likelihood"),
    "assertion with an unknown evidence kind": ({"extra": "x:assertion iokg:evidenceKind iokg:Hunch ."},
                                                "one of iokg:EvidenceKindScheme"),
    "assertion without asserting party": ({"drop": [("x:assertion", "iokg:saidBy")]},
                                          "exactly one asserting party"),
    "assertion said by a campaign": ({"drop": [("x:relay", "iokg:saidBy")],
                                      "extra": "x:relay iokg:saidBy x:entity\\/a ."},
                                     "exactly one asserting party, an organization, state entity or person"),
    "assertion spoken by an organization": ({"extra": "x:assertion iokg:speaker x:entity\\/lab ."},
                                            "speaker is one person"),
    "assertion carried by a non-source": ({"extra": "x:relay iokg:via x:entity\\/m ."}, "carriers are sources"),
    "assertion with confidence words of nobody": ({"drop": [("x:assertion", "iokg:confidenceWhose")]},
                                                  "need to say whose words they are"),
    "assertion with a long excerpt": ({"drop": [("x:assertion", "iokg:excerpt")],
                                       "extra": f'x:assertion iokg:excerpt "{"word " * 100}" .'},
                                      "an excerpt is short"),
    "assertion without date": ({"drop": [("x:assertion", "dcterms:date")]}, "carries exactly one date"),
    "denial in a news story's own voice": ({"drop": [("x:denial", "iokg:source")],
                                            "extra": "x:denial iokg:source x:source\\/n ."},
                                           "a denial comes from the party itself"),
    # EntityShape
    "entity with two labels": ({"extra": 'x:entity\\/a skos:prefLabel "B" .'}, "exactly one canonical label"),
    "entity without source": ({"drop": [("x:entity/m", "iokg:mentionedIn")]}, "at least one source that mentions it"),
    "entity linked straight to another": ({"extra": "x:entity\\/m iokg:parent x:entity\\/lab ."},
                                          "a link between two entities is a claim with assertions"),
    # AliasShape
    "alias without name": ({"drop": [("x:alias", "iokg:name")]}, "an alias has exactly one name"),
    "alias without source": ({"drop": [("x:alias", "iokg:usedBy")]}, "at least one source that uses it"),
    # ComputedEvidenceShape
    "computed evidence on no claim": ({"drop": [("x:evidence", "iokg:bearsOn")]}, "bears on exactly one claim"),
    "computed evidence on an entity": ({"drop": [("x:evidence", "iokg:bearsOn")],
                                        "extra": "x:evidence iokg:bearsOn x:entity\\/a ."}, "bears on exactly one claim"),
    "computed evidence without its build": ({"drop": [("x:evidence", "iokg:computedAt")]}, "names the build"),
    "computed evidence without a run": ({"drop": [("x:evidence", "prov:wasGeneratedBy")]},
                                        "generated by an analysis run"),
    "computed evidence with a figure not computed": ({"drop": [("x:evidence", "iokg:computed")],
                                                      "extra": "x:evidence iokg:computed false ."},
                                                     "a result exactly when it is computed"),
    "computed evidence computed without a figure": ({"drop": [("x:evidence", "iokg:result")]},
                                                    "a result exactly when it is computed"),
    "computed evidence typed as an assertion": ({"extra": "x:evidence a iokg:Assertion ."},
                                                "never a party's assertion"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_example_fails_with_its_message(case):
    change, message = CASES[case]
    problems = shacl_problems(graph(change.get("extra", ""), change.get("drop", [])))
    assert problems, f"{case}: expected a violation"
    assert any(message in p.message for p in problems), [p.message for p in problems]


def test_every_shape_is_exercised():
    """Each node shape in shapes.ttl has at least one broken example above."""
    shapes = rdflib.Graph().parse("ontology/shapes.ttl")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    node_shapes = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(rdflib.RDF.type, SH.NodeShape)}
    prefixes = {"SourceShape": "source", "ClaimShape": "claim", "AssertionShape": "assertion",
                "EntityShape": "entity", "AliasShape": "alias", "ComputedEvidenceShape": "computed evidence"}
    assert set(prefixes) == node_shapes
    for shape, prefix in prefixes.items():
        assert any(c.startswith(prefix) for c in CASES), shape


@pytest.mark.parametrize("case", ["valid", *CASES])
def test_both_engines_find_the_same_violations(case):
    """The SPARQL engine the build runs and pySHACL (the reference) report the same focus nodes,
    paths and messages, on the valid example and on a broken example of every constraint."""
    change = CASES[case][0] if case != "valid" else {}
    g = graph(change.get("extra", ""), change.get("drop", []))
    fast = set(violations(g, engine="sparql"))
    reference = set(violations(g, engine="pyshacl"))
    assert fast == reference
    assert (case == "valid") == (not fast)


def test_both_engines_agree_on_generated_data_with_seeded_mistakes(tmp_path):
    """Over a generated corpus (every kind of record) with mistakes seeded into the graph, both
    engines report the same violations, and the build's problems are placed at file:line."""
    from iokg.bench.generate import generate
    from iokg.build import check
    from iokg.ingest.rdf import DATA

    g = generate(tmp_path / "data", scale=0.5, seed=3)
    converted, _ = check(g.data_dir, shacl=False)
    quads = [q for q in converted.quads if q.graph_name == DATA]
    by_type: dict[str, list] = {}
    for q in quads:
        if q.predicate.value == str(rdflib.RDF.type):
            by_type.setdefault(q.object.value.rsplit("#", 1)[-1], []).append(q.subject)
    iokg = "https://w3id.org/iokg/ns#"
    dct = "http://purl.org/dc/terms/"
    drop = {(by_type["Source"][0].value, dct + "title"), (by_type["Assertion"][0].value, iokg + "stance"),
            (by_type["Alias"][0].value, iokg + "usedBy")}
    seeded = [q for q in quads if (q.subject.value, q.predicate.value) not in drop]
    entity = by_type["Organization"][0]
    seeded += [
        ox.Quad(by_type["Assertion"][1], ox.NamedNode(iokg + "likelihood"), ox.NamedNode(iokg + "Unlikely"), DATA),
        ox.Quad(by_type["Assertion"][1], ox.NamedNode(iokg + "likelihood"), ox.NamedNode(iokg + "Likely"), DATA),
        ox.Quad(by_type["Claim"][0], ox.NamedNode(iokg + "value"), ox.Literal("3"), DATA),
        ox.Quad(entity, ox.NamedNode(iokg + "parent"), by_type["Organization"][1], DATA),
        ox.Quad(by_type["Source"][1], ox.NamedNode(dct + "publisher"), by_type["Source"][2], DATA),
    ]
    fast = set(violations(seeded, engine="sparql"))
    assert fast == set(violations(seeded, engine="pyshacl"))
    assert len({v.focus for v in fast}) >= 6
    problems = shacl_problems(seeded, converted.origin)
    assert all(p.file.endswith(".yaml") and p.line > 0 for p in problems), problems
