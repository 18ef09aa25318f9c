"""The prefixes every query may use without declaring them, as on the Wikidata Query Service.

They are given to pyoxigraph's parser (``Store.query(..., prefixes=...)``), never pasted into
the query text, so line and column numbers in syntax errors are those of the text as written.
A ``PREFIX`` declared in the query wins over a predeclared one of the same name.

>>> PREDECLARED["iokg"]
'https://w3id.org/iokg/ns#'
>>> sorted(PREDECLARED)
['dcterms', 'iokg', 'org', 'owl', 'prov', 'rdf', 'rdfs', 'skos', 'xsd']
"""

from __future__ import annotations

from iokg import vocab

#: prefix name (without the colon) -> namespace IRI: the ontology's and the vocabularies it uses.
PREDECLARED: dict[str, str] = {
    name: vocab.PREFIXES[name]
    for name in ("iokg", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "org")
}


def listed() -> str:
    """The predeclared prefixes for messages: ``iokg:, rdf:, ...``."""
    return ", ".join(f"{name}:" for name in PREDECLARED)
