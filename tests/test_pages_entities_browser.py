"""The search, entity, source and claim pages in real headless Chromium, over a real server and
the store built from the curated ``data/``: a journalist's path from a search to a citable claim,
the attribution cards, the chain picture and its ``as_of`` redraw, the keyboard, a phone-width
screen, and JavaScript turned off. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
CICC = "spicypanda--attributedTo--cicc"
PRC = "spamouflage--attributedTo--prc-government"

#: One page of each kind, for screenshots and the phone-width check: (name, path).
PAGES = [
    ("search", "/find?q=dragonbridge"),
    ("entity", "/e/spicypanda"),
    ("entity-campaign", "/e/spamouflage"),
    ("source", "/s/dhs-2023-spicypanda"),
    ("claim", f"/c/{PRC}"),
    ("query", "/query"),
]


@pytest.fixture(scope="module")
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


def shot(page, name: str) -> Path:
    """A full-page screenshot, or the viewport's for a very long page (Chromium is slow at those)."""
    tall = page.evaluate("() => document.documentElement.scrollHeight") > 12000
    return screenshot(page, name, full_page=not tall)


def horizontal_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_from_a_search_to_a_citable_claim(page, site):
    page.goto(site.url + "/")
    page.fill("#q", "dragonbridge")
    page.keyboard.press("Enter")
    page.wait_for_url("**/find?q=dragonbridge")
    hit = page.locator(".hit").first
    assert hit.locator(".hit__matched").inner_text() == "Matched the alias DRAGONBRIDGE → Spamouflage"
    screenshot(page, "journey-1-search")
    hit.locator("a").click()
    page.wait_for_url("**/e/spamouflage")
    assert page.locator("h1").inner_text() == "Spamouflage"
    # the verdict first: origins and deniers named
    line = page.locator(f"#verdict-{PRC}")
    assert line.locator(".verdict__origins").inner_text() == "12 independent origins"
    assert line.locator(".verdict__contest").inner_text() == (
        "disputed by Graphika (2019-09); denied by Embassy of the People's Republic of China in Washington (2023)")
    shot(page, "journey-2-entity")
    # the verdict line leads to the claim's row, and the row to the claim's full card
    line.locator("a.verdict__target").click()
    page.wait_for_url(f"**/e/spamouflage#claim-{PRC}")
    row = page.locator(f"#claim-{PRC}")
    assert row.is_visible() and "12 independent origins" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url(f"**/c/{PRC}")
    card = page.locator(f"#claim-{PRC}")
    assert card.locator(".stance--disputes li").count() == 1
    assert card.locator(".stance--denies li").count() == 2  # the embassy's denial, read in two documents
    corroboration = card.locator(".corroboration").inner_text()
    assert "12 independent origins" in corroboration
    assert "Disputed by Graphika (2019-09); denied by Embassy of the People's Republic of China" in corroboration
    denial = card.locator(".stance--denies li").first
    assert denial.locator(".said-by").inner_text() == "Embassy of the People's Republic of China in Washington (Liu Pengyu)"
    # the document we read the denial in: the outlet's summary of CNN's investigation
    denial.locator(".carriers a.carrier").last.click()
    page.wait_for_url("**/s/outlet-2023-cnn-investigation-summary")
    assert "CNN investigation" in page.locator("h1").inner_text()
    screenshot(page, "journey-3-source")
    page.locator(f".stance--denies a[href$='/c/{PRC}']").click()
    page.wait_for_url(f"**/c/{PRC}")
    assert page.locator("h1").inner_text() == "Spamouflage is attributed to Government of the People's Republic of China"
    cite = page.locator("section.cite")
    assert cite.locator("#cite-iri").inner_text() == f"https://w3id.org/iokg/id/claim/{PRC}"
    assert cite.locator(".references li").count() >= 9
    assert "denied by Embassy of the People's Republic of China in Washington (2023)" in cite.locator(
        "#citation-text").inner_text()
    screenshot(page, "journey-4-claim")


def test_spicypanda_card_shows_dhs_confidence_band_and_excerpt(page, site):
    page.goto(site.url + f"/c/{CICC}")
    card = page.locator(f"#claim-{CICC}")
    item = card.locator(".stance--supports li")
    assert item.count() == 1
    text = item.inner_text()
    assert "China: Municipal Government Publishing Anti-US, Pro-China Social Media Content" in text
    assert item.locator(".publisher").inner_text() == "DHS Office of Intelligence and Analysis"
    assert item.locator(".said-by").inner_text() == "DHS Office of Intelligence and Analysis in its own voice"
    assert item.locator(".carriers").inner_text().startswith("in China: Municipal Government Publishing")
    assert item.locator("q.confidence").inner_text() == "very likely"
    assert item.locator(".whose").inner_text() == "(DHS Office of Intelligence and Analysis’ own words)"
    assert "very likely (6 of 7)" in text
    assert item.locator("blockquote").inner_text().startswith(
        "A People’s Republic of China (PRC) municipal government-controlled media outlet is very likely directing")
    assert item.locator("figcaption").inner_text() == "— paragraph after the Scope Note"
    assert card.locator(".independent").inner_text() == "1 independent origin"
    assert card.locator(".origins").inner_text() == "DHS Office of Intelligence and Analysis"
    assert card.locator(".contesting").inner_text() == "No recorded dispute."
    card.screenshot(path=str(Path(screenshot(page, "claim-spicypanda-cicc")).with_name("card-spicypanda-cicc.png")))


