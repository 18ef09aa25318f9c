"""The SPARQL 1.1 Protocol, as pure functions: reading a request, content negotiation, and the
service description. No web framework here; `iokg.api.routers.sparql` calls these.

Reading a request (`parse_request`):

- ``GET /sparql?query=...`` with optional ``default-graph-uri`` / ``named-graph-uri`` (repeatable);
- ``POST`` with ``Content-Type: application/x-www-form-urlencoded`` (parameters in the body);
- ``POST`` with ``Content-Type: application/sparql-query`` (the body is the query; dataset
  parameters in the URL).

>>> r = parse_request("GET", b"query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fex.org%2Fg",
...                   None, b"", max_request_bytes=1000)
>>> r.query, r.dataset.default_graph_uris
('ASK {}', ('http://ex.org/g',))
>>> parse_request("POST", b"", "text/plain", b"ASK {}", max_request_bytes=1000)
Traceback (most recent call last):
...
iokg.sparql.protocol.UnsupportedMediaType: POST a query as application/sparql-query or application/x-www-form-urlencoded, not text/plain

Content negotiation (`negotiate`) honours q-values, then the server's order:

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULTS_OFFERS).serves
'application/sparql-results+xml'
>>> negotiate("*/*", GRAPH_OFFERS).serves
'text/turtle'
>>> negotiate("text/turtle", RESULTS_OFFERS) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from iokg.errors import Forbidden, IokgError
from iokg.sparql.dataset import Dataset
from iokg.sparql.limits import Limit
from iokg.sparql.screening import QueryForm

# -- errors -------------------------------------------------------------------------------


class ProtocolError(IokgError):
    """A request that does not follow the SPARQL 1.1 Protocol (HTTP 400)."""


class NotAcceptable(ProtocolError):
    """No format the client accepts can carry this result (HTTP 406)."""


class UnsupportedMediaType(ProtocolError):
    """A POST body of a media type the protocol does not define (HTTP 415)."""


class RequestTooLarge(ProtocolError):
    """A request (body or query string) larger than ``max_request_bytes`` (HTTP 413).

    ``limit`` names the setting, like the limit of `iokg.errors.QueryTimeout`.
    """

    def __init__(self, message: str, limit_bytes: int):
        super().__init__(message)
        self.limit = Limit("IOKG_MAX_REQUEST_BYTES", limit_bytes)


# -- content negotiation ------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A media type a client may ask for (``media_type``), the one served for it (``serves``,
    a type pyoxigraph serializes) and the server's own preference for it (``quality``)."""

    media_type: str
    serves: str
    quality: float = 1.0


#: SELECT and ASK results, in the server's order of preference (the first is the default).
RESULTS_OFFERS: tuple[Offer, ...] = (
    Offer("application/sparql-results+json", "application/sparql-results+json"),
    Offer("application/sparql-results+xml", "application/sparql-results+xml"),
    Offer("text/csv", "text/csv"),
    Offer("text/tab-separated-values", "text/tab-separated-values"),
    Offer("application/json", "application/sparql-results+json", 0.9),
    Offer("application/xml", "application/sparql-results+xml", 0.5),
)

#: CONSTRUCT and DESCRIBE graphs (and the service description), in order of preference.
GRAPH_OFFERS: tuple[Offer, ...] = (
    Offer("text/turtle", "text/turtle"),
    Offer("application/n-triples", "application/n-triples"),
    Offer("application/rdf+xml", "application/rdf+xml"),
    Offer("application/ld+json", "application/ld+json"),
    Offer("application/n-quads", "application/n-quads"),
    Offer("application/trig", "application/trig"),
    Offer("text/n3", "text/n3"),
    Offer("application/x-turtle", "text/turtle", 0.9),
    Offer("text/plain", "application/n-triples", 0.5),
    Offer("application/xml", "application/rdf+xml", 0.5),
)

