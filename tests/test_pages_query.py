"""The home page and the query page in real headless Chromium, over a real server and a store
built by the real build from ``tests/fixtures/basic``. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from browser import screenshot
from iokg.queries import load_queries
from iokg.store import open_read_only

pytestmark = pytest.mark.browser

LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?label WHERE { ?entity skos:prefLabel ?label } ORDER BY ?label"""
BAD = "SELECT ?x WHERE { ?x }"
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def site(basic_store: Path, sites):
    return sites(basic_store)


@pytest.fixture(scope="module")
def store(basic_store: Path):
    return open_read_only(basic_store)


def expected_rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    """The rows of ``query`` straight from the store: variable name → term value."""
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def table_rows(page) -> list[dict[str, str]]:
    """The result table as shown: column header → the cell's full value (an IRI's title)."""
    return page.evaluate(
        """() => {
          const table = document.querySelector("table.results");
          const heads = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
          return [...table.querySelectorAll("tbody tr")].map(tr => {
            const row = {};
            [...tr.children].forEach((td, i) => {
              const iri = td.querySelector("code.iri");
              const lit = td.querySelector(".literal");
              if (iri) row[heads[i]] = iri.title;
              else if (lit) row[heads[i]] = lit.textContent;
            });
            return row;
          });
        }"""
    )


def run_in_editor(page, site, query: str) -> None:
    page.goto(site.url + "/query")
    page.fill("#query", query)
    page.click("button:has-text('Run query')")
    page.wait_for_selector("#results-heading")


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


# -- home ---------------------------------------------------------------------------------


def test_home_loads_with_header_nav_and_footer(page, site):
    response = page.goto(site.url + "/")
    assert response.status == 200
    assert "iokg" in page.title()
    assert page.locator("h1").count() == 1
    nav = page.locator("header nav a")
    assert nav.all_inner_texts() == ["Search", "Sources", "Entities", "Techniques", "Publishers", "People",
                                     "Query", "Datasets", "API docs"]
    assert nav.first.get_attribute("aria-current") == "page"
    footer = page.locator("footer").inner_text()
    assert "DISARM" in footer and "CC BY-SA 4.0" in footer
    assert page.locator("label[for=q]").is_visible()
    screenshot(page, "home")


def test_search_form_is_keyboard_reachable_and_submits(page, site):
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.locator(".skip-link").is_visible()  # shown when focused
    for _ in range(20):
        if page.evaluate("document.activeElement.id") == "q":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the search box cannot be reached with Tab")
    page.keyboard.type("DRAGONBRIDGE")
    screenshot(page, "home-search-focused")
    page.keyboard.press("Enter")
    page.wait_for_url("**/find?*")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["DRAGONBRIDGE"]}
    assert page.input_value("#q") == "DRAGONBRIDGE"


def test_skip_link_moves_to_the_main_content(page, site):
    page.goto(site.url + "/query")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")  # the first focusable thing inside main
    assert page.evaluate("document.activeElement.closest('main') !== null")


# -- the query page -----------------------------------------------------------------------


def test_query_page_runs_a_query_and_shows_its_rows(page, site, store):
    run_in_editor(page, site, LABELS)
    expected = expected_rows(store, LABELS)
    assert expected  # the fixture has labelled entities
    assert table_rows(page) == expected
    assert page.locator("table.results thead th[scope=col]").all_inner_texts() == [
        "entity",
        "label",
    ]
    assert page.inner_text("#results-summary").startswith(f"{len(expected)} rows")
    assert page.input_value("#query") == LABELS  # the editor keeps the query
    # the URL is a link to cite (a form sends line breaks as CRLF)
    assert parse_qs(urlsplit(page.url).query)["query"] == [LABELS.replace("\n", "\r\n")]
    screenshot(page, "query-results")


def test_an_example_query_loads_into_the_editor_and_runs(page, site, store):
    corroboration = load_queries()["corroboration"]
    page.goto(site.url + "/query")
    url = page.url
    page.click(f"a.load-example[data-example={corroboration.name}]")
    assert page.input_value("#query") == corroboration.text
    assert page.url.split("#")[0] == url  # loaded by the script, no page load
    assert page.evaluate("document.activeElement.id") == "query"
    assert corroboration.title in page.inner_text("#example-status")
    # its parameter is documented
    assert "?claim" in page.inner_text(f"#example-{corroboration.name} .params")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    rows = table_rows(page)
    assert [r["claim"] for r in rows] == [
        r["claim"] for r in expected_rows(store, corroboration.text)
    ]
    screenshot(page, "query-example-corroboration")


def test_an_example_loads_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    stats = load_queries()["stats"]
    page.goto(site.url + "/query")
    page.click(f"a.load-example[data-example={stats.name}]")
    page.wait_for_url("**/query?example=stats*")
    assert page.input_value("#query") == stats.text
    page.click("button:has-text('Run query')")
    page.wait_for_selector("table.results")
    assert page.locator("table.results tbody tr").count() > 0
    screenshot(page, "query-no-javascript")


def test_a_bad_query_shows_the_parsers_message(page, site, store):
    with pytest.raises(SyntaxError) as parser:
        store.query(BAD)
    place = str(parser.value).split()[2].rstrip(":")  # "error at 1:23: ..."
    line, column = place.split(":")
    response = page.goto(site.url + "/query?" + httpx.QueryParams(query=BAD).__str__())
    assert response.status == 400
    alert = page.locator("[role=alert]")
    assert alert.is_visible()
    assert f"SPARQL syntax error at line {line}, column {column}: expected" in alert.inner_text()
    # the query line, and a caret under the place, in the preformatted message
    message = page.locator(".error__message").inner_text().split("\n")
    assert message[1:] == [BAD.split("\n")[int(line) - 1], " " * (int(column) - 1) + "^"]
    assert "invalid_query" in alert.inner_text()
    assert page.locator("table.results").count() == 0
    assert page.input_value("#query") == BAD  # left to fix
    screenshot(page, "query-error")


def test_csv_and_json_downloads_return_the_rows(page, site, store):
    run_in_editor(page, site, LABELS)
    expected = expected_rows(store, LABELS)
    with page.expect_download() as download:
        page.click("a[data-format=CSV]")
    assert download.value.suggested_filename == "iokg-results.csv"
    text = Path(download.value.path()).read_text("utf-8")
    assert list(csv.DictReader(io.StringIO(text))) == expected
    href = page.eval_on_selector("a[data-format=JSON]", "a => a.href")  # resolved against the page
    assert href.startswith(site.url + "/sparql?")
    response = page.request.get(href)
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    data = json.loads(response.body())
    assert data["head"]["vars"] == ["entity", "label"]
    assert [
        {k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]
    ] == expected


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/find?q=a-rather-long-search-term-that-goes-on-and-on",
        "/query",
        "/query?example=corroboration",
        "/query?" + str(httpx.QueryParams(query="SELECT * WHERE { ?s ?p ?o } LIMIT 40")),
        "/query?" + str(httpx.QueryParams(query=BAD)),
    ],
    ids=["home", "find", "query", "example", "wide-results", "error"],
)
def test_no_horizontal_scrolling_at_phone_width(new_page, site, path, request):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(site.url + path)
    screenshot(page, f"phone-{request.node.callspec.id}")
    assert horizontal_overflow(page) <= 0
