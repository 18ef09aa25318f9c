"""The named query `corroboration` counts independent sources by following derivation links."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from iokg.build import build
from iokg.queries import get_query
from iokg.store import run_query


def corroboration(store: Path, claim_id: str) -> dict:
    """The corroboration row of one claim, as plain Python values."""
    q = get_query("corroboration")
    rows = list(run_query(store, q.text, q.bind({"claim": claim_id})))
    assert len(rows) == 1, f"no corroboration row for {claim_id}"
    row = rows[0]
    return {
        "independent": int(row["independentSources"].value),
        "supporting": int(row["supportingSources"].value),
        "contesting": int(row["contestingSources"].value),
        "publishers": int(row["independentPublishers"].value),
        "primary": set(row["primarySources"].value.split()),
    }


# ---------------------------------------------------------------- on the curated data
def test_story_and_the_report_it_relays_count_once(data_store):
    # The Guardian (reference 11) relays Meta's report; the encyclopedia cites The Guardian.
    row = corroboration(data_store, "meta-takedown-2023-q2--removedAccountCount--nearly-9000")
    assert row["supporting"] == 2
    assert row["independent"] == 1
    assert row["primary"] == {"meta-2023-q2-threat-report"}


def test_two_stories_relaying_one_report_count_once(data_store):
    # Rolling Stone (citing Meta's report) and The Guardian (relaying it) both say Instagram.
    row = corroboration(data_store, "spamouflage--operatesOn--instagram")
    assert row["supporting"] == 2
    assert row["independent"] == 1


def test_two_independent_primaries_count_two(data_store):
    # The DOJ complaint (via Rolling Stone) and Wired (via the encyclopedia) both place the 912 group in the MPS.
    row = corroboration(data_store, "mps-912-group--subOrganizationOf--mps")
    assert row["independent"] == 2
    assert row["primary"] == {"doj-2023-04-complaint", "wired-2024-04-29"}


def test_disputing_and_denying_sources_are_contesting(data_store):
    row = corroboration(data_store, "spamouflage--attributedTo--prc-government")
    # Graphika 2019 disputes it; the PRC embassy spokesperson denies it. DHS and Graphika 2020
    # (via The Washington Post) are inconclusive: neither support nor contest.
    assert row["contesting"] == 2
    assert "liu-pengyu-2023-statement" not in row["primary"]
    assert "graphika-2019-09-cross-platform-spam" not in row["primary"]
    assert "dhs-2023-spicypanda" not in row["primary"]
    assert row["independent"] >= 5


def test_multi_derived_source_counts_itself_when_it_does_not_say_which_parent(data_store):
    # CNN relays several sources (Meta, DOJ, Google, the embassy...). A statement that cites CNN
    # counts CNN once, never its parents; least of all the embassy's denial as support.
    row = corroboration(data_store, "spamouflage--targets--american-public")
    assert row["primary"] == {"cnn-2023-11-13"}
    assert row["independent"] == 1


# ---------------------------------------------------------------- on a tiny dataset
def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def _source(sid: str, date: str, parents: list[str], assertion: str, publisher: str = "P") -> str:
    derived = f"  derived_from: [{', '.join(parents)}]\n" if parents else ""
    return (f"source:\n  id: {sid}\n  kind: news-article\n  title: {sid}\n  publisher: {publisher}\n"
            f"  date: {date}\n{derived}\nassertions:\n{assertion}")


CLAIM = "  - subject: op\n    predicate: operatesOn\n    object: site\n    stance: supports\n    evidence: [relayed]\n"


@pytest.fixture(scope="module")
def chain_store(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("chain-data")
    _write(data / "entities.yaml", """\
        entities:
          - {id: op, type: campaign, label: Op, sources: [c]}
          - {id: site, type: platform, label: Site, sources: [c]}
        """)
    # A derives from B, which derives from C: all three say the same thing.
    _write(data / "c.yaml", _source("c", "2020-01-01", [], CLAIM, publisher="Lab"))
    _write(data / "b.yaml", _source("b", "2020-02-01", ["c"], CLAIM, publisher="Paper"))
    _write(data / "a.yaml", _source("a", "2020-03-01", ["b"], CLAIM, publisher="Blog"))
    # E is an independent primary for a second claim, which A's chain also backs.
    second = CLAIM.replace("object: site", "object: other")
    _write(data / "entities2.yaml", "entities:\n  - {id: other, type: platform, label: Other, sources: [e]}\n")
    _write(data / "e.yaml", _source("e", "2020-01-05", [], second, publisher="Agency"))
    _write(data / "c2.yaml", _source("c2", "2020-01-06", [], second, publisher="Lab2"))
    # D derives from C and E and says the third thing without citing either: D counts as itself.
    third = CLAIM.replace("object: site", "object: third")
    _write(data / "entities3.yaml", "entities:\n  - {id: third, type: platform, label: Third, sources: [d]}\n")
    _write(data / "d.yaml", _source("d", "2020-04-01", ["c", "e"],
                                    third + "    original: false\n    cites: [c]\n"))
    _write(data / "f.yaml", _source("f", "2020-05-01", ["d"], third))
    store = tmp_path_factory.mktemp("chain-store") / "store"
    build(data, store)
    return store


def test_derivation_chain_counts_once(chain_store):
    row = corroboration(chain_store, "op--operatesOn--site")
    assert row["supporting"] == 3
    assert row["independent"] == 1
    assert row["primary"] == {"c"}
    assert row["publishers"] == 1


def test_independent_primaries_in_fixture_count_two(chain_store):
    row = corroboration(chain_store, "op--operatesOn--other")
    assert row["independent"] == 2
    assert row["primary"] == {"e", "c2"}


def test_cites_picks_the_parent_and_uncited_relay_of_multi_derived_counts_it(chain_store):
    # D cites C; F relays D without saying which of D's parents it rests on, so D counts.
    row = corroboration(chain_store, "op--operatesOn--third")
    assert row["primary"] == {"c", "d"}
    assert row["independent"] == 2
