"""Citable, stable links: what a journalist copies comes from IOKG_PUBLIC_URL or the graph's own
base, never from the request's Host or X-Forwarded-* headers; the cite block gives the claim in
plain text with the day it was retrieved and the build it came from. Real servers over the store
built from data/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from html_tree import parse
from iokg.store import build_id, resolve_store

PUBLIC = "https://iokg.example.org"
CLAIM = "spicypanda--attributedTo--cicc"
IRI = f"https://w3id.org/iokg/id/claim/{CLAIM}"
SPOOFED = {"host": "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "gopher",
           "x-forwarded-for": "203.0.113.9", "forwarded": "host=evil.example;proto=https"}


@pytest.fixture(scope="module")
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


@pytest.fixture(scope="module")
def public_site(data_store: Path, sites):
    return sites(data_store, public_url=PUBLIC + "/")


def cite_block(site, headers: dict | None = None):
    r = site.get(f"/c/{CLAIM}", headers=headers or {}, timeout=30)
    assert r.status_code == 200
    page = parse(r.text)
    return r.text, page, page.find("section", cls="cite")


def raw_text(element) -> str:
    """The text of an element as written (``Element.text`` folds whitespace; a <pre> keeps it)."""
    return "".join(c if isinstance(c, str) else raw_text(c) for c in element.children)


def test_without_a_public_url_the_link_to_cite_is_the_iri(site, data_store):
    _, page, cite = cite_block(site)
    assert cite.find(id="cite-url").attrs["href"] == IRI and cite.find(id="cite-url").text() == IRI
    assert page.find("link", rel="canonical").attrs["href"] == IRI
    assert cite.find("a", cls="iri").attrs["href"] == IRI
    assert cite.find(id="cite-build").text() == resolve_store(data_store).name


def test_with_a_public_url_every_link_to_cite_uses_it(public_site):
    _, page, cite = cite_block(public_site)
    assert cite.find(id="cite-url").attrs["href"] == f"{PUBLIC}/c/{CLAIM}"
    assert page.find("link", rel="canonical").attrs["href"] == f"{PUBLIC}/c/{CLAIM}"
    assert cite.find(id="cite-iri").text() == IRI  # the identifier itself never changes
    assert cite.find("a", cls="iri").attrs["href"] == f"{PUBLIC}/id/claim/{CLAIM}"
    assert f"{PUBLIC}/c/{CLAIM}" in cite.find("pre", id="citation-text").text()
    hits = public_site.get("/search", params={"q": "The Record"}).json()["results"]
    assert hits[0]["url"] == f"{PUBLIC}/e/the-record"  # publishers are parties: entities with pages
    assert any(h["url"] == f"{PUBLIC}/s/therecord-2023-08-29" for h in hits)
    r = public_site.get(f"/claims/{CLAIM}")
    assert r.headers["link"] == f'<{PUBLIC}/c/{CLAIM}>; rel="canonical"'
    technique = parse(public_site.get("/t/T0049.004").text)
    assert technique.find("link", rel="canonical").attrs["href"] == f"{PUBLIC}/t/T0049.004"


@pytest.mark.parametrize("fixture", ["site", "public_site"])
def test_a_spoofed_host_changes_nothing_a_journalist_copies(fixture, request):
    server = request.getfixturevalue(fixture)
    honest_html, _, honest = cite_block(server)
    spoofed_html, _, spoofed = cite_block(server, SPOOFED)
    assert "evil.example" not in spoofed_html and "gopher" not in spoofed_html
    assert spoofed.text() == honest.text()
    assert spoofed.links() == honest.links()
    for path in ("/find?q=Storm-1376", "/sources?publisher=Wired", "/t/T0049.004", "/e/spicypanda", "/query?query=ASK%7B%7D"):
        body = httpx.get(server.url + path, headers=SPOOFED, timeout=30).text
        assert "evil.example" not in body and "gopher:" not in body, path
    for path in ("/search?q=Storm-1376", f"/claims/{CLAIM}", "/techniques/T0049.004"):
        honest_r = httpx.get(server.url + path)
        spoofed_r = httpx.get(server.url + path, headers=SPOOFED)
        assert spoofed_r.json() == honest_r.json() and spoofed_r.headers.get("link") == honest_r.headers.get("link")
        assert "evil.example" not in spoofed_r.text
    r = httpx.get(server.url + "/id/entity/spamouflage", headers={**SPOOFED, "accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/e/spamouflage"


def test_the_cite_block_gives_the_claim_in_plain_text_retrieved_and_build(site, data_store):
    _, _, cite = cite_block(site)
    text = raw_text(cite.find("pre", id="citation-text"))
    lines = text.splitlines()
    assert lines[0] == "Claim: SPICYPANDA is attributed to Chongqing International Communications Center."
    assert lines[1] == ("Sources: 1 independent origin (DHS Office of Intelligence and Analysis); "
                        "no recorded dispute or denial.")
    assert lines[2] == f"iokg claim {CLAIM}: {IRI}"
    today = dt.date.today().isoformat()
    assert lines[3] == f"Retrieved {today} from iokg, build {build_id(data_store)}."
    assert cite.find(id="cite-retrieved").attrs["datetime"] == today
    assert "[1] DHS Office of Intelligence and Analysis (2023-04-27)" in text


def test_a_contested_claim_says_who_disputes_in_its_plain_text(site):
    r = site.get("/c/spamouflage--attributedTo--prc-government", timeout=30)
    text = raw_text(parse(r.text).find("pre", id="citation-text"))
    line = text.splitlines()[1]
    assert "disputed by Graphika (2019-09)" in line
    assert "denied by Embassy of the People's Republic of China in Washington (2023)" in line


def test_the_footer_names_the_build(site, data_store):
    page = parse(site.get("/").text)
    assert page.find(id="build-id").text() == build_id(data_store)


def test_public_url_is_an_option_of_serve_and_is_checked(tmp_path):
    from conftest import iokg

    assert "--public-url" in iokg("serve", "--help").stdout
    bad = iokg("serve", "--store", str(tmp_path / "none"), "--public-url", "ftp://iokg.example.org")
    assert bad.returncode == 1 and "IOKG_PUBLIC_URL must be an http(s) URL" in bad.stderr
