"""Search (iokg.search) over the index each build writes: what a journalist types finds what they
meant, on the curated data/; the ranking, fields and paging on the small lookups corpus; the
index lives inside the build, so a failed build never changes what search finds."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import curated_counts
from iokg import search as searching
from iokg.build import build
from iokg.errors import IngestError, InvalidQuery
from iokg.search.index import FILENAME, SearchIndex
from iokg.store import EmbeddedStore, resolve_store


@pytest.fixture(scope="module")
def data_index(data_store):
    return SearchIndex(EmbeddedStore(data_store))


@pytest.fixture(scope="module")
def lookups_index(lookups_store_path):
    return SearchIndex(EmbeddedStore(lookups_store_path))


def first(index, q, **kw):
    results = searching.search(index, q, **kw)
    assert results.results, f"nothing found for {q!r}"
    return results.results[0]


def found(index, q, **kw) -> list[tuple[str, str]]:
    return [(h.kind, h.id) for h in searching.search(index, q, limit=200, **kw).results]


# ---------------------------------------------------------------- what a journalist meant (data/)
@pytest.mark.parametrize(("q", "kind", "ident", "field"), [
    ("Storm-1376", "entity", "spamouflage", "alias"),
    ("storm 1376", "entity", "spamouflage", "alias"),
    ("Storm1376", "entity", "spamouflage", "alias"),
    ("STORM–1376", "entity", "spamouflage", "alias"),  # an en dash, upper case
    ("Dragon Bridge", "entity", "spamouflage", "alias"),
    ("dragonbridge", "entity", "spamouflage", "alias"),
    ("Spicy Panda", "entity", "spicypanda", "label"),
    ("spamoflage", "entity", "spamouflage", "label"),
    ("Spamuflage", "entity", "spamouflage", "label"),
    ("Spämouflage", "entity", "spamouflage", "label"),
    ("Ministry of Public Securities", "entity", "mps", "label"),
    ("public security ministry", "entity", "mps", "label"),
    # a publisher is a party of the graph: its entity comes first (and leads to its sources, below)
    ("The Record", "entity", "the-record", "label"),
    ("Wired", "entity", "wired", "label"),
    ("Axios", "entity", "axios", "label"),
    ("Clemson", "entity", "clemson-university", "label"),
    ("Jack Stubbs", "entity", "jack-stubbs", "label"),
    ("jack stubs", "entity", "jack-stubbs", "label"),
    ("T0049.004", "technique", "T0049.004", "notation"),
    ("Utilise Spamoflauge", "technique", "T0049.004", "name"),
])
def test_finds_what_a_journalist_meant_first(data_index, q, kind, ident, field):
    hit = first(data_index, q)
    assert (hit.kind, hit.id, hit.field) == (kind, ident, field)


@pytest.mark.parametrize("q", ["Storm-1376", "storm 1376", "Storm1376", "Dragon Bridge", "Spicy Panda"])
def test_spelling_variants_of_a_name_are_exact_matches(data_index, q):
    hit = first(data_index, q)
    assert hit.exact and hit.match == "exact"


@pytest.mark.parametrize("q", ["spamoflage", "Spamuflage", "spicypamda", "dragonbrige"])
def test_typos_are_forgiven_and_said(data_index, q):
    hit = first(data_index, q)
    assert hit.match == "typo" and not hit.exact
    assert hit.id in {"spamouflage", "spicypanda"}


@pytest.mark.parametrize(("q", "name", "sources"), [
    ("The Record", "The Record", {"therecord-2023-08-29"}), ("Wired", "Wired", {"wired-2024-04-29"}),
    ("Axios", "Axios", {"axios-2019-09-25", "axios-2022-06-03"}),
    ("Clemson", "Clemson University", {"clemson-2022-places-youll-guo", "clemson-2023-five-year-spam"}),
])
def test_a_publisher_finds_its_sources(data_index, q, name, sources):
    results = searching.search(data_index, q, kind="source", limit=50)
    by_publisher = {h.id for h in results.results if h.field == "publisher"}
    assert by_publisher == sources
    # the first hit, the publisher's entity, counts its sources and names the listing of them
    top = first(data_index, q)
    assert (top.sources, top.published_as) == (len(sources), name)
    # the publisher's listing is a hit of its own, after the entity, with the same count and the entity's IRI
    listing = first(data_index, q, kind="publisher")
    assert (listing.id, listing.sources, listing.iri) == (name, len(sources), top.iri)
    kinds = [h.kind for h in searching.search(data_index, q, limit=200).results]
    assert kinds.index("entity") < kinds.index("publisher")


def test_an_entity_that_publishes_nothing_counts_no_sources(data_index):
    hit = first(data_index, "Jack Stubbs")
    assert (hit.id, hit.sources, hit.published_as) == ("jack-stubbs", None, None)


def test_an_author_finds_the_author_and_their_source(data_index):
    assert found(data_index, "Alexander Martin")[:2] == [("author", "Alexander Martin"),
                                                         ("source", "therecord-2023-08-29")]


def test_an_alias_hit_says_which_alias_matched(data_index):
    hit = first(data_index, "dragon bridge")
    assert (hit.label, hit.matched, hit.type, hit.iri) == (
        "Spamouflage", "DRAGONBRIDGE", "campaign", "https://w3id.org/iokg/id/entity/spamouflage")


def test_words_match_in_any_order(data_index):
    hit = first(data_index, "dragon spamouflage")
    assert (hit.id, hit.matched, hit.match) == ("spamouflage", "Spamouflage Dragon", "words")


def test_an_excerpt_finds_its_claim_and_names_the_source(data_index):
    hit = first(data_index, "no factual evidence or legal basis")
    assert (hit.kind, hit.id, hit.field) == ("claim", "spamouflage--attributedTo--prc-government", "excerpt")
    # said by the embassy (Liu Pengyu), via his statement and CNN's article: quoted in the summary we read
    assert hit.quoted_in.id == "outlet-2023-cnn-investigation-summary"
    assert hit.quoted_in.publisher == "Unidentified outlet (summary of a CNN investigation)"
    assert "no factual evidence" in hit.matched


def test_exact_name_matches_rank_above_typos_and_parts(data_index):
    results = searching.search(data_index, "Spamouflage", limit=200).results
    assert (results[0].kind, results[0].id, results[0].exact) == ("entity", "spamouflage", True)
    matches = [h.match for h in results]
    assert matches.index("typo") > max(i for i, m in enumerate(matches) if m == "exact")
    assert all(m == "typo" for m in matches[matches.index("typo"):])


def test_short_ids_do_not_match_across_word_ends(data_index):
    # "MPS" is in "Trump supporters" run together; that is no match
    titles = [h.matched for h in searching.search(data_index, "MPS", limit=200).results]
    assert not any("Trump supporters" in t for t in titles)
    assert first(data_index, "MPS").id == "mps"


def test_a_technique_id_prefix_lists_its_sub_techniques(data_index):
    ids = [h.id for h in searching.search(data_index, "T0049", kind="technique", limit=50).results]
    assert ids[0] == "T0049" and "T0049.004" in ids and all(i.startswith("T0049") for i in ids)


# ---------------------------------------------------------------- ranking, paging, errors (lookups corpus)
def test_entities_sharing_an_alias_both_come_back_exact(lookups_index):
    results = searching.search(lookups_index, "Panda").results
    assert [(h.id, h.field, h.exact) for h in results[:2]] == [("panda-a", "alias", True), ("panda-b", "alias", True)]


def test_groups_count_every_kind_and_kind_narrows(lookups_index):
    everything = searching.search(lookups_index, "dragon", limit=200)
    assert sum(g.total for g in everything.groups) == everything.total
    kinds = [g.kind for g in everything.groups]
    assert kinds[0] == "entity" and "source" in kinds
    sources = searching.search(lookups_index, "dragon", kind="source", limit=200)
    assert {h.kind for h in sources.results} == {"source"}
    assert sources.total == next(g.total for g in everything.groups if g.kind == "source")


def test_pages_follow_each_other(lookups_index):
    whole = [h.id for h in searching.search(lookups_index, "dragon", limit=200).results]
    assert len(whole) >= 4
    pages = []
    for offset in range(0, len(whole), 2):
        page = searching.search(lookups_index, "dragon", limit=2, offset=offset)
        assert page.total == len(whole) and page.truncated == (offset + 2 < len(whole))
        pages += [h.id for h in page.results]
    assert pages == whole


@pytest.mark.parametrize("q", ['"} ; DROP ALL ; {', "x> } ; DROP", "' OR 1=1 --", '" OR *', "NEAR(a b)",
                               "a AND NOT b", "?q", "!!!", "*", "^"])
def test_query_syntax_is_plain_text(lookups_index, q):
    results = searching.search(lookups_index, q)
    assert all(h.kind in searching.KIND_LABELS for h in results.results)


def test_braces_and_punctuation_are_ignored(lookups_index):
    assert first(lookups_index, "{Directs} PANDA-A!").id == "gov-2023-report"
    assert first(lookups_index, "{Accounts}", kind="source").id == "gov-2023-report"
    assert searching.search(lookups_index, "!!!").total == 0


@pytest.mark.parametrize(("kw", "message"), [
    ({"q": ""}, "empty"), ({"q": "   "}, "empty"), ({"q": "x" * 201}, "too long"),
    ({"q": "panda", "kind": "spaceship"}, "kind"), ({"q": "panda", "limit": 0}, "limit"),
    ({"q": "panda", "offset": -1}, "offset"),
])
def test_bad_requests_say_what_is_wrong(lookups_index, kw, message):
    with pytest.raises(InvalidQuery, match=message):
        searching.search(lookups_index, **kw)


# ---------------------------------------------------------------- the index inside the build
def test_the_index_is_written_inside_the_published_build(data_store):
    build_dir = resolve_store(data_store)
    index = build_dir / FILENAME
    assert index.is_file() and (build_dir / ".complete").is_file()
    with sqlite3.connect(index.as_uri() + "?mode=ro", uri=True) as conn:
        kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM things GROUP BY kind"))
    # every entity and source record in data/
    counts = curated_counts()
    assert kinds["entity"] == counts["entities"] and kinds["source"] == counts["sources"] and kinds["technique"] > 300
    assert kinds["publisher"] == 32 and kinds["author"] > 20 and kinds["claim"] > 100
    with sqlite3.connect(index.as_uri() + "?mode=ro", uri=True) as conn:
        publishing = conn.execute("SELECT COUNT(*) FROM things WHERE kind = 'entity' AND published_as IS NOT NULL")
        assert publishing.fetchone()[0] == 32  # every publisher is a party entity


def test_a_failed_build_changes_nothing_and_a_new_build_is_picked_up(data_copy, tmp_path):
    store = tmp_path / "store"
    build(data_copy, store)
    index = SearchIndex(EmbeddedStore(store))
    before = found(index, "Zanzibar")
    assert ("entity", "zanzibar-cluster") not in before
    entities = data_copy / "entities" / "all.yaml"
    good = entities.read_text()
    entities.write_text(good + "\n  - id: zanzibar-cluster\n    type: cluster\n    label: Zanzibar Cluster\n"
                        "    sources: [no-such-source]\n")
    with pytest.raises(IngestError):
        build(data_copy, store)
    assert found(index, "Zanzibar") == before
    entities.write_text(good + "\n  - id: zanzibar-cluster\n    type: cluster\n    label: Zanzibar Cluster\n"
                        "    sources: [report-a]\n")
    build(data_copy, store)
    assert found(index, "zanzibar")[0] == ("entity", "zanzibar-cluster")


def test_a_store_without_an_index_is_indexed_in_memory(lookups_store_path, tmp_path):
    copy = tmp_path / "plain"
    shutil.copytree(resolve_store(lookups_store_path), copy)
    (copy / FILENAME).unlink()
    (copy / "LOCK").unlink(missing_ok=True)
    index = SearchIndex(EmbeddedStore(copy))
    assert first(index, "storm 9").id == "dragon"
    assert not (copy / FILENAME).exists()


def test_index_rows_come_from_the_named_query(data_store):
    from iokg.queries import get_query

    q = get_query("searchable")
    assert q.title == "Everything search covers" and q.params == ()
    fields = {row["field"].value for row in EmbeddedStore(data_store).select(q.text)}
    assert fields == {"label", "alias", "title", "publisher", "author", "notation", "name", "excerpt"}


def test_a_publisher_that_is_a_party_keeps_its_name(tmp_path):
    """dcterms:publisher may become the IRI of a party with a label; search then finds it by that
    label and gives its IRI."""
    import pyoxigraph as ox

    path = tmp_path / "party-store"
    db = ox.Store(str(path))
    ns, dc, skos = "https://w3id.org/iokg/ns#", "http://purl.org/dc/terms/", "http://www.w3.org/2004/02/skos/core#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    src = ox.NamedNode("https://w3id.org/iokg/id/source/r-2023")
    party = ox.NamedNode("https://w3id.org/iokg/id/entity/the-record")
    for s, p, o in [(src, rdf_type, ox.NamedNode(ns + "Source")), (src, ox.NamedNode(dc + "identifier"), ox.Literal("r-2023")),
                    (src, ox.NamedNode(dc + "title"), ox.Literal("A story")),
                    (src, ox.NamedNode(dc + "publisher"), party),
                    (party, ox.NamedNode(skos + "prefLabel"), ox.Literal("The Record"))]:
        db.add(ox.Quad(s, p, o))
    db.flush()
    del db
    hit = first(SearchIndex(EmbeddedStore(Path(path))), "therecord")
    assert (hit.kind, hit.id, hit.iri) == ("publisher", "The Record", "https://w3id.org/iokg/id/entity/the-record")
