"""/dumps/claims.csv: one row per assertion of the curated data, read back with the csv module
over a real server, with the columns docs/api.md lists."""

from __future__ import annotations

import csv
import io

import pytest

from iokg.export import claims_csv
from iokg.store import open_read_only


@pytest.fixture(scope="module")
def served(data_site):
    r = data_site.get("/dumps/claims.csv")
    listing = data_site.get("/dumps/").json()
    return r, listing


@pytest.fixture(scope="module")
def table(served) -> list[dict[str, str]]:
    r, _ = served
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8"), newline="")))


def test_served_listed_and_parsed(served, table):
    r, listing = served
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "claims.csv" in [d["name"] for d in listing["dumps"]]
    assert list(table[0]) == [name for name, _ in claims_csv.COLUMNS]


def test_one_row_per_assertion(data_store, table):
    db = open_read_only(data_store)
    n = len(list(db.query("""PREFIX iokg: <https://w3id.org/iokg/ns#>
        SELECT ?a WHERE { GRAPH <https://w3id.org/iokg/graph/data> { ?a a iokg:Assertion } }""")))
    assert len(table) == n > 100


def test_a_contested_attribution_reads_row_by_row(table):
    rows = [r for r in table if r["claim_id"] == "spamouflage--attributedTo--prc-government"]
    stances = {r["stance"] for r in rows}
    assert {"supports", "denies", "disputes"} <= stances
    denial = next(r for r in rows if r["stance"] == "denies")
    assert "Embassy" in denial["asserting_party"] and denial["excerpt"]
    origins = {r["independent_origins"] for r in rows}
    assert len(origins) == 1 and int(origins.pop()) == len(
        {r["asserting_party_id"] for r in rows if r["stance"] == "supports"})
    assert all(r["subject"] == "Spamouflage" and r["predicate"] == "attributedTo" for r in rows)


def test_carriers_words_and_dates(table):
    carried = [r for r in table if r["carriers"]]
    assert carried and all(r["document_id"] not in r["carriers"].split(" > ") for r in carried)
    worded = [r for r in table if r["confidence_words"]]
    assert worded and all(r["confidence_whose"] for r in worded)
    assert all(len(r["document_date"]) in (4, 7, 10) for r in table)
    assert any(r["likelihood"] == "very likely" for r in table)
    figures = [r for r in table if r["value"]]
    assert figures and all(not r["object_id"] for r in figures)
