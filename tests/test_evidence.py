"""Computed evidence (iokg.evidence): records in data/evidence/ checked with file:line, computed afresh
at every build into graph/evidence, shown on the claim page and lookup apart from the assertions, and
never counted as an origin."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient

from archives import independent_weekday_hour
from conftest import BASIC, DATA
from iokg import provenance, vocab
from iokg.api.app import create_app
from iokg.build import build, check, is_stale
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from iokg.errors import IngestError
from iokg.evidence import GRAPH_EVIDENCE, compute_all, evidence_problems, read_evidence
from iokg.evidence.rdf import TERMS
from iokg.ingest.reading import read_folder
from iokg.ingest.shapes import shacl_problems, to_rdflib
from iokg.releases import read_releases
from iokg.settings import ONTOLOGY_DIR, Settings
from iokg.store import EmbeddedStore, build_id

IOKG = vocab.NS
EVIDENCE = ox.NamedNode(GRAPH_EVIDENCE)
NEARLY_8000 = "meta-takedown-2023-q2--removedAccountCount--nearly-8000"
NEARLY_9000 = "meta-takedown-2023-q2--removedAccountCount--nearly-9000"
ASPI_HOURS = "aspi-great-firewall-network--attributedTo--prc-government"
BASIC_CLAIM = "alpha--attributedTo--ministry"
META_CSV = DATA / "releases" / "meta-2023-q2-spamouflage" / "Q2_2023_Spamouflage_China_based_CIB_updated.csv"


def _evidence_of(store: Path) -> dict[str, dict[str, str]]:
    """Each evidence record of a built store: its properties' local names → values (as text)."""
    db = ox.Store.read_only(str(Path(store).resolve()))
    out: dict[str, dict[str, str]] = {}
    for q in db.quads_for_pattern(None, None, None, EVIDENCE):
        if q.subject.value.startswith(vocab.ID + "evidence/") and "/" not in q.subject.value[len(vocab.ID + "evidence/"):]:
            key = q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            record = out.setdefault(q.subject.value.rsplit("/", 1)[-1], {})
            if key in ("inputDigest", "type", "parameter"):
                record[key] = " | ".join(sorted(filter(None, [record.get(key), q.object.value])))
            else:
                record[key] = q.object.value
    return out


