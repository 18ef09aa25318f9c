"""Query text for the remote store: the served build's graph names, the predeclared prefixes,
the endpoint's base, and parameters bound as RDF terms.

A build's graphs live in the store under *tagged* names, ``<graph IRI>@<build id>``
(`tagged`), so several builds can sit side by side while one is served. Clients and the named
queries keep writing the usual names (``GRAPH <https://w3id.org/iokg/graph/derived>``): every IRI
in a graph position (after ``GRAPH``, ``FROM`` or ``FROM NAMED``) that names one of the build's
graphs, written in full, relative or as a prefixed name, is replaced by its tagged name before the
text is sent (`rewrite`), and every tagged name in the results is mapped back
(`iokg.remote.results`). An IRI anywhere else is a term of the data, read as written (a release's
graph describes itself with ``dcterms:license``). IRIs after ``FROM`` / ``FROM NAMED`` that name no
graph of the build become `ABSENT_GRAPH`, so no query reaches another build or the control graph.

Parameters are bound as a ``VALUES`` block at the start of the outermost group
(`bind_values`): the terms are written by pyoxigraph's own N-Triples serializer (escaped), never
as the text a user sent.

>>> graphs = {"https://w3id.org/iokg/graph/derived": "https://w3id.org/iokg/graph/derived@b1"}
>>> rewrite("SELECT * { GRAPH <https://w3id.org/iokg/graph/derived> { ?s ?p ?o } }", graphs)
'SELECT * { GRAPH <https://w3id.org/iokg/graph/derived@b1> { ?s ?p ?o } }'
>>> rewrite("PREFIX g: <https://w3id.org/iokg/graph/> ASK FROM g:derived FROM <urn:other> {}", graphs)
'PREFIX g: <https://w3id.org/iokg/graph/> ASK FROM <https://w3id.org/iokg/graph/derived@b1> FROM <urn:iokg:absent> {}'
>>> import pyoxigraph as ox
>>> bind_values("SELECT ?x WHERE { ?x ?p ?o }", {ox.Variable("x"): ox.NamedNode("http://e/a")})
'SELECT ?x WHERE { VALUES (?x) { (<http://e/a>) }  ?x ?p ?o }'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.screening import tokens

#: What an IRI after FROM / FROM NAMED that names no graph of the build is sent as: a graph no
#: build ever has, so the dataset it stands for is empty, as on the embedded store.
ABSENT_GRAPH = "urn:iokg:absent"

#: Characters a prefixed name's local part may escape with a backslash (SPARQL 1.1, PN_LOCAL_ESC).
_LOCAL_ESCAPES = set("_~.-!$&'()*+,;=/?#@%")


def tagged(graph: str, build: str) -> str:
    """The name a build's graph has in the remote store.

    >>> tagged("https://w3id.org/iokg/graph/data", "20260101T000000-1-000001")
    'https://w3id.org/iokg/graph/data@20260101T000000-1-000001'
    """
    return f"{graph}@{build}"


def _unescape_local(local: str) -> str:
    out, i = [], 0
    while i < len(local):
        if local[i] == "\\" and i + 1 < len(local) and local[i + 1] in _LOCAL_ESCAPES:
            out.append(local[i + 1])
            i += 2
        else:
            out.append(local[i])
            i += 1
    return "".join(out)


def rewrite(text: str, graphs: Mapping[str, str], base_iri: str | None = None) -> str:
    """``text`` with every graph name (after GRAPH, FROM, FROM NAMED) that is one of ``graphs``
    (usual name → tagged name) tagged.

    Relative IRIs resolve against ``base_iri`` (then the query's own ``BASE``); prefixed names
    against the query's ``PREFIX`` declarations, then the predeclared prefixes.
    """
    toks = _joined_pnames(text, tokens(text))
    prefixes = dict(PREDECLARED)
    base = base_iri
    out: list[str] = []
    significant: list[str] = []  # upper-cased words and token kinds seen, for the context
    pending_prefix: str | None = None
    i = 0
    while i < len(toks):
        kind, tok, _ = toks[i]
        i += 1
        if kind in ("ws", "comment"):
            out.append(tok)
            continue
        previous = significant[-1] if significant else ""
        before = significant[-2] if len(significant) > 1 else ""
        if kind == "word":
            significant.append(tok.upper())
            out.append(tok)
            continue
        if kind == "pname" and previous == "PREFIX":
            pending_prefix = tok[:-1] if tok.endswith(":") else tok.split(":", 1)[0]
            significant.append("pname-decl")
            out.append(tok)
            continue
        if kind == "iri" and previous == "pname-decl" and pending_prefix is not None:
            prefixes[pending_prefix] = _resolve(tok[1:-1], base)
            pending_prefix = None
            significant.append("iri-decl")
            out.append(tok)
            continue
        if kind == "iri" and previous == "BASE":
            base = _resolve(tok[1:-1], base)
            significant.append("iri-decl")
            out.append(tok)
            continue
        in_from = previous == "FROM" or (previous == "NAMED" and before == "FROM")
        iri = None
        if kind == "iri":
            iri = _resolve(tok[1:-1], base)
        elif kind == "pname":
            name, _, local = tok.partition(":")
            if name in prefixes:
                iri = prefixes[name] + _unescape_local(local)
        significant.append(kind)
        in_graph = in_from or previous == "GRAPH"
        if iri is not None and in_graph and iri in graphs:
            out.append(f"<{graphs[iri]}>")
        elif iri is not None and in_from:
            out.append(f"<{ABSENT_GRAPH}>")
        else:
            out.append(tok)
    return "".join(out)


#: The rest of a prefixed name's local part after a backslash escape (the screening lexer stops
#: at the escaped character; its keywords do not care, graph names do).
_LOCAL_REST = re.compile(r"(?:\\[_~.\-!$&'()*+,;=/?#@%]|%[0-9A-Fa-f]{2}|[\w\-:]|\.(?=[\w\-:%\\]))*")


def _joined_pnames(text: str, toks: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """``toks`` with each prefixed name that has backslash escapes in one token."""
    out: list[tuple[str, str, int]] = []
    skip_to = -1
    for kind, tok, offset in toks:
        if offset < skip_to:
            continue
        if kind == "pname" and tok.endswith("\\"):
            start = offset + len(tok) - 1
            end = _LOCAL_REST.match(text, start).end()
            if end > start:
                out.append((kind, text[offset:end], offset))
                skip_to = end
                continue
        out.append((kind, tok, offset))
    return out


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base and ":" not in iri.split("/", 1)[0] else iri


def prologue(text: str, base_iri: str | None) -> str:
    """``text`` after a prologue declaring the endpoint's base and the predeclared prefixes the
    text uses without declaring (a declaration in the text still wins: it comes later)."""
    used = {tok.split(":", 1)[0] for kind, tok, _ in tokens(text) if kind == "pname"}
    lines = [f"BASE <{base_iri}>"] if base_iri else []
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in PREDECLARED.items() if name in used]
    return "\n".join(lines + [text]) if lines else text


def bind_values(text: str, substitutions: Mapping[Any, Any] | None) -> str:
    """``text`` with ``substitutions`` (variable → pyoxigraph term) as a one-row ``VALUES`` block
    opening the outermost group pattern (after ``WHERE {``, or the first ``{`` of a SELECT/ASK)."""
    if not substitutions:
        return text
    names = [getattr(v, "value", str(v)) for v in substitutions]
    return bind_table(text, names, [list(substitutions.values())])


def bind_table(text: str, names: list[str], rows: list[list[Any]]) -> str:
    """``text`` with a ``VALUES`` block of ``rows`` (pyoxigraph terms, None for UNDEF) over the
    variables ``names``, opening the outermost group pattern."""
    cells = " ".join("(" + " ".join("UNDEF" if t is None else str(t) for t in row) + ")" for row in rows)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ {cells} }} "
    seen_where = False
    form_seen = False
    for kind, tok, offset in tokens(text):
        if kind == "word":
            word = tok.upper()
            if word == "WHERE":
                seen_where = True
            elif word in ("SELECT", "ASK", "DESCRIBE"):
                form_seen = True
            elif word in ("CONSTRUCT", "INSERT", "DELETE"):
                form_seen = False  # its template's braces come before WHERE
        elif kind == "other" and tok == "{" and (seen_where or form_seen):
            return text[: offset + 1] + block + text[offset + 1:]
    raise ValueError("no group pattern to bind parameters in")