#: What a bare GET (no query) may answer: the service description, or a query page for browsers.
HTML = "text/html"
SERVICE_DESCRIPTION_OFFERS: tuple[Offer, ...] = GRAPH_OFFERS + (Offer(HTML, HTML),)


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        t, _, s = media_type.partition("/")
        return self.type in ("*", t) and self.subtype in ("*", s)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped.

    >>> parse_accept("text/html, */*;q=0.8")
    [MediaRange(type='text', subtype='html', q=1.0), MediaRange(type='*', subtype='*', q=0.8)]
    """
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        t, slash, s = media.lower().partition("/")
        if not slash or not t or not s or (t == "*" and s != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(t, s, q))
    return ranges


def negotiate(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer the client prefers (q-value of its most specific matching range, times the
    server's quality; ties go to the server's order), or None when it accepts none of them.
    A missing or empty Accept header accepts the first offer."""
    ranges = parse_accept(accept) if accept and accept.strip() else []
    if not ranges:
        return offers[0]
    best, best_score = None, 0.0
    for offer in offers:
        matching = [r for r in ranges if r.matches(offer.media_type)]
        if not matching:
            continue
        q = max(matching, key=lambda r: r.specificity).q
        score = q * offer.quality
        if score > best_score:
            best, best_score = offer, score
    return best


@dataclass(frozen=True)
class Formats:
    """The negotiated media types for each kind of result (None: the client accepts none)."""

    results: str | None
    graph: str | None


def choose_formats(accept: str | None) -> Formats:
    """Negotiate both a results format and a graph format; the query decides which is used."""
    results = negotiate(accept, RESULTS_OFFERS)
    graph = negotiate(accept, GRAPH_OFFERS)
    return Formats(results.serves if results else None, graph.serves if graph else None)


#: The ``format`` parameter (not part of the protocol): a format chosen by name, for links and
#: downloads where no Accept header can be set. It overrides Accept. A name that cannot carry
#: the query's result (``csv`` for a CONSTRUCT) gives 406.
FORMAT_NAMES: dict[str, Formats] = {
    "json": Formats("application/sparql-results+json", "application/ld+json"),
    "xml": Formats("application/sparql-results+xml", "application/rdf+xml"),
    "csv": Formats("text/csv", None),
    "tsv": Formats("text/tab-separated-values", None),
    "turtle": Formats(None, "text/turtle"),
    "ntriples": Formats(None, "application/n-triples"),
}


def request_formats(format_name: str | None, accept: str | None) -> Formats:
    """The formats named by a ``format`` parameter, else those negotiated from ``accept``.

    >>> request_formats("csv", "application/json")
    Formats(results='text/csv', graph=None)
    >>> request_formats(None, "text/csv").results
    'text/csv'
    """
    if format_name is not None:
        return FORMAT_NAMES[format_name]
    return choose_formats(accept)


def not_acceptable_message(form: QueryForm) -> str:
    offers = GRAPH_OFFERS if form.gives_graph else RESULTS_OFFERS
    names = ", ".join(dict.fromkeys(o.serves for o in offers))
    return f"no acceptable format for a {form.name} result; this service can send: {names}"


# -- reading a request --------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")


@dataclass(frozen=True)
class SparqlRequest:
    """A protocol request: the query (None for a bare GET, which asks for the service
    description), the dataset given by ``default-graph-uri`` / ``named-graph-uri``, and the
    result format named by the ``format`` parameter, if any (see `FORMAT_NAMES`)."""

    query: str | None
    dataset: Dataset = Dataset()
    format: str | None = None


def check_size(size: int, max_request_bytes: int) -> None:
    """Raise `RequestTooLarge` when ``size`` bytes exceed the limit."""
    if size > max_request_bytes:
        raise RequestTooLarge(
            f"request of {size} bytes is larger than the limit of {max_request_bytes} bytes "
            "(IOKG_MAX_REQUEST_BYTES)",
            max_request_bytes,
        )