def _graph(store: Path, graph: str) -> set[ox.Quad]:
    db = ox.Store.read_only(str(Path(store).resolve()))
    return set(db.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


@pytest.fixture(scope="module")
def curated(data_store) -> Path:
    return data_store


@pytest.fixture(scope="module")
def without_evidence(tmp_path_factory) -> Path:
    """The curated data built without its evidence records."""
    base = tmp_path_factory.mktemp("no-evidence")
    shutil.copytree(DATA, base / "data", ignore=shutil.ignore_patterns("evidence"))
    store = base / "store"
    build(base / "data", store)
    return store


# ---------------------------------------------------------------------------------- the curated data
def test_the_curated_records_are_computed_from_the_shipped_release(curated):
    records = _evidence_of(curated)
    build = build_id(curated)
    accounts = records["meta-2023-q2-release-facebook-accounts-vs-nearly-8000"]
    assert accounts["computed"] == "true" and accounts["result"] == "7704"
    assert accounts["computedAt"] == build
    assert accounts["resultStatement"].startswith("the release states 7,704 Facebook accounts (")
    sha = hashlib.sha256(META_CSV.read_bytes()).hexdigest()
    assert accounts["inputDigest"] == f"sha256:{sha} {META_CSV.name}"
    assert records["meta-2023-q2-release-facebook-pages-vs-nearly-9000"]["result"] == "954"
    assert all(r["computedAt"] == build for r in records.values())


def test_a_record_whose_archive_is_not_imported_says_so_and_the_build_passes(curated):
    """Twitter's 2020 archive is not shipped: the record degrades to 'not computed', with no figure."""
    aspi = _evidence_of(curated)["twitter-2020-archive-beijing-working-hours"]
    assert aspi["computed"] == "false"
    assert "result" not in aspi
    assert aspi["resultStatement"].startswith("not computed: dataset twitter-2020-takedown-data not imported")


def test_evidence_is_never_an_assertion_and_never_an_origin(curated, without_evidence):
    """graph/derived (the independence tallies) and graph/data are the same with or without evidence."""
    assert _graph(curated, vocab.GRAPH_DERIVED) == _graph(without_evidence, vocab.GRAPH_DERIVED)
    with_data, without_data = _graph(curated, vocab.GRAPH_DATA), _graph(without_evidence, vocab.GRAPH_DATA)
    assert len(with_data) == len(without_data)
    assert not _graph(without_evidence, GRAPH_EVIDENCE)
    for claim in (NEARLY_8000, NEARLY_9000, ASPI_HOURS):
        a = provenance.claim(EmbeddedStore(curated), claim)
        b = provenance.claim(EmbeddedStore(without_evidence), claim)
        assert a.computed_evidence and not b.computed_evidence
        assert a.corroboration == b.corroboration
        assert a.assertions == b.assertions
    db = ox.Store.read_only(str(curated.resolve()))
    rdf_type = ox.NamedNode(vocab.PREFIXES["rdf"] + "type")
    nodes = {q.subject for q in db.quads_for_pattern(None, rdf_type, ox.NamedNode(IOKG + "ComputedEvidence"), None)}
    assert len(nodes) == len(_evidence_of(curated))
    for node in nodes:
        types = {q.object.value for q in db.quads_for_pattern(node, rdf_type, None, None)}
        assert IOKG + "Assertion" not in types
        assert not list(db.quads_for_pattern(None, ox.NamedNode(IOKG + "origin"), node, None))


def test_the_evidence_graph_conforms_to_the_shapes_and_uses_defined_terms(curated):
    db = ox.Store.read_only(str(curated.resolve()))
    quads = list(db.quads_for_pattern(None, None, None, EVIDENCE))
    claims = {q.object for q in quads if q.predicate.value == IOKG + "bearsOn"}
    typed = [ox.Quad(c, ox.NamedNode(vocab.PREFIXES["rdf"] + "type"), ox.NamedNode(IOKG + "Claim"), EVIDENCE)
             for c in claims]
    # the claims are typed so sh:class holds; only the evidence records' own violations count here
    ours = [p for p in shacl_problems(to_rdflib(quads + typed)) if p.record.startswith(vocab.ID + "evidence/")]
    assert ours == []
    onto = rdflib.Graph().parse(ONTOLOGY_DIR / "iokg.ttl", format="turtle")
    used = {q.predicate.value for q in quads} | {q.object.value for q in quads
                                                  if q.predicate.value.endswith("#type")}
    missing = sorted(u for u in used if u.startswith(IOKG) and (rdflib.URIRef(u), None, None) not in onto)
    assert missing == []
    assert {IOKG + t for t in TERMS} - {str(s) for s in onto.subjects()} == set()


def test_the_shapes_refuse_a_figure_on_a_record_that_was_not_computed(curated):
    db = ox.Store.read_only(str(curated.resolve()))
    quads = list(db.quads_for_pattern(None, None, None, EVIDENCE))
    node = ox.NamedNode(vocab.ID + "evidence/twitter-2020-archive-beijing-working-hours")
    stale = ox.Quad(node, ox.NamedNode(IOKG + "result"), ox.Literal("0.71", datatype=ox.NamedNode(
        vocab.PREFIXES["xsd"] + "double")), EVIDENCE)
    problems = shacl_problems(to_rdflib(quads + [stale]))
    assert any("a result exactly when it is computed" in p.message for p in problems)


def test_the_claim_lookup_lists_computed_evidence_apart(curated, sites):
    client = sites(curated)  # the app in this process, its lifespan (the query workers) running
    body = client.get(f"/claims/{NEARLY_9000}").json()
    items = {e["id"]: e for e in body["computed_evidence"]}
    assert set(items) == {"meta-2023-q2-release-facebook-accounts-vs-nearly-9000",
                          "meta-2023-q2-release-facebook-pages-vs-nearly-9000"}
    pages = items["meta-2023-q2-release-facebook-pages-vs-nearly-9000"]
    assert pages["result"] == 954 and pages["computed"] is True and pages["kind"] == "release"
    assert pages["parameters"] == {"asset": "Facebook Pages"}
    assert pages["rerun"] == "/r/meta-2023-q2-spamouflage-indicators"
    assert pages["computed_at"] == build_id(curated)
    # the assertions hold the sources' words only; no figure of iokg's is among them
    assertions = [a for group in body["assertions"].values() for a in group]
    assert all("iokg analysis" not in (a.get("excerpt") or "") for a in assertions)
    aspi = client.get(f"/claims/{ASPI_HOURS}").json()["computed_evidence"]
    assert [e["computed"] for e in aspi] == [False]
    assert aspi[0]["rerun"].startswith("/datasets/twitter-2020-takedown-data/working-hours?")
    assert "tz=Asia%2FShanghai" in aspi[0]["rerun"]
    assert client.get("/claims/meta-takedown-2023-q2--removedPageCount--954").json()["computed_evidence"] == []


def test_the_claim_page_shows_it_as_iokg_s_own_analysis(curated, sites):
    client = sites(curated)
    html = client.get(f"/c/{NEARLY_8000}").text
    section = html[html.index('<section class="computed-evidence"'):]
    section = section[:section.index("</section>")]
    assert "iokg analysis of" in section and "the release states 7,704 Facebook accounts" in section
    assert f"computed at build <code class=\"evidence-build\">{build_id(curated)}</code>" in section
    assert 'href="/r/meta-2023-q2-spamouflage-indicators"' in section
    assert "not counted among the claim" in section
    # the sources' card comes first, and the computed figure is not inside it
    card = html[html.index('<article class="claim-card'):]
    card = card[:card.index("</article>")]
    assert html.index('<article class="claim-card') < html.index('<section class="computed-evidence"')
    assert "7,704" not in card and "iokg analysis" not in card
    aspi = client.get(f"/c/{ASPI_HOURS}").text
    assert "not computed: dataset twitter-2020-takedown-data not imported" in aspi
    assert "/datasets/twitter-2020-takedown-data/working-hours?" in aspi
    assert '<section class="computed-evidence"' not in client.get("/c/meta-takedown-2023-q2--removedPageCount--954").text


# ---------------------------------------------------------------------------------- checks
BAD = """\
evidence:
  - id: good-one
    claim: {claim}
    dataset: some-archive
    analysis: working-hours
    parameters: {{tz: Asia/Shanghai}}
    measure: share
  - id: good-one
    claim: alpha--attributedTo--ministri
    dataset: some-archive
    analysis: workng-hours
    measure: share
  - id: bad-params
    claim: {claim}
    dataset: some-archive
    analysis: working-hours
    parameters: {{tz: Mars/Olympus, colour: red}}
    measure: shares
  - id: both-inputs
    claim: {claim}
    dataset: some-archive
    release: some-release
    analysis: stated-count
    measure: count
  - id: not-a-release
    claim: {claim}
    release: report-a
    analysis: stated-count
    parameters: {{asset: Facebook acounts}}
    measure: count
    colour: red
"""


def test_every_mistake_is_reported_at_once_with_file_and_line(data_copy):
    (data_copy / "evidence").mkdir()
    (data_copy / "evidence" / "x.yaml").write_text(BAD.format(claim=BASIC_CLAIM), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        check(data_copy, shacl=False)
    text = [str(p) for p in err.value.problems if p.file.endswith("evidence/x.yaml")]
    joined = "\n".join(text)
    assert "data/evidence/x.yaml:8: evidence good-one: duplicate id 'good-one'" in joined
    assert "x.yaml:9: evidence good-one: no claim with id 'alpha--attributedTo--ministri' did you mean " \
           "'alpha--attributedTo--ministry'?" in joined
    assert "x.yaml:11: evidence good-one: no analysis 'workng-hours' of a dataset" in joined and \
           "did you mean 'working-hours'?" in joined
    assert "x.yaml:17: evidence bad-params: parameters: unknown parameter(s) for working-hours: colour" in joined
    assert "x.yaml:18: evidence bad-params: analysis working-hours reports no measure 'shares'" in joined
    assert "x.yaml:19: evidence both-inputs: give exactly one of `release:`" in joined
    assert "evidence not-a-release: unknown field `colour`" in joined
    assert len(text) == 7, joined


def test_a_release_id_and_its_parameters_are_checked_against_the_curated_records():
    corpus, _ = read_folder(DATA)
    releases, _ = read_releases(corpus, DATA)
    problems = _problems_of(corpus, releases, """\
evidence:
  - id: a
    claim: {claim}
    release: meta-2023-q2-spamouflage-indicator
    analysis: stated-count
    parameters: {{asset: Facebook acounts}}
    measure: count
  - id: b
    claim: {claim}
    release: meta-2023-q2-spamouflage-indicators
    analysis: listed-indicators
    parameters: {{procedure: 0.9.44}}
    measure: count
  - id: c
    claim: {claim}
    release: meta-2023-q2-spamouflage-indicators
    analysis: working-hours
    measure: share
""".format(claim=NEARLY_8000))
    joined = "\n".join(str(p) for p in problems)
    assert "did you mean 'meta-2023-q2-spamouflage-indicators'?" in joined
    assert "asset: 'Facebook acounts' is not an asset" in joined and "did you mean 'Facebook accounts'?" in joined
    assert "procedure: '0.9.44' is not a step of the release's kill chain did you mean '0.9.4'?" in joined
    assert "(working-hours is an analysis of an imported dataset)" in joined
    assert len(problems) == 4, joined


def _problems_of(corpus, releases, text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "data"
        (folder / "evidence").mkdir(parents=True)
        (folder / "evidence" / "e.yaml").write_text(text, encoding="utf-8")
        return evidence_problems(folder, corpus, releases)


def test_the_curated_records_are_sound():
    corpus, _ = read_folder(DATA)
    releases, _ = read_releases(corpus, DATA)
    records, problems = read_evidence(DATA, corpus, releases)
    assert problems == []
    assert {r.record.claim for r in records} >= {NEARLY_8000, NEARLY_9000, ASPI_HOURS}


# ---------------------------------------------------------------------------------- a changed input
def test_a_changed_release_gives_a_changed_figure(tmp_path):
    """The release is read afresh: a changed file (with its recorded SHA-256) gives the new count."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    csv = data / "releases" / "meta-2023-q2-spamouflage" / META_CSV.name
    csv.write_text(csv.read_text(encoding="utf-8").replace('"7,704 Facebook accounts"', '"7,801 Facebook accounts"'),
                   encoding="utf-8")
    results = {rec.id: out for rec, out in compute_all(data, tmp_path / "datasets")}
    changed = results["meta-2023-q2-release-facebook-accounts-vs-nearly-8000"]
    assert changed.computed and changed.value == 7801
    assert changed.inputs == [(META_CSV.name, hashlib.sha256(csv.read_bytes()).hexdigest())]
    assert results["meta-2023-q2-release-facebook-pages-vs-nearly-9000"].value == 954


def _working_hours_share(tweets_csv: Path) -> float:
    grid = independent_weekday_hour(tweets_csv, "Asia/Shanghai")
    inside = sum(grid[d][h] for d in range(5) for h in range(8, 17))
    return inside / sum(map(sum, grid))


EVIDENCE_YAML = textwrap.dedent(f"""\
    evidence:
      - id: synthetic-working-hours
        claim: {BASIC_CLAIM}
        dataset: synthetic-ev
        analysis: working-hours
        parameters: {{tz: Asia/Shanghai, days: mon-fri, from_hour: 8, to_hour: 17}}
        measure: share
        note: A synthetic archive, for the test.
    """)


def test_an_imported_archive_is_computed_at_each_build_and_a_changed_one_changes_the_figure(tmp_path, basic_store):
    """Not imported: 'not computed'. Imported: the share an independent zoneinfo count gives. Re-imported
    with another posting pattern: the next build's figure is the new one, never the old."""
    data = tmp_path / "data"
    shutil.copytree(BASIC, data)
    (data / "evidence").mkdir()
    (data / "evidence" / "hours.yaml").write_text(EVIDENCE_YAML, encoding="utf-8")
    store = tmp_path / "store"
    datasets = tmp_path / "store.datasets"

    build(data, store)
    first = _evidence_of(store)["synthetic-working-hours"]
    assert first["computed"] == "false" and "result" not in first
    assert first["resultStatement"].startswith("not computed: dataset synthetic-ev not imported")

    office = generate(tmp_path / "office", accounts=40, tweets=1500, seed=3, tz="Asia/Shanghai", office_share=0.85)
    assert not is_stale(data, store)
    import_twitter_io(office.folder, datasets, "synthetic-ev")
    assert is_stale(data, store)  # `iokg serve --build` rebuilds, so the figure is computed
    build(data, store)
    assert not is_stale(data, store)
    second = _evidence_of(store)["synthetic-working-hours"]
    expected = _working_hours_share(office.tweets_file)
    assert second["computed"] == "true"
    assert float(second["result"]) == pytest.approx(expected, abs=1e-12)
    assert second["resultStatement"].startswith(f"{expected:.0%} of tweets (")
    assert second["computedAt"] == build_id(store) != first["computedAt"]
    assert f"sha256:{hashlib.sha256(office.tweets_file.read_bytes()).hexdigest()} " in second["inputDigest"]

    # the re-run link answers the same figure
    with TestClient(create_app(Settings(store=store, datasets=datasets))) as client:  # the lifespan runs
        view = client.get(f"/claims/{BASIC_CLAIM}").json()["computed_evidence"][0]
        rerun = client.get(view["rerun"], headers={"Accept": "application/json"}).json()
    assert rerun["share"] == pytest.approx(view["result"], abs=1e-12)

    uniform = generate(tmp_path / "uniform", accounts=40, tweets=1500, seed=4, tz="Asia/Shanghai", pattern="uniform")
    import_twitter_io(uniform.folder, datasets, "synthetic-ev", force=True)
    build(data, store)
    third = _evidence_of(store)["synthetic-working-hours"]
    assert float(third["result"]) == pytest.approx(_working_hours_share(uniform.tweets_file), abs=1e-12)
    assert float(third["result"]) < float(second["result"]) - 0.2
    assert _graph(store, vocab.GRAPH_DERIVED) == _graph(basic_store, vocab.GRAPH_DERIVED)
    assert provenance.claim(EmbeddedStore(store), BASIC_CLAIM).corroboration == \
        provenance.claim(EmbeddedStore(basic_store), BASIC_CLAIM).corroboration


def test_the_curator_page_example_is_a_sound_record():
    """docs/computed-evidence.md's YAML example checks cleanly against the curated data."""
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "computed-evidence.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    corpus, _ = read_folder(DATA)
    releases, _ = read_releases(corpus, DATA)
    assert _problems_of(corpus, releases, block) == []
    assert "measure: share" in block and "release: meta-2023-q2-spamouflage-indicators" in block


def test_search_finds_no_record_of_its_own(curated, without_evidence):
    """Records are reached through their claim: the search index is the same with or without them."""
    import sqlite3

    from iokg.search.index import FILENAME
    from iokg.store import resolve_store

    def kinds(store: Path) -> dict[str, int]:
        index = resolve_store(store) / FILENAME
        with sqlite3.connect(index.as_uri() + "?mode=ro", uri=True) as conn:
            return dict(conn.execute("SELECT kind, COUNT(*) FROM things GROUP BY kind"))

    assert kinds(curated) == kinds(without_evidence)
