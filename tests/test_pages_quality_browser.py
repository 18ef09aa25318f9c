"""The quality bars every page meets, in real headless Chromium over one real server on the store
built from the curated ``data/`` (plus a small synthetic dataset, so the dataset pages have
something to show): no accessibility violation of impact serious or critical under axe-core, no
horizontal scroll at 375×812, and a print stylesheet for the claim and entity pages (navigation and
forms hidden, the cite block and cards shown whole, link targets printed, the sections in
``<details>`` printed open); and a journalist's two walks, by clicks alone: browse → technique →
claim → source, and search → entity → its verdict → the card → claim → source → cite. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from browser import axe_violations, screenshot
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from sparql_server import running_server

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
PRC = "spamouflage--attributedTo--prc-government"
CICC = "spicypanda--attributedTo--cicc"
RELEASE = "meta-2023-q2-spamouflage-indicators"
DATASET = "synthetic-office"

#: One page of every type the site serves: (name, path, the HTTP status it answers with).
PAGE_TYPES = [
    ("home", "/", 200),
    ("find", "/find?q=storm-1376", 200),
    ("find-none", "/find?q=zzzzqqqq", 200),
    ("find-techniques", "/find?q=T0&kind=technique", 200),
    ("find-typo", "/find?q=spamoflage", 200),
    ("entity", "/e/spicypanda", 200),
    ("entity-campaign", "/e/spamouflage", 200),
    ("entity-as-of", "/e/spamouflage?as_of=2020-06", 200),
    ("entity-takedown", "/e/meta-takedown-2023-q2", 200),
    ("claim", f"/c/{PRC}", 200),
    ("claim-computed-evidence", "/c/meta-takedown-2023-q2--removedAccountCount--nearly-9000", 200),
    ("source", "/s/dhs-2023-spicypanda", 200),
    ("sources", "/sources", 200),
    ("sources-filtered", "/sources?kind=news-article&year=2023", 200),
    ("entities", "/entities", 200),
    ("techniques", "/t", 200),
    ("technique", "/t/T0049.004", 200),
    ("tactic", "/t/TA17", 200),
    ("publishers", "/publishers", 200),
    ("persons", "/persons", 200),
    ("query", "/query", 200),
    ("dumps", "/dumps/", 200),
    ("release", f"/r/{RELEASE}", 200),
    ("release-indicators", f"/r/{RELEASE}/indicators", 200),
    ("datasets", "/d", 200),
    ("dataset", f"/d/{DATASET}?tz=Asia/Shanghai", 200),
    ("not-found", "/e/no-such-entity", 404),
]
IDS = [p[0] for p in PAGE_TYPES]
#: axe-core over every type; the as-of entity page is the same template as the campaign's, and slow.
AXE_TYPES = [p for p in PAGE_TYPES if p[0] != "entity-as-of"]


@pytest.fixture(scope="module")
def site(data_store: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("quality")
    release = generate(folder / "release", accounts=60, tweets=800, seed=9)
    import_twitter_io(release.folder, folder / "datasets", DATASET, title="Synthetic office-hours set")
    with running_server(data_store, datasets=folder / "datasets") as server:
        yield server


def open_page(page, site, path: str, status: int):
    response = page.goto(site.url + path)
    assert response is not None and response.status == status, (path, response and response.status)
    assert page.locator("main h1").count() >= 1, path


def shot(page, name: str) -> Path:
    """A full-page screenshot, or the viewport's for a very long page (Chromium is slow at those)."""
    tall = page.evaluate("() => document.documentElement.scrollHeight") > 12000
    return screenshot(page, name, full_page=not tall)


# ------------------------------------------------------------------------------------- axe-core

@pytest.mark.parametrize(("name", "path", "status"), AXE_TYPES, ids=[p[0] for p in AXE_TYPES])
def test_no_serious_or_critical_accessibility_violation(new_page, site, name, path, status):
    page = new_page(bypass_csp=True)
    open_page(page, site, path, status)
    assert axe_violations(page) == [], path


