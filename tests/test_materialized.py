"""The build's materialized rows (`iokg.materialized`) are exactly the named queries' rows, for every
entity, claim and source of the curated data (attribution also with ``as_of``); lookups and the
named-query door read them; a build without them still answers the same.

Each query runs once unbound and its rows, grouped by the parameter's column, are what the query
gives with that parameter bound (a few ids per query are run bound to hold the two together)."""

from __future__ import annotations

import re
import shutil

import pyoxigraph as ox
import pytest

from iokg import provenance, vocab
from iokg.materialized import FILENAME, FILINGS, MaterializedRows, answer
from iokg.queries import get_query, run_named
from iokg.store import EmbeddedStore, resolve_store

#: GROUP_CONCAT lists, in no order SPARQL promises (readers sort carriers by position)
UNORDERED = {"via", "evidenceKinds", "authors", "origins", "relays", "contesting", "inconclusive"}
V = ox.Variable
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _texts(rows):
    """Rows as comparable text, in order; the terms' kinds and datatypes included (str of a term)."""
    return [{k: sorted(re.split(r"[;\s]+", v.value)) if k in UNORDERED else str(v) for k, v in row.items()}
            for row in rows]


def _grouped(rows, param):
    out: dict[str, list] = {}
    for row in rows:
        if param in row:
            out.setdefault(row[param].value, []).append(row)
    return out


@pytest.fixture(scope="module")
def store(data_store):
    return EmbeddedStore(data_store)


@pytest.fixture(scope="module")
def kept(data_store):
    return MaterializedRows(data_store)


@pytest.fixture(scope="module")
def unbound(store):
    """Each query's rows with no parameter bound, run once for the module."""
    cache: dict[str, list] = {}
    return lambda query: cache.setdefault(query, None) or cache.update({query: store.select(
        get_query(query).text)}) or cache[query]


_TYPED: list = []


def _ids(store, kind):
    if not _TYPED:
        _TYPED.extend(r["x"] for r in store.select("SELECT DISTINCT ?x WHERE { ?x a ?c }"))
    return [x for x in _TYPED if x.value.startswith(vocab.ID + kind + "/")]


CASES = [("assertions", "entity", "entity"), ("assertions", "claim", "claim"), ("assertions", "source", "source"),
         ("entity", "entity", "entity"), ("source", "source", "source"), ("corroboration", "claim", "claim"),
         ("computed-evidence", "claim", "claim"), ("attribution", "entity", "entity")]


@pytest.mark.parametrize(("query", "param", "kind"), CASES)
def test_filed_rows_are_the_querys_rows_for_every_id(store, kept, unbound, query, param, kind):
    """For every id of that kind in the graph (and some that name nothing), in the query's order."""
    live = _grouped(unbound(query), param)
    ids = _ids(store, kind)
    assert len(ids) >= 40
    with_rows = 0
    for term in [*ids, ox.NamedNode(vocab.ID + kind + "/no-such-thing")]:
        filed = kept.rows(query, param, term)
        assert _texts(filed) == _texts(live.get(term.value, [])), (query, term.value)
        with_rows += bool(filed)
    assert with_rows >= min(20, len(live)), query
    # the unbound query grouped is the bound query: a few ids run bound, the largest first
    for iri in sorted(live, key=lambda k: -len(live[k]))[:2] + sorted(live)[:1]:
        bound = store.select(get_query(query).text, {V(param): ox.NamedNode(iri)})
        assert _texts(kept.rows(query, param, ox.NamedNode(iri))) == _texts(bound), (query, iri)


@pytest.mark.parametrize("as_of", ["2019-09-30", "2021-12-31", "1900-01-01"])
def test_attribution_as_of_is_the_querys_filter(store, kept, as_of):
    """attribution.rq with ``as_of`` only keeps rows dated on or before it: the filed rows cut in
    Python are exactly its rows, ``?as_of`` bound in each, for every entity."""
    day = ox.Literal(as_of, datatype=ox.NamedNode(XSD_DATE))
    text = get_query("attribution").text
    live = _grouped(store.select(text, {V("as_of"): day}), "entity")
    cut = 0
    for term in _ids(store, "entity"):
        full = kept.rows("attribution", "entity", term)
        filed = answer(kept, "attribution", {V("entity"): term, V("as_of"): day})
        assert _texts(filed) == _texts(live.get(term.value, [])), (as_of, term.value)
        cut += len(full) - len(filed)
    assert cut > 0  # the filter does something
    spam = ox.NamedNode(vocab.entity_iri("spamouflage"))
    bound = store.select(text, {V("entity"): spam, V("as_of"): day})
    assert _texts(answer(kept, "attribution", {V("entity"): spam, V("as_of"): day})) == _texts(bound)


