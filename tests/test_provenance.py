"""The provenance lookups (iokg.provenance) on the fixture corpus in tests/fixtures/lookups, and the chains
of the curated data where they cross an overlap."""

from __future__ import annotations

import datetime as dt

import pytest

from iokg import provenance
from iokg.errors import EntityNotFound, InvalidQuery
from iokg.queries import get_query
from iokg.store import EmbeddedStore


@pytest.fixture(scope="module")
def store(lookups_store_path):
    return EmbeddedStore(lookups_store_path)


def ids(items):
    return [i.id for i in items]


def sources_of(assertions):
    return [a.source.id for a in assertions]


# ---------------------------------------------------------------- entity
def test_entity_names_aliases_and_sources(store):
    e = provenance.entity(store, "dragon")
    assert (e.label, e.type, e.type_label) == ("Dragon Network", "campaign", "campaign")
    assert e.description == "A fictional campaign of inauthentic accounts."
    assert e.names == ["Dragon Network", "Red Dragon", "Storm-9"]
    assert {a.name: ids(a.sources) for a in e.aliases} == {
        "Red Dragon": ["lab-2019-dragon", "daily-2019-relay"], "Storm-9": ["lab-2019-dragon"]}
    assert ids(e.sources) == ["lab-2019-dragon"]
    # claims with dragon as subject and as object
    assert ids(e.claims) == ["dragon--attributedTo--ministry", "panda-a--partOf--dragon",
                             "panda-b--overlapsWith--dragon"]


def test_entity_claims_grouped_by_stance_with_independent_counts(store):
    e = provenance.entity(store, "panda-a")
    claims = {c.id: c for c in e.claims}
    assert set(claims) == {"panda-a--partOf--dragon", "panda-a--attributedTo--center",
                           "panda-a--operatesOn--chirper", "panda-a--accountCount--about-300",
                           "panda-a--accountCount--450"}
    att = claims["panda-a--attributedTo--center"]
    assert sources_of(att.assertions.supports) == ["gov-2023-report", "wiki-2024-dragon"]
    assert sources_of(att.assertions.disputes) == ["skeptic-2019-review"]
    assert sources_of(att.assertions.denies) == ["ministry-2023-denial"]
    assert att.assertions.inconclusive == []
    # the encyclopedia relays the government agency's report: one independent origin, not two
    k = att.corroboration
    assert (k.independent_origins, k.supporting_assertions) == (1, 2)
    assert ids(k.origins) == ["government-agency-d"]
    assert k.relays == ["wiki-2024-dragon"]
    assert [(x.party.id, x.stance, x.date) for x in k.contesting] == [
        ("ministry", "denies", "2023-05"), ("skeptic-institute", "disputes", "2019-12-15")]
    assert k.inconclusive == []
    gov = att.assertions.supports[0]
    assert gov.likelihood.model_dump() == {"key": "very-likely", "label": "very likely", "rank": 6}
    assert gov.confidence_words == "very likely"
    assert gov.evidence_kinds == ["organizational-link", "technical-signal"]
    assert (gov.excerpt, gov.locator) == ("the center is very likely directing PANDA-A", "p. 1, key judgment")
    assert (gov.source.title, gov.source.publisher, gov.source.kind) == (
        "Municipal Center Directs PANDA-A {Accounts}", "Government Agency D", "government-report")
    assert gov.date == "2023-04-27"
    assert (gov.said_by.id, gov.speaker, gov.via, gov.own_voice, gov.confidence_whose) == (
        "government-agency-d", None, [], True, "asserter")
    wiki = att.assertions.supports[1]
    # read in the encyclopedia, said by the agency, carried by its report
    assert (wiki.said_by.id, wiki.said_by.label) == ("government-agency-d", "Government Agency D")
    assert wiki.via == ["gov-2023-report"] and wiki.via_publishers == ["government-agency-d"]
    assert wiki.own_voice is False and wiki.source.publisher_id == "wiki-encyclopedia"
    assert wiki.evidence_kinds == [] and wiki.likelihood is None and wiki.confidence_whose is None
    denial = att.assertions.denies[0]
    assert (denial.date, denial.date_from, denial.date_to) == ("2023-05", dt.date(2023, 5, 1), dt.date(2023, 5, 31))
    part = claims["panda-a--partOf--dragon"]
    assert sources_of(part.assertions.supports) == ["lab-2019-dragon", "daily-2019-relay", "wiki-2024-dragon"]
    # the lab's report, a newspaper relaying it and the encyclopedia citing it: one origin, two relays
    assert part.corroboration.independent_origins == 1
    assert ids(part.corroboration.origins) == ["lab-a"]
    assert part.corroboration.relays == ["daily-2019-relay", "wiki-2024-dragon"]
    assert part.corroboration.supporting_assertions == 3
    assert part.corroboration.contesting == []
    assert part.object.model_dump() == {"id": "dragon", "kind": "entity", "iri": "https://w3id.org/iokg/id/entity/dragon",
                                        "label": "Dragon Network", "type": "campaign"}


