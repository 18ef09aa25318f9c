"""Ingest units: record shapes, dates, lines of errors, cross-reference checks, RDF conversion."""

from __future__ import annotations

import textwrap

import pytest
from pydantic import ValidationError

from iokg import vocab
from iokg.build import validate
from iokg.errors import IngestError
from iokg.ingest.rdf import date_bounds, date_literal
from iokg.ingest.reading import read_folder
from iokg.ingest.records import Assertion, Entity, Source


def src(**over):
    base = {"id": "s", "kind": "news-article", "title": "T", "publisher": "p", "date": "2020-01-02"}
    return {**base, **over}


@pytest.mark.parametrize("raw, text", [("2020-01-02", "2020-01-02"), ("2020-01", "2020-01"), (2020, "2020")])
def test_partial_dates(raw, text):
    assert Source.model_validate(src(date=raw)).date == text


@pytest.mark.parametrize("raw", ["2020-13", "2020-02-30", "Jan 2020", "20", True])
def test_bad_dates(raw):
    with pytest.raises(ValidationError):
        Source.model_validate(src(date=raw))


def test_date_bounds_and_types():
    assert date_bounds("2023") == ("2023-01-01", "2023-12-31")
    assert date_bounds("2023-02") == ("2023-02-01", "2023-02-28")
    assert date_literal("2023-04-27").datatype.value.endswith("#date")
    assert date_literal("2023").datatype.value.endswith("#gYear")


def test_ids_must_be_slugs():
    with pytest.raises(ValidationError, match="not a valid id"):
        Entity.model_validate({"id": "Bad Id", "type": "topic", "label": "x", "sources": ["s"]})


def test_alias_needs_sources():
    with pytest.raises(ValidationError, match="needs its sources"):
        Entity.model_validate({"id": "a", "type": "topic", "label": "x", "aliases": ["y"], "sources": ["s"]})


def test_sha256_normalised_and_checked():
    assert Source.model_validate(src(sha256="AB" * 32)).sha256 == "ab" * 32
    with pytest.raises(ValidationError, match="64 hexadecimal"):
        Source.model_validate(src(sha256="abc"))


def test_urls_must_be_http():
    with pytest.raises(ValidationError, match="not an http"):
        Source.model_validate(src(url="javascript:alert(1)"))


def a(**over):
    base = {"subject": "x", "predicate": "attributedTo", "object": "y", "stance": "supports",
            "evidence": ["open-source"]}
    return {**base, **over}


def test_likelihood_words_map_to_icd203_bands():
    assert Assertion.model_validate(a(likelihood="Highly Probable")).likelihood == "very-likely"
    assert Assertion.model_validate(a(likelihood="almost certainly")).likelihood == "almost-certain"
    with pytest.raises(ValidationError, match="unknown likelihood word 'high confidence'"):
        Assertion.model_validate(a(likelihood="high confidence"))


def test_value_predicates_take_values():
    ok = Assertion.model_validate(a(predicate="removedAccountCount", object=None, value=7704, qualifier="nearly"))
    assert ok.claim_id == "x--removedAccountCount--nearly-7704"
    with pytest.raises(ValidationError, match="needs a `value`"):
        Assertion.model_validate(a(predicate="removedAccountCount"))
    with pytest.raises(ValidationError, match="needs an `object`"):
        Assertion.model_validate(a(object=None))
    with pytest.raises(ValidationError, match="whole number"):
        Assertion.model_validate(a(predicate="chargedCount", object=None, value="2020-01"))


def test_claim_ids_are_deterministic():
    one = Assertion.model_validate(a())
    two = Assertion.model_validate(a(stance="disputes", evidence=[], said_by="someone"))
    assert one.claim_id == two.claim_id == "x--attributedTo--y"
    assert vocab.claim_iri(one.claim_id) == "https://w3id.org/iokg/id/claim/x--attributedTo--y"


def write(root, rel, text):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text).lstrip())


def test_unknown_field_is_reported_at_its_line(tmp_path):
    write(tmp_path, "d/e.yaml", """
        entities:
          - id: a
            type: topic
            label: A
            lable: typo
            sources: [s]
        """)
    _, problems = read_folder(tmp_path / "d")
    assert [(p.line, p.record) for p in problems] == [(5, "entity a")]
    assert "unknown field `lable`" in problems[0].message