def test_source_list_per_publisher_and_exists_per_id(store, kept):
    """source-list bound to a publisher's name; exists for every typed entity, source and claim
    IRI and for IRIs naming nothing."""
    text = get_query("source-list").text
    publishers = sorted({r["sourcePublisher"].value for r in store.select(text) if "sourcePublisher" in r})
    assert len(publishers) >= 5
    for name in publishers[:4] + ["No Such Publisher"]:
        term = ox.Literal(name)
        assert _texts(kept.rows("source-list", "publisher", term)) == _texts(
            store.select(text, {V("publisher"): term})), name
    exists = get_query("exists").text
    for kind in ("entity", "source", "claim"):
        for term in [*_ids(store, kind)[:60], ox.NamedNode(vocab.ID + kind + "/nothing-here")]:
            assert _texts(kept.rows("exists", "thing", term)) == _texts(store.select(exists, {V("thing"): term}))
    # an IRI outside what is filed is not answered from the file (the query runs)
    assert answer(kept, "exists", {V("thing"): ox.NamedNode("https://example.org/x")}) is None


def test_the_file_says_what_it_holds(kept):
    assert kept.filed() == {f"{f.query}/{p}" for f in FILINGS.values() for p in f.params}


def test_lookups_read_the_materialized_rows(data_store, monkeypatch):
    """The entity, attribution, claim and source lookups run no query at all."""
    store = EmbeddedStore(data_store)
    asked = []
    select = store.select

    def counting(text, substitutions=None):
        asked.append(text)
        return select(text, substitutions)

    monkeypatch.setattr(store, "select", counting)
    provenance.entity(store, "spamouflage", "2021")
    provenance.attribution(store, "spamouflage", "2021")
    provenance.claim(store, "spamouflage--attributedTo--prc-government")
    provenance.source(store, "dhs-2023-spicypanda")
    run_named(store, "corroboration", claim="spamouflage--attributedTo--prc-government")
    assert asked == []  # point reads of SQLite, no query
    run_named(store, "assertions", entity="spamouflage", claim="x")  # two parameters: the query
    assert len(asked) == 1


def test_the_named_query_door_reads_them_with_the_cap(data_site, monkeypatch):
    """/queries/{name} with one id answers from the rows, ids checked there, the row cap applied."""
    from iokg.sparql.service import PooledStore

    def no_worker(*a, **k):
        raise AssertionError("a query ran in a worker")

    monkeypatch.setattr(PooledStore, "rows", no_worker)
    r = data_site.get("/queries/attribution", params={"entity": "spamouflage", "as_of": "2021"})
    assert r.status_code == 200 and r.json()["rows"] and r.json()["rows"][0]["as_of"] == "2021-12-31"
    assert data_site.get("/queries/corroboration", params={"claim": "no-such-claim"}).status_code == 404
    whole = data_site.get("/queries/assertions", params={"entity": "spamouflage"}).json()
    assert len(whole["rows"]) > 5 and whole["truncated"] is False
    # the pages and JSON lookups too: no query reaches a worker
    prc = "/c/spamouflage--attributedTo--prc-government"
    for path in ("/e/spamouflage", "/e/spamouflage?as_of=2021", "/e/graphika", prc, prc + "?as_of=2020",
                 "/s/dhs-2023-spicypanda", "/entities/spamouflage", "/entities/spamouflage/attribution?as_of=2020",
                 "/sources/dhs-2023-spicypanda", "/claims/spamouflage--attributedTo--prc-government"):
        assert data_site.get(path).status_code == 200, path


def test_the_row_cap_applies_to_materialized_rows(kept):
    """The named-query door cuts the rows it reads at the row cap, and says so."""
    from iokg.sparql.service import _materialized_rows

    named = get_query("assertions")
    cut = _materialized_rows(kept, named, named.bind({"entity": "spamouflage"}), 3)
    whole = _materialized_rows(kept, named, named.bind({"entity": "spamouflage"}), 10_000)
    assert len(cut.rows) == 3 and cut.truncated is True and cut.rows == whole.rows[:3]
    assert whole.truncated is False and cut.columns == whole.columns and cut.columns[:3] == ["entity", "claim", "source"]


def test_a_build_without_the_file_answers_the_same_by_query(data_store, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(resolve_store(data_store), copy)
    (copy / FILENAME).unlink()
    with_file = EmbeddedStore(data_store)
    without = EmbeddedStore(copy)
    assert without.materialized.rows("assertions", "entity", ox.NamedNode(vocab.entity_iri("spamouflage"))) is None
    for lookup, ident in ((provenance.entity, "spamouflage"), (provenance.attribution, "spamouflage"),
                          (provenance.source, "dhs-2023-spicypanda")):
        for as_of in (None, "2023-06", "2024"):
            assert lookup(without, ident, as_of) == lookup(with_file, ident, as_of)
