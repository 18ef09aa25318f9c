"""Issue 8 over the curated data: each error it names is gone, each fact it lists is in the graph
with the document it is read in and its asserting party, every claim's independence count lists
its origins (and only parties that make the claim), and every judgement call has a note.

The store is the one `iokg build` makes from data/ (fixture `data_store`); every query binds its
terms (pyoxigraph substitutions), none is pasted into the query text. The tables of facts and
decisions are in `coverage_facts.py`.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from coverage_facts import ASPI, DECISIONS, DHS, FACTS, RS, SUMMARY, WIKI, Fact
from iokg import vocab
from iokg.ingest.checks import normalise_text
from iokg.store import open_read_only
from reference_documents import DOCUMENTS, SHARED_SOURCES, reader_text

PREFIXES = """PREFIX iokg: <https://w3id.org/iokg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
DERIVED = vocab.GRAPH_DERIVED


def E(entity_id: str) -> ox.NamedNode:
    return ox.NamedNode(vocab.entity_iri(entity_id))


def SRC(source_id: str) -> ox.NamedNode:
    return ox.NamedNode(vocab.source_iri(source_id))


def T(local: str) -> ox.NamedNode:
    return ox.NamedNode(vocab.term(local))


def REF(ref: str) -> ox.NamedNode:
    """An entity, or a DISARM technique."""
    return ox.NamedNode(vocab.technique_iri(ref) if vocab.TECHNIQUE_PATTERN.match(ref) else vocab.entity_iri(ref))


