"""How a list of result rows is kept in one ``body`` of the ``rows`` table: SPARQL's tab-separated
results format (TSV), zlib-compressed.

A body is a header line naming the variables (``?claim\\t?label``), then one line per row, each
term as SPARQL TSV writes it (its N-Triples form, or Turtle's short form of a number or a
boolean), an unbound variable's cell empty. The build writes most bodies from pyoxigraph's own
TSV serialization of a query's results, line by line (`iokg.materialized.writing`), and
pyoxigraph's TSV parser reads them back (`decode`): no term is encoded or decoded in Python.
A decoded row holds the variables it binds, in the header's order. A body holding no row is
empty.

>>> import pyoxigraph as ox
>>> rows = [{"x": ox.NamedNode("https://e/a"), "y": ox.Literal("un\\tmot", language="fr"),
...          "z": ox.Literal("2020-01-31", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))},
...         {"x": ox.BlankNode("b1"), "z": ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}]
>>> decode(encode(rows)) == rows
True
>>> decode(pack("?x\\t?n", ["<https://e/a>\\t12"]))
[{'x': <NamedNode value=https://e/a>, 'n': <Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}]
>>> decode(encode([]))
[]
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

#: zlib's fastest level: the bodies are many and small, read far more often than written
LEVEL = 1


def header(names: Iterable[str]) -> str:
    """The header line of a body whose rows bind ``names`` (in this order)."""
    return "\t".join("?" + n for n in names)


def line(row: dict[str, Any], names: list[str]) -> str:
    """One row as a line under the header of ``names``."""
    return "\t".join("" if (term := row.get(n)) is None else str(term) for n in names)


def cell_value(cell: str) -> str:
    """The ``value`` of the term written as ``cell`` (an IRI's text, a literal's lexical form)."""
    if cell.startswith("<") and cell.endswith(">"):
        return cell[1:-1]
    solutions = ox.parse_query_results(f"?t\n{cell}\n".encode(), format=ox.QueryResultsFormat.TSV)
    return next(iter(solutions))[0].value


def pack(head: str, lines: Iterable[str]) -> bytes:
    """The body of rows already written as lines (`line`) under ``head`` (`header`)."""
    lines = list(lines)
    if not lines:
        return zlib.compress(b"", LEVEL)
    return zlib.compress(f"{head}\n{chr(10).join(lines)}\n".encode(), LEVEL)


def columns(rows: list[dict[str, Any]]) -> list[str]:
    """The variables ``rows`` bind, in the order they first appear."""
    return list(dict.fromkeys(name for row in rows for name in row))


def encode(rows: list[dict[str, Any]]) -> bytes:
    """The body of ``rows`` (variable name -> pyoxigraph term); each row binds at least one."""
    names = columns(rows)
    return pack(header(names), (line(row, names) for row in rows))


def decode(body: bytes) -> list[dict[str, Any]]:
    """The rows of a body, as pyoxigraph terms."""
    text = zlib.decompress(body)
    if not text:
        return []
    solutions = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    return [{n: t for n, t in zip(names, solution) if t is not None} for solution in solutions]