def test_entity_counts_match_the_corroboration_query(store):
    q = get_query("corroboration")
    def words(row, name):
        return sorted(row[name].value.split()) if name in row else []

    expected = {row["claim"].value: (int(row["independentOrigins"].value), int(row["supportingAssertions"].value),
                                     words(row, "origins"), words(row, "relays"), words(row, "contesting"),
                                     words(row, "inconclusive"))
                for row in store.select(q.text, q.bind({}))}
    seen = set()
    for eid in ("panda-a", "dragon", "center", "panda-b"):
        for c in provenance.entity(store, eid).claims:
            k = c.corroboration
            assert (k.independent_origins, k.supporting_assertions, sorted(ids(k.origins)), sorted(k.relays),
                    sorted(x.party.id for x in k.contesting), sorted(ids(k.inconclusive))) == expected[c.iri]
            seen.add(c.iri)
    assert seen == set(expected)


@pytest.mark.parametrize("bad", ["x> } ; DROP", "nope", "lab-2019-dragon", "PANDA-A", "", "a" * 400,
                                 "panda-a> <http://x", "panda-a\n"])
def test_entity_unknown_or_malicious_ids_are_not_found(store, bad):
    with pytest.raises(EntityNotFound):
        provenance.entity(store, bad)


# ---------------------------------------------------------------- claim
def test_claim_with_value_and_qualifier(store):
    c = provenance.claim(store, "panda-a--accountCount--about-300")
    assert (c.value, c.value_type, c.qualifier, c.object) == ("300", "integer", "about", None)
    assert c.predicate.model_dump() == {"key": "accountCount", "label": "has account count"}
    assert c.label == "PANDA-A has used about 300 accounts"
    assert sources_of(c.assertions.supports) == ["lab-2019-dragon"]
    other = provenance.claim(store, "panda-a--accountCount--450")  # conflicting figure stays, its own claim
    assert (other.value, sources_of(other.assertions.supports)) == ("450", ["gov-2023-report"])


def test_claim_original_reporting_counts_its_own_source(store):
    c = provenance.claim(store, "panda-b--overlapsWith--dragon")
    a = c.assertions.supports[0]
    assert (a.own_voice, a.said_by.id, a.via) == (True, "daily-c", [])
    assert ids(c.corroboration.origins) == ["daily-c"] and c.corroboration.relays == []


@pytest.mark.parametrize("bad", ["x> } ; DROP", "panda-a--partOf--nowhere", "dragon"])
def test_claim_not_found(store, bad):
    with pytest.raises(EntityNotFound):
        provenance.claim(store, bad)


# ---------------------------------------------------------------- source
def test_source_metadata_and_derivatives(store):
    s = provenance.source(store, "lab-2019-dragon")
    assert (s.kind, s.kind_label, s.publisher, s.date) == ("research-report", "research report", "Lab A", "2019-09")
    assert (s.date_from, s.date_to) == (dt.date(2019, 9, 1), dt.date(2019, 9, 30))
    assert s.authors == ["A. Analyst", "B. Builder"]
    assert s.url == "https://lab.example.org/dragon"
    assert s.archive_url == "https://web.archive.org/web/2019/https://lab.example.org/dragon"
    assert s.derived_from == []
    assert ids(s.derivatives) == ["daily-2019-relay", "wiki-2024-dragon"]
    assert {(c.claim.id, c.assertion.stance) for c in s.claims} == {
        ("panda-a--partOf--dragon", "supports"), ("dragon--attributedTo--ministry", "supports"),
        ("panda-a--accountCount--about-300", "supports"), ("panda-a--operatesOn--chirper", "supports")}