def test_cross_reference_checks(data_copy):
    write(data_copy, "sources/extra.yaml", """
        source:
          id: extra
          kind: news-article
          title: Cites what it does not derive from
          publisher: daily-news
          date: 2020-06-01
          derived_from: [extra-parent, story-b]
        assertions:
          - subject: cell-1
            predicate: usesTechnique
            object: T9999
            stance: supports
            said_by: the-ministry
            via: [statement-c]
          - subject: ministry
            predicate: partOf
            object: alpha
            stance: supports
            said_by: reserch-lab
            speaker: ministry
        """)
    with pytest.raises(IngestError) as e:
        validate(data_copy)
    text = str(e.value)
    assert "unknown source 'extra-parent'" in text
    assert "unknown DISARM technique 'T9999'" in text
    assert "'extra' does not derive from it" in text
    assert "a state-entity cannot be the subject of partOf" in text
    assert "unknown party 'reserch-lab': did you mean 'research-lab'?" in text
    assert "`speaker` names 'ministry', a state-entity; it must be person" in text


def test_derivation_cycle(data_copy):
    p = data_copy / "sources/report-a.yaml"
    p.write_text(p.read_text().replace("  url: https://example.org/report-a",
                                       "  url: https://example.org/report-a\n  derived_from: [story-b]"))
    with pytest.raises(IngestError, match="makes a cycle"):
        validate(data_copy)


def test_duplicate_assertion_per_source(data_copy):
    p = data_copy / "sources/story-b.yaml"
    p.write_text(p.read_text() + "\n".join([
        "  - subject: alpha", "    predicate: attributedTo", "    object: ministry",
        "    stance: disputes", "    said_by: research-lab", "    via: [report-a]", ""]))
    with pytest.raises(IngestError, match="one assertion per party, carrier and claim"):
        validate(data_copy)


def _typed(x):
    """A read document as plain values with their types and lines, to compare two readers."""
    if isinstance(x, dict):
        return ("map", [(k, _typed(v), x.lc.key(k)[0]) for k, v in x.items()])
    if isinstance(x, list):
        return ("seq", [(_typed(v), x.lc.item(i)[0]) for i, v in enumerate(x)])
    kind = bool if isinstance(x, bool) else next(t for t in (int, float, str, type(None)) if isinstance(x, t))
    return (kind.__name__, x)


TRICKY = """\
source:
  id: s-1
  count: 017
  ratio: 1.5
  big: 1e3
  yes_is_text: yes
  flag: true
  nothing: ~
  empty:
  date: 2021-02-31
  month: 2021-02
  year: 2021
  octal: 0o17
  text: 10 accounts
  quoted: "2020"
  block: |
    two
    lines
  list:
    - a: 1
      b: [x, y]
    - plain
"""


def test_fast_reader_reads_what_ruamel_reads(tmp_path):
    """The libyaml reader gives the same values, types and lines as ruamel.yaml: over every curated
    data file and a file of tricky scalars (YAML 1.2 typing, dates as text, a scalar it hands back)."""
    from pathlib import Path

    from iokg.ingest.reading import _load, _yaml

    files = sorted(Path("data").rglob("*.yaml"))
    assert files
    texts = [f.read_text(encoding="utf-8") for f in files] + [TRICKY]
    for text in texts:
        assert _typed(_load(text)) == _typed(_yaml().load(text))
    assert _load(TRICKY)["source"]["date"] == "2021-02-31"
    assert _load(TRICKY)["source"]["octal"] == 15


def test_fast_reader_reports_duplicate_keys_and_bad_syntax_as_ruamel_does(tmp_path):
    from iokg.ingest.reading import Corpus, read_file

    root = tmp_path / "data"
    root.mkdir()
    (root / "dup.yaml").write_text("source:\n  id: a\n  id: b\n")
    (root / "bad.yaml").write_text("source:\n  id: broken\n  title: [unclosed\n")
    dup = read_file(root / "dup.yaml", root, Corpus())
    bad = read_file(root / "bad.yaml", root, Corpus())
    assert len(dup) == 1 and dup[0].line == 3 and "malformed YAML" in dup[0].message, dup
    assert len(bad) == 1 and bad[0].line == 3 and "malformed YAML" in bad[0].message, bad
