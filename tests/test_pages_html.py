"""The HTML pages as served (no browser): structure, accessibility basics, limits and errors in
the query page. A real server over the store built from ``tests/fixtures/basic``, with a row cap
of 3 and a 1 s time limit so both limits can be hit."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from iokg.queries import load_queries

MAX_ROWS = 3
TIMEOUT_MS = 1000
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MANY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"


class Page(HTMLParser):
    """The tags of a page, with their attributes, the headings in order, and text by id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if attributes.get("id"):
            self._open.append((tag, attributes["id"]))
            self.text_by_id[attributes["id"]] = ""

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for _, id_ in self._open:
            self.text_by_id[id_] += data

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    def text(self, id_: str) -> str:
        return " ".join(self.text_by_id.get(id_, "").split())


@pytest.fixture(scope="module")
def site(basic_store: Path, sites):
    return sites(basic_store, max_result_rows=MAX_ROWS, query_timeout_ms=TIMEOUT_MS)


def get(site, path: str, **params: str) -> tuple[httpx.Response, Page]:
    r = site.get(path, params=params, timeout=30)
    assert r.headers["content-type"].startswith("text/html")
    return r, Page(r.text)


PAGES = [
    ("/", {}),
    ("/find", {"q": "alpha"}),
    ("/query", {}),
    ("/query", {"example": "corroboration"}),
    ("/query", {"query": MANY}),
    ("/query", {"query": "SELECT"}),
]


@pytest.mark.parametrize(("path", "params"), PAGES)
def test_pages_are_semantic_and_self_contained(site, path, params):
    r, page = get(site, path, **params)
    assert r.status_code in (200, 400)
    assert page.all("html")[0]["lang"] == "en"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.all(landmark), landmark
    assert page.all("main")[0]["id"] == "main"
    assert page.all("a")[0]["href"] == "#main"  # the skip link comes first
    # one h1, and headings never skip a level
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(page.headings, page.headings[1:]))
    # every field has a label, every header cell a scope
    labelled = {a["for"] for a in page.all("label")}
    fields = [a for t, a in page.tags if t in ("input", "textarea", "select")]
    assert fields and all(f["id"] in labelled for f in fields if f.get("type") != "hidden")
    assert all(th.get("scope") in ("col", "row") for th in page.all("th"))
    # nothing is loaded from anywhere else
    loaded = [a.get("src") or a.get("href") for t, a in page.tags if t in ("script", "link", "img")]
    assert loaded and all(url.startswith("/static/") for url in loaded)  # paths on this server
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "DISARM" in r.text and "CC BY-SA 4.0" in r.text


def test_static_files_are_served(site):
    css = site.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = site.get("/static/query.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]


def test_empty_query_page_starts_with_an_example(site):
    r, page = get(site, "/query")
    assert r.status_code == 200
    assert load_queries()["stats"].text in html.unescape(r.text)
    assert not page.text("results-heading")
    # every named query is offered, with its title
    for named in load_queries().values():
        assert named.title in page.text(f"example-{named.name}")


def test_the_row_cap_is_shown(site):
    r, page = get(site, "/query", query=MANY)
    assert r.status_code == 200
    assert len(page.all("tr")) == 1 + MAX_ROWS
    assert page.text("results-summary").startswith(f"{MAX_ROWS} rows, cut at the row cap")
    assert "IOKG_MAX_RESULT_ROWS" in page.text("truncated")
    # and not when the result fits
    r, page = get(site, "/query", query="SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")
    assert len(page.all("tr")) == 1 + 2
    assert "truncated" not in page.text_by_id


@pytest.mark.parametrize(
    ("query", "status", "type_", "words"),
    [
        ("SELECT ?x WHERE { ?x", 400, "invalid_query", "SPARQL syntax error"),
        ("INSERT DATA { <http://e/s> <http://e/p> 1 }", 403, "forbidden", "read-only"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "forbidden", ""),
        (ENDLESS, 503, "query_timeout", "IOKG_QUERY_TIMEOUT_MS"),
    ],
    ids=["syntax", "update", "service", "timeout"],
)
def test_errors_are_shown_in_the_page_with_the_apis_status(site, query, status, type_, words):
    r, page = get(site, "/query", query=query)
    assert r.status_code == status
    alert = " ".join(r.text.split())
    assert f"({status} {type_})" in alert
    assert words in alert
    assert not page.all("table")
    if type_ == "query_timeout":
        assert f"<code>IOKG_QUERY_TIMEOUT_MS</code> = {TIMEOUT_MS}" in r.text


def test_an_unknown_example_is_404_with_the_known_ones(site):
    r, _ = get(site, "/query", example="nope")
    assert r.status_code == 404
    assert "corroboration" in r.text


def test_download_links_use_the_format_parameter(site):
    r, page = get(site, "/query", query="SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")
    links = {a["data-format"]: a["href"] for a in page.all("a") if a.get("data-format")}
    assert set(links) == {"CSV", "JSON", "TSV", "XML"}
    assert all(href.startswith("/sparql?") for href in links.values())  # paths: no Host in them
    csv = site.get(links["CSV"])
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "s" and len(csv.text.splitlines()) == 3
    r, page = get(site, "/query", query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2")
    links = {a["data-format"]: a["href"] for a in page.all("a") if a.get("data-format")}
    assert set(links) == {"Turtle", "N-Triples", "JSON-LD", "RDF/XML"}
    assert site.get(links["N-Triples"]).text.count("\n") == 2
    assert len(page.all("tr")) == 1 + 2


def test_ask_shows_the_answer(site):
    r, page = get(site, "/query", query="ASK { ?s ?p ?o }")
    assert r.status_code == 200
    assert "Answer: yes" in " ".join(r.text.split()).replace("<strong>", "")
    assert not page.all("table")


def test_search_form_keeps_its_query(site):
    r, page = get(site, "/find", q="Storm-1376")
    assert r.status_code == 200
    box = [a for a in page.all("input") if a.get("name") == "q"][0]
    assert box["value"] == "Storm-1376"
    forms = page.all("form")
    assert forms[0]["method"] == "get" and forms[0]["action"] == "/find"