def test_source_hash_marking_and_stances(store):
    s = provenance.source(store, "gov-2023-report")
    assert s.sha256 == "f6c33e36724096457ef3f000f458f5b50278da1c421dbed5b85d0567944a345e"
    assert (s.handling, s.page_count, s.file_size_bytes) == ("U//FOUO", 7, None)
    assert ids(s.derivatives) == ["wiki-2024-dragon"]
    denial = provenance.source(store, "ministry-2023-denial")
    assert {(c.claim.id, c.assertion.stance) for c in denial.claims} == {
        ("panda-a--attributedTo--center", "denies"), ("dragon--attributedTo--ministry", "denies")}
    wiki = provenance.source(store, "wiki-2024-dragon")
    assert ids(wiki.derived_from) == ["lab-2019-dragon", "gov-2023-report"]


@pytest.mark.parametrize("bad", ["x> } ; DROP", "dragon", "nope"])
def test_source_not_found(store, bad):
    with pytest.raises(EntityNotFound):
        provenance.source(store, bad)


# ---------------------------------------------------------------- attribution
def hops_by_claim(view):
    return {h.claim: h for h in view.hops}


def test_attribution_full_chains(store):
    v = provenance.attribution(store, "panda-a")
    assert v.entity.id == "panda-a" and v.as_of is None and v.note is None and v.truncated is False
    hops = hops_by_claim(v)
    assert set(hops) == {"panda-a--partOf--dragon", "panda-a--attributedTo--center",
                         "dragon--attributedTo--ministry", "center--subOrganizationOf--city-gov"}
    att = hops["panda-a--attributedTo--center"]
    assert (att.supported, att.contested) == (True, True)
    assert (att.subject.id, att.object.id, att.object.type) == ("panda-a", "center", "state-entity")
    assert sources_of(att.assertions.disputes) == ["skeptic-2019-review"]
    assert sources_of(att.assertions.denies) == ["ministry-2023-denial"]
    assert (hops["dragon--attributedTo--ministry"].supported, hops["dragon--attributedTo--ministry"].contested) == (True, True)
    assert sorted((c.nodes, c.hops, c.supported) for c in v.chains) == [
        (["panda-a", "center", "city-gov"], ["panda-a--attributedTo--center", "center--subOrganizationOf--city-gov"], True),
        (["panda-a", "dragon", "ministry"], ["panda-a--partOf--dragon", "dragon--attributedTo--ministry"], True),
    ]


def test_attribution_as_of_before_the_first_report_is_empty(store):
    # the lab report is dated 2019-09: it counts from 2019-09-30 only
    v = provenance.attribution(store, "panda-a", dt.date(2019, 9, 29))
    assert (v.hops, v.chains) == ([], [])
    assert v.note == "No source attributes this operation as of 2019-09-29."


def test_attribution_as_of_end_of_partial_month(store):
    v = provenance.attribution(store, "panda-a", "2019-09-30")
    hops = hops_by_claim(v)
    assert set(hops) == {"panda-a--partOf--dragon", "dragon--attributedTo--ministry"}
    assert sources_of(hops["panda-a--partOf--dragon"].assertions.supports) == ["lab-2019-dragon"]
    assert hops["dragon--attributedTo--ministry"].contested is False  # the denial came in 2023
    assert [c.nodes for c in v.chains] == [["panda-a", "dragon", "ministry"]]


def test_attribution_as_of_keeps_an_early_dispute_and_cuts_later_sources(store):
    v = provenance.attribution(store, "panda-a", dt.date(2020, 1, 1))
    hops = hops_by_claim(v)
    assert set(hops) == {"panda-a--partOf--dragon", "panda-a--attributedTo--center", "dragon--attributedTo--ministry"}
    assert sources_of(hops["panda-a--partOf--dragon"].assertions.supports) == ["lab-2019-dragon", "daily-2019-relay"]
    att = hops["panda-a--attributedTo--center"]
    assert (att.supported, att.contested) == (False, True)
    assert att.assertions.supports == [] and sources_of(att.assertions.disputes) == ["skeptic-2019-review"]
    assert sorted((c.nodes, c.supported) for c in v.chains) == [
        (["panda-a", "center"], False), (["panda-a", "dragon", "ministry"], True)]


