"""`iokg build` / `validate` end to end: counts, every error at once with file:line, atomic publish."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import BASIC, iokg
from iokg.build import build, validate
from iokg.errors import IngestError
from iokg.store import open_read_only, resolve_store, run_query

PROBE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


def snapshot(store: Path) -> list[tuple[str, str, str]]:
    return [(str(r["s"]), str(r["p"]), str(r["o"])) for r in run_query(store, PROBE)]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_build_counts_what_it_built(tmp_path):
    report = build(BASIC, tmp_path / "store")
    assert report.counts == {"sources": 3, "entities": 5, "claims": 3, "assertions": 5}
    assert report.triples == len(open_read_only(tmp_path / "store"))
    assert report.triples > 3000  # data + ontology + 391 DISARM techniques
    assert report.export.exists() and report.export.suffix == ".trig"


def test_export_is_the_whole_graph(tmp_path):
    import pyoxigraph as ox

    report = build(BASIC, tmp_path / "store")
    with open(report.export, "rb") as f:
        quads = list(ox.parse(f, format=ox.RdfFormat.TRIG))
    assert len(quads) == report.triples


def test_same_input_same_iris(tmp_path):
    build(BASIC, tmp_path / "one")
    build(BASIC, tmp_path / "two")
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_cli_build_prints_counts_and_time(tmp_path):
    r = iokg("build", "--data", str(BASIC), "--store", str(tmp_path / "store"))
    assert r.returncode == 0, r.stderr
    assert "5 entities, 3 sources, 3 claims, 5 assertions" in r.stdout
    assert " s\n" in r.stdout.splitlines()[0] + "\n"  # "... in 0.42 s"


def test_cli_validate_writes_nothing(tmp_path):
    env = {**os.environ, "IOKG_STORE": str(tmp_path / "store")}
    r = iokg("validate", "--data", str(BASIC), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("valid: 5 entities")
    assert not (tmp_path / "store").exists()


def test_cli_query_formats(basic_store):
    q = "SELECT ?id WHERE { ?e a <https://w3id.org/iokg/ns#Campaign> ; <http://purl.org/dc/terms/identifier> ?id }"
    table = iokg("query", q, "--store", str(basic_store))
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[2].strip() == "alpha"
    as_json = iokg("query", q, "--store", str(basic_store), "--format", "json")
    assert json.loads(as_json.stdout)["results"]["bindings"][0]["id"]["value"] == "alpha"
    as_csv = iokg("query", q, "--store", str(basic_store), "--format", "csv")
    assert as_csv.stdout.split() == ["id", "alpha"]


def test_cli_query_named_with_bound_parameter(basic_store):
    r = iokg("query", "corroboration", "--store", str(basic_store), "--format", "json",
             "-p", "claim=alpha--attributedTo--ministry")
    rows = json.loads(r.stdout)["results"]["bindings"]
    assert len(rows) == 1
    assert rows[0]["independentOrigins"]["value"] == "1"  # story-b relays the lab's report
    assert rows[0]["origins"]["value"] == "research-lab"
    assert rows[0]["supportingAssertions"]["value"] == "2"
    assert rows[0]["relays"]["value"] == "story-b"
    assert rows[0]["contesting"]["value"] == "ministry"


def test_cli_query_file_and_syntax_error(basic_store, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?s ?p ?o }")
    assert iokg("query", str(f), "--store", str(basic_store)).stdout.strip() == "true"
    bad = iokg("query", "SELEC ?x WHERE {}", "--store", str(basic_store))
    assert bad.returncode == 1
    assert "SPARQL syntax error" in bad.stderr


def test_cli_stats(basic_store):
    r = iokg("stats", "--store", str(basic_store))
    assert r.returncode == 0, r.stderr
    counts = dict(line.split() for line in r.stdout.splitlines()[1:])
    assert counts["Campaign"] == "1" and counts["Claim"] == "3" and counts["Technique"] == "391"


def test_cli_query_without_store_says_what_to_do(tmp_path):
    r = iokg("query", "ASK {}", "--store", str(tmp_path / "nothing"))
    assert r.returncode == 1
    assert "run `iokg build` first" in r.stderr


# ------------------------------------------------------------------ every error, at once
SEEDED = {
    "malformed YAML": ("sources/broken.yaml", "source:\n  id: broken\n  title: [unclosed\n", 3,
                       "malformed YAML"),
    "unknown reference": ("sources/unknown-ref.yaml", """
        source:
          id: unknown-ref
          kind: news-article
          title: Names an entity nobody defined
          publisher: research-lab
          date: 2021-01-01
        assertions:
          - subject: alpha
            predicate: attributedTo
            object: nobody-defined-this
            stance: supports
            said_by: research-lab
        """, 8, "names unknown entity 'nobody-defined-this'"),
    "duplicate id": ("entities/dup.yaml", """
        entities:
          - id: ministry
            type: state-entity
            label: A second ministry
            sources: [report-a]
        """, 2, "duplicate id 'ministry'"),
    "bad date": ("sources/bad-date.yaml", """
        source:
          id: bad-date
          kind: news-article
          title: Dated the thirty-first of February
          publisher: research-lab
          date: 2021-02-31
        """, 6, "not a real date"),
    "missing required field": ("sources/no-publisher.yaml", """
        source:
          id: no-publisher
          kind: news-article
          title: Forgot who published it
          date: 2021-03-01
        """, 1, "missing required field `publisher`"),
    "unknown stance": ("sources/bad-stance.yaml", """
        source:
          id: bad-stance
          kind: news-article
          title: Unsure stance
          publisher: research-lab
          date: 2021-04-01
        assertions:
          - subject: alpha
            predicate: attributedTo
            object: ministry
            stance: maybe
            said_by: research-lab
        """, 11, "unknown stance 'maybe'"),
    "unknown likelihood word": ("sources/bad-likelihood.yaml", """
        source:
          id: bad-likelihood
          kind: news-article
          title: Odd words
          publisher: research-lab
          date: 2021-05-01
        assertions:
          - subject: alpha
            predicate: attributedTo
            object: ministry
            stance: supports
            likelihood: pretty sure
            said_by: research-lab
        """, 12, "unknown likelihood word 'pretty sure'"),
    "SHACL violation": ("sources/denial-in-news.yaml", """
        source:
          id: denial-in-news
          kind: news-article
          title: A newspaper cannot deny on the ministry's behalf
          publisher: research-lab
          date: 2021-06-01
        assertions:
          - subject: alpha
            predicate: attributedTo
            object: ministry
            stance: denies
            evidence: []
        """, 8, "SHACL: a denial comes from the party itself"),
}


def _line_for(kind: str) -> str:
    path, _, line, _ = SEEDED[kind]
    return f"data/{path}:{line}:"


@pytest.mark.parametrize("kind", list(SEEDED))
def test_each_error_class_alone(kind, data_copy):
    path, text, line, message = SEEDED[kind]
    write(data_copy / path, text)
    with pytest.raises(IngestError) as e:
        validate(data_copy)
    hits = [p for p in e.value.problems if message in p.message]
    assert hits, f"expected '{message}' among: {e.value}"
    assert any(f"{p.file}:{p.line}:" == _line_for(kind) for p in hits), str(e.value)


def test_every_error_at_once_and_the_store_is_untouched(data_copy, tmp_path):
    store = tmp_path / "store"
    env = {**os.environ, "IOKG_STORE": str(store), "IOKG_DATA": str(data_copy)}
    assert iokg("build", env=env).returncode == 0
    before = snapshot(store)
    target = resolve_store(store)
    for path, text, _, _ in SEEDED.values():
        write(data_copy / path, text)

    r = iokg("build", env=env)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    for kind, (_, _, _, message) in SEEDED.items():
        assert any(item.startswith(_line_for(kind)) and message in item for item in lines), \
            f"{kind}: no '{_line_for(kind)} ... {message}' in:\n{r.stderr}"
    assert lines[-1].endswith("nothing was written.")
    assert resolve_store(store) == target
    assert snapshot(store) == before


def test_build_killed_midway_leaves_previous_store(data_copy, tmp_path):
    """SIGKILL a build while it loads a large graph; the published store must be the old one."""
    store = tmp_path / "store"
    build(data_copy, store)
    before = snapshot(store)
    target = resolve_store(store)
    # enough data that loading takes a while
    entities = "\n".join(
        f"  - id: bulk-{i}\n    type: topic\n    label: Topic {i}\n    sources: [report-a]" for i in range(4000))
    write(data_copy / "entities/bulk.yaml", "entities:\n" + entities + "\n")
    env = {**os.environ, "IOKG_STORE": str(store), "IOKG_DATA": str(data_copy)}
    child = subprocess.Popen([sys.executable, "-m", "iokg", "build"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    builds = store.parent / "store.builds"
    deadline = time.monotonic() + 120
    # wait until the new build directory exists, i.e. the loading has started
    while time.monotonic() < deadline and child.poll() is None:
        if len([p for p in builds.iterdir() if p.is_dir()]) > 1:
            break
        time.sleep(0.005)
    assert child.poll() is None, "the build finished before it could be killed; make the data larger"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert resolve_store(store) == target
    assert snapshot(store) == before
    # and the next build cleans up the abandoned directory and succeeds
    (data_copy / "entities/bulk.yaml").unlink()
    build(data_copy, store)
    assert snapshot(store) == before
    assert len([p for p in builds.iterdir() if p.is_dir()]) <= 3


def test_cli_query_unknown_name_lists_the_named_queries(basic_store):
    r = iokg("query", "corroboraton", "--store", str(basic_store))
    assert r.returncode == 1
    assert "no named query 'corroboraton'" in r.stderr and "corroboration" in r.stderr


def test_every_error_class_in_one_file_at_once(data_copy):
    """Shape errors in a file do not hide its reference or SHACL errors: one run reports them all."""
    (data_copy / "sources/many-mistakes.yaml").write_text(textwrap.dedent("""
        source:
          id: many-mistakes
          kind: news-article
          title: Every kind of mistake
          publisher: reserch-lab
          date: 2021-02-31
          derived_from: [report-z]
        assertions:
          - subject: alpah
            predicate: atributedTo
            object: ministry
            stance: suports
          - subject: alpha
            predicate: attributedTo
            object: ministry
            stance: supports
            likelihood: pretty sure
            evidence: [hunch]
            said_by: research-lab
            speaker: ministry
            via: [report-q]
          - subject: alpha
            predicate: attributedTo
            object: ministry
            stance: denies
        """).lstrip())
    (data_copy / "sources/ok-but-denies.yaml").write_text(textwrap.dedent("""
        source:
          id: ok-but-denies
          kind: news-article
          title: A news story cannot deny in its own voice
          publisher: daily-news
          date: 2021-06-01
        assertions:
          - subject: alpha
            predicate: attributedTo
            object: ministry
            stance: denies
        """).lstrip())
    with pytest.raises(IngestError) as e:
        validate(data_copy)
    text = str(e.value)
    expected = [
        "many-mistakes.yaml:1: source many-mistakes: `publisher` names unknown publisher 'reserch-lab': "
        "did you mean 'research-lab'?",
        "many-mistakes.yaml:6: source many-mistakes: `date`: '2021-02-31' is not a real date",
        "`derived_from` names unknown source 'report-z': did you mean 'report-a'?",
        "`subject` names unknown entity 'alpah': did you mean 'alpha'?",
        "unknown predicate 'atributedTo': did you mean 'attributedTo'?",
        "unknown stance 'suports': did you mean 'supports'?",
        "unknown likelihood word 'pretty sure'",
        "unknown evidence kind 'hunch'",
        "`speaker` names 'ministry', a state-entity; it must be person",
        "`via` names unknown source 'report-q': did you mean 'report-a'?",
        "ok-but-denies.yaml:8: assertion (alpha attributedTo ministry): SHACL: a denial comes from the party itself",
    ]
    missing = [m for m in expected if m not in text]
    assert missing == [], text
