"""Browsing and searching in real headless Chromium, over a real server and the store built from
the curated ``data/``: browse → technique → the claims that use it → a claim; search → a result
(an alias, a publisher); the source filters without JavaScript (every page type at phone width is in
``test_pages_quality_browser.py``). Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import pytest

from browser import screenshot

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


def test_browse_to_a_technique_and_the_claims_that_use_it(page, site):
    page.goto(site.url + "/")
    page.locator("header nav a", has_text="Techniques").click()
    page.wait_for_url("**/t")
    assert page.locator("h1").inner_text() == "DISARM techniques"
    assert "CC BY-SA 4.0" in page.locator("#disarm-credit").inner_text()
    screenshot(page, "browse-1-techniques", full_page=False)
    page.locator("#used-techniques a", has_text="T0049.004").click()
    page.wait_for_url("**/t/T0049.004")
    assert page.locator("h1").inner_text() == "T0049.004 Utilise Spamoflauge"
    assert page.locator("#technique-tactic").inner_text() == "TA17 Maximise Exposure"
    claims = page.locator("#technique-claims li")
    assert claims.count() == 1
    assert "1 independent origin: Graphika; read in Wikipedia 2024." in claims.first.inner_text()
    screenshot(page, "browse-2-technique")
    claims.first.locator("a.technique-claim__label").click()
    page.wait_for_url("**/c/spamouflage--usesTechnique--T0049.004")
    assert page.locator("h1").inner_text() == "Spamouflage uses technique T0049.004 Utilise Spamoflauge"
    assert page.locator("#cite-iri").inner_text() == (
        "https://w3id.org/iokg/id/claim/spamouflage--usesTechnique--T0049.004")
    screenshot(page, "browse-3-claim")
    page.go_back()
    page.locator("#technique-tactic a").click()
    page.wait_for_url("**/t/TA17")
    assert page.locator("#narrower-heading").is_visible()


def test_search_an_alias_spelled_otherwise_and_open_the_result(page, site):
    page.goto(site.url + "/")
    page.fill("#q", "storm1376")
    page.keyboard.press("Enter")
    page.wait_for_url("**/find?q=storm1376")
    hit = page.locator("li.hit").first
    assert hit.locator(".hit__matched").inner_text() == "Matched the alias Storm 1376 → Spamouflage"
    screenshot(page, "search-1-alias", full_page=False)
    hit.locator("a.hit__label").click()
    page.wait_for_url("**/e/spamouflage")
    assert page.locator("h1").inner_text() == "Spamouflage"


def test_search_a_publisher_then_its_sources_then_one(page, site):
    page.goto(site.url + "/find?q=the+record")
    hit = page.locator("li.hit").first
    # the publisher is a party: its entity first, with the link to its sources
    assert hit.locator("a.hit__label").get_attribute("href") == "/e/the-record"
    assert hit.locator(".hit__type").inner_text() == "organization · publisher of 1 source"
    hit.locator("a.hit__sources").click()
    page.wait_for_url("**/sources?publisher=The+Record")
    rows = page.locator("#source-list li")
    assert rows.count() == 1
    screenshot(page, "search-2-publisher-sources", full_page=False)
    rows.first.locator("a.source-row__title").click()
    page.wait_for_url("**/s/therecord-2023-08-29")
    assert "The Record" in page.locator("main").inner_text()
    # and the entity's page lists what it published, with the same listing
    page.go_back()
    page.go_back()
    page.locator("li.hit").first.locator("a.hit__label").click()
    page.wait_for_url("**/e/the-record")
    assert page.locator("#published-listing").inner_text() == "1 source"
    assert page.locator("#published-list a").get_attribute("href") == "/s/therecord-2023-08-29"


def test_a_typo_still_finds_the_campaign(page, site):
    page.goto(site.url + "/find?q=spamoflage")
    first = page.locator("li.hit").first
    assert first.locator("a.hit__label").inner_text() == "Spamouflage"
    assert "spelled differently" in first.inner_text()
    screenshot(page, "search-3-typo", full_page=False)


def test_source_filters_work_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(site.url + "/sources")
    page.select_option("#f-publisher", "Axios")
    page.select_option("#f-sort", "oldest")
    page.locator("form.filters button").click()
    page.wait_for_url("**/sources?*publisher=Axios*")
    dates = page.locator("#source-list time").all_inner_texts()
    assert dates == ["2019-09-25", "2022-06-03"]
