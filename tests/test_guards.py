"""Guards that hold the curated data to the reference documents, and proof that each one bites."""

from __future__ import annotations

import copy

import pyoxigraph as ox
import pytest

from iokg import vocab
from iokg.ingest.reading import read_folder
from iokg.releases import read_releases
from reference_documents import ROOT as _ROOT

DATA = _ROOT / "data"
from reference_documents import confidence_problems, date_problems, excerpt_problems, load_documents, load_releases  # noqa: E402


@pytest.fixture(scope="module")
def documents():
    return load_documents()


@pytest.fixture(scope="module")
def corpus():
    corpus, problems = read_folder(DATA)
    assert problems == []
    _, problems = read_releases(corpus, DATA)
    assert problems == []
    return corpus


@pytest.fixture(scope="module")
def releases(corpus):
    return load_releases(corpus)


def test_every_excerpt_is_verbatim_in_its_document(corpus, documents, releases):
    assert excerpt_problems(corpus, documents, releases) == []


def test_the_release_counts_are_read_in_the_release(corpus, releases):
    read_in = [(loc.record.predicate, loc.record.value) for loc, doc in corpus.assertions if doc in releases]
    assert sorted(read_in) == sorted([("removedAccountCount", 7704), ("removedPageCount", 954),
                                      ("removedGroupCount", 15), ("removedInstagramAccountCount", 15)])


def test_a_figure_not_in_the_release_is_caught(corpus, documents, releases):
    seeded = copy.deepcopy(corpus)
    loc = next(loc for loc, doc in seeded.assertions if doc in releases)
    loc.record.value = 7705
    assert any("figure 7705 is not in the released row" in p for p in excerpt_problems(seeded, documents, releases))
    loc.record.excerpt = "7,705 Facebook accounts"
    assert any("not found in the release file" in p for p in excerpt_problems(seeded, documents, releases))


def test_a_release_date_or_caveat_its_note_does_not_give_is_caught(corpus, documents, releases):
    seeded = copy.deepcopy(corpus)
    src = next(loc for loc in seeded.sources if loc.record.id in releases)
    src.record.date = "2024-02-15"
    src.record.release.caveat = "would be sufficient to attribute accounts"
    assert any("date 2024-02-15 is not given by its SOURCE.md" in p
               for p in date_problems(seeded, documents, releases=releases))
    assert any("caveat of" in p for p in excerpt_problems(seeded, documents, releases))


def test_asserters_own_confidence_words_are_in_the_excerpt(corpus):
    assert confidence_problems(corpus) == []


def test_every_date_is_one_a_document_gives(corpus, documents, releases):
    assert date_problems(corpus, documents, releases=releases) == []


def test_no_bare_link_between_two_entities(data_store):
    """Every link between two entities is a claim with an assertion: no direct entity-to-entity triple."""
    db = ox.Store.read_only(str(data_store.resolve()))
    rows = list(db.query("""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX iokg: <https://w3id.org/iokg/ns#>
        SELECT ?s ?p ?o WHERE {
          GRAPH <https://w3id.org/iokg/graph/data> { ?s ?p ?o . ?s a ?c1 . ?o a ?c2 }
          GRAPH <https://w3id.org/iokg/graph/ontology> { ?c1 rdfs:subClassOf* iokg:Entity . ?c2 rdfs:subClassOf* iokg:Entity }
        }"""))
    assert [(r["s"].value, r["p"].value, r["o"].value) for r in rows] == []


# ---------------------------------------------------------------- each guard bites on a seeded violation
def _seeded(corpus, doc_id, **change):
    seeded = copy.deepcopy(corpus)
    loc, doc = next((loc, d) for loc, d in seeded.assertions if d == doc_id and loc.record.excerpt)
    for k, v in change.items():
        setattr(loc.record, k, v(loc.record) if callable(v) else v)
    return seeded


def test_a_reworded_excerpt_is_caught(corpus, documents):
    seeded = _seeded(corpus, "dhs-2023-spicypanda", excerpt=lambda a: a.excerpt + " and more words no one wrote")
    assert len(excerpt_problems(seeded, documents)) == 1


def test_confidence_words_of_the_asserter_missing_from_the_excerpt_are_caught(corpus):
    from iokg.ingest.records import Confidence
    seeded = _seeded(corpus, "dhs-2023-spicypanda",
                     confidence=Confidence(words="beyond any doubt", whose="asserter"))
    assert len(confidence_problems(seeded)) == 1


def test_a_date_no_document_gives_is_caught(corpus, documents):
    seeded = copy.deepcopy(corpus)
    src = next(loc for loc in seeded.sources if loc.record.id == "dhs-2023-spicypanda")
    src.record.date = "2023-04-26"
    assert any("dhs-2023-spicypanda: date 2023-04-26" in p for p in date_problems(seeded, documents))


def test_a_bare_entity_link_is_refused_by_the_build(tmp_path):
    import shutil

    from iokg.build import validate
    from iokg.errors import IngestError
    from reference_documents import ROOT
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "basic", data)
    (data / "entities" / "all.yaml").write_text((data / "entities" / "all.yaml").read_text())
    # a hierarchy triple written straight into the graph, as a converter bug would
    from iokg.ingest import rdf
    original = rdf.convert

    def convert_with_a_bare_link(corpus):
        out = original(corpus)
        out.add(ox.NamedNode(vocab.entity_iri("cell-1")), ox.NamedNode(vocab.NS + "parent"),
                ox.NamedNode(vocab.entity_iri("alpha")))
        return out
    import iokg.build as b
    b.convert, saved = convert_with_a_bare_link, b.convert
    try:
        with pytest.raises(IngestError, match="a link between two entities is a claim"):
            validate(data)
    finally:
        b.convert = saved
