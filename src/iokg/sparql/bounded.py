"""Queries whose cost is bounded by the size of their answer, answered in the server process.

A query worker exists so that a query running past its time limit can be killed: pyoxigraph
cannot be interrupted, so only a process of its own can be stopped. Most queries need that. One
shape does not: a ``SELECT`` of a **single triple pattern** (``SELECT ?p ?o WHERE { <iri> ?p ?o
}``, the commonest question a client asks, "everything about this thing"). Oxigraph answers it
from one of its indexes, lazily, one row per matching quad: no join, no sort, no grouping, no
``DISTINCT``, nothing that reads the store before the first row comes out. So reading its first
*n* rows costs about *n* index steps, and a server that stops reading after a few kilobytes has
bounded the work whatever the store holds.

`single_pattern` recognizes that shape from the query's tokens (the lexer of
`iokg.sparql.screening`; anything else — a second pattern, a filter, a modifier other than
``LIMIT``, a ``FROM`` clause, a ``\\u`` escape, which may be read before the tokens — is not it):

>>> single_pattern("SELECT ?p ?o WHERE { <https://w3id.org/iokg/id/entity/a> ?p ?o }")
Pattern(bound_variables=2)
>>> single_pattern("PREFIX ex: <http://example.org/> SELECT * { ?s a ex:Thing . } LIMIT 10")
Pattern(bound_variables=1)
>>> single_pattern("SELECT ?s { ?s ?p ?o . ?o ?q ?r }") is None
True
>>> single_pattern("SELECT DISTINCT ?p { ?s ?p ?o }") is None
True

`answer` then runs it on the server's own read-only handle of the store, serializing straight
into the client's format with a byte budget (`MAX_BYTES`): an answer that outgrows it, or that
might hold more rows than the row cap, or that fails in any way, is given up (None) and the
query goes to a worker like any other, which cuts it at the row cap or reports the error (one
that outgrew the budget or the cap goes straight to a worker the next times). So a client sees
the same bytes either way; only where they were made differs.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass

import pyoxigraph as ox

from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.screening import CACHED_TEXT_CHARS, tokens
from iokg.sparql.worker import Serialized, SparqlJob, StoreHandle

#: Bytes an answer given in the server process may take; a larger one is left to a worker.
MAX_BYTES = 64 * 1024

#: The result formats answered here: those whose rows can be counted in the bytes (SPARQL JSON:
#: one ``{"type":`` per bound value, never inside a string, where ``"`` is escaped; TSV: a line
#: per row, line breaks in literals escaped).
FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@dataclass(frozen=True)
class Pattern:
    """A recognized single-pattern SELECT: how many of its projected variables every row binds
    (those that occur in the pattern)."""

    bound_variables: int


def single_pattern(text: str) -> Pattern | None:
    """The query as a single-pattern SELECT (see the module), or None when it is any other query.
    Remembered for texts up to `CACHED_TEXT_CHARS` characters, as screening is."""
    if len(text) > CACHED_TEXT_CHARS or "\\u" in text or "\\U" in text:
        return None  # codepoint escapes may be read before parsing: tokens would not show the query
    return _single_pattern(text)


@functools.lru_cache(maxsize=512)
def _single_pattern(text: str) -> Pattern | None:
    words = [(kind, value) for kind, value, _ in tokens(text) if kind not in ("ws", "comment")]
    at = 0

    def take(kind: str, value: str | None = None) -> str | None:
        nonlocal at
        if at < len(words) and words[at][0] == kind and (value is None or words[at][1].upper() == value):
            at += 1
            return words[at - 1][1]
        return None

    while True:  # the prologue
        if take("word", "PREFIX"):
            if not (take("pname") and take("iri")):
                return None
        elif take("word", "BASE"):
            if not take("iri"):
                return None
        else:
            break
    if not take("word", "SELECT"):
        return None
    projected: list[str] | None = None  # None: SELECT *
    if not take("other", "*"):
        projected = []
        while (var := take("var")) is not None:
            projected.append(var[1:])
        if not projected:
            return None
    take("word", "WHERE")
    if not take("other", "{"):
        return None
    in_pattern: set[str] = set()
    for position in range(3):
        kind, value = words[at] if at < len(words) else ("", "")
        if kind == "var":
            in_pattern.add(value[1:])
        elif kind == "string" and position == 2:
            at += 1
            if take("other", "^"):  # a datatype: ^^<iri> or ^^prefix:name
                if not (take("other", "^") and (take("iri") or take("pname"))):
                    return None
            continue
        elif not (kind in ("iri", "pname") or (kind == "word" and value == "a" and position == 1)):
            return None
        at += 1
    take("other", ".")
    if not take("other", "}"):
        return None
    if take("word", "LIMIT"):
        digits = at
        while at < len(words) and words[at][0] == "other" and words[at][1].isdigit():
            at += 1
        if at == digits:
            return None
    if at != len(words):
        return None
    bound = len(in_pattern) if projected is None else len(set(projected) & in_pattern)
    return Pattern(bound) if bound else None


class _Enough(Exception):
    """Raised from the write target once the byte budget is spent: it stops the serializer."""


class _Budget:
    """A write target keeping at most ``max_bytes`` bytes."""

    def __init__(self, max_bytes: int):
        self.left = max_bytes
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.left -= len(data)
        if self.left < 0:
            raise _Enough
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def answer(handle: StoreHandle, job: SparqlJob, pattern: Pattern, max_bytes: int = MAX_BYTES) -> Serialized | None:
    """``job``, a single-pattern SELECT with no dataset of its own, answered on the calling thread
    from ``handle``'s store: its bytes, or None when a worker must answer it instead (see the
    module)."""
    fmt = FORMATS.get(job.media_type)
    if fmt is None or job.dataset.is_given or (key := (job.query, fmt, job.max_rows, max_bytes)) in _OUTGROWN:
        return None
    sink = _Budget(max_bytes)
    try:
        result = handle.get().query(job.query, base_iri=job.base_iri, prefixes=PREDECLARED,
                                    use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            return None
        result.serialize(sink, format=fmt)
    except _Enough:
        return _outgrown(key)
    except Exception:  # a syntax error, a missing store: a worker says what it is
        return None
    body = b"".join(sink.chunks)
    if fmt == ox.QueryResultsFormat.JSON:
        rows = body.count(b'{"type":') // pattern.bound_variables  # at least the rows there are
    else:
        rows = body.count(b"\n") - 1
    if rows > job.max_rows:
        return _outgrown(key)
    return Serialized(body, fmt.media_type, False, "results")


#: Queries (text, format, row cap, budget) whose answer outgrew the budget or the row cap: sent to a worker at once the
#: next times, without being read here first (the last `OUTGROWN_TEXTS` of them).
OUTGROWN_TEXTS = 512
_OUTGROWN: OrderedDict[tuple, None] = OrderedDict()


def _outgrown(key: tuple) -> None:
    _OUTGROWN[key] = None
    _OUTGROWN.move_to_end(key)
    while len(_OUTGROWN) > OUTGROWN_TEXTS:
        _OUTGROWN.popitem(last=False)
