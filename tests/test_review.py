"""`iokg review` and the claim sentences: every claim reads as an English sentence, kept in a
reviewed snapshot (tests/snapshots/claim-sentences.txt; `IOKG_UPDATE_SNAPSHOTS=1` rewrites it,
and the diff is then read before it is committed)."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from conftest import FIXTURES, iokg

SNAPSHOT = Path(__file__).parent / "snapshots" / "claim-sentences.txt"


def test_review_says_who_said_it_and_where_we_read_it():
    r = iokg("review", "--data", str(FIXTURES / "independence"))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "== Wire summary of the TV investigation (Wire Service, 2023-11) [wire-summary]" in out
    assert "supports · said by Platform Co · read via platform-2023 -> tv-2023 -> wire-summary" in out
    assert "said by Lab A (Ana Analyst) · read via daily-2023 -> wiki-2024" in out
    assert 'confidence: "widely believed" (the carrier\'s paraphrase)' in out
    assert "denies · said by The Embassy · read via tv-2023 -> wire-summary" in out


def test_review_refuses_a_corpus_with_mistakes(data_copy):
    bad = data_copy / "sources" / "story-b.yaml"
    bad.write_text(bad.read_text().replace("said_by: research-lab", "said_by: reserch-lab"))
    r = iokg("review", "--data", str(data_copy))
    assert r.returncode != 0
    assert "did you mean 'research-lab'?" in r.stderr


def sentences(store: Path) -> list[str]:
    db = ox.Store.read_only(str(store.resolve()))
    rows = db.query("""PREFIX iokg: <https://w3id.org/iokg/ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE { ?c a iokg:Claim ; rdfs:label ?label }""", use_default_graph_as_union=True)
    return sorted(r["label"].value for r in rows)


def test_every_claim_sentence_matches_the_reviewed_snapshot(data_store):
    got = sentences(data_store)
    assert got, "the curated data has claims"
    assert not [s for s in got if " promotes " in s]
    text = "\n".join(got) + "\n"
    if os.environ.get("IOKG_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == text, (
        "claim sentences changed: read the new ones, then rerun with IOKG_UPDATE_SNAPSHOTS=1 to accept them")
