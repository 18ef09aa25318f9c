"""Curated strings carrying HTML and script (names, aliases, titles, authors, excerpts, locators:
tests/fixtures/hostile) render as inert text on every page and in the SVG chain picture, and every
HTML page and picture carries the strict Content-Security-Policy. The pages are found by following
links from the home page (so a new page is covered once something links to it), plus a few seeds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import FIXTURES
from html_tree import parse
from iokg.build import build
from iokg.web.templating import CONTENT_SECURITY_POLICY
from sparql_server import in_process

HOSTILE = FIXTURES / "hostile"

#: Markup in the fixture's strings; each must reach a reader as text.
MARKERS = [
    "Operation <script>alert(1)</script> Alpha",
    '"><img src=x onerror=alert(4)>',
    "</svg><script>alert(6)</script>The Ministry",
    "Report A <script>alert(9)</script> on \"><img src=x onerror=alert(10)>",
    "<script>alert(12)</script> </svg><img src=x onerror=alert(13)>",
]

SEEDS = [
    "/",
    "/find?q=alpha",
    "/find?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/find?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(4)%3E",
    "/e/alpha",
    "/e/ministry",
    "/e/alpha/attribution.svg",
    "/e/ministry/attribution.svg",
    "/e/no-such-%3Cscript%3E",
    "/s/report-a",
    "/query?query=SELECT+%3Fl+WHERE+%7B+%3Fe+skos%3AprefLabel+%3Fl+%7D",
    "/query?query=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/docs",
    "/d",
]

#: Links not to follow: files, JSON, the SPARQL endpoint (its results are not pages).
NOT_PAGES = ("/static/", "/swagger-ui/", "/dumps/", "/openapi.json", "/sparql", "/datasets", "/id/", "/entities/",
             "/claims/", "/sources/", "/techniques/", "/queries", "/releases/", "/takedowns/", "/search",
             "/.well-known/", "/favicon")

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset"}
ALLOWED_SCRIPTS = ("/static/", "/swagger-ui/")
DANGEROUS_TAGS = {"style", "iframe", "object", "embed", "base", "frame", "frameset", "applet", "foreignobject",
                  "meta-refresh", "svg:script"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    store = tmp_path_factory.mktemp("hostile") / "store"
    build(HOSTILE, store)
    with in_process(store) as site:  # the app in this process: the pages are the point, not the server
        yield site


def _is_page(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//") and not path.startswith(NOT_PAGES) or path == "/sources"


def crawl(site, limit: int = 400) -> dict[str, httpx.Response]:
    seen: dict[str, httpx.Response] = {}
    todo = deque(SEEDS)
    client = site.client
    while todo and len(seen) < limit:
        path = todo.popleft()
        if path in seen:
            continue
        r = client.get(path)
        seen[path] = r
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        for e in parse(r.text, site.base).iter():
            for attr in ("href", "src", "action"):
                link = (e.attrs.get(attr) or "").split("#")[0]
                if link and _is_page(link) and link not in seen and e.tag in ("a", "img", "object"):
                    todo.append(link)
    return seen


@pytest.fixture(scope="module")
def pages(hostile_site) -> dict[str, httpx.Response]:
    return crawl(hostile_site)


def test_the_walk_reaches_every_kind_of_page(pages):
    kinds = {urlsplit(p).path.split("/")[1] for p in pages}
    assert {"", "find", "e", "s", "c", "sources", "entities", "t", "publishers", "persons", "query", "docs",
            "d"} <= kinds, sorted(kinds)
    assert any(p.endswith(".svg") for p in pages)
    assert all(r.status_code < 500 for r in pages.values()), {p: r.status_code for p, r in pages.items()
                                                              if r.status_code >= 500}


def test_every_html_page_and_svg_carries_the_strict_csp(pages):
    for path, r in pages.items():
        kind = r.headers.get("content-type", "")
        if kind.startswith(("text/html", "image/svg+xml")):
            assert r.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY, path
            assert r.headers.get("x-content-type-options") == "nosniff", path
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY


def _inert_html(path: str, text: str, base: str) -> None:
    for e in parse(text, base).iter():
        assert e.tag not in DANGEROUS_TAGS, (path, e.tag)
        for name, value in e.attrs.items():
            assert not name.startswith("on"), (path, e.tag, name)
            assert name != "style", (path, e.tag)
            if name in URL_ATTRIBUTES:
                assert not (value or "").strip().lower().startswith(("javascript:", "data:text/html")), (path, name)
        if e.tag == "script":
            assert (e.attrs.get("src") or "").startswith(ALLOWED_SCRIPTS), (path, e.attrs)
            assert not "".join(c for c in e.children if isinstance(c, str)).strip(), (path, "inline script")
        if e.tag == "img":
            assert (e.attrs.get("src") or "").startswith(("/", "data:")), (path, e.attrs)
            assert e.attrs.get("src") != "x"


def _inert_svg(path: str, text: str) -> str:
    root = ET.fromstring(text)  # well-formed: a `</svg>` in a label closed nothing
    for e in root.iter():
        local = e.tag.rsplit("}", 1)[-1].lower()
        assert local not in ("script", "foreignobject", "iframe", "image", "use"), (path, local)
        for name, value in e.attrib.items():
            assert not name.rsplit("}", 1)[-1].startswith("on"), (path, local, name)
            if name.rsplit("}", 1)[-1] in URL_ATTRIBUTES:
                assert not value.strip().lower().startswith("javascript:"), (path, local, name)
    return "".join(root.itertext())


def test_markup_in_curated_strings_is_inert_on_every_page(pages, hostile_site):
    shown = ""
    for path, r in pages.items():
        kind = r.headers.get("content-type", "")
        if kind.startswith("text/html"):
            _inert_html(path, r.text, hostile_site.base)
            page = parse(r.text, hostile_site.base)
            shown += page.text() + "\n" + "\n".join(str(v) for e in page.iter() for v in e.attrs.values()) + "\n"
            for svg in page.find_all("svg"):  # the chain picture inside the entity page
                assert not any(n.startswith("on") for e in svg.iter() for n in e.attrs), path
        elif kind.startswith("image/svg+xml"):
            shown += _inert_svg(path, r.text)
    # the strings were shown as text (escaped), not dropped
    flat = " ".join(shown.split())
    for marker in MARKERS:
        assert " ".join(marker.split()) in flat, marker


def test_the_chain_picture_shows_the_markup_as_text(hostile_site):
    r = hostile_site.get("/e/alpha/attribution.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    text = _inert_svg("/e/alpha/attribution.svg", r.text)
    assert "alert(6)" in text  # the ministry's label, as text
    page = hostile_site.get("/e/alpha")
    assert "<script>alert(6)</script>" not in page.text  # escaped in the page around the inline picture
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in page.text


def test_the_fixture_really_is_hostile():
    text = "".join(p.read_text() for p in Path(HOSTILE).rglob("*.yaml"))
    for marker in MARKERS:
        assert marker.replace('"', '\\"') in text or marker in text, marker
