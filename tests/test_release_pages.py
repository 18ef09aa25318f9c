"""The release's pages and JSON, over a real server on the store built from the curated data/:
the takedown's released counts beside the reported figures, the release page, the paged indicator
list, and proof that no page links to, fetches or re-fangs an indicator. Pages are parsed
(``html_tree``), never grepped."""

from __future__ import annotations

import csv

import pytest

from html_tree import parse
from reference_documents import ROOT

DATASET = "meta-2023-q2-spamouflage-indicators"
RELEASE = ROOT / "data" / "releases" / "meta-2023-q2-spamouflage"
with open(RELEASE / "Q2_2023_Spamouflage_China_based_CIB_updated.csv", newline="", encoding="utf-8") as _f:
    RELEASED = [r["Indicator"] for r in csv.DictReader(_f) if r["Indicator"].strip()]
COUNTS = {"7,704 Facebook accounts", "954 Facebook Pages", "15 Facebook Groups", "15 Instagram accounts"}
INDICATORS = [v for v in RELEASED if v not in COUNTS]
LINKS = [v for v in INDICATORS if "[.]" in v]


@pytest.fixture(scope="module")
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


def page(site, path: str, status: int = 200):
    r = site.get(path, timeout=30)
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    return r.text, parse(r.text, site.url)


def indicator_pages(site) -> list[str]:
    first = site.get(f"/releases/{DATASET}/indicators", timeout=30).json()
    return [f"/r/{DATASET}/indicators?page={n}" for n in range(1, first["pages"] + 1)]


def test_the_takedown_page_shows_the_released_counts_beside_every_reported_figure(site):
    _, tree = page(site, "/e/meta-takedown-2023-q2")
    table = tree.find("table", id="figures-table")
    released = [" ".join(row.text().split()) for row in table.find_all("tr", cls="released")]
    reported = [" ".join(row.text().split()) for row in table.find_all("tr", cls="reported")]
    for figure in ("removed accounts: 7,704", "removed Pages: 954", "removed Groups: 15",
                   "removed Instagram accounts: 15"):
        assert sum(r.startswith(figure) for r in released) == 1, (figure, released)
    assert any(r.startswith("removed accounts: nearly 8,000") for r in reported), reported
    assert any(r.startswith("removed accounts: nearly 9,000") and "accounts and pages" in r for r in reported)
    words = " ".join(tree.find("section", cls="takedown-figures").text().split())
    assert "does not add them up or reconcile them" in words
    assert not any(total in words for total in ("7,719", "8,688", "8,703"))  # no sum is made up


def test_the_release_page_names_its_origin_licence_credit_caveat_and_files(site):
    _, tree = page(site, f"/r/{DATASET}")
    meta = " ".join(tree.find("dl", id="release-metadata").text().split())
    assert "facebook/threat-research" in meta and "a1b05bff1c29fe32e116c4a5eb35b0f0d4e717b1" in meta
    assert "MIT" in meta
    assert tree.find(id="release-credit").text().strip() == "Indicators: Meta, facebook/threat-research, MIT License."
    assert ("would be insufficient to attribute accounts to a given campaign without corroborating evidence"
            in tree.find(id="release-caveat").text())
    files = " ".join(tree.find("table", id="release-files").text().split())
    assert "9904591a4f6ef13e3d98a0bb69454e49b4620ea6793da74fda02cef9acf6843c" in files
    assert "indicators/csv/Q2_2023 /Q2_2023_Spamouflage_China_based_CIB_updated.csv" in files
    assert tree.find("table", id="figures-table").find_all("tr", cls="released")
    assert f"/r/{DATASET}/indicators" in tree.links()


def test_the_indicator_pages_list_every_indicator_exactly_as_released(site):
    shown = []
    for path in indicator_pages(site):
        _, tree = page(site, path)
        # the cell's own characters (text() folds white space; a value keeps its hair spaces)
        shown += ["".join(c for c in e.children if isinstance(c, str))
                  for e in tree.find_all("code", cls="indicator-value")]
    assert shown == INDICATORS and len(shown) == 524


REFANGED = [v.replace("[.]", ".") for v in LINKS]
URL_ATTRIBUTES = ("href", "src", "action", "srcset", "data", "poster", "cite", "formaction")


def indicator_leaks(html: str) -> list[str]:
    """Every attribute of the page that holds an indicator (as released or re-fanged), and every
    re-fanged link anywhere in its text."""
    found = []
    for e in parse(html).iter():
        for name, value in e.attrs.items():
            if value and name in URL_ATTRIBUTES and any(v in value for v in INDICATORS + REFANGED):
                found.append(f"<{e.tag} {name}={value!r}>")
    found += [f"re-fanged {v!r}" for v in REFANGED if v in html]
    return found


def test_the_leak_check_bites():
    assert indicator_leaks(f'<p><a href="{LINKS[0]}">x</a></p>')
    assert indicator_leaks(f'<img src="{REFANGED[1]}">')
    assert indicator_leaks(f"<p>{REFANGED[2]}</p>")
    assert indicator_leaks(f"<p><code>{LINKS[0]}</code></p>") == []


def test_no_page_links_to_an_indicator_nor_shows_one_re_fanged(site):
    paths = [f"/r/{DATASET}", "/e/meta-takedown-2023-q2", "/e/spamouflage", f"/s/{DATASET}",
             "/find?q=twitter", *indicator_pages(site)]
    for path in paths:
        html, _ = page(site, path)
        assert indicator_leaks(html) == [], path


def test_the_indicators_in_json_say_they_are_defanged(site):
    got = []
    pages = site.get(f"/releases/{DATASET}/indicators", timeout=30).json()["pages"]
    for n in range(1, pages + 1):
        body = site.get(f"/releases/{DATASET}/indicators", params={"page": n}, timeout=30).json()
        got += body["indicators"]
    assert [i["value"] for i in got] == INDICATORS
    assert all(i["defanged"] is True and i["kind"] == "link" for i in got if i["value"] in LINKS)
    assert sum(i["defanged"] for i in got) == len(LINKS) == 250
    assert all(i["network"] == "spamouflage" and i["step"] for i in got)


def test_release_json_and_figures(site):
    body = site.get(f"/releases/{DATASET}", timeout=30).json()
    assert body["licence"] == "MIT" and body["takedown"] == "meta-takedown-2023-q2"
    assert body["accompanies"] == "meta-2023-q2-threat-report"
    assert sorted(f["value"] for f in body["figures"]["released"]) == [15, 15, 954, 7704]
    figures = site.get("/takedowns/meta-takedown-2023-q2/figures", timeout=30).json()
    assert {(f["qualifier"], f["value"]) for f in figures["reported"]} >= {("nearly", 8000), ("nearly", 9000)}


@pytest.mark.parametrize("path, status", [
    (f"/releases/{DATASET}/indicators?page=abc", 400), (f"/releases/{DATASET}/indicators?page=0", 400),
    (f"/releases/{DATASET}/indicators?page=99", 404), ("/releases/no-such-release", 404)])
def test_bad_pages_and_unknown_releases_are_json_errors(site, path, status):
    r = site.get(path, timeout=30)
    assert r.status_code == status
    assert r.json()["error"]["status"] == status and r.json()["error"]["message"]


def test_unknown_release_pages_are_404_pages(site):
    page(site, "/r/no-such-release", 404)
    page(site, f"/r/{DATASET}/indicators?page=99", 404)
