"""The SPARQL 1.1 Service Description of the endpoint (what a bare ``GET /sparql`` answers).

It names the endpoint, SPARQL 1.1 Query, the union default graph, every result format (by its
IRI in the W3C formats registry, http://www.w3.org/ns/formats/), and the predeclared prefixes
as SHACL prefix declarations (``sh:declare [ sh:prefix "iokg" ; sh:namespace "…"^^xsd:anyURI ]``).

>>> ttl = service_description("http://localhost:8000/sparql", "text/turtle")
>>> b"sd:SPARQL11Query" in ttl, b"<http://www.w3.org/ns/formats/JSON-LD>" in ttl
(True, True)
"""

from __future__ import annotations

import pyoxigraph as ox

from iokg.sparql.negotiation import GRAPH_OFFERS, RESULTS_OFFERS
from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.protocol import NotAcceptable

SD = "http://www.w3.org/ns/sparql-service-description#"
SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")

#: Media type served -> its IRI in the W3C formats registry.
FORMAT_IRIS: dict[str, str] = {
    "application/sparql-results+json": FORMATS + "SPARQL_Results_JSON",
    "application/sparql-results+xml": FORMATS + "SPARQL_Results_XML",
    "text/csv": FORMATS + "SPARQL_Results_CSV",
    "text/tab-separated-values": FORMATS + "SPARQL_Results_TSV",
    "text/turtle": FORMATS + "Turtle",
    "application/n-triples": FORMATS + "N-Triples",
    "application/rdf+xml": FORMATS + "RDF_XML",
    "application/ld+json": FORMATS + "JSON-LD",
    "application/n-quads": FORMATS + "N-Quads",
    "application/trig": FORMATS + "TriG",
    "text/n3": FORMATS + "N3",
}


def result_format_iris() -> list[str]:
    """The format IRIs of every result this endpoint can send, in the server's order."""
    served = dict.fromkeys(o.serves for o in RESULTS_OFFERS + GRAPH_OFFERS)
    return [FORMAT_IRIS[media] for media in served]


def service_description(endpoint: str, media_type: str, *, comment: str | None = None) -> bytes:
    """The service description of ``endpoint``, serialized as ``media_type``."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise NotAcceptable(f"cannot describe the service as {media_type}")
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
    for iri in result_format_iris():
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(iri)))
    for name, namespace in PREDECLARED.items():
        declaration = ox.BlankNode(f"prefix-{name}")
        triples += [
            ox.Triple(service, ox.NamedNode(SH + "declare"), declaration),
            ox.Triple(declaration, ox.NamedNode(SH + "prefix"), ox.Literal(name)),
            ox.Triple(
                declaration,
                ox.NamedNode(SH + "namespace"),
                ox.Literal(namespace, datatype=ox.NamedNode(XSD + "anyURI")),
            ),
        ]
    if comment:
        triples.append(ox.Triple(service, RDFS_COMMENT, ox.Literal(comment)))
    return ox.serialize(
        triples,
        format=fmt,
        prefixes={"sd": SD, "sh": SH, "xsd": XSD, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
    )
