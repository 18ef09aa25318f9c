"""The HTML pages: home (with the search form) and the researchers' query page. The search
results, entity, source and claim pages are in `iokg.web.routers.lookup_pages`.

Every page is server-rendered and works without JavaScript; the little script there is only
makes the query page quicker to use. The query page runs the user's query through the
client-SPARQL door of `iokg.sparql.service.QueryService` (a worker process, the same limits,
prefixes and base IRI as ``/sparql``), waiting for it on the event loop. Pages hold no SPARQL:
the query page runs what the user wrote, and its examples are the named queries of ``queries/*.rq``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from iokg.api.errors import status_and_type
from iokg.api.links import path_for
from iokg.errors import IokgError
from iokg.queries import load_queries
from iokg.sparql import protocol
from iokg.sparql.negotiation import Formats
from iokg.sparql.service import QueryService
from iokg.sparql.tables import GRAPH_MEDIA_TYPE, RESULTS_MEDIA_TYPE, ResultTable, result_table
from iokg.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: The named query the editor starts with when none is asked for.
FIRST_EXAMPLE = "stats"

#: Download formats offered for each kind of result: (label, ``format`` value, file suffix).
DOWNLOADS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "results": (
        ("CSV", "csv", "csv"),
        ("JSON", "json", "json"),
        ("TSV", "tsv", "tsv"),
        ("XML", "xml", "xml"),
    ),
    "boolean": (("JSON", "json", "json"), ("XML", "xml", "xml")),
    "graph": (
        ("Turtle", "turtle", "ttl"),
        ("N-Triples", "ntriples", "nt"),
        ("JSON-LD", "json", "jsonld"),
        ("RDF/XML", "xml", "rdf"),
    ),
}


@dataclass(frozen=True)
class PageError:
    """An error to show in a page, in the terms of the API's one error shape."""

    status: int
    type: str
    message: str
    setting: str | None = None
    value: object = None

    @classmethod
    def of(cls, error: IokgError) -> PageError:
        status, type_ = status_and_type(error)
        limit = getattr(error, "limit", None)
        return cls(
            status,
            type_,
            str(error),
            getattr(limit, "setting", None),
            getattr(limit, "value", None),
        )


@router.get("/", name="home")
def home(request: Request) -> HTMLResponse:
    """The home page: what iokg is, and the search form."""
    return render(request, "home.html")


@router.get("/query", name="query_page")
async def query_page(request: Request) -> HTMLResponse:
    """The SPARQL query page. ``?query=`` runs the query and shows its result as a table;
    ``?example=NAME`` loads the named query NAME into the editor without running it."""
    settings = request.app.state.settings
    examples = load_queries()
    params = request.query_params
    query = params.get("query", "").replace("\r\n", "\n")  # forms send CRLF
    example_name = params.get("example")
    context: dict[str, Any] = {
        "examples": list(examples.values()),
        "settings": settings,
        "ran": False,
        "table": None,
        "error": None,
        "downloads": [],
        "example": None,
    }
    status = 200
    if query.strip():
        context["ran"] = True
        try:
            size = len(request.scope.get("query_string", b""))
            protocol.check_size(size, settings.max_request_bytes)
            table = await query_table(
                request.app.state.service, query, base_iri=str(request.url_for("sparql"))
            )
            context["table"] = table
            context["downloads"] = download_links(request, query, table.kind)
        except IokgError as e:
            context["error"] = PageError.of(e)
            status = context["error"].status
    elif example_name is not None:
        named = examples.get(example_name)
        if named is None:
            context["error"] = PageError(
                404, "not_found", f"no example query named '{example_name}'; known: "
                + ", ".join(examples)
            )
            status = 404
        else:
            query = named.text
            context["example"] = named
    else:
        first = examples.get(FIRST_EXAMPLE) or next(iter(examples.values()), None)
        query = first.text if first else ""
    context["query"] = query
    return render(request, "query.html", context, status_code=status)


async def query_table(service: QueryService, query: str, base_iri: str | None = None) -> ResultTable:
    """A user's query through the service's SPARQL door (same limits, prefixes and base IRI as
    /sparql), as a table."""
    result = await service.sparql(query, formats=Formats(RESULTS_MEDIA_TYPE, GRAPH_MEDIA_TYPE),
                                  base_iri=base_iri)
    return result_table(result)


def download_links(request: Request, query: str, kind: str) -> list[dict[str, str]]:
    """Links to the same query on ``/sparql`` with a ``format`` parameter, one per format."""
    return [
        {
            "label": label,
            "href": path_for(request, "sparql", query={"query": query, "format": name}),
            "filename": f"iokg-results.{suffix}",
        }
        for label, name, suffix in DOWNLOADS[kind]
    ]

