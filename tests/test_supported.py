"""The supported-statements graph (graph/supported): a direct triple for every claim with at least
one supporting assertion, contested or not, computed by the build; none for a claim only disputed
or denied, none for a hedged figure; never checked by the shapes that forbid bare links in
graph/data; described in VoID."""

from __future__ import annotations

import pyoxigraph as ox

from iokg import vocab
from iokg.store import open_read_only

SUPPORTED = ox.NamedNode(vocab.GRAPH_SUPPORTED)
NS = vocab.NS


def _claims(db: ox.Store) -> dict[str, dict]:
    rows = db.query("""
        PREFIX iokg: <https://w3id.org/iokg/ns#>
        SELECT ?c ?s ?p ?o ?v ?q (SUM(IF(?stance = iokg:Supports, 1, 0)) AS ?support) WHERE {
          GRAPH <https://w3id.org/iokg/graph/data> {
            ?c a iokg:Claim ; iokg:subject ?s ; iokg:predicate ?p .
            OPTIONAL { ?c iokg:object ?o } OPTIONAL { ?c iokg:value ?v } OPTIONAL { ?c iokg:qualifier ?q }
            ?a iokg:claim ?c ; iokg:stance ?stance .
          }
        } GROUP BY ?c ?s ?p ?o ?v ?q""")
    return {r["c"].value: {k: r[k] for k in ("s", "p", "o", "v", "q", "support")} for r in rows}


def test_every_supported_claim_and_nothing_else_is_a_direct_triple(data_store):
    db = open_read_only(data_store)
    expected = set()
    for c in _claims(db).values():
        if int(c["support"].value) == 0:
            continue
        if c["o"] is not None:
            expected.add((c["s"], c["p"], c["o"]))
        elif c["q"] is None or c["q"].value == "exactly":
            expected.add((c["s"], c["p"], c["v"]))
    got = {(q.subject, q.predicate, q.object) for q in db.quads_for_pattern(None, None, None, SUPPORTED)}
    assert got == expected
    assert len(got) > 50


def test_the_contested_attribution_is_in_and_says_so_in_derived(data_store):
    db = open_read_only(data_store)
    s = ox.NamedNode(vocab.entity_iri("spamouflage"))
    o = ox.NamedNode(vocab.entity_iri("prc-government"))
    assert list(db.quads_for_pattern(s, ox.NamedNode(NS + "attributedTo"), o, SUPPORTED))
    claim = ox.NamedNode(vocab.claim_iri("spamouflage--attributedTo--prc-government"))
    contested = list(db.quads_for_pattern(claim, ox.NamedNode(NS + "contestedBy"), None,
                                          ox.NamedNode(vocab.GRAPH_DERIVED)))
    assert contested  # the rule: in graph/supported when one party supports it, contested or not


def test_a_claim_only_denied_or_disputed_is_not_in(data_store):
    db = open_read_only(data_store)
    unsupported = [c for c in _claims(db).values() if int(c["support"].value) == 0 and c["o"] is not None]
    for c in unsupported:
        assert not list(db.quads_for_pattern(c["s"], c["p"], c["o"], SUPPORTED))


def test_a_query_on_the_supported_graph_reads_like_wikidata(data_store):
    db = open_read_only(data_store)
    rows = list(db.query("""
        PREFIX iokg: <https://w3id.org/iokg/ns#>
        SELECT ?who WHERE { GRAPH <https://w3id.org/iokg/graph/supported> {
          <https://w3id.org/iokg/id/entity/spamouflage> iokg:attributedTo ?who } }"""))
    assert vocab.entity_iri("prc-government") in {r["who"].value for r in rows}
    # and graph/data still has no bare link (tests/test_guards.py checks it across all entities)
    assert not list(db.quads_for_pattern(ox.NamedNode(vocab.entity_iri("spamouflage")),
                                         ox.NamedNode(NS + "attributedTo"), None,
                                         ox.NamedNode(vocab.GRAPH_DATA)))


def test_the_claim_page_says_which_graph_holds_its_direct_triple(data_store):
    """A supported claim's page says its direct triple is in graph/supported (contested or not), and
    the page of a claim no party supports says it is not — the same rule the build applies."""
    import pyoxigraph as ox
    from fastapi.testclient import TestClient

    from html_tree import parse
    from iokg.api.app import create_app
    from iokg.settings import Settings

    db = ox.Store.read_only(str(data_store.resolve()))

    def in_supported(claim: str) -> bool:
        return bool(db.query("""ASK { GRAPH <https://w3id.org/iokg/graph/supported> { ?s ?p ?o }
            ?c iokg:subject ?s ; iokg:predicate ?p ; iokg:object ?o }""",
                        use_default_graph_as_union=True, prefixes={"iokg": "https://w3id.org/iokg/ns#"},
                        substitutions={ox.Variable("c"): ox.NamedNode(f"https://w3id.org/iokg/id/claim/{claim}")}))

    with TestClient(create_app(Settings(store=data_store))) as client:
        for claim in ("spamouflage--attributedTo--prc-government", "spicypanda--attributedTo--cicc",
                      "spamouflage--targets--us-election-2020"):
            text = parse(client.get(f"/c/{claim}").text).find(id="supported-graph").text()
            assert (" not " not in text.split("supported-statements")[0]) == in_supported(claim), (claim, text)
        contested = parse(client.get("/c/spamouflage--attributedTo--prc-government").text).find(id="supported-graph")
        assert "although it is contested" in contested.text()
