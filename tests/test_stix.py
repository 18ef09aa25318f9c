"""The STIX 2.1 bundle of the curated data: valid for the OASIS validator (no errors), loadable
by stix2's MemoryStore, one relationship per asserting party, opinions for the denial, and the
same bundle from two builds; served at /dumps/iokg.stix.json and written by `iokg export stix`."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from conftest import curated_counts, iokg
from iokg import vocab
from iokg.build import build
from iokg.export import stix
from iokg.export.dumps import read_manifest
from iokg.ingest.rdf import date_bounds
from iokg.store import open_read_only, resolve_store

DATA_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent / "data"
CLAIM = vocab.claim_iri("spamouflage--attributedTo--prc-government")


@pytest.fixture(scope="module")
def bundle(data_store) -> dict:
    return json.loads((resolve_store(data_store) / "dumps" / stix.FILE_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_id(bundle) -> dict[str, dict]:
    return {o["id"]: o for o in bundle["objects"]}


def test_the_bundle_validates_with_no_error(bundle):
    from stix2validator import ValidationOptions, validate_instance  # slow to import: only where it runs

    results = validate_instance(bundle, ValidationOptions(version="2.1"))
    errors = [e.message for e in results.errors] + [
        e.message for r in getattr(results, "object_results", []) for e in r.errors]
    assert results.is_valid, errors[:5]
    assert errors == []
    # the only warnings are those docs/stix.md lists and justifies
    codes = {re.search(r"\{(\d+)\}", w).group(1) for w in _warnings(results)}
    assert codes <= {"103", "302", "401"}, codes


def _warnings(results) -> list[str]:
    out = []
    for r in getattr(results, "object_results", [results]):
        out += [str(w) for w in r.warnings]
    return out


def test_the_bundle_loads_into_a_memory_store(bundle):
    import stix2  # slow to import: only where it runs

    store = stix2.MemoryStore(stix_data=bundle, allow_custom=True)
    campaigns = store.query([stix2.Filter("type", "=", "campaign")])
    names = {c.name for c in campaigns}
    assert "Spamouflage" in names
    spam = next(c for c in campaigns if c.name == "Spamouflage")
    assert {"DRAGONBRIDGE", "Storm 1376"} <= set(spam.aliases)  # aliases kept on the object
    assert store.query([stix2.Filter("type", "=", "intrusion-set")])


def test_one_relationship_per_asserting_party(bundle, by_id):
    rels = [o for o in bundle["objects"] if o["type"] == "relationship"
            and o.get("external_references", [{}])[0].get("url") == CLAIM]
    assert len(rels) >= 3
    creators = [r["created_by_ref"] for r in rels]
    assert len(set(creators)) == len(creators)  # one per party, none merged
    assert all(by_id[c]["type"] == "identity" for c in creators)
    assert {"Meta Platforms", "Institute for Strategic Dialogue"} <= {by_id[c]["name"] for c in creators}
    for r in rels:
        assert r["relationship_type"] == "attributed-to"
        assert by_id[r["source_ref"]]["type"] == "campaign"
        target = by_id[r["target_ref"]]
        assert target["type"] == "threat-actor" and target["threat_actor_types"] == ["nation-state"]
    # the party's identity is the same object its reports are created by
    assert all(r["id"].startswith("relationship--") for r in rels)


def test_the_embassy_denial_is_an_opinion_on_the_relationships(bundle, by_id):
    opinions = [o for o in bundle["objects"] if o["type"] == "opinion"
                and "Embassy" in by_id[o["created_by_ref"]]["name"]]
    assert opinions
    rel_ids = {o["id"] for o in bundle["objects"] if o["type"] == "relationship"
               and o.get("external_references", [{}])[0].get("url") == CLAIM}
    for op in opinions:
        assert op["opinion"] == "strongly-disagree"
        assert set(op["object_refs"]) == rel_ids


def test_reports_notes_techniques_and_confidence(bundle, by_id):
    kinds = Counter(o["type"] for o in bundle["objects"])
    assert kinds["report"] == curated_counts()["sources"]  # every source record, the release's included
    assert kinds["note"] > 0 and kinds["attack-pattern"] > 0
    for o in bundle["objects"]:
        if o["type"] == "attack-pattern":
            assert o["external_references"][0]["source_name"] == "DISARM"
            assert o["external_references"][0]["external_id"].startswith("T")
        if o["type"] == "report":
            assert all(ref in by_id for ref in o["object_refs"])
            # published is the first day the source's date can stand for; its precision is kept
            assert o["published"].startswith(date_bounds(o["x_iokg_date"])[0] + "T00:00:00")
            assert o["x_iokg_date_precision"] == {4: "year", 7: "month", 10: "day"}[len(o["x_iokg_date"])]
    hashed = [r for o in bundle["objects"] if o["type"] == "report"
              for r in o["external_references"] if "hashes" in r]
    assert hashed and all(len(r["hashes"]["SHA-256"]) == 64 for r in hashed)
    derived = [o for o in bundle["objects"] if o.get("relationship_type") == "derived-from"]
    assert derived and all(by_id[o["source_ref"]]["type"] == "report" for o in derived)
    allowed = {5, 15, 30, 50, 70, 85, 95}  # the DNI table of the STIX 2.1 spec, Appendix A
    confidences = [o["confidence"] for o in bundle["objects"] if "confidence" in o]
    assert confidences and set(confidences) <= allowed


def test_two_builds_give_the_same_bundle(data_store, tmp_path):
    other = tmp_path / "store"
    build(DATA_ROOT, other)
    first = (resolve_store(data_store) / "dumps" / stix.FILE_NAME).read_bytes()
    assert (resolve_store(other) / "dumps" / stix.FILE_NAME).read_bytes() == first
    assert stix.serialize(stix.bundle(open_read_only(other))) == first


def test_served_and_exported(data_store, data_site, tmp_path):
    out = tmp_path / "bundle.json"
    r = iokg("export", "stix", "--store", str(data_store), "-o", str(out))
    assert r.returncode == 0, r.stderr
    manifest = read_manifest(resolve_store(data_store) / "dumps")
    assert manifest.file(stix.FILE_NAME).media_type == stix.MEDIA_TYPE
    served = data_site.get(f"/dumps/{stix.FILE_NAME}")
    listing = data_site.get("/dumps/").json()
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/stix+json")
    assert served.content == out.read_bytes()
    assert stix.FILE_NAME in [d["name"] for d in listing["dumps"]]


def test_the_plain_bundle_the_build_writes_is_the_checked_one_byte_for_byte(data_store, tmp_path):
    """`iokg build` writes the bundle as plain data (fast); every object made by `stix2` (which
    checks it) gives the same bytes, over the curated data and a generated graph of every kind."""
    from iokg.bench.generate import generate

    checked = stix.serialize(stix.bundle(open_read_only(data_store), checked=True))
    assert stix.serialize(stix.bundle(open_read_only(data_store), checked=False)) == checked
    g = generate(tmp_path / "data", scale=0.5, seed=5)
    build(g.data_dir, tmp_path / "store", tmp_path / "store.trig")
    store = open_read_only(tmp_path / "store")
    fast = stix.serialize(stix.bundle(store, checked=False))
    assert fast == stix.serialize(stix.bundle(store, checked=True))
    assert (resolve_store(tmp_path / "store") / "dumps" / stix.FILE_NAME).read_bytes() == fast
