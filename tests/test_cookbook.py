"""docs/cookbook.md: every recipe's query runs against the curated data and gives the answer printed
under it (as CSV). `IOKG_UPDATE_SNAPSHOTS=1` rewrites the answers; read the diff before committing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.screening import screen

COOKBOOK = Path(__file__).resolve().parents[1] / "docs" / "cookbook.md"
RECIPE = re.compile(r"(### (\d+)\. [^\n]*\n.*?```sparql\n(.*?)```\n\n```csv\n)(.*?)(```)", re.S)


def recipes() -> list[tuple[str, str, str]]:
    return [(m.group(2), m.group(3), m.group(4)) for m in RECIPE.finditer(COOKBOOK.read_text(encoding="utf-8"))]


def answer(store: Path, query: str) -> str:
    db = ox.Store.read_only(str(store.resolve()))
    result = db.query(query, use_default_graph_as_union=True, prefixes=PREDECLARED)
    text = result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    return text.replace("\r\n", "\n")


def test_the_cookbook_has_at_least_fifteen_recipes():
    assert len(recipes()) >= 15


@pytest.fixture(scope="module")
def answers(data_store) -> dict[str, str]:
    got = {number: answer(data_store, query) for number, query, _ in recipes()}
    if os.environ.get("IOKG_UPDATE_SNAPSHOTS") == "1":
        text = COOKBOOK.read_text(encoding="utf-8")
        text = RECIPE.sub(lambda m: m.group(1) + got[m.group(2)] + m.group(5), text)
        COOKBOOK.write_text(text, encoding="utf-8")
    return got


@pytest.mark.parametrize("number", [n for n, _, _ in recipes()])
def test_each_recipe_gives_its_printed_answer(answers, number):
    printed = {n: a for n, _, a in recipes()}[number]
    assert answers[number].count("\n") > 1, f"recipe {number} answers nothing on the curated data"
    assert answers[number] == printed, f"recipe {number}: the answer changed; read it, then update the cookbook"


def test_every_recipe_passes_the_endpoints_screening():
    for number, query, _ in recipes():
        screen(query)  # raises on an update or SERVICE


def test_the_federated_recipe_is_refused_by_our_endpoint(server):
    text = COOKBOOK.read_text(encoding="utf-8")
    federated = re.search(r"```sparql-federated\n(.*?)```", text, re.S).group(1)
    r = httpx.get(server.url + "/sparql", params={"query": federated}, timeout=30)
    assert r.status_code == 403 and r.json()["error"]["type"] == "forbidden"
