"""The build's materialized rows (`iokg.materialized`) are exactly the named query's rows, for every
entity, claim and source of the curated data; lookups read them; a build without them still answers."""

from __future__ import annotations

import shutil

import pyoxigraph as ox

from iokg import provenance, vocab
from iokg.materialized import FILENAME, MaterializedRows
from iokg.queries import get_query, run_named
from iokg.store import EmbeddedStore, resolve_store


def _ids(store: EmbeddedStore, cls: str) -> list[ox.NamedNode]:
    rows = store.select(f"SELECT DISTINCT ?x WHERE {{ ?x a <{cls}> }}")
    return [r["x"] for r in rows]


#: GROUP_CONCAT lists, in no order SPARQL promises (readers sort carriers by position)
UNORDERED = {"via", "evidenceKinds"}


def _texts(rows):
    return [{k: " ".join(sorted(v.value.split())) if k in UNORDERED else str(v) for k, v in row.items()}
            for row in rows]


def test_materialized_rows_are_the_querys_rows_for_every_id(data_store):
    store = EmbeddedStore(data_store)
    materialized = MaterializedRows(data_store)
    query = get_query("assertions")
    checked = 0
    for param, cls in (("entity", None), ("claim", vocab.NS + "Claim"), ("source", vocab.NS + "Source")):
        if cls is None:
            things = [r["e"] for r in store.select(
                "PREFIX iokg: <https://w3id.org/iokg/ns#> SELECT DISTINCT ?e WHERE { "
                "{ ?c iokg:subject ?e } UNION { ?c iokg:object ?e } FILTER isIRI(?e) }")]
        else:
            things = _ids(store, cls)
        assert things, param
        for term in things:
            live = store.select(query.text, {ox.Variable(param): term})
            kept = materialized.rows("assertions", param, term)
            assert _texts(kept) == _texts(live), (param, term.value)
            checked += 1
    assert checked > 500


def test_lookups_read_the_materialized_rows(data_store, monkeypatch):
    store = EmbeddedStore(data_store)
    asked = []
    select = store.select

    def counting(text, substitutions=None):
        asked.append(text)
        return select(text, substitutions)

    monkeypatch.setattr(store, "select", counting)
    run_named(store, "assertions", entity="spamouflage")
    assert asked == []  # one point read of SQLite, no query
    run_named(store, "assertions", entity="spamouflage", claim="x")  # two parameters: the query
    assert len(asked) == 1


def test_a_build_without_the_file_answers_the_same_by_query(data_store, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(resolve_store(data_store), copy)
    (copy / FILENAME).unlink()
    with_file = provenance.entity(EmbeddedStore(data_store), "spamouflage")
    without = EmbeddedStore(copy)
    assert without.materialized.rows("assertions", "entity", ox.NamedNode(vocab.entity_iri("spamouflage"))) is None
    assert provenance.entity(without, "spamouflage") == with_file
