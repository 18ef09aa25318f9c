"""How HTML pages are rendered: the Jinja2 templates of ``iokg/web/templates``, the site navigation,
and the headers every page carries.

Pages extend ``base.html`` (site header, navigation, footer, skip link) and fill its blocks:
``title``, ``description``, ``head``, ``content`` and ``scripts``. Autoescaping is on. The helpers
of `iokg.web.presentation` that templates use (``short_source``, ``evidence_label``, ...) are
globals of the environment.

``url_for(name, **params)`` in a template gives a *path* (``/e/spamouflage``), never an address
built from the request's Host header; ``page(name, query={...}, **params)`` a path with a query
string. Every page also gets ``links`` (`iokg.api.links.Links`: the addresses to cite, from
``IOKG_PUBLIC_URL``) and ``build`` (the id of the build of the graph it was made from).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from starlette.routing import NoMatchFound

from iokg.api.links import path_for, thing_path
from iokg.provenance import corroboration
from iokg.store import build_id
from iokg.web import presentation

#: The site navigation: (label, route name). ``/docs`` is FastAPI's OpenAPI page.
NAV: tuple[tuple[str, str], ...] = (
    ("Search", "home"),
    ("Sources", "sources_page"),
    ("Entities", "entities_page"),
    ("Techniques", "techniques_page"),
    ("Publishers", "publishers_page"),
    ("People", "persons_page"),
    ("Query", "query_page"),
    ("Datasets", "datasets_page"),
    ("API docs", "swagger_ui_html"),
)

#: Pages load nothing from anywhere but this server.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

environment = Environment(
    loader=PackageLoader("iokg.web", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@pass_context
def _url_for(context, name: str, /, **path_params: object) -> str:
    return path_for(context["request"], name, **path_params)


@pass_context
def _page(context, name: str, /, query: dict | None = None, **path_params: object) -> str:
    return path_for(context["request"], name, query=query, **path_params)


@pass_context
def _thing_url(context, kind: str, ident: str) -> str:
    return thing_path(context["request"], kind, ident)


environment.globals.update(
    url_for=_url_for,  # before Jinja2Templates, which only sets its own when none is there
    page=_page,
    thing_url=_thing_url,
    STANCES=presentation.STANCES,
    STANCE_LABELS=presentation.STANCE_LABELS,
    short_source=presentation.short_source,
    evidence_label=presentation.evidence_label,
    type_label=presentation.entity_type_label,
    technique_parts=presentation.technique_parts,
    all_assertions=presentation.all_assertions,
    where_read=presentation.where_read,
    said_by_text=presentation.said_by_text,
    confidence_whose_text=presentation.confidence_whose_text,
    corroboration_of=corroboration.from_assertions,
    claim_words=presentation.claim_words,
)
templates = Jinja2Templates(env=environment)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """``template`` rendered with ``context`` plus ``request`` and ``nav`` (a list of
    ``(label, url, is_current)``), with the pages' security headers."""
    route = request.scope.get("route")
    values = {"nav": navigation(request, getattr(route, "name", None)), "links": request.app.state.links,
              "build": build_id(request.app.state.settings.store), **(context or {})}
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def navigation(request: Request, current: str | None) -> list[tuple[str, str, bool]]:
    """The `NAV` entries this app has, as ``(label, url, is_current)``."""
    entries = []
    for label, name in NAV:
        try:
            url = path_for(request, name)
        except NoMatchFound:
            continue
        entries.append((label, url, name == current))
    return entries
