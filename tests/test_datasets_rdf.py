"""`dataset_quads`: the imported datasets and their accounts as quads a build can add to the graph."""

from __future__ import annotations

import pyoxigraph as ox

from archives import tweet, user, write_release
from iokg.datasets import GRAPH_DATASETS, dataset_quads
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.rdf import account_iri, dataset_iri

HASHED = "Ul+6dbzSn2wt1Jj0Ct8XOJeN8qZPlRvo56mwh5n4Ags="
PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX iokg: <https://w3id.org/iokg/ns#>
PREFIX spdx: <http://spdx.org/rdf/terms#> """


def test_quads_describe_the_dataset_its_files_and_its_accounts(tmp_path):
    folder = write_release(tmp_path / "r", [user(HASHED), user("1234567890", screen="unhashed_name")], [
        tweet("1", HASHED, "2020-01-01 00:00"), tweet("2", "1234567890", "2020-02-01 12:00")])
    report = import_twitter_io(folder, tmp_path / "d", "aspi-like", title="A release")
    quads = dataset_quads(tmp_path / "d")
    assert {q.graph_name for q in quads} == {ox.NamedNode(GRAPH_DATASETS)}
    store = ox.Store()
    store.extend(quads)

    def select(q):
        return [[t.value if t is not None else None for t in row] for row in store.query(PREFIXES + q, use_default_graph_as_union=True)]  # noqa: E501

    assert select("SELECT ?id ?title ?a ?t ?bad WHERE { ?d a dcat:Dataset ; dcterms:identifier ?id ; dcterms:title ?title ;"
                  " iokg:accountCount ?a ; iokg:tweetCount ?t ; iokg:badRowCount ?bad }") == [
        ["aspi-like", "A release", "2", "2", "0"]]
    sums = {row[0]: row[1] for row in select(
        "SELECT ?name ?sum WHERE { ?d dcat:distribution ?f . ?f dcterms:title ?name ; spdx:checksum ?c ."
        " ?c spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum }")}
    assert sums == {f["name"]: f["sha256"] for f in report.manifest["files"]}
    accounts = select("SELECT ?a ?id ?name ?hashed WHERE { ?a a foaf:OnlineAccount ; dcterms:identifier ?id ;"
                      " dcterms:isPartOf ?d ; iokg:idHashed ?hashed OPTIONAL { ?a foaf:accountName ?name } } ORDER BY ?id")
    assert accounts == [
        [account_iri("aspi-like", "1234567890"), "1234567890", "unhashed_name", "false"],
        [account_iri("aspi-like", HASHED), HASHED, None, "true"],  # no screen name for a hashed account
    ]
    assert account_iri("aspi-like", HASHED).startswith(dataset_iri("aspi-like") + "/account/Ul%2B6dbz")
    assert select("SELECT ?first WHERE { ?d iokg:firstTweetTime ?first }") == [["2020-01-01T00:00:00Z"]]
    assert len(dataset_quads(tmp_path / "d", accounts=False)) < len(quads)


def test_no_datasets_no_quads(tmp_path):
    assert dataset_quads(tmp_path / "nothing") == []