def test_chain_picture_and_as_of_redraw(page, site):
    page.goto(site.url + "/e/spamouflage")
    svg = page.locator("svg.chain-svg")
    assert svg.is_visible()
    nodes = svg.locator("g.node").evaluate_all("gs => gs.map(g => g.dataset.entity)")
    assert nodes[0] == "spamouflage" and {"mps", "mps-912-group", "prc-government"} <= set(nodes)
    assert svg.locator("g.hop--contested").count() == 1
    assert "Rolling Stone 2023" in svg.text_content()
    # the picture names parties, not the documents they are read in
    assert "Wikipedia" not in " ".join(svg.locator("text").all_text_contents())
    page.fill("#as_of", "2020-06-01")
    page.click("button:has-text('Redraw')")
    page.wait_for_url("**/e/spamouflage?as_of=2020-06-01*")
    assert page.locator("#attribution-chains").inner_text().endswith("what was known as of 2020-06-01")
    svg = page.locator("svg.chain-svg")
    hops = svg.locator("g.hop").evaluate_all("gs => gs.map(g => g.dataset.claim)")
    assert sorted(hops) == ["spamouflage--attributedTo--amateurs-or-private-firm", PRC]
    labels = " ".join(svg.locator("text").all_text_contents())
    assert "Rolling Stone" not in labels and "2023" not in labels
    assert "CONTESTED — disputed by Graphika 2019" in svg.text_content()
    shot(page, "entity-as-of-2020-06-01")


def test_tab_reaches_search_and_links_with_a_visible_focus(page, site):
    page.goto(site.url + "/find?q=spamouflage")
    seen = []
    for _ in range(20):  # skip link, site name, eight navigation links, the form, then the results
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName, id: e.id, href: e.getAttribute('href') || '',
                    outline: s.outlineStyle, width: parseFloat(s.outlineWidth)};
        }""")
        seen.append(focused)
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
    assert any(f["id"] == "q" for f in seen), seen
    assert any(f["href"].endswith("/e/spamouflage") for f in seen), seen
    screenshot(page, "search-keyboard-focus", full_page=False)
    # and on an entity page, Tab reaches the navigation's search and the claim links
    page.goto(site.url + "/e/spicypanda")
    hrefs = []
    for _ in range(30):
        page.keyboard.press("Tab")
        hrefs.append(page.evaluate("() => document.activeElement.getAttribute('href') || ''"))
    assert any(h.endswith("/") for h in hrefs)  # "Search" in the navigation
    assert any("#attribution" in h for h in hrefs)


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_at_desktop_and_phone_width(new_page, site, name, path):
    desktop = new_page()
    desktop.goto(site.url + path)
    shot(desktop, f"desktop-{name}")
    phone = new_page(viewport=PHONE)
    phone.goto(site.url + path)
    assert horizontal_overflow(phone) == 0
    shot(phone, f"phone-{name}")


def test_pages_read_fully_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(site.url + "/find?q=storm")
    page.locator(".hit a").first.click()
    page.wait_for_url("**/e/spamouflage")
    assert page.locator("#verdict li.verdict__line").count() == 6
    assert page.locator(".claim-rows > li").count() > 80
    assert page.locator("svg.chain-svg").is_visible()
    # a folded section opens with a click on its summary, without JavaScript
    platforms = page.locator("#group-platforms")
    assert not platforms.locator(".claim-rows").is_visible()
    platforms.locator("summary").click()
    assert platforms.locator(".claim-rows").is_visible()
    page.fill("#as_of", "2019-12-31")
    page.click("button:has-text('Redraw')")
    page.wait_for_url("**as_of=2019-12-31*")
    assert page.locator("svg.chain-svg g.hop").count() == 2
    page.goto(site.url + f"/c/{CICC}")
    assert page.locator("blockquote").first.is_visible()
    assert page.locator("section.cite .references li").count() == 1
    assert page.locator("#citation-text").is_visible()
    screenshot(page, "claim-no-javascript")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(("path", "claim", "names"), [
    ("/e/spamouflage", PRC, ["Global Affairs Canada", "Embassy of the People's Republic of China in Washington"]),
    ("/e/spicypanda", CICC, ["DHS Office of Intelligence and Analysis"]),
])
def test_the_verdict_is_in_the_first_screen(new_page, site, viewport, path, claim, names):
    """The first line of the verdict, its origins and its deniers named, shows without scrolling."""
    page = new_page(viewport=viewport)
    page.goto(site.url + path)
    line = page.locator(f"#verdict-{claim}")
    box = line.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    text = line.inner_text()
    assert all(name in text for name in names)
    assert horizontal_overflow(page) == 0


def test_a_link_to_a_row_in_a_folded_section_lands_on_it(new_page, site):
    """Chromium opens a closed <details> holding the target of the address's fragment, with or
    without JavaScript."""
    for js in (True, False):
        page = new_page(java_script_enabled=js)
        page.goto(site.url + "/e/spamouflage#claim-spamouflage--operatesOn--youtube")
        assert page.evaluate("() => document.getElementById('group-platforms').open")
        assert page.locator("#claim-spamouflage--operatesOn--youtube").is_visible()


def test_the_chain_picture_boxes_hold_their_text(page, site):
    for path in ("/e/spamouflage", "/e/spicypanda"):
        page.goto(site.url + path)
        misfits = page.evaluate("""() => {
            const out = [];
            const svg = document.querySelector('svg.chain-svg');
            const width = svg.viewBox.baseVal.width;
            svg.querySelectorAll('g.node').forEach(g => {
                const r = g.querySelector('rect').getBBox(), t = g.querySelector('text').getBBox();
                if (t.x < r.x || t.x + t.width > r.x + r.width || t.y < r.y || t.y + t.height > r.y + r.height)
                    out.push(g.dataset.entity);
            });
            svg.querySelectorAll('text').forEach(t => {
                const b = t.getBBox();
                if (b.x + b.width > width) out.push('beyond the picture: ' + t.textContent);
            });
            return out;
        }""")
        assert misfits == [], (path, misfits)