def local(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else iri


class Graph:
    """Queries over a store, its default graph the union of all graphs, every term bound."""

    def __init__(self, db: ox.Store):
        self.db = db

    def rows(self, text: str, **bind) -> list[dict[str, str | None]]:
        result = self.db.query(PREFIXES + text, use_default_graph_as_union=True,
                               substitutions={ox.Variable(k): v for k, v in bind.items()})
        names = [v.value for v in result.variables]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


@pytest.fixture(scope="module")
def graph(data_store) -> Graph:
    return Graph(open_read_only(data_store))


# ---------------------------------------------------------------- the assertions of a claim, read in a document
ASSERTIONS = """
SELECT ?doc ?subject ?predicate ?a ?object ?value ?qualifier ?party ?speaker ?stance ?excerpt ?first ?note WHERE {
  ?a a iokg:Assertion ; iokg:source ?doc ; iokg:claim ?c ; iokg:saidBy ?party ; iokg:stance ?stance .
  ?c iokg:subject ?subject ; iokg:predicate ?predicate .
  OPTIONAL { ?c iokg:object ?object }
  OPTIONAL { ?c iokg:value ?value }
  OPTIONAL { ?c iokg:qualifier ?qualifier }
  OPTIONAL { ?a iokg:speaker ?speaker }
  OPTIONAL { ?a iokg:excerpt ?excerpt }
  OPTIONAL { ?a iokg:carrier ?step . ?step iokg:position 1 ; iokg:document ?first }
  OPTIONAL { ?a rdfs:comment ?note }
}"""


def _words(fact: Fact) -> tuple[str, ...]:
    return (fact.words,) if isinstance(fact.words, str) else fact.words


def matches(row: dict, fact: Fact) -> bool:
    excerpt = normalise_text(row["excerpt"] or "")
    return ((fact.object is None or row["object"] == REF(fact.object).value)
            and (fact.value is None or row["value"] == fact.value)
            and (fact.qualifier is None or row["qualifier"] == fact.qualifier)
            and row["party"] == E(fact.party).value
            and (fact.speaker is None or row["speaker"] == E(fact.speaker).value)
            and row["stance"] == T(fact.stance).value
            and (fact.via is None or row["first"] == SRC(fact.via).value)
            and all(normalise_text(w) in excerpt for w in _words(fact)))


def assertions_of(graph: Graph, fact: Fact) -> list[dict]:
    return graph.rows(ASSERTIONS, doc=SRC(fact.doc), subject=E(fact.subject), predicate=T(fact.predicate))


def found(graph: Graph, fact: Fact) -> list[dict]:
    return [r for r in assertions_of(graph, fact) if matches(r, fact)]


# ================================================================ a. the errors issue 8 names are gone
def test_dhs_makes_no_attribution_of_the_network_to_the_chinese_government(graph):
    rows = graph.rows(ASSERTIONS, doc=SRC(DHS), subject=E("spamouflage"), predicate=T("attributedTo"))
    assert [(local(r["object"]), local(r["stance"])) for r in rows] == []


def test_no_chongqing_municipal_government_and_no_link_from_cicc_to_a_government(graph):
    assert graph.rows("SELECT ?x ?p ?y ?e WHERE { { ?e ?p ?y } UNION { ?x ?p ?e } }",
                      e=E("chongqing-municipal-government")) == []
    named = graph.rows("SELECT ?e ?name WHERE { ?e rdfs:label ?l FILTER(CONTAINS(LCASE(?l), LCASE(?name))) }",
                       name=ox.Literal("Chongqing municipal government"))
    assert named == []
    assert graph.rows("SELECT ?c ?p ?o ?cicc WHERE { ?c iokg:subject ?cicc ; iokg:predicate ?p ; iokg:object ?o }",
                      cicc=E("cicc")) == []


def test_no_promotes_predicate_anywhere(graph):
    promotes = T("promotes")
    assert graph.rows("SELECT ?s ?o ?p WHERE { ?s ?p ?o }", p=promotes) == []
    assert graph.rows("SELECT ?s ?q ?p WHERE { ?s ?q ?p }", p=promotes) == []
    assert "promotes" not in vocab.PREDICATES


CARRIED_WORDS = [  # (carrier, the words, the party the encyclopedia says said it, through whom)
    ("therecord-2023-08-29", "limited confidence", "graphika", "jack-stubbs"),
    ("axios-2019-09-25", "speculated", "graphika", "ben-nimmo"),
    ("wired-2024-04-29", "characteristic of a government campaign", "isd", "elise-thomas"),
]


@pytest.mark.parametrize("carrier,words,party,speaker", CARRIED_WORDS, ids=[c[0] for c in CARRIED_WORDS])
def test_confidence_words_relayed_by_a_carrier_are_the_carriers_and_the_partys_claim(graph, carrier, words, party, speaker):
    rows = graph.rows("""SELECT ?a ?carrier ?words ?whose ?party ?speaker WHERE {
        ?a iokg:via ?carrier ; iokg:confidenceWords ?words ; iokg:confidenceWhose ?whose ; iokg:saidBy ?party .
        OPTIONAL { ?a iokg:speaker ?speaker } }""", carrier=SRC(carrier), words=ox.Literal(words))
    assert rows, f"no assertion via {carrier} carries {words!r}"
    assert {(local(r["whose"]), local(r["party"]), local(r["speaker"])) for r in rows} == \
        {("CarrierWords", party, speaker)}


@pytest.mark.parametrize("words", ["state-linked", "At least some of the accounts"])
def test_no_description_or_quantity_recorded_as_confidence_words(graph, words):
    assert graph.rows("SELECT ?a ?cw ?w WHERE { ?a iokg:confidenceWords ?cw FILTER(CONTAINS(LCASE(?cw), LCASE(?w))) }",
                      w=ox.Literal(words)) == []


ORIGINS = """SELECT ?c ?s ?p ?o ?party WHERE {
  ?c iokg:subject ?s ; iokg:predicate ?p ; iokg:object ?o .
  GRAPH <%s> { ?c iokg:origin ?party } }""" % DERIVED


def origins(graph: Graph, s: str, p: str, o: str) -> set[str]:
    return {local(r["party"]) for r in graph.rows(ORIGINS, s=E(s), p=T(p), o=E(o))}


def test_dhs_is_no_origin_of_targets_the_2022_midterms(graph):
    assert origins(graph, "spamouflage", "targets", "us-midterms-2022")  # the claim is made, by others
    assert "dhs-ia" not in origins(graph, "spamouflage", "targets", "us-midterms-2022")
    dhs = graph.rows(ASSERTIONS, doc=SRC(DHS), subject=E("spamouflage"), predicate=T("targets"))
    assert [local(r["object"]) for r in dhs] == []


def supporting_via(graph: Graph, party: str) -> set[tuple[str | None, ...]]:
    """(document, first carrier, speaker) of each assertion by `party` backing the China attribution."""
    rows = graph.rows("""SELECT ?a ?c ?party ?doc ?first ?speaker WHERE {
        ?a iokg:claim ?c ; iokg:saidBy ?party ; iokg:stance iokg:Supports ; iokg:source ?doc .
        OPTIONAL { ?a iokg:carrier ?step . ?step iokg:position 1 ; iokg:document ?first }
        OPTIONAL { ?a iokg:speaker ?speaker } }""",
                      c=ox.NamedNode(vocab.claim_iri("spamouflage--attributedTo--prc-government")), party=E(party))
    return {(local(r["doc"]), local(r["first"]), local(r["speaker"])) for r in rows}


def test_aspi_is_no_origin_of_the_chinese_government_attribution(graph):
    found_origins = origins(graph, "spamouflage", "attributedTo", "prc-government")
    assert {"meta", "cnn", "twitter-company"} <= found_origins
    assert "aspi" not in found_origins
    assert supporting_via(graph, "aspi") == set()


def test_isd_backs_the_chinese_government_attribution_only_through_elise_thomas(graph):
    """Not through its April 2024 research relayed by VOA (no document has ISD attribute it there):
    only as the encyclopedia reports Thomas's judgement, via Wired."""
    assert supporting_via(graph, "isd") == {(WIKI, "wired-2024-04-29", "elise-thomas")}


def test_twitters_dataset_is_not_the_asserter_of_aspis_own_findings(graph):
    via_dataset = graph.rows("""SELECT ?a ?d ?party ?subject WHERE {
        ?a iokg:via ?d ; iokg:saidBy ?party ; iokg:claim [ iokg:subject ?subject ] }""",
                             d=SRC("twitter-2020-takedown-data"))
    assert via_dataset, "the dataset carries Twitter's own figures"
    assert {(local(r["party"]), local(r["subject"])) for r in via_dataset} == {("twitter-company", "twitter-takedown-2020")}
    own = graph.rows("""SELECT ?a ?doc ?party ?carrier WHERE {
        ?a iokg:source ?doc ; iokg:ownVoice true ; iokg:saidBy ?party . OPTIONAL { ?a iokg:via ?carrier } }""",
                     doc=SRC(ASPI))
    assert len(own) > 20
    assert {(local(r["party"]), r["carrier"]) for r in own} == {("aspi", None)}
    # a party is an organization, state entity or person, never a document
    assert graph.rows("SELECT ?a ?party WHERE { ?a iokg:saidBy ?party . ?party a iokg:Source }") == []


def test_the_takedowns_after_graphikas_2019_report_carry_no_date(graph):
    rows = graph.rows("SELECT ?c ?t ?p ?v WHERE { ?c iokg:subject ?t ; iokg:predicate ?p . OPTIONAL { ?c iokg:value ?v } }",
                      t=E("graphika-takedowns-2019"))
    assert rows, "the takedowns are in the graph"
    assert [(local(r["p"]), r["v"]) for r in rows if r["v"] is not None or local(r["p"]) == "occurredOn"] == []


def test_two_distinct_mandiant_rare_earth_reports(graph):
    def first_carrier(doc: str, obj: str) -> str:
        fact = Fact(doc, "spamouflage", "callsForProtestsAgainst", "mandiant", object=obj)
        rows = found(graph, fact)
        assert len(rows) == 1, f"{doc}: one assertion by Mandiant against {obj}"
        return rows[0]["first"]

    plant = first_carrier(SUMMARY, "rare-earth-processing-plant-plans")
    mines = first_carrier(WIKI, "proposed-rare-earth-mines-us-canada")
    assert plant and mines and plant != mines
    publishers = graph.rows("SELECT ?r ?m WHERE { ?r a iokg:Source ; dcterms:publisher ?m }", m=E("mandiant"))
    assert {plant, mines} <= {r["r"] for r in publishers}
    linked = graph.rows("SELECT ?x ?y WHERE { { ?x prov:wasDerivedFrom ?y } UNION { ?y prov:wasDerivedFrom ?x } }",
                        x=ox.NamedNode(plant), y=ox.NamedNode(mines))
    assert linked == []


DESCRIPTIONS = [  # words a description said that no document says
    ("li-meng-yan", "spread"), ("li-meng-yan", "claims"),
    ("justin-trudeau", "prime minister"), ("pierre-poilievre", "opposition leader"),
    ("steve-bannon", "political strategist"), ("isd", "extremism"),
    ("graphika", "studies networks"), ("mps", "police ministry"), ("global-affairs-canada", "foreign ministry"),
    ("us-dhs", "homeland security department"), ("alex-jones", "American"), ("liu-xin", "in Canada"),
    ("cicc", "in Chongqing"),
]


@pytest.mark.parametrize("entity,words", DESCRIPTIONS, ids=[f"{e}: {w}" for e, w in DESCRIPTIONS])
def test_entity_descriptions_say_only_what_a_document_says(graph, entity, words):
    rows = graph.rows("SELECT ?e ?d ?w WHERE { ?e dcterms:description ?d FILTER(CONTAINS(LCASE(?d), LCASE(?w))) }",
                      e=E(entity), w=ox.Literal(words))
    assert rows == []


EVIDENCE = """SELECT ?a ?s ?p ?o ?kind ?%s WHERE {
  ?a iokg:claim [ iokg:subject ?s ; iokg:predicate ?p ] . OPTIONAL { ?a iokg:claim [ iokg:object ?o ] }
  OPTIONAL { ?a iokg:evidenceKind ?kind } ?a %s }"""


@pytest.mark.parametrize("carrier", ["axios-2019-09-25", "aspi-2019-09-tweeting-through-the-great-firewall"])
def test_no_evidence_kind_where_a_carrier_states_none(graph, carrier):
    rows = graph.rows(EVIDENCE % ("carrier", "iokg:via ?carrier ."), carrier=SRC(carrier))
    assert rows, f"assertions via {carrier}"
    assert [(local(r["p"]), local(r["kind"])) for r in rows if r["kind"]] == []


def test_dhs_states_one_evidence_kind_for_one_judgement(graph):
    rows = graph.rows(EVIDENCE % ("doc", "iokg:source ?doc ."), doc=SRC(DHS))
    assert len(rows) > 20
    assert {(local(r["s"]), local(r["p"]), local(r["o"]), local(r["kind"])) for r in rows if r["kind"]} == \
        {("spicypanda", "attributedTo", "cicc", "OrganizationalLink")}


def test_no_boilerplate_archive_note(graph):
    assert graph.rows("SELECT ?s ?n ?w WHERE { ?s a iokg:Source ; rdfs:comment ?n FILTER(CONTAINS(?n, ?w)) }",
                      w=ox.Literal("the archive date given there is not the publication date")) == []


def paragraphs(doc: str) -> list[str]:
    """The body paragraphs of a news document as its file's note counts them, normalised."""
    lines = [line for line in (SHARED_SOURCES / DOCUMENTS[doc]).read_text(encoding="utf-8").splitlines() if line.strip()]
    if doc == RS:  # after the headline; a line the capture broke mid-sentence joins the one before
        body: list[str] = []
        for line in lines[1:]:
            if line[0].islower():
                body[-1] += " " + line
            else:
                body.append(line)
    else:  # after the title and the subtitle
        body = lines[2:]
    return [normalise_text(p) for p in body]


@pytest.mark.parametrize("doc", [RS, SUMMARY])
def test_paragraph_locators_point_at_the_paragraph_holding_the_excerpt(graph, doc):
    body = paragraphs(doc)
    rows = graph.rows("SELECT ?a ?doc ?locator ?excerpt WHERE { ?a iokg:source ?doc ; iokg:locator ?locator ; iokg:excerpt ?excerpt }",  # noqa: E501
                      doc=SRC(doc))
    assert len(rows) > 30
    wrong = []
    for r in rows:
        m = re.fullmatch(r"paragraph (\d+)", r["locator"])
        assert m, f"unexpected locator {r['locator']!r}"
        n = int(m.group(1))
        if not (1 <= n <= len(body) and normalise_text(reader_text(r["excerpt"])) in body[n - 1]):
            wrong.append((r["locator"], r["excerpt"][:60]))
    assert wrong == []


# ================================================================ b. the facts issue 8 lists are in the graph
@pytest.mark.parametrize("fact", FACTS.values(), ids=FACTS.keys())
def test_fact_is_in_the_graph_with_its_document_and_asserting_party(graph, fact):
    rows = found(graph, fact)
    assert rows, (f"{fact} not found; assertions of ({fact.subject} {fact.predicate}) in {fact.doc}: "
                  f"{[(local(r['object']) or r['value'], local(r['party']), (r['excerpt'] or '')[:50]) for r in assertions_of(graph, fact)]}")  # noqa: E501


def test_a_fact_with_the_wrong_party_or_document_is_not_found(graph):
    """The matching can fail: the same claims with another party, document or stance are not there."""
    fact = FACTS["rs: Nimmo's largest known covert influence operation"]
    assert found(graph, fact)
    assert not found(graph, Fact(**{**fact.__dict__, "party": "rolling-stone"}))
    assert not found(graph, Fact(**{**fact.__dict__, "doc": WIKI}))
    assert not found(graph, Fact(**{**fact.__dict__, "speaker": "jack-stubbs"}))
    denial = FACTS["wiki: Twitter attributes it to the Chinese government"]
    assert not found(graph, Fact(**{**denial.__dict__, "stance": "Denies"}))
    assert not found(graph, Fact(**{**denial.__dict__, "words": "Twitter denied it"}))


# ================================================================ c. independence counts list their origins
COUNTS = """SELECT ?c ?n (COUNT(DISTINCT ?o) AS ?origins) WHERE {
  ?c a iokg:Claim .
  OPTIONAL { GRAPH <%(d)s> { ?c iokg:independentOrigins ?n } }
  OPTIONAL { GRAPH <%(d)s> { ?c iokg:origin ?o } }
} GROUP BY ?c ?n""" % {"d": DERIVED}

UNLISTED_SUPPORTER = """SELECT ?c ?party WHERE {
  ?a iokg:claim ?c ; iokg:stance iokg:Supports ; iokg:saidBy ?party .
  FILTER NOT EXISTS { GRAPH <%s> { ?c iokg:origin ?party } } }""" % DERIVED

ORIGIN_WITHOUT_ASSERTION = """SELECT ?c ?party WHERE {
  GRAPH <%s> { ?c iokg:origin ?party }
  FILTER NOT EXISTS { ?a iokg:claim ?c ; iokg:stance iokg:Supports ; iokg:saidBy ?party } }""" % DERIVED

CONTEST_MISMATCH = """SELECT ?c ?party WHERE {
  { GRAPH <%(d)s> { ?c iokg:contestedBy ?party }
    FILTER NOT EXISTS { ?a iokg:claim ?c ; iokg:saidBy ?party ; iokg:stance ?s FILTER(?s IN (iokg:Disputes, iokg:Denies)) } }
  UNION
  { ?a iokg:claim ?c ; iokg:saidBy ?party ; iokg:stance ?s FILTER(?s IN (iokg:Disputes, iokg:Denies))
    FILTER NOT EXISTS { GRAPH <%(d)s> { ?c iokg:contestedBy ?party } } } }""" % {"d": DERIVED}


def test_every_claims_count_is_the_number_of_its_listed_origins(graph):
    rows = graph.rows(COUNTS)
    assert len(rows) > 250
    assert [(local(r["c"]), r["n"], r["origins"]) for r in rows if r["n"] is None or int(r["n"]) != int(r["origins"])] == []
    supported = graph.rows("SELECT DISTINCT ?c WHERE { ?a iokg:claim ?c ; iokg:stance iokg:Supports }")
    counted = {r["c"] for r in rows if int(r["origins"]) > 0}
    assert {r["c"] for r in supported} == counted


def test_every_supporting_party_is_listed_as_an_origin(graph):
    assert graph.rows(UNLISTED_SUPPORTER) == []


def test_no_party_is_an_origin_of_a_claim_it_does_not_make(graph):
    assert graph.rows(ORIGIN_WITHOUT_ASSERTION) == []


def test_contesting_parties_are_exactly_those_that_dispute_or_deny(graph):
    assert graph.rows(CONTEST_MISMATCH) == []


def test_the_origin_checks_catch_a_party_added_to_a_count(graph):
    """Seeded into a copy of the graph: an origin no assertion backs, and a count that does not add up."""
    copy = ox.Store()
    copy.bulk_extend(graph.db.quads_for_pattern(None, None, None, None))
    claim = ox.NamedNode(vocab.claim_iri("spamouflage--attributedTo--prc-government"))
    copy.add(ox.Quad(claim, T("origin"), E("aspi"), ox.NamedNode(DERIVED)))
    seeded = Graph(copy)
    assert [(local(r["c"]), local(r["party"])) for r in seeded.rows(ORIGIN_WITHOUT_ASSERTION)] == \
        [("spamouflage--attributedTo--prc-government", "aspi")]
    assert [local(r["c"]) for r in seeded.rows(COUNTS) if int(r["n"]) != int(r["origins"])] == \
        ["spamouflage--attributedTo--prc-government"]


# ================================================================ d. every judgement call has a note
def notes(graph: Graph, decision) -> list[str]:
    if decision.source:
        return [r["n"] for r in graph.rows("SELECT ?s ?n WHERE { ?s a iokg:Source ; rdfs:comment ?n }",
                                           s=SRC(decision.source))]
    return [r["note"] for r in found(graph, decision.assertion) if r["note"]]


@pytest.mark.parametrize("decision", DECISIONS.values(), ids=DECISIONS.keys())
def test_judgement_call_is_decided_in_a_note(graph, decision):
    found_notes = notes(graph, decision)
    assert found_notes, "the record has no note"
    assert any(normalise_text(decision.words) in normalise_text(n) for n in found_notes), found_notes
