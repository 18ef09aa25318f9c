"""How a list of result rows is kept in one ``body`` of the ``rows`` table: JSON, zlib-compressed.

A row is a JSON object of variable name to term, in the query's projection order; a term is a
short list: ``["i", iri]``, ``["b", id]``, ``["s", text]`` (an xsd:string), ``["l", text, lang]``,
``["t", text, datatype]``.

>>> import pyoxigraph as ox
>>> rows = [{"x": ox.NamedNode("https://e/a"), "y": ox.Literal("un mot", language="fr"),
...          "z": ox.Literal("2020-01-31", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))}]
>>> decode(encode(rows)) == rows
True
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term_json(term: Any) -> list:
    if isinstance(term, ox.NamedNode):
        return ["i", term.value]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
    if term.language:
        return ["l", term.value, term.language]
    datatype = term.datatype.value
    return ["s", term.value] if datatype == XSD_STRING else ["t", term.value, datatype]


def json_term(data: list) -> Any:
    kind = data[0]
    if kind == "i":
        return ox.NamedNode(data[1])
    if kind == "s":
        return ox.Literal(data[1])
    if kind == "l":
        return ox.Literal(data[1], language=data[2])
    if kind == "t":
        return ox.Literal(data[1], datatype=ox.NamedNode(data[2]))
    return ox.BlankNode(data[1])


def encode_row(row: dict[str, Any]) -> dict[str, list]:
    return {name: term_json(term) for name, term in row.items()}


def pack(encoded_rows: list[dict[str, list]]) -> bytes:
    """The body of already encoded rows (`encode_row`)."""
    return zlib.compress(json.dumps(encoded_rows, separators=(",", ":")).encode(), 1)


def encode(rows: list[dict[str, Any]]) -> bytes:
    return pack([encode_row(row) for row in rows])


def decode(body: bytes) -> list[dict[str, Any]]:
    return [{name: json_term(data) for name, data in row.items()} for row in json.loads(zlib.decompress(body))]