def test_axe_does_find_a_serious_violation_when_there_is_one(new_page, site):
    """The check can fail: an image without alternative text and a form field without a label,
    added to a page, are reported."""
    page = new_page(bypass_csp=True)
    open_page(page, site, "/", 200)
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = '/static/favicon.svg';
        const input = document.createElement('input'); input.type = 'text';
        document.querySelector('main').append(img, input);
    }""")
    found = " ".join(axe_violations(page))
    assert "image-alt (critical" in found and "label (critical" in found, found


# ------------------------------------------------------------------------------------- 375 px

def horizontal_scroll(page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")


@pytest.mark.parametrize(("name", "path", "status"), PAGE_TYPES, ids=IDS)
def test_every_page_type_fits_a_phone_without_horizontal_scroll(new_page, site, name, path, status):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    open_page(page, site, path, status)
    overflow = horizontal_scroll(page)
    if overflow > 0:
        shot(page, f"phone-overflow-{name}")
        wide = page.evaluate("""() => [...document.querySelectorAll('main *, header *')]
            .filter(e => e.getBoundingClientRect().right > document.scrollingElement.clientWidth + 1)
            .filter(e => !e.closest('.table-scroll, .figure-scroll'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        pytest.fail(f"{path} scrolls sideways by {overflow} px at 375 px; too wide: {wide}")


# ------------------------------------------------------------------------------------- print

def printed(page) -> dict:
    """What a printed copy of the page shows: the navigation, forms, and the computed styles of the
    parts a reader needs."""
    return page.evaluate("""() => {
        const shown = e => !!e && getComputedStyle(e).display !== 'none'
            && getComputedStyle(e).visibility !== 'hidden' && e.getClientRects().length > 0;
        return {
            nav: shown(document.querySelector('header nav')),
            header: shown(document.querySelector('header.site-header')),
            forms: [...document.querySelectorAll('main form')].filter(shown).length,
            skip: shown(document.querySelector('.skip-link')),
        };
    }""")


def closed_details_print_open(page) -> int:
    """How many ``<details>`` the page has; asserts that in print every one's content shows, although
    on screen a closed one's does not."""
    details = page.locator("main details")
    for i in range(details.count()):
        d = details.nth(i)
        body = d.locator(":scope > :not(summary)").first
        label = d.locator(":scope > summary").inner_text()
        if d.get_attribute("open") is None:
            page.emulate_media(media="screen")
            assert not body.is_visible(), label
        page.emulate_media(media="print")
        assert body.is_visible(), label
    return details.count()


def test_a_printed_claim_page_is_the_claim_and_its_citation(page, site):
    open_page(page, site, f"/c/{PRC}", 200)
    assert printed(page)["nav"]  # on screen the navigation is there
    page.emulate_media(media="print")
    seen = printed(page)
    assert not seen["nav"] and not seen["skip"] and seen["forms"] == 0, seen
    cite = page.locator("section.cite")
    assert cite.is_visible() and page.locator("#citation-text").is_visible()
    assert cite.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert page.locator("#cite-iri").inner_text() == f"https://w3id.org/iokg/id/claim/{PRC}"
    assert page.locator("#cite-retrieved").is_visible()
    card = page.locator("article.claim-card").first
    assert card.is_visible()
    assert card.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    # a link to a source prints its target after its text; a link that shows its URL already does not
    source_link = page.locator("section.cite .references cite a").first
    href = source_link.get_attribute("href")
    assert href.startswith("/s/")
    assert source_link.evaluate("e => getComputedStyle(e, '::after').content") == f'" <{href}>"'
    url_link = page.locator("#cite-url")  # the data's sources record no public URL of their own yet
    assert url_link.evaluate("e => getComputedStyle(e, '::after').content") in ("none", "normal")
    assert closed_details_print_open(page) == 0  # the claim page has no collapsed section (yet)
    pdf = Path(screenshot(page, "print-claim", full_page=False)).with_suffix(".pdf")
    page.pdf(path=str(pdf))
    assert pdf.stat().st_size > 10_000


def test_a_printed_entity_page_shows_its_cards_and_sections_open(page, site):
    open_page(page, site, "/e/spicypanda", 200)
    page.emulate_media(media="print")
    seen = printed(page)
    assert not seen["nav"] and seen["forms"] == 0, seen
    assert not page.locator("nav.toc").is_visible()
    assert page.locator("main h1").inner_text() == "SPICYPANDA"
    card = page.locator(f"#claim-{CICC}")  # its row under the verdict
    assert card.is_visible()
    assert card.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert "DHS Office of Intelligence and Analysis" in card.inner_text()
    source_link = page.locator("main a[href='/s/dhs-2023-spicypanda']").first
    assert source_link.is_visible()
    assert source_link.evaluate("e => getComputedStyle(e, '::after').content") == '" </s/dhs-2023-spicypanda>"'
    verdict = page.locator("#verdict")
    assert verdict.is_visible()
    assert "Chongqing International Communications Center" in verdict.inner_text()
    assert verdict.evaluate("e => getComputedStyle(e.querySelector('li')).breakInside") == "avoid"
    # the chain picture shrinks to the page instead of being cut at the edge of its scroll box
    assert page.locator(".figure-scroll").first.evaluate("e => getComputedStyle(e).overflowX") == "visible"
    closed_details_print_open(page)
    screenshot(page, "print-entity", full_page=False)


def test_closed_details_sections_print_open(page, site):
    """The technique list keeps each tactic in a closed ``<details>``: in print each one's content
    shows, by CSS alone."""
    open_page(page, site, "/t", 200)
    assert closed_details_print_open(page) > 5


def test_print_styles_leave_the_screen_alone(page, site):
    open_page(page, site, "/e/spicypanda", 200)
    page.emulate_media(media="screen")
    assert page.locator("header nav").is_visible()
    assert page.locator("form.as-of-form").is_visible()
    source_link = page.locator("main a[href^='/s/']").first
    assert source_link.evaluate("e => getComputedStyle(e, '::after').content") in ("none", "normal")


# ------------------------------------------------------------------------------------- walks

def test_walk_browse_to_a_technique_its_claim_and_the_source(page, site):
    page.goto(site.url + "/")
    page.locator("header nav a", has_text="Techniques").click()
    page.wait_for_url("**/t")
    page.locator("#used-techniques a", has_text="T0049.004").click()
    page.wait_for_url("**/t/T0049.004")
    assert page.locator("#technique-tactic").inner_text() == "TA17 Maximise Exposure"
    claims = page.locator("#technique-claims li")
    assert claims.count() == 1
    claims.first.locator("a.technique-claim__label").click()
    claim = "spamouflage--usesTechnique--T0049.004"
    page.wait_for_url(f"**/c/{claim}")
    assert page.locator("h1").inner_text() == "Spamouflage uses technique T0049.004 Utilise Spamoflauge"
    # the technique on the claim page leads back to the technique
    assert page.locator("main a[href='/t/T0049.004']").count() >= 1
    carrier = page.locator(".stance--supports a.carrier").last
    target = carrier.get_attribute("href")
    assert target == "/s/wikipedia-spamouflage-2024"
    carrier.click()
    page.wait_for_url(f"**{target}")
    assert page.locator("h1").inner_text() == "Spamouflage"
    assert page.locator(".page-kind").inner_text().lower().startswith("source")
    # the source lists the claim read in it, with a link back to it
    assert page.locator(f"#source-claims ~ section a[href='/c/{claim}']").count() >= 1
    screenshot(page, "walk-browse-source", full_page=False)


def test_walk_search_entity_card_claim_source_cite(page, site):
    page.goto(site.url + "/")
    page.fill("#q", "Storm-1376")
    page.locator("form.search-form button").click()
    page.wait_for_url("**/find?q=Storm-1376")
    hit = page.locator("li.hit").first
    assert hit.locator("a.hit__label").inner_text() == "Spamouflage"
    hit.locator("a.hit__label").click()
    page.wait_for_url("**/e/spamouflage")
    assert page.locator("main h1").inner_text() == "Spamouflage"
    card = page.locator(f"#claim-{PRC}")
    # the verdict, in the first screen, names the PRC government and leads to its card
    verdict = page.locator("#verdict")
    assert verdict.is_visible() and verdict.bounding_box()["y"] < 900
    line = verdict.locator(f"#verdict-{PRC}")
    assert "12 independent origins" in line.inner_text()
    assert "denied by Embassy of the People's Republic of China in Washington" in line.inner_text()
    line.locator("a.verdict__target").click()
    page.wait_for_url(f"**/e/spamouflage#claim-{PRC}")
    assert card.is_visible() and card.evaluate("e => e.matches(':target')")
    assert "12 independent origins" in card.inner_text()
    card.locator(f"a[href='/c/{PRC}']").first.click()
    page.wait_for_url(f"**/c/{PRC}")
    label = "Spamouflage is attributed to Government of the People's Republic of China"
    assert page.locator("h1").inner_text() == label
    # a supporting assertion made in a document's own voice, and the document we read it in
    own = page.locator(".stance--supports li.assertion").filter(
        has=page.locator(".said-by", has_text="in its own voice")).first
    said_by = own.locator(".said-by a").first.inner_text()
    carrier = own.locator(".carriers a.carrier").first
    source = carrier.get_attribute("href")
    carrier.click()
    page.wait_for_url(f"**{source}")
    assert page.locator("#source-title").is_visible()
    assert said_by in page.locator("#source-metadata").inner_text()
    screenshot(page, "walk-search-source", full_page=False)
    # from the source, back to the claim it supports, and its cite block
    page.locator(f"#source-claims ~ section a[href='/c/{PRC}']").first.click()
    page.wait_for_url(f"**/c/{PRC}")
    cite = page.locator("section.cite")
    retrieved = cite.locator("#cite-retrieved").get_attribute("datetime")
    assert abs(date.fromisoformat(retrieved) - date.today()) <= timedelta(days=1)
    text = cite.locator("#citation-text").inner_text()
    assert text.startswith(f"Claim: {label}.")
    assert f"Retrieved {retrieved} from iokg" in text
    assert f"https://w3id.org/iokg/id/claim/{PRC}" in text
    cite.scroll_into_view_if_needed()
    screenshot(page, "walk-search-cite", full_page=False)