def test_attribution_as_of_month_dated_denial(store):
    # the denial is dated 2023-05 (on the assertion): not yet known on 2023-05-30
    hops = hops_by_claim(provenance.attribution(store, "panda-a", "2023-05-30"))
    assert hops["panda-a--attributedTo--center"].assertions.denies == []
    assert sources_of(hops["dragon--attributedTo--ministry"].assertions.denies) == ["ministry-2023-denial"]
    hops = hops_by_claim(provenance.attribution(store, "panda-a", "2023-05-31"))
    assert sources_of(hops["panda-a--attributedTo--center"].assertions.denies) == ["ministry-2023-denial"]


def test_attribution_from_an_organization_and_a_platform(store):
    v = provenance.attribution(store, "center")
    assert [c.nodes for c in v.chains] == [["center", "city-gov"]]
    assert "subOrganizationOf" in v.note
    p = provenance.attribution(store, "chirper")
    assert (p.hops, p.chains) == ([], [])
    assert p.note.startswith("Chirper is a platform")


@pytest.mark.parametrize("bad", ["2019-9", "yesterday", "2019-02-30", "2019-09-30T00:00' } DROP"])
def test_attribution_bad_date(store, bad):
    with pytest.raises(InvalidQuery):
        provenance.attribution(store, "panda-a", bad)


def test_attribution_unknown_entity(store):
    with pytest.raises(EntityNotFound):
        provenance.attribution(store, "x> } ; DROP")
    with pytest.raises(EntityNotFound):
        provenance.attribution(store, "nobody")


# ---------------------------------------------------------------- hops that carry no attribution on
def test_an_overlap_does_not_carry_an_attribution_on(data_store):
    """DHS: at least some SPICYPANDA accounts are part of DRAGONBRIDGE, itself unattributed by DHS.
    The chains through the overlap are listed, each saying that what follows is not SPICYPANDA's."""
    v = provenance.attribution(EmbeddedStore(data_store), "spicypanda")
    hops = hops_by_claim(v)
    overlap = hops["spicypanda--overlapsWith--spamouflage"]
    assert (overlap.kind, overlap.carries_attribution) == ("overlap", False)
    assert overlap.caveat.startswith("SPICYPANDA overlaps with Spamouflage: attribution not carried.")
    assert (hops["spicypanda--attributedTo--cicc"].kind, hops["spicypanda--attributedTo--cicc"].carries_attribution) \
        == ("attribution", True)
    assert hops["mps--subOrganizationOf--prc-government"].kind == "sub-organization"
    assert hops["spamouflage--partOf--prc-information-effort"].kind == "part-of"
    through = [c for c in v.chains if "spicypanda--overlapsWith--spamouflage" in c.hops]
    assert len(through) == 7
    assert all(not c.attribution_carried and c.not_carried_at == "spicypanda--overlapsWith--spamouflage"
               and "not of SPICYPANDA" in c.caveat for c in through)
    (direct,) = [c for c in v.chains if c not in through]
    assert direct.hops == ["spicypanda--attributedTo--cicc"] and direct.attribution_carried and direct.caveat is None
    # from Spamouflage itself, its own attributions are carried
    assert all(c.attribution_carried for c in provenance.attribution(EmbeddedStore(data_store), "spamouflage").chains)


def test_a_qualified_part_of_is_a_partial_membership():
    from iokg.provenance.attribution import NOT_CARRIED, caveat, hop_kind
    from iokg.provenance.models import Ref

    kind = hop_kind("partOf", "partly")
    assert kind == "partly-part-of" and kind in NOT_CARRIED
    a, b = (Ref(id=x, kind="entity", iri=x, label=x.upper()) for x in ("a", "b"))
    assert caveat(kind, a, b, "partly") == ("A is only partly part of B (partly): attribution not carried. What B is "
                                            "attributed to is not thereby A's attribution.")
    assert caveat("part-of", a, b) is None and hop_kind("partOf", None) not in NOT_CARRIED
