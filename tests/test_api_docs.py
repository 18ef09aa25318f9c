"""/docs works offline: Swagger UI's files come from this server, never a CDN."""

from __future__ import annotations

from html.parser import HTMLParser


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_docs_page_uses_only_local_assets(server):
    if True:
        page = server.get("/docs")
        assert page.status_code == 200
        parser = _Assets()
        parser.feed(page.text)
        assert parser.urls, "the page loads Swagger UI's script and style"
        for url in parser.urls:
            assert url.startswith("/"), f"{url} is not served by this app"
            assert server.get(url, timeout=10).status_code == 200, url
        assert "/openapi.json" in page.text
        spec = server.get("/openapi.json", timeout=10).json()
        assert "/entities/{id}" in spec["paths"]
