"""Results of the remote store read as they stream in, cut at the row cap, their graph names
mapped back to the usual ones, and written out by pyoxigraph in the format the client asked for
(so a remote result has the same bytes as an embedded one).

SELECT and ASK results are asked for as SPARQL JSON, graphs as N-Triples (or Turtle); both are
parsed by pyoxigraph's streaming parsers, and reading stops one row past the cap.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from iokg.errors import InvalidQuery, StoreFailed
from iokg.remote.client import Response
from iokg.sparql.worker import read_rows

JSON_RESULTS = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEANS = {"1": "true", "0": "false"}

_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,
}
_GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/ntriples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}


def usual_term(term: Any, usual: Mapping[str, str]) -> Any:
    """``term`` with a tagged graph name replaced by the graph's usual name, and a boolean in its
    canonical form (Virtuoso writes ``"1"^^xsd:boolean`` for ``true``)."""
    if isinstance(term, ox.NamedNode) and term.value in usual:
        return ox.NamedNode(usual[term.value])
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN and term.value in _BOOLEANS:
        return ox.Literal(_BOOLEANS[term.value], datatype=term.datatype)
    return term


def parse_results(response: Response) -> Any:
    """The store's SELECT/ASK answer, parsed as it streams (QuerySolutions or QueryBoolean)."""
    fmt = _RESULT_FORMATS.get(response.media_type, ox.QueryResultsFormat.JSON)
    if fmt is None:
        raise StoreFailed(f"the SPARQL store answered {response.media_type}, not SPARQL results")
    try:
        return ox.parse_query_results(response.file(), format=fmt)
    except (SyntaxError, ValueError) as e:
        raise StoreFailed(f"the SPARQL store's results could not be read: {e}") from None


def parse_graph(response: Response):
    """The store's CONSTRUCT/DESCRIBE answer: an iterator of quads as they stream in."""
    fmt = _GRAPH_FORMATS.get(response.media_type)
    if fmt is None:
        raise StoreFailed(f"the SPARQL store answered {response.media_type or 'no media type'}, not a graph")
    return ox.parse(response.file(), format=fmt)


def json_term(term: Any) -> dict:
    """A term as SPARQL JSON results write it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, str] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    raise InvalidQuery(f"a result holds a term iokg cannot write: {term!r}")


def capped_solutions(parsed: Any, max_rows: int | None, usual: Mapping[str, str]) -> tuple[bytes, bool]:
    """SPARQL JSON of at most ``max_rows`` solutions (None: all), and whether rows were cut."""
    read = read_rows(parsed, max_rows)
    bindings = [{name: json_term(usual_term(term, usual)) for name, term in row.items()} for row in read.rows]
    body = json.dumps({"head": {"vars": read.columns}, "results": {"bindings": bindings}})
    return body.encode("utf-8"), read.truncated


def write_results(json_body: bytes, media_type: str | None, truncated: bool) -> tuple[bytes, str]:
    """SPARQL JSON results rewritten by pyoxigraph in ``media_type``; a cut JSON result says so."""
    fmt = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        from iokg.sparql.protocol import NotAcceptable

        raise NotAcceptable("no acceptable format for SELECT or ASK results was asked for")
    body = ox.parse_query_results(json_body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt)
    if truncated and fmt == ox.QueryResultsFormat.JSON:
        body = b'{"truncated":true,' + body[1:]
    return body, fmt.media_type


def boolean_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": bool(value)}).encode()


def capped_triples(quads: Any, max_rows: int, usual: Mapping[str, str]) -> tuple[list, bool]:
    triples, truncated = [], False
    for quad in quads:
        if len(triples) >= max_rows:
            truncated = True
            break
        triples.append(ox.Triple(usual_term(quad.subject, usual), quad.predicate,
                                 usual_term(quad.object, usual)))
    return triples, truncated


def write_graph(triples: list, media_type: str | None) -> tuple[bytes, str]:
    fmt = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        from iokg.sparql.protocol import NotAcceptable

        raise NotAcceptable("no acceptable format for a CONSTRUCT or DESCRIBE graph was asked for")
    return ox.serialize(triples, format=fmt), fmt.media_type