def parse_request(
    method: str,
    query_string: bytes,
    content_type: str | None,
    body: bytes,
    *,
    max_request_bytes: int,
) -> SparqlRequest:
    """Read a SPARQL 1.1 Protocol query request from its raw parts.

    Raises RequestTooLarge (413), UnsupportedMediaType (415), ProtocolError (400: repeated or
    missing ``query``, text not UTF-8, invalid graph IRI) and Forbidden (403: updates).
    """
    check_size(len(query_string), max_request_bytes)
    check_size(len(body), max_request_bytes)
    params = _decode_params(query_string, "the URL query string")
    if method == "GET":
        if not params or all(
            name not in ("query", "update", *DATASET_PARAMETERS) for name, _ in params
        ):
            return SparqlRequest(None)
        return _request_from(params)
    if method != "POST":
        raise ProtocolError(f"method {method} is not part of the SPARQL protocol; use GET or POST")
    media, charset = _media_type(content_type)
    if media == SPARQL_UPDATE:
        raise Forbidden("this SPARQL service is read-only: updates are refused")
    if media == FORM:
        return _request_from(params + _decode_params(body, "the form body"))
    if media == SPARQL_QUERY:
        if charset not in (None, "utf-8", "utf8"):
            raise UnsupportedMediaType(f"a query must be sent as UTF-8, not {charset}")
        if "query" in {name for name, _ in params}:
            raise ProtocolError("give the query either in the body or in the URL, not both")
        return _request_from([("query", _utf8(body, "the query"))] + params)
    raise UnsupportedMediaType(
        f"POST a query as {SPARQL_QUERY} or {FORM}, not {media or 'a body without Content-Type'}"
    )


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type or not content_type.strip():
        return None, None
    media, *params = (p.strip() for p in content_type.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProtocolError(f"{what} is not valid UTF-8 (byte {e.start})") from None


def _decode_params(data: bytes, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            _utf8(data, what), keep_blank_values=True, encoding="utf-8", errors="strict"
        )
    except UnicodeDecodeError as e:
        raise ProtocolError(
            f"{what} holds percent-encoded bytes that are not UTF-8 ({e.reason})"
        ) from None


def _request_from(params: list[tuple[str, str]]) -> SparqlRequest:
    names = [name for name, _ in params]
    if "update" in names:
        raise Forbidden("this SPARQL service is read-only: updates are refused")
    queries = [value for name, value in params if name == "query"]
    if not queries:
        raise ProtocolError("no query given: pass the SPARQL query as the `query` parameter")
    if len(queries) > 1:
        raise ProtocolError(f"the `query` parameter was given {len(queries)} times; give it once")
    if not queries[0].strip():
        raise ProtocolError("the `query` parameter is empty")
    graphs = {name: tuple(v for n, v in params if n == name) for name in DATASET_PARAMETERS}
    for iri in graphs["default-graph-uri"] + graphs["named-graph-uri"]:
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise ProtocolError(f"invalid graph IRI {iri!r}: {e}") from None
    formats = [value for name, value in params if name == "format"]
    if len(formats) > 1:
        raise ProtocolError(f"the `format` parameter was given {len(formats)} times; give it once")
    if formats and formats[0] not in FORMAT_NAMES:
        raise ProtocolError(
            f"unknown format {formats[0]!r}; the `format` parameter takes one of: "
            + ", ".join(FORMAT_NAMES)
        )
    return SparqlRequest(
        queries[0],
        Dataset(graphs["default-graph-uri"], graphs["named-graph-uri"]),
        formats[0] if formats else None,
    )


# -- service description ------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")


def service_description(endpoint: str, media_type: str, *, comment: str | None = None) -> bytes:
    """A SPARQL 1.1 Service Description of the endpoint, serialized as ``media_type``.

    >>> ttl = service_description("http://localhost:8000/sparql", "text/turtle")
    >>> b"sd:SPARQL11Query" in ttl
    True
    """
    service = ox.NamedNode(endpoint)

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            service,
            sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
    ]
    formats = [ox.QueryResultsFormat.from_media_type(o.serves) for o in RESULTS_OFFERS]
    formats += [ox.RdfFormat.from_media_type(o.serves) for o in GRAPH_OFFERS]
    for fmt in dict.fromkeys(formats):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(fmt.iri)))
    if comment:
        triples.append(ox.Triple(service, RDFS_COMMENT, ox.Literal(comment)))
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise NotAcceptable(f"cannot describe the service as {media_type}")
    return ox.serialize(
        triples,
        format=fmt,
        prefixes={"sd": SD, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
    )
