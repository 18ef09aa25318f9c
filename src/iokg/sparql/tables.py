"""A query result as a table to show: columns, rows of cells, and whether the row cap cut it.

The query page asks the executor for SPARQL JSON results (SELECT, ASK) or N-Triples
(CONSTRUCT, DESCRIBE) and turns them into a `ResultTable` here; templates only lay it out.

>>> from iokg.sparql.worker import Serialized
>>> body = (b'{"head":{"vars":["s","n"]},"results":{"bindings":['
...         b'{"s":{"type":"uri","value":"http://www.w3.org/ns/prov#Entity"},'
...         b'"n":{"type":"literal","value":"3",'
...         b'"datatype":"http://www.w3.org/2001/XMLSchema#integer"}},{}]}}')
>>> table = result_table(Serialized(body, "application/sparql-results+json", False, "results"))
>>> table.columns
('s', 'n')
>>> [[cell.text if cell else None for cell in row] for row in table.rows]
[['prov:Entity', '3'], [None, None]]
>>> table.rows[1][0] is None  # unbound
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from iokg import vocab
from iokg.sparql.worker import Serialized

#: The media types the query page asks the executor for.
RESULTS_MEDIA_TYPE = "application/sparql-results+json"
GRAPH_MEDIA_TYPE = "application/n-triples"

XSD_STRING = vocab.PREFIXES["xsd"] + "string"
RDF_LANG_STRING = vocab.PREFIXES["rdf"] + "langString"


def shorten(iri: str) -> str:
    """``prefix:local`` for an IRI in a well-known namespace, else the IRI itself.

    >>> shorten("https://w3id.org/iokg/ns#Claim")
    'iokg:Claim'
    >>> shorten("https://example.org/x")
    'https://example.org/x'
    """
    for prefix, namespace in vocab.PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and all(c.isalnum() or c in "_-." for c in local):
                return f"{prefix}:{local}"
    return iri


@dataclass(frozen=True)
class Cell:
    """One RDF term to show: ``kind`` is ``iri``, ``literal``, ``bnode`` or ``triple``;
    ``text`` is what to print, ``value`` the full value (IRI, lexical form or blank node id)."""

    kind: str
    value: str
    text: str
    datatype: str | None = None
    language: str | None = None

    @property
    def datatype_text(self) -> str | None:
        """The datatype worth showing (not for plain and language-tagged strings)."""
        if self.datatype in (None, XSD_STRING, RDF_LANG_STRING):
            return None
        return shorten(self.datatype)


@dataclass(frozen=True)
class ResultTable:
    """``kind``: ``results`` (SELECT), ``boolean`` (ASK) or ``graph`` (CONSTRUCT, DESCRIBE).
    A row holds one cell per column; None where the variable is unbound."""

    kind: str
    columns: tuple[str, ...] = ()
    rows: list[tuple[Cell | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


def result_table(result: Serialized) -> ResultTable:
    """The table of a result serialized as `RESULTS_MEDIA_TYPE` or `GRAPH_MEDIA_TYPE`."""
    if result.kind == "graph":
        triples = ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)
        rows = [
            (term_cell(t.subject), term_cell(t.predicate), term_cell(t.object)) for t in triples
        ]
        columns = ("subject", "predicate", "object")
        return ResultTable("graph", columns, rows, None, result.truncated)
    data = json.loads(result.body)
    if result.kind == "boolean" or "boolean" in data:
        return ResultTable("boolean", boolean=bool(data["boolean"]), truncated=result.truncated)
    columns = tuple(data.get("head", {}).get("vars", []))
    rows = [
        tuple(json_cell(binding[name]) if name in binding else None for name in columns)
        for binding in data.get("results", {}).get("bindings", [])
    ]
    return ResultTable("results", columns, rows, None, result.truncated)


def json_cell(term: dict) -> Cell:
    """A cell from a term of SPARQL 1.1 JSON results (RDF 1.2 triple terms included)."""
    kind = term.get("type")
    value = term.get("value")
    if kind == "uri":
        return Cell("iri", value, shorten(value))
    if kind == "bnode":
        return Cell("bnode", value, "_:" + value)
    if kind == "triple":
        parts = [json_cell(value[k]) for k in ("subject", "predicate", "object")]
        text = "<< " + " ".join(p.text for p in parts) + " >>"
        return Cell("triple", text, text)
    return Cell("literal", value, value, term.get("datatype", XSD_STRING), term.get("xml:lang"))


def term_cell(term: object) -> Cell:
    """A cell from a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return Cell("iri", term.value, shorten(term.value))
    if isinstance(term, ox.BlankNode):
        return Cell("bnode", term.value, "_:" + term.value)
    if isinstance(term, ox.Literal):
        return Cell("literal", term.value, term.value, term.datatype.value, term.language)
    text = str(term)
    return Cell("triple", text, text)
