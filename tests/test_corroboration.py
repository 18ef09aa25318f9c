"""The independence count: distinct asserting parties, relays counted for the party they record.

The fixture `tests/fixtures/independence` holds the traps: a relay of a relay; a story derived (at
document level) from a report that never made the claim; two reports of one organization; a
spokesperson quoted in a news story; an encyclopedia citing a story. The count is read three
ways: the named query over `graph/derived` (computed at build time), the claim lookup (tallied
from its assertions), and the lookup as of a day.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iokg.build import build
from iokg.provenance import lookups
from iokg.queries import get_query
from iokg.store import EmbeddedStore, run_query

FIXTURE = Path(__file__).parent / "fixtures" / "independence"
CLAIM = "dragon--attributedTo--ministry"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("independence") / "store"
    build(FIXTURE, path)
    return path


def named_query_row(store: Path, claim_id: str) -> dict:
    q = get_query("corroboration")
    rows = list(run_query(store, q.text, q.bind({"claim": claim_id})))
    assert len(rows) == 1, f"no corroboration row for {claim_id}"
    row = rows[0]
    return {k: (row[k].value if row[k] is not None else "") for k in
            ("independentOrigins", "supportingAssertions", "origins", "relays", "contesting")}


def test_origins_are_the_parties_recorded_as_saying_it(store):
    row = named_query_row(store, CLAIM)
    # lab (two reports, and its researcher quoted twice) and platform-co (its spokesperson, and a
    # relay of a relay): two origins. Not the think tank, from which the daily story derives.
    assert row["independentOrigins"] == "2"
    assert set(row["origins"].split()) == {"lab", "platform-co"}
    assert row["supportingAssertions"] == "6"


def test_relays_are_the_documents_that_carry_another_partys_assertion(store):
    row = named_query_row(store, CLAIM)
    assert set(row["relays"].split()) == {"daily-2023", "tv-2023", "wire-summary", "wiki-2024"}
    assert "lab-2019" not in row["relays"] and "platform-2023" not in row["relays"]


def test_contesting_parties_are_counted_by_party(store):
    assert named_query_row(store, CLAIM)["contesting"] == "embassy"


def test_lookup_tallies_the_same_as_the_build(store):
    c = lookups.claim(EmbeddedStore(store), CLAIM).corroboration
    assert c.independent_origins == 2
    assert [p.id for p in c.origins] == ["lab", "platform-co"]
    assert [p.label for p in c.origins] == ["Lab A", "Platform Co"]
    assert [(x.party.id, x.stance, x.date) for x in c.contesting] == [("embassy", "denies", "2023-11")]
    assert c.relays == ["daily-2023", "tv-2023", "wiki-2024", "wire-summary"]


def test_assertions_say_who_said_it_and_where_we_read_it(store):
    c = lookups.claim(EmbeddedStore(store), CLAIM)
    wiki = next(a for a in c.assertions.supports if a.source.id == "wiki-2024")
    assert (wiki.said_by.id, wiki.speaker.id, wiki.via, wiki.own_voice) == ("lab", "ana-analyst", ["daily-2023"], False)
    assert (wiki.confidence_words, wiki.confidence_whose) == ("widely believed", "carrier")
    wire = next(a for a in c.assertions.supports if a.source.id == "wire-summary")
    assert wire.via == ["platform-2023", "tv-2023"]  # nearest to the party first
    own = next(a for a in c.assertions.supports if a.source.id == "lab-2019")
    assert own.own_voice and own.said_by.id == "lab" and own.via == []


def test_source_level_derivation_never_moves_a_claim(store, tmp_path):
    """Adding document-level derivation changes nothing; recording who said it does."""
    data = tmp_path / "data"
    import shutil
    shutil.copytree(FIXTURE, data)
    wiki = data / "sources" / "wiki-2024.yaml"
    wiki.write_text(wiki.read_text().replace("derived_from: [daily-2023, lab-2019]",
                                             "derived_from: [daily-2023, lab-2019, tank-2022]"))
    build(data, tmp_path / "s1")
    assert named_query_row(tmp_path / "s1", CLAIM)["independentOrigins"] == "2"
    tank = data / "sources" / "tank-2022.yaml"
    tank.write_text(tank.read_text() + "assertions:\n  - {subject: dragon, predicate: attributedTo, "
                    "object: ministry, stance: supports}\n")
    build(data, tmp_path / "s2")
    row = named_query_row(tmp_path / "s2", CLAIM)
    assert row["independentOrigins"] == "3" and "think-tank" in row["origins"]


@pytest.mark.parametrize("as_of, origins, contesting", [
    ("2019-12-31", ["lab"], []),
    ("2023-08-31", ["lab"], []),  # the platform said it to TV only in November
    ("2023-11-30", ["lab", "platform-co"], ["embassy"]),
])
def test_as_of_governs_the_count(store, as_of, origins, contesting):
    from iokg.provenance.attribution import attribution
    view = attribution(EmbeddedStore(store), "dragon", as_of=as_of)
    hop = next(h for h in view.hops if h.claim == CLAIM)
    from iokg.provenance.corroboration import from_assertions
    c = from_assertions(hop.assertions)
    assert [p.id for p in c.origins] == origins
    assert [x.party.id for x in c.contesting] == contesting
