"""Links that a journalist can copy and cite, never built from the request.

A request's ``Host`` and ``X-Forwarded-*`` headers say nothing trustworthy about where the site
lives, so no link depends on them:

- links between pages are paths (``/e/spamouflage``): they stay on whatever address the reader
  opened;
- addresses to cite (the "Cite this" block, ``<link rel="canonical">``, the ``url`` of JSON
  results) are absolute: ``IOKG_PUBLIC_URL`` plus the page's path when that setting is given,
  otherwise the thing's IRI (``https://w3id.org/iokg/id/claim/…``), or for a page that has no IRI
  (a list of sources) the graph's own base plus the path;
- links to an IRI point at the IRI, or at this site's ``/id/…`` when ``IOKG_PUBLIC_URL`` says
  where the site is.

>>> links = Links(None)
>>> links.cite_url("https://w3id.org/iokg/id/claim/x--partOf--y", "/c/x--partOf--y")
'https://w3id.org/iokg/id/claim/x--partOf--y'
>>> links.page_url("/sources?publisher=Wired")
'https://w3id.org/iokg/sources?publisher=Wired'
>>> Links("https://iokg.example.org").cite_url("https://w3id.org/iokg/id/claim/x--partOf--y", "/c/x--partOf--y")
'https://iokg.example.org/c/x--partOf--y'
>>> Links("https://iokg.example.org").iri_href("https://w3id.org/iokg/id/entity/spamouflage")
'https://iokg.example.org/id/entity/spamouflage'
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from iokg import vocab

#: The page of each kind of thing: kind -> (route name, query parameter or None for a path id).
PAGE_ROUTES: dict[str, tuple[str, str | None]] = {
    "entity": ("entity_page", None), "source": ("source_page", None), "claim": ("claim_page", None),
    "technique": ("technique_page", None), "tactic": ("technique_page", None),
    "publisher": ("sources_page", "publisher"), "author": ("sources_page", "author"),
}


class Links:
    """Absolute, citable addresses from ``IOKG_PUBLIC_URL`` (or the graph's base)."""

    def __init__(self, public_url: str | None):
        self.public_url = public_url.rstrip("/") if public_url else None
        self.base = self.public_url or vocab.BASE.rstrip("/")

    def page_url(self, path: str) -> str:
        """The absolute address of a page path: on the public site, or under the graph's base."""
        return self.base + path

    def cite_url(self, iri: str | None, path: str) -> str:
        """The address to cite a thing by: its page on the public site when that is known, else its
        IRI (or, for a thing without one, the graph's base plus the path)."""
        if self.public_url or not iri:
            return self.page_url(path)
        return iri

    def iri_href(self, iri: str) -> str:
        """Where a link to an IRI of this graph should point."""
        if self.public_url and iri.startswith(vocab.ID):
            return f"{self.public_url}/id/{iri[len(vocab.ID):]}"
        return iri


def path_for(request: Request, name: str, /, query: dict[str, str] | None = None, **path_params: object) -> str:
    """The path of route ``name`` (with the app's root path), plus a query string: a link that
    stays on the address the reader opened, whatever the Host header said."""
    path = request.scope.get("root_path", "") + str(request.app.url_path_for(name, **path_params))
    query = {k: v for k, v in (query or {}).items() if v is not None and v != ""}
    return path + ("?" + urlencode(query) if query else "")


def thing_path(request: Request, kind: str, ident: str) -> str:
    """The path of the page of a thing of ``kind`` (entity, source, claim, technique, tactic,
    publisher, author)."""
    route, param = PAGE_ROUTES[kind]
    return path_for(request, route, query={param: ident}) if param else path_for(request, route, id=ident)


def links_of(request: Request) -> Links:
    return request.app.state.links
