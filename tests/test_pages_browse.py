"""The browsing pages (sources, entities, DISARM techniques, publishers, people), the grouped
search results page and the technique lookup, as served by a real server over the store built
from the curated ``data/``. Pages are parsed (``html_tree``), never grepped."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import curated_counts
from html_tree import Element, parse
from iokg import browse
from iokg.store import EmbeddedStore

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


@pytest.fixture(scope="module")
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


def get(site, path: str, status: int = 200, **params: str) -> Element:
    r = site.get(path, params=params or None, timeout=30)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    return parse(r.text, site.url)


PAGES = ["/sources", "/sources?publisher=Axios", "/entities", "/entities?type=person", "/t", "/t/T0049.004",
         "/t/TA17", "/publishers", "/persons", "/find?q=spamoflage", "/find?q=T0&kind=technique&page=2"]


@pytest.mark.parametrize("path", PAGES)
def test_browse_pages_are_semantic_and_linked_from_the_navigation(site, path):
    page = get(site, path)
    assert page.find("html").attrs["lang"] == "en"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find_all(landmark), landmark
    levels = [int(e.tag[1]) for e in page.iter() if len(e.tag) == 2 and e.tag[0] == "h" and e.tag[1].isdigit()]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    labelled = {e.attrs["for"] for e in page.find_all("label")}
    fields = page.find_all("input") + page.find_all("select")
    assert all(f.attrs["id"] in labelled for f in fields if f.attrs.get("type") != "hidden")
    nav = page.find("nav", aria_label="Site").links()
    assert {"/sources", "/entities", "/t", "/publishers", "/persons"} <= set(nav)
    assert page.find("link", rel="icon").attrs["href"] == "/static/favicon.svg"
    assert not any("style" in e.attrs for e in page.iter())


def test_home_page_links_every_browsing_page(site):
    links = get(site, "/").find(id="browse-links").links()
    assert links == ["/sources", "/entities", "/t", "/publishers", "/persons"]


def test_the_favicon_is_a_small_svg(site):
    for path in ("/favicon.ico", "/static/favicon.svg"):
        r = site.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        assert r.content.startswith(b"<svg") and len(r.content) < 2000


# ---------------------------------------------------------------- sources
def rows(page: Element) -> list[Element]:
    return page.find(id="source-list").find_all("li", cls="source-row")


def test_sources_newest_first_with_their_facts(site):
    page = get(site, "/sources")
    n = curated_counts()["sources"]  # the source records of data/
    assert page.find(id="sources-summary").text() == f"{n} sources."
    listed = rows(page)
    assert len(listed) == n
    days = [browse_day(r.find("time").attrs["datetime"]) for r in listed]
    assert days == sorted(days, reverse=True)
    dhs = next(r for r in listed if r.find("a").attrs["href"] == "/s/dhs-2023-spicypanda")
    assert dhs.find("time").text() == "2023-04-27"
    assert "government report" in dhs.find(cls="source-row__meta").text()


def browse_day(text: str) -> dt.date:
    """The last day a partial date can stand for (what "newest first" orders by)."""
    from iokg.dates import bounds

    return bounds(text)[1]


def test_sources_filtered_by_publisher_kind_year_and_author(site):
    axios = get(site, "/sources", publisher="Axios")
    assert axios.find("h1").text() == "Sources published by Axios"
    assert {r.find("a").attrs["href"] for r in rows(axios)} == {"/s/axios-2019-09-25", "/s/axios-2022-06-03"}
    chosen = [o.text() for o in axios.find("select", id="f-publisher").find_all("option") if "selected" in o.attrs]
    assert chosen == ["Axios (2)"]
    news_2019 = get(site, "/sources", kind="news-article", year="2019")
    assert rows(news_2019)
    for r in rows(news_2019):
        assert r.find("time").text().startswith("2019") and "news article" in r.text()
    by_author = get(site, "/sources", author="Alexander Martin")
    assert [r.find("a").attrs["href"] for r in rows(by_author)] == ["/s/therecord-2023-08-29"]
    assert by_author.find("input", name="author").attrs["value"] == "Alexander Martin"
    assert by_author.find(id="clear-filters").attrs["href"] == "/sources"


def test_a_source_row_links_its_publisher_and_authors(site):
    record = next(r for r in rows(get(site, "/sources")) if "/s/therecord-2023-08-29" in r.links())
    assert "/sources?publisher=The+Record" in record.links()
    assert "/sources?author=Alexander+Martin" in record.links()


def test_sources_sorted_oldest_first_or_by_title(site):
    oldest = [r.find("time").attrs["datetime"] for r in rows(get(site, "/sources", sort="oldest"))]
    assert oldest[0].startswith("2019") and oldest[-1].startswith("2024")
    titles = [r.find("a").text().casefold() for r in rows(get(site, "/sources", sort="title"))]
    assert titles == sorted(titles)


@pytest.mark.parametrize(("params", "message"), [({"year": "last"}, "year"), ({"kind": "rumour"}, "kind"),
                                                 ({"sort": "random"}, "sort"), ({"page": "two"}, "page")])
def test_bad_source_filters_are_400_with_a_message(site, params, message):
    page = get(site, "/sources", 400, **params)
    assert message in page.find(id="sources-error").text()


def test_the_source_list_pages_through_the_sources(data_store):
    store = EmbeddedStore(data_store)
    whole = [s.id for s in browse.sources(store, limit=100).sources]
    n = curated_counts()["sources"]
    paged = [s.id for offset in range(0, n, 10) for s in browse.sources(store, limit=10, offset=offset).sources]
    assert paged == whole and len(whole) == n


# ---------------------------------------------------------------- entities
def test_entities_by_type(site):
    page = get(site, "/entities")
    headings = [s.find("h2").attrs["id"] for s in page.find_all("section", cls="entity-group")]
    assert headings[:3] == ["type-campaign", "type-cluster", "type-organization"]
    campaigns = page.find("section", cls="entity-group").find_all("li", cls="entity-row")
    spamouflage = next(e for e in campaigns if e.find("a").attrs["href"] == "/e/spamouflage")
    assert "DRAGONBRIDGE" in spamouflage.text()
    persons = get(site, "/entities", type="person")
    assert [s.find("h2").attrs["id"] for s in persons.find_all("section", cls="entity-group")] == ["type-person"]
    assert "/e/jack-stubbs" in persons.find("section", cls="entity-group").links()
    assert persons.find("nav", cls="type-nav").find("a", aria_current="page").text() == "Person"
    assert "type" in get(site, "/entities", 400, type="spaceship").find(id="entities-error").text()


# ---------------------------------------------------------------- techniques
def test_the_techniques_page_lists_the_used_ones_and_every_tactic(site):
    page = get(site, "/t")
    used = page.find(id="used-techniques").links()
    assert "/t/T0049.004" in used and len(used) >= 10
    tactics = page.find_all("details", cls="tactic")
    assert len(tactics) == 16
    assert CC_BY_SA in page.find(id="disarm-credit").links()


def test_a_technique_page_has_its_tactic_and_the_claims_that_use_it(site):
    page = get(site, "/t/T0049.004")
    assert page.find("h1").text() == "T0049.004 Utilise Spamoflauge"
    assert page.find(cls="page-kind").text() == "DISARM technique"
    tactic = page.find(id="technique-tactic")
    assert tactic.find("a").attrs["href"] == "/t/TA17" and tactic.text() == "TA17 Maximise Exposure"
    facts = {d.find("dt").text(): d.find("dd") for d in page.find(id="technique-facts").find_all("div")}
    assert facts["Sub-technique of"].find("a").attrs["href"] == "/t/T0049"
    assert facts["Identifier (IRI)"].text() == "https://w3id.org/iokg/id/technique/T0049.004"
    claims = page.find(id="technique-claims").find_all("li", cls="technique-claim")
    assert [c.find("a").attrs["href"] for c in claims] == ["/c/spamouflage--usesTechnique--T0049.004"]
    assert claims[0].find("a").text() == "Spamouflage uses technique T0049.004 Utilise Spamoflauge"
    assert any(link.startswith("/s/") for link in claims[0].links())
    # who says so (the party), where we read it, and that nobody disputes it
    said = claims[0].find(cls="technique-claim__sources")
    assert said.text() == "1 independent origin: Graphika; read in Wikipedia 2024. No recorded dispute."
    assert said.links() == ["/e/graphika", "/s/wikipedia-spamouflage-2024"]
    credit = page.find(id="disarm-credit")
    assert "DISARM Foundation" in credit.text() and "CC BY-SA 4.0" in credit.text() and CC_BY_SA in credit.links()


def test_a_tactic_page_lists_its_techniques(site):
    page = get(site, "/t/TA17")
    assert page.find("h1").text() == "TA17 Maximise Exposure"
    assert "/t/T0049" in page.find("h2", id="narrower-heading").parent.links()


def test_unknown_techniques_are_404_pages(site):
    assert "T9999" in get(site, "/t/T9999", 404).find("h1").text() + get(site, "/t/T9999", 404).text()
    get(site, "/t/spamouflage", 404)


def test_the_technique_lookup_in_json(site):
    body = site.get("/techniques/T0049.004").json()
    assert (body["id"], body["kind"], body["name"], body["tactic_id"], body["parent_id"]) == (
        "T0049.004", "technique", "Utilise Spamoflauge", "TA17", "T0049")
    assert [c["id"] for c in body["claims"]] == ["spamouflage--usesTechnique--T0049.004"]
    assert body["claims"][0]["assertions"]["supports"]
    assert "CC BY-SA 4.0" in body["licence"]


@pytest.mark.parametrize(("iri", "page", "json"), [
    ("/id/technique/T0049.004", "/t/T0049.004", "/techniques/T0049.004"),
    ("/id/tactic/TA17", "/t/TA17", "/techniques/TA17"),
])
def test_technique_iris_resolve(site, iri, page, json):
    for accept, target in [(BROWSER_ACCEPT, page), (None, json)]:
        r = site.get(iri, headers={"accept": accept} if accept else {}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == target
        assert site.get(target).status_code == 200


def test_entity_pages_link_their_techniques(site):
    page = get(site, "/e/spamouflage")
    section = page.find("details", id="group-techniques")  # its heading is in the section's summary
    assert "/t/T0049.004" in section.links()


# ---------------------------------------------------------------- publishers and people
def test_the_publishers_page(site):
    items = {li.find("a").text(): li for li in get(site, "/publishers").find(id="publisher-list").find_all("li")}
    assert items["The Record"].find("a").attrs["href"] == "/sources?publisher=The+Record"
    assert items["The Record"].find(cls="count").text() == "1 source"
    assert items["Graphika"].find(cls="count").text() == "4 sources"
    assert "2019–2021" in items["Graphika"].text()
    # every publisher is a party entity: its page is linked too
    assert items["The Record"].find("a", cls="publisher-row__entity").attrs["href"] == "/e/the-record"
    assert all(li.find_all("a", cls="publisher-row__entity") for li in items.values())
    assert len(items) == 32


def test_the_persons_page(site):
    page = get(site, "/persons")
    persons = {li.find("a").text(): li.find("a").attrs["href"] for li in page.find(id="person-list").find_all("li")}
    assert persons["Jack Stubbs"] == "/e/jack-stubbs"
    authors = {li.find("a").text(): li for li in page.find(id="author-list").find_all("li")}
    assert authors["Alexander Martin"].find("a").attrs["href"] == "/sources?author=Alexander+Martin"
    assert authors["Alexander Martin"].find(cls="count").text() == "1 source"


# ---------------------------------------------------------------- search results, grouped
def test_search_results_are_grouped_by_kind_with_links_to_all(site):
    page = get(site, "/find", q="spamoflage")
    groups = [s.find("h3").attrs["id"] for s in page.find_all("section", cls="hit-group")]
    assert groups[0] == "group-entity" and "group-claim" in groups and "group-technique" in groups
    first = page.find("section", cls="hit-group").find("li", cls="hit")
    assert first.find("a").attrs["href"] == "/e/spamouflage"
    assert first.find(cls="hit__matched").text() == "Matched Spamouflage, spelled differently"
    claims = page.find("h3", id="group-claim").parent
    more = claims.find(cls="more").find("a")
    assert more.attrs["href"] == "/find?q=spamoflage&kind=claim"
    everything = get(site, more.attrs["href"])
    assert len(everything.find_all("li", cls="hit")) > len(claims.find_all("li", cls="hit"))


@pytest.mark.parametrize(("q", "href", "kind"), [
    ("Storm-1376", "/e/spamouflage", "entity"), ("Dragon Bridge", "/e/spamouflage", "entity"),
    ("Spicy Panda", "/e/spicypanda", "entity"), ("Ministry of Public Securities", "/e/mps", "entity"),
    ("The Record", "/e/the-record", "entity"), ("Jack Stubbs", "/e/jack-stubbs", "entity"),
    ("Alexander Martin", "/sources?author=Alexander+Martin", "author"), ("T0049.004", "/t/T0049.004", "technique"),
])
def test_search_page_first_hit_links_what_was_meant(site, q, href, kind):
    hit = get(site, "/find", q=q).find("li", cls="hit")
    assert hit.find("a").attrs["href"] == href and f"hit--{kind}" in hit.classes


@pytest.mark.parametrize(("q", "entity", "listing", "count"), [
    ("The Record", "/e/the-record", "/sources?publisher=The+Record", "1 source"),
    ("Axios", "/e/axios", "/sources?publisher=Axios", "2 sources"),
    ("Clemson", "/e/clemson-university", "/sources?publisher=Clemson+University", "2 sources"),
])
def test_a_publisher_hit_is_its_entity_with_a_link_to_its_sources(site, q, entity, listing, count):
    page = get(site, "/find", q=q)
    hit = page.find("li", cls="hit")
    assert hit.find("a").attrs["href"] == entity and "hit--entity" in hit.classes
    sources = hit.find("a", cls="hit__sources")
    assert (sources.attrs["href"], sources.text()) == (listing, count)
    assert "publisher of" in hit.find(cls="hit__type").text()
    # the publisher's listing is still a hit of its own, in the publishers' group, after the entity
    listed = page.find("h3", id="group-publisher").parent.find("li", cls="hit--publisher")
    assert listed.find("a").attrs["href"] == listing
    body = site.get("/search", params={"q": q, "limit": 3}).json()
    top = body["results"][0]
    assert (top["kind"], top["url"], top["sources_url"]) == (
        "entity", "https://w3id.org/iokg/id/entity" + entity[2:], "https://w3id.org/iokg" + listing)


def test_an_excerpt_hit_quotes_it_and_names_its_source(site):
    hit = get(site, "/find", q="no factual evidence").find("li", cls="hit--claim")
    assert "no factual evidence" in hit.find("blockquote").text()
    # the embassy's words, read in the outlet's summary of CNN's investigation
    assert "/s/outlet-2023-cnn-investigation-summary" in hit.links()
    assert hit.find("a").attrs["href"] == "/c/spamouflage--attributedTo--prc-government"


def test_one_kind_of_hit_is_paged(site):
    first = get(site, "/find", q="T0", kind="technique")
    assert first.find(id="results-summary").text().startswith("391 matches, page 1 of 16")
    second = get(site, first.find("a", rel="next").attrs["href"])
    assert second.find("ol", cls="hits").attrs["start"] == "26"
    assert second.find("a", rel="prev").attrs["href"] == "/find?q=T0&kind=technique&page=1"
    one = {li.find("a").attrs["href"] for li in first.find_all("li", cls="hit")}
    two = {li.find("a").attrs["href"] for li in second.find_all("li", cls="hit")}
    assert len(one) == len(two) == 25 and not one & two


def test_search_json_and_page_agree(site):
    body = site.get("/search", params={"q": "Dragon Bridge", "limit": 200}).json()
    page = get(site, "/find", q="Dragon Bridge")
    # the page shows the JSON's hits grouped by kind, in the JSON's order, the first 8 of each kind
    shown = [h["id"] for g in body["groups"] for h in [h for h in body["results"] if h["kind"] == g["kind"]][:8]]
    assert len(shown) > 5
    assert shown == [li.find("a").attrs["href"].rsplit("/", 1)[1] for li in page.find_all("li", cls="hit")]
    assert body["results"][0]["field"] == "alias" and body["results"][0]["matched"] == "DRAGONBRIDGE"


def test_a_bad_kind_or_page_is_a_400_page(site):
    assert "kind" in get(site, "/find", 400, q="x", kind="spaceship").find(id="search-error").text()
    assert "page" in get(site, "/find", 400, q="x", kind="entity", page="last").find(id="search-error").text()
