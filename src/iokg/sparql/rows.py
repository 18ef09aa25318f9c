"""Rows of a named query (dicts of variable name to pyoxigraph term) as plain values, and as
the tables `/queries/{name}` sends: JSON values, CSV and TSV.

Values are plain: an IRI or a literal as its string, ``xsd:integer`` as a number and
``xsd:boolean`` as a boolean in JSON; an unbound variable is left out of a JSON row and is an
empty cell in CSV and TSV. CSV follows RFC 4180 (CRLF line ends, quotes where needed), like
SPARQL 1.1 CSV results. TSV has one row per line: tabs, line breaks and backslashes inside a
value are written ``\\t``, ``\\n``, ``\\r`` and ``\\\\``.

>>> import pyoxigraph as ox
>>> rows = [{"s": ox.NamedNode("http://e/a"), "n": ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))},
...         {"s": ox.NamedNode("http://e/b"), "note": ox.Literal("two\\tparts")}]
>>> cols = columns(rows)
>>> cols
['s', 'n', 'note']
>>> [json_row(r) for r in rows]
[{'s': 'http://e/a', 'n': 3}, {'s': 'http://e/b', 'note': 'two\\tparts'}]
>>> to_csv(cols, rows)
b's,n,note\\r\\nhttp://e/a,3,\\r\\nhttp://e/b,,two\\tparts\\r\\n'
>>> to_tsv(cols, rows)
b's\\tn\\tnote\\nhttp://e/a\\t3\\t\\nhttp://e/b\\t\\ttwo\\\\tparts\\n'
"""

from __future__ import annotations

import csv
import io
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + "integer", XSD + "int", XSD + "long"}


def columns(rows: list[dict[str, Any]]) -> list[str]:
    """Every variable bound in some row, in the order first seen."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def json_value(term: Any) -> Any:
    """A term as a JSON value."""
    datatype = getattr(getattr(term, "datatype", None), "value", None)
    if datatype in _INTEGERS:
        try:
            return int(term.value)
        except ValueError:
            return term.value
    if datatype == XSD + "boolean":
        return term.value == "true"
    return term.value


def json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: json_value(term) for name, term in row.items()}


def to_csv(cols: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([row[c].value if c in row else "" for c in cols])
    return out.getvalue().encode("utf-8")


def _tsv_cell(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def to_tsv(cols: list[str], rows: list[dict[str, Any]]) -> bytes:
    lines = ["\t".join(_tsv_cell(c) for c in cols)]
    for row in rows:
        lines.append("\t".join(_tsv_cell(row[c].value) if c in row else "" for c in cols))
    return ("\n".join(lines) + "\n").encode("utf-8")
