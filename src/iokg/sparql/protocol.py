"""The SPARQL 1.1 Protocol, as pure functions: reading a request and its errors. No web
framework here; `iokg.api.routers.sparql` calls these. Content negotiation is in
`iokg.sparql.negotiation`, the service description in `iokg.sparql.description`.

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
iokg.errors.UnsupportedMediaType: POST a query as application/sparql-query or application/x-www-form-urlencoded, not text/plain

A format named in ``format`` (or SPARQLWrapper's ``output`` / ``results``) overrides ``Accept``;
SPARQLWrapper repeats it, once as a name and once as a media type, which agree:

>>> r = parse_request("GET", b"query=ASK%20%7B%7D&format=tsv&format=text%2Ftab-separated-values"
...                   b"&output=tsv&results=tsv", None, b"", max_request_bytes=1000)
>>> r.formats
Formats(results='text/tab-separated-values', graph=None)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from iokg.errors import (  # noqa: F401  (re-exported: the protocol's errors, defined in iokg.errors)
    Forbidden,
    Limit,
    NotAcceptable,
    ProtocolError,
    RequestTooLarge,
    UnsupportedMediaType,
)
from iokg.sparql.dataset import Dataset
from iokg.sparql.negotiation import (  # noqa: F401  (re-exported: the protocol's vocabulary)
    FORMAT_NAMES,
    FORMAT_PARAMETERS,
    GRAPH_OFFERS,
    HTML,
    RESULTS_OFFERS,
    SERVICE_DESCRIPTION_OFFERS,
    Formats,
    Offer,
    choose_formats,
    common_formats,
    named_formats,
    negotiate,
    offered_media_types,
    one_format,
    request_formats,
)

# -- reading a request --------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")


@dataclass(frozen=True)
class SparqlRequest:
    """A protocol request: the query (None for a bare GET, which asks for the service
    description), the dataset given by ``default-graph-uri`` / ``named-graph-uri``, and the
    result formats named by the ``format`` / ``output`` / ``results`` parameters, if any
    (see `iokg.sparql.negotiation.named_formats`)."""

    query: str | None
    dataset: Dataset = Dataset()
    formats: Formats | None = None


def check_size(size: int, max_request_bytes: int) -> None:
    """Raise `RequestTooLarge` when ``size`` bytes exceed the limit."""
    if size > max_request_bytes:
        raise RequestTooLarge(
            f"request of {size} bytes is larger than the limit of {max_request_bytes} bytes "
            "(IOKG_MAX_REQUEST_BYTES)",
            limit=Limit("IOKG_MAX_REQUEST_BYTES", max_request_bytes),
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
    return SparqlRequest(
        queries[0],
        Dataset(graphs["default-graph-uri"], graphs["named-graph-uri"]),
        _named_formats(params),
    )


def _named_formats(params: list[tuple[str, str]]) -> Formats | None:
    """The formats named by ``format``, ``output`` and ``results`` (None if none is given).

    Each value is a name or a media type; empty values are ignored (SPARQLWrapper sends one).
    Repeated values must have a format in common, or the request is a 400.
    """
    given = [(n, v.strip()) for n, v in params if n in FORMAT_PARAMETERS and v.strip()]
    if not given:
        return None
    named = []
    for name, value in given:
        formats = named_formats(value)
        if formats is None:
            raise ProtocolError(
                f"unknown format {value!r} in the `{name}` parameter; it takes a media type "
                "this service sends or one of: " + ", ".join(FORMAT_NAMES)
            )
        named.append(formats)
    common = common_formats(named)
    if common.results is None and common.graph is None:
        values = ", ".join(f"{n}={v}" for n, v in given)
        raise ProtocolError(f"the format parameters name different formats ({values}); name one")
    return common
