"""Soundness of the curated data: it validates, every assertion is dated, relays are linked."""

from __future__ import annotations

from conftest import DATA
from iokg.build import validate
from iokg.store import run_query

P = """
PREFIX iokg: <https://w3id.org/iokg/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def test_iokg_validate_passes_on_data():
    report = validate(DATA)
    assert report.counts["sources"] >= 40
    assert report.counts["assertions"] >= 150


def test_every_assertion_has_a_dated_source(data_store):
    rows = list(run_query(data_store, P + """
        SELECT ?a WHERE { ?a a iokg:Assertion .
          FILTER NOT EXISTS { ?a iokg:source ?s . ?s dcterms:date ?d }
          FILTER NOT EXISTS { ?a dcterms:date ?ad } }"""))
    assert rows == []
    undated = list(run_query(data_store, P + """
        SELECT ?s WHERE { ?s a iokg:Source . FILTER NOT EXISTS { ?s dcterms:date ?d } }"""))
    assert undated == []


def test_news_and_encyclopedia_that_relay_are_linked_to_what_they_relay(data_store):
    # A news article or encyclopedia entry that says something on another's authority
    # (evidence `relayed`) derives from at least one source.
    rows = list(run_query(data_store, P + """
        SELECT DISTINCT ?s WHERE {
          ?a iokg:source ?s ; iokg:evidenceKind iokg:Relayed .
          ?s iokg:sourceKind ?k . FILTER (?k IN (iokg:NewsArticle, iokg:EncyclopediaArticle))
          FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?parent } }"""))
    assert [r["s"].value for r in rows] == []


KNOWN_RELAYS = [
    ("rollingstone-2023-08-chinese-intel-officers", "meta-2023-q2-threat-report"),
    ("rollingstone-2023-08-chinese-intel-officers", "doj-2023-04-complaint"),
    ("rollingstone-2023-08-chinese-intel-officers", "meta-spokesperson-2023-08-statement"),
    ("outlet-2023-cnn-investigation-summary", "cnn-2023-11-13"),
    ("cnn-2023-11-13", "meta-2023-q2-threat-report"),
    ("cnn-2023-11-13", "liu-pengyu-2023-statement"),
    ("guardian-2023-08-29", "meta-2023-q2-threat-report"),
    ("voa-2024-04-08", "isd-2024-04-research"),
    ("axios-2022-06-03", "aspi-2022-06-harassment-report"),
    ("cbc-2023-10-23", "global-affairs-canada-2023-statement"),
    ("aspi-strategist-2020-06-12-twitter-data", "aspi-2020-retweeting-through-the-great-firewall"),
    ("aspi-2020-retweeting-through-the-great-firewall", "twitter-2020-takedown-data"),
]


def test_known_relays_are_recorded(data_store):
    for child, parent in KNOWN_RELAYS:
        q = P + f"ASK {{ <https://w3id.org/iokg/id/source/{child}> prov:wasDerivedFrom <https://w3id.org/iokg/id/source/{parent}> }}"  # noqa: E501
        assert run_query(data_store, q), f"{child} should derive from {parent}"


def test_no_data_file_names_a_path_of_this_checkout():
    checkout = str(DATA.resolve().parent)
    for path in DATA.rglob("*.yaml"):
        assert checkout not in path.read_text(), path
