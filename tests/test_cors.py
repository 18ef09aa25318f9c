"""Cross-origin requests to a real server: the preflight as HTTP, and a real browser (Chromium)
on a page of another origin querying /sparql with fetch()."""

from __future__ import annotations

import http.server
import json
import threading

import httpx
import pytest

ORIGIN = "https://yasgui.example"


def test_preflight_of_a_direct_post_is_allowed(server):
    r = httpx.options(server.sparql, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert {m.strip() for m in r.headers["access-control-allow-methods"].split(",")} >= {"GET", "POST"}
    assert {h.strip() for h in r.headers["access-control-allow-headers"].split(",")} >= {
        "content-type", "accept"}
    assert int(r.headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in r.headers


def test_preflight_of_a_write_method_is_refused_in_the_error_shape(server):
    r = httpx.options(server.sparql, headers={"Origin": ORIGIN,
                                              "Access-Control-Request-Method": "PUT"})
    assert r.status_code == 403
    error = r.json()["error"]
    assert error["type"] == "forbidden" and "GET" in error["message"]


def test_plain_options_says_what_is_allowed(server):
    r = httpx.options(server.sparql)
    assert r.status_code == 204
    assert {m.strip() for m in r.headers["allow"].split(",")} >= {"GET", "POST", "OPTIONS"}


@pytest.mark.parametrize("send", [
    lambda url: httpx.get(url, params={"query": "ASK {}"}, headers={"Origin": ORIGIN}),
    lambda url: httpx.post(url, data={"query": "ASK {}"}, headers={"Origin": ORIGIN}),
    lambda url: httpx.get(url, params={"query": "ASK {"}, headers={"Origin": ORIGIN}),
])
def test_answers_and_errors_carry_the_allow_origin_header(server, send):
    r = send(server.sparql)
    assert r.headers["access-control-allow-origin"] == "*"
    assert "X-IOKG-Truncated" in r.headers["access-control-expose-headers"]


def test_lookups_are_open_to_other_origins_too(server):
    r = httpx.get(server.url + "/healthz", headers={"Origin": ORIGIN})
    assert r.headers["access-control-allow-origin"] == "*"


@pytest.fixture
def other_origin():
    """A blank page served from another origin (another port) than the iokg server."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>elsewhere</title>")

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


FETCH = """async ([url, init]) => {
  try {
    const r = await fetch(url, init);
    return {status: r.status, type: r.headers.get("content-type"),
            truncated: r.headers.get("x-iokg-truncated"), body: await r.text()};
  } catch (e) { return {error: String(e)}; }
}"""


@pytest.fixture
def unrouted_page(chromium):
    """A page without the request guard of the ``page`` fixture: Playwright's request routing
    answers CORS preflights itself, which would hide the server's. This page only ever
    reaches 127.0.0.1."""
    context = chromium.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.browser
def test_a_page_of_another_origin_queries_the_endpoint(server, other_origin, unrouted_page):
    page = unrouted_page
    page.goto(other_origin)
    direct = page.evaluate(FETCH, [server.sparql, {
        "method": "POST", "body": "SELECT ?s WHERE { ?s ?p 'hola' }",
        "headers": {"Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json"}}])
    assert direct.get("status") == 200, direct
    rows = json.loads(direct["body"])["results"]["bindings"]
    assert rows == [{"s": {"type": "uri", "value": "http://example.org/dave"}}]
    form = page.evaluate(FETCH, [server.sparql, {
        "method": "POST", "body": "query=ASK%20%7B%7D",
        "headers": {"Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json"}}])
    assert json.loads(form["body"]) == {"head": {}, "boolean": True}
    got = page.evaluate(FETCH, [server.sparql + "?query=ASK%20%7B%7D", {}])
    assert got["status"] == 200 and got["type"].startswith("application/sparql-results+json")
    # a write method is refused by the preflight: the browser does not send the request
    refused = page.evaluate(FETCH, [server.sparql, {"method": "PUT", "body": "x"}])
    assert "error" in refused
