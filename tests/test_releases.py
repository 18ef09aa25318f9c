"""Dataset releases: the `dataset` record, the build's SHA-256 check (file:line), and Meta's indicator
release read into the graph (counts as Meta's assertions on the takedown, every other row an indicator
kept exactly as released). The store is the real build of the curated data/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from ruamel.yaml import YAML

from iokg import vocab
from iokg.build import validate
from iokg.errors import IngestError
from reference_documents import ROOT

DATA = ROOT / "data"
RELEASE = DATA / "releases" / "meta-2023-q2-spamouflage"
DATASET = "meta-2023-q2-spamouflage-indicators"
INDICATORS = "Q2_2023_Spamouflage_China_based_CIB_updated.csv"


@pytest.fixture
def data(tmp_path) -> Path:
    """A writable copy of the curated data/ (its releases included)."""
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


def problems_of(data: Path) -> list[str]:
    with pytest.raises(IngestError) as e:
        validate(data)
    return [str(p) for p in e.value.problems]


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_a_shipped_file_that_does_not_match_its_sha256_is_refused_at_its_line(data):
    csv = data / "releases" / "meta-2023-q2-spamouflage" / INDICATORS
    csv.write_bytes(csv.read_bytes().replace(b"7,704 Facebook accounts", b"7,705 Facebook accounts"))
    record = data / "releases" / "meta-2023-q2-spamouflage" / "dataset.yaml"
    line = next(i for i, item in enumerate(record.read_text().splitlines(), 1) if "9904591a" in item)
    found = problems_of(data)
    assert len(found) == 1
    assert found[0].startswith(f"data/releases/meta-2023-q2-spamouflage/dataset.yaml:{line}: ")
    assert f"{INDICATORS} does not match its recorded sha256" in found[0]


def test_a_missing_file_and_wrong_references_are_reported_at_their_lines(data):
    folder = data / "releases" / "meta-2023-q2-spamouflage"
    (folder / "Online_Operations_Killchain-TTPs.csv").unlink()
    record = folder / "dataset.yaml"
    documents = _edit(record, "documents: meta-takedown-2023-q2", "documents: spamouflage")
    network = _edit(record, "network: spamouflage", "network: meta")
    found = problems_of(data)
    where = "data/releases/meta-2023-q2-spamouflage/dataset.yaml"
    assert any(p.startswith(f"{where}:{documents}: ") and "is not a takedown" in p for p in found), found
    assert any(p.startswith(f"{where}:{network}: ") and "is not a campaign's or cluster's" in p for p in found)
    assert any("Online_Operations_Killchain-TTPs.csv is not there" in p for p in found)


def test_a_release_needs_its_release_block_and_only_a_dataset_has_one(data):
    record = data / "releases" / "meta-2023-q2-spamouflage" / "dataset.yaml"
    _edit(record, "kind: dataset", "kind: platform-report")
    assert any("only a source of kind `dataset` has `release:`" in p for p in problems_of(data))


def _reship(folder: Path, edit) -> None:
    """Change the shipped indicator file and record its new SHA-256 (a curator shipping another release)."""
    import hashlib
    csv = folder / INDICATORS
    old = hashlib.sha256(csv.read_bytes()).hexdigest()
    csv.write_bytes(edit(csv.read_bytes()))
    _edit(folder / "dataset.yaml", old, hashlib.sha256(csv.read_bytes()).hexdigest())


def test_a_count_of_an_asset_with_no_property_and_an_unknown_step_are_errors_at_their_csv_line(data):
    folder = data / "releases" / "meta-2023-q2-spamouflage"
    _reship(folder, lambda b: b.replace(b"15 Facebook Groups", b"15 Facebook Events")
            .replace(b"0.9.6 Acquiring TikTok accounts", b"0.9.77 Acquiring TikTok accounts", 1))
    lines = (folder / INDICATORS).read_text(encoding="utf-8").splitlines()
    events = next(i for i, item in enumerate(lines, 1) if "15 Facebook Events" in item)
    tiktok = next(i for i, item in enumerate(lines, 1) if "0.9.77" in item)
    where = f"data/releases/meta-2023-q2-spamouflage/{INDICATORS}"
    found = problems_of(data)
    assert any(p.startswith(f"{where}:{events}: ") and "'Facebook Events'" in p for p in found), found
    assert any(p.startswith(f"{where}:{tiktok}: ") and "not in the kill-chain file" in p for p in found), found


def test_the_record_in_the_guide_is_the_record_in_data():
    import re
    guide = (ROOT / "docs" / "curator-guide.md").read_text()
    block = re.search(r"```yml\n(.*?)```", guide, re.S).group(1)
    shown = YAML(typ="safe").load(block)["source"]
    real = YAML(typ="safe").load((RELEASE / "dataset.yaml").read_text())["source"]

    def subset(a, b) -> bool:
        if isinstance(a, dict):
            return all(k in b and subset(v, b[k]) for k, v in a.items())
        if isinstance(a, list):
            return len(a) == len(b) and all(subset(x, y) for x, y in zip(a, b))
        return a == b
    assert subset(shown, real)


# ---------------------------------------------------------------- in the built graph
def select(store: Path, query: str, **bindings) -> list[dict]:
    db = ox.Store.read_only(str(store.resolve()))
    prefixes = "PREFIX iokg: <https://w3id.org/iokg/ns#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    values = "".join(f"VALUES ?{k} {{ {v} }}\n" for k, v in bindings.items())  # IRIs of the test's own
    query = query.replace("WHERE {", "WHERE {\n" + values, 1)
    result = db.query(prefixes + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: s[n].value if s[n] is not None else None for n in names} for s in result]


def test_the_counts_are_metas_assertions_read_in_the_dataset(data_store):
    rows = select(data_store, """
        SELECT ?p ?v ?party ?source WHERE {
          ?a iokg:claim ?c ; iokg:saidBy ?party ; iokg:source ?source .
          ?c iokg:subject ?t ; iokg:predicate ?p ; iokg:value ?v .
        }""", t=ox.NamedNode(vocab.entity_iri("meta-takedown-2023-q2")),
        source=ox.NamedNode(vocab.source_iri(DATASET)))
    got = sorted((r["p"][len(vocab.NS):], int(r["v"])) for r in rows)
    assert got == [("removedAccountCount", 7704), ("removedGroupCount", 15),
                   ("removedInstagramAccountCount", 15), ("removedPageCount", 954)]
    assert {r["party"] for r in rows} == {vocab.party_iri("meta")}


def test_every_listed_row_is_an_indicator_kept_exactly_as_released(data_store):
    import csv
    with open(RELEASE / INDICATORS, newline="", encoding="utf-8") as f:
        released = [r["Indicator"] for r in csv.DictReader(f) if r["Indicator"].strip()]
    counts = [v for v in released if v.split(" ", 1)[0].replace(",", "").isdigit()]
    rows = select(data_store, """
        SELECT ?value ?defanged ?kind ?step ?net ?procedure WHERE {
          ?i a iokg:Indicator ; iokg:indicatorValue ?value ; iokg:defanged ?defanged ; iokg:indicatorKind ?kind ;
             iokg:killChainStep ?s ; iokg:indicatorOf ?net ; iokg:releasedIn ?d .
          ?s skos:notation ?step ; iokg:killChainProcedure ?procedure .
        }""", d=ox.NamedNode(vocab.source_iri(DATASET)))
    assert len(counts) == 4 and len(rows) == len(released) - 4 == 524
    assert sorted(r["value"] for r in rows) == sorted(v for v in released if v not in counts)
    links = [r for r in rows if r["kind"] == "link"]
    assert len(links) == 250 and all(r["defanged"] == "true" and "[.]" in r["value"] for r in links)
    assert {r["net"] for r in rows} == {vocab.entity_iri("spamouflage")}
    x = [r for r in rows if r["value"] == "https://twitter[.]com/GarciaJasmyn1/"]
    assert [(r["step"], r["procedure"]) for r in x] == [("0.9.4", "0.9.4 Acquiring X / Twitter accounts")]
    assert sum(r["step"] == "0.9.8" for r in rows) == 210 and sum(r["step"] == "6.1.3" for r in rows) == 273


def test_the_dataset_records_its_release_licence_files_and_caveat(data_store):
    rows = select(data_store, """
        SELECT ?repo ?commit ?licence ?report ?takedown ?caveat ?n WHERE {
          ?d iokg:releaseRepository ?repo ; iokg:releaseCommit ?commit ; iokg:licenceName ?licence ;
             iokg:accompanies ?report ; iokg:documentsTakedown ?takedown ; iokg:caveat ?caveat ;
             iokg:indicatorCount ?n }""", d=ox.NamedNode(vocab.source_iri(DATASET)))
    assert rows == [{"repo": "facebook/threat-research", "commit": "a1b05bff1c29fe32e116c4a5eb35b0f0d4e717b1",
                     "licence": "MIT", "report": vocab.source_iri("meta-2023-q2-threat-report"),
                     "takedown": vocab.entity_iri("meta-takedown-2023-q2"),
                     "caveat": "would be insufficient to attribute accounts to a given campaign without "
                               "corroborating evidence", "n": "524"}]
    files = select(data_store, """
        SELECT ?path ?sha WHERE { ?d iokg:releaseFile ?f . ?f iokg:path ?path ; iokg:fileSha256 ?sha }""",
        d=ox.NamedNode(vocab.source_iri(DATASET)))
    import hashlib
    assert sorted((f["path"], f["sha"]) for f in files) == sorted(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in RELEASE.glob("*.csv"))
