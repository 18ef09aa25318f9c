"""The VoID / DCAT description of the dataset, served at ``/.well-known/void``.

Made from a build's dump manifest (`iokg.export.dumps`) and the URL the service is reached at:
the dataset, its size (triples in all and per named graph, each graph a ``void:subset``), the
licence of each part, when the build was made, the dumps (``void:dataDump`` and one
``dcat:Distribution`` each, with media type, size and SHA-256) and the SPARQL endpoint
(``void:sparqlEndpoint`` and a ``dcat:DataService``).

Licences, as the README's Licences section states them: the ontology and the curated data are
under the project's licence, Apache-2.0; the DISARM graph, built from the DISARM Foundation's
DISARM Red Framework, under CC BY-SA 4.0; the content of a dataset release (its graph
``graph/release/{id}``: indicators and kill-chain steps, as released) under the release's own
licence, which that graph states of itself (`iokg.releases.rdf`) and the manifest carries
(``described``); computed evidence (``graph/evidence``), iokg's own computation, under Apache-2.0.

>>> import datetime as dt
>>> from iokg.export.dumps import Manifest
>>> m = Manifest("b1", dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc), 3,
...              {"https://w3id.org/iokg/graph/disarm": 3}, ())
>>> ttl = void_description(m, "http://localhost:8000", "text/turtle").decode()
>>> "void:triples 3" in ttl and "<https://creativecommons.org/licenses/by-sa/4.0/>" in ttl
True
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from iokg import vocab
from iokg.export.dumps import DEFAULT_GRAPH, FORMATS, GZIP, Manifest, media_type_of

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SD = "http://www.w3.org/ns/sparql-service-description#"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = vocab.PREFIXES["rdf"] + "type"
IANA = "https://www.iana.org/assignments/media-types/"

APACHE_2 = "https://www.apache.org/licenses/LICENSE-2.0"
CC_BY_SA_4 = "https://creativecommons.org/licenses/by-sa/4.0/"
DISARM_SOURCE = "https://github.com/DISARMFoundation/DISARMframeworks"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"

RDF_LABELS = {f.label for f in FORMATS}

#: Where the description is served, under the service's base URL (VoID's well-known path).
PATH = "/.well-known/void"


@dataclass(frozen=True)
class Part:
    """A named graph of the dataset: a short ``key`` (the fragment of its description), what it
    holds, and its licence."""

    key: str
    title: str
    license: str | None
    source: str | None = None
    rights: str | None = None


def _self_described(name: str, said: dict[str, str] | None) -> Part | None:
    """A graph that describes itself (a dataset release's graph, with the release's licence)."""
    if not said or not name.startswith(vocab.GRAPH_RELEASE):
        return None
    return Part("release-" + name[len(vocab.GRAPH_RELEASE):], said.get("title", name), said.get("license"),
                said.get("source"), said.get("rights"))


PARTS: dict[str, Part] = {
    vocab.GRAPH_DATA: Part(
        "data", "Curated data: entities, sources, claims and the assertions of each source",
        APACHE_2),
    vocab.GRAPH_ONTOLOGY: Part("ontology", "The iokg ontology", APACHE_2),
    vocab.GRAPH_DERIVED: Part(
        "derived", "Derived at build time from the curated data: each claim's independent origins, relays "
        "and contesting parties", APACHE_2),
    vocab.GRAPH_SUPPORTED: Part(
        "supported", "Supported statements: for every claim with at least one supporting assertion, its "
        "direct triple (like Wikidata's truthy triples); derived at build time", APACHE_2),
    vocab.GRAPH_EVIDENCE: Part(
        "evidence", "Computed evidence: iokg's own analyses of released data, each recorded as bearing on a claim "
        "and computed afresh at every build; never an assertion, never an origin", APACHE_2),
    vocab.GRAPH_TECHNIQUES: Part(
        "disarm", "DISARM Red Framework tactics and techniques, by the DISARM Foundation",
        CC_BY_SA_4, DISARM_SOURCE),
}

PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "sd": SD,
            "spdx": SPDX, "xsd": XSD, "rdf": vocab.PREFIXES["rdf"]}


def void_description(manifest: Manifest, base_url: str, media_type: str) -> bytes:
    """The description of the dataset served at ``base_url``, serialized as ``media_type``
    (any RDF format pyoxigraph writes)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"no RDF format for {media_type}")
    base = base_url.rstrip("/")
    doc = base + PATH
    triples: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def lit(value: str, datatype: str | None = None) -> ox.Literal:
        return ox.Literal(value, datatype=iri(datatype)) if datatype else ox.Literal(value)

    description, dataset = iri(doc), iri(doc + "#iokg")
    add(description, RDF_TYPE, iri(VOID + "DatasetDescription"))
    add(description, DCTERMS + "title", lit("VoID description of the iokg dataset"))
    add(description, FOAF + "primaryTopic", dataset)

    add(dataset, RDF_TYPE, iri(VOID + "Dataset"))
    add(dataset, RDF_TYPE, iri(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", lit("iokg"))
    add(dataset, DCTERMS + "description", lit(
        "A knowledge graph of influence operations where every statement carries the sources "
        "behind it: who said it, when, in what words of confidence, and who disputes it."))
    add(dataset, DCTERMS + "modified", lit(manifest.built.isoformat().replace("+00:00", "Z"),
                                           XSD + "dateTime"))
    add(dataset, DCAT + "version", lit(manifest.build))
    add(dataset, DCTERMS + "rights", lit(
        "Apache-2.0, except the DISARM part (CC BY-SA 4.0) and the content of each dataset release (its own "
        "licence, e.g. MIT for Meta's indicators): see the licence of each subset. "
        "Excerpts are short quotations attributed to their sources."))
    add(dataset, VOID + "triples", lit(str(manifest.triples), XSD + "integer"))
    add(dataset, VOID + "uriSpace", lit(vocab.ID))
    add(dataset, VOID + "vocabulary", iri(vocab.NS))
    add(dataset, DCAT + "landingPage", iri(base + "/"))

    endpoint = iri(base + "/sparql")
    add(dataset, VOID + "sparqlEndpoint", endpoint)
    service = iri(doc + "#sparql")
    add(dataset, DCAT + "accessService", service)
    add(service, RDF_TYPE, iri(DCAT + "DataService"))
    add(service, DCTERMS + "title", lit("SPARQL 1.1 endpoint (read-only)"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCAT + "endpointDescription", endpoint)
    add(service, DCTERMS + "conformsTo", iri(SPARQL_PROTOCOL))
    add(service, DCAT + "servesDataset", dataset)

    for name, count in manifest.graphs.items():
        part = PARTS.get(name) or _self_described(name, manifest.described.get(name))
        key = part.key if part else f"graph-{len(triples)}"
        subset = iri(f"{doc}#{key}")
        add(dataset, VOID + "subset", subset)
        add(subset, RDF_TYPE, iri(VOID + "Dataset"))
        add(subset, VOID + "triples", lit(str(count), XSD + "integer"))
        if name != DEFAULT_GRAPH:
            add(subset, RDF_TYPE, iri(SD + "NamedGraph"))
            add(subset, SD + "name", iri(name))
        if part:
            add(subset, DCTERMS + "title", lit(part.title))
            if part.license:
                add(subset, DCTERMS + "license", iri(part.license))
            if part.source:
                add(subset, DCTERMS + "source", iri(part.source))
            if part.rights:
                add(subset, DCTERMS + "rights", lit(part.rights))

    for i, file in enumerate(manifest.files):
        url = iri(f"{base}/dumps/{file.name}")
        if file.format in RDF_LABELS:  # a void:dataDump is RDF; the STIX bundle and the CSV are distributions only
            add(dataset, VOID + "dataDump", url)
        dist = iri(f"{doc}#dump-{file.name}")
        add(dataset, DCAT + "distribution", dist)
        add(dist, RDF_TYPE, iri(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", lit(file.format + (" (gzip)" if file.compressed else "")))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "accessURL", url)
        add(dist, DCAT + "mediaType", iri(IANA + media_type_of(file.format).split(";")[0]))
        add(dist, DCTERMS + "format", iri(file.format_iri))
        if file.compressed:
            add(dist, DCAT + "compressFormat", iri(IANA + GZIP))
        add(dist, DCAT + "byteSize", lit(str(file.bytes), XSD + "nonNegativeInteger"))
        checksum = ox.BlankNode(f"checksum{i}")
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF_TYPE, iri(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", iri(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", lit(file.sha256, XSD + "hexBinary"))
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES)
