"""What a query asks for, learned from its tokens before it runs, and what the service refuses.

pyoxigraph 0.5 exposes no parsed-query object, and evaluation starts inside ``Store.query``
(a ``SERVICE`` clause is fetched before ``query`` even returns), so the read-only checks cannot
wait for the engine. They run on the query's *tokens*: a small lexer for the SPARQL 1.1
terminals skips IRIs, strings, comments, variables and prefixed names, so only real keywords
are seen (``"SERVICE"`` in a string or ``?service`` is not a SERVICE clause). Syntax errors are
left to pyoxigraph's parser, which reports them with line and column.

What is refused, and why:

- updates (INSERT, DELETE, LOAD, CLEAR, ...): the service is read-only;
- ``SERVICE`` (federated query): pyoxigraph would fetch the URL from the server.

``FROM`` / ``FROM NAMED`` are allowed: pyoxigraph only selects graphs of the store by name and
never fetches them (tested in ``tests/test_sparql_protocol.py``).

>>> screen("PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s ex:service 'SERVICE' }")
Screened(form=<QueryForm.SELECT: 'select'>, has_dataset_clause=False)
>>> screen("ask from <http://example.org/g> { ?s ?p ?o }").has_dataset_clause
True
>>> screen("INSERT DATA { <http://a> <http://b> <http://c> }")
Traceback (most recent call last):
...
iokg.errors.Forbidden: this SPARQL service is read-only: INSERT and other updates are refused
>>> screen("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
iokg.errors.Forbidden: federated queries (SERVICE) are refused: this service never fetches other URLs
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

from iokg.errors import Forbidden, InvalidQuery, Limit


class QueryForm(enum.Enum):
    """The four SPARQL query forms; SELECT and ASK give results, CONSTRUCT and DESCRIBE graphs."""

    SELECT = "select"
    ASK = "ask"
    CONSTRUCT = "construct"
    DESCRIBE = "describe"

    @property
    def gives_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass(frozen=True)
class Screened:
    """What screening learned: the query form (None when no form keyword was found: the parser
    will say what is wrong) and whether the query names its own dataset with FROM / FROM NAMED."""

    form: QueryForm | None
    has_dataset_clause: bool


UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
PROLOGUE_KEYWORDS = frozenset({"BASE", "PREFIX", "VERSION"})

# SPARQL 1.1 terminals (section 19.8), in the order they must be tried. Only bare words matter;
# everything else is matched so that its insides are never taken for keywords.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + "_0-9\\-\u00b7\u0300-\u036f\u203f-\u2040"
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>
          '''(?:[^'\\]|\\.|'(?!''))*'''
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '(?:[^'\\\n\r]|\\.)*'
        | "(?:[^"\\\n\r]|\\.)*"
      )
    | (?P<var>[?$][PN_CHARS]*)
    | (?P<pname>(?:[PN_BASE_][PN_CHARS.]*)?:(?:[PN_CHARS.:%\\]|\\.)*)
    | (?P<word>[PN_BASE_][PN_CHARS]*)
    | (?P<other>.)
    """.replace("PN_CHARS", _PN_CHARS).replace("PN_BASE_", _PN_CHARS_BASE + "_"),
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def tokens(text: str) -> list[tuple[str, str, int]]:
    """The tokens of ``text`` as (kind, text, offset): kinds are ``ws``, ``comment``, ``iri``,
    ``string``, ``var``, ``pname``, ``word`` and ``other``; offsets count characters.

    >>> [(k, t) for k, t, _ in tokens("ASK { ?s a iokg:Claim }") if k != "ws"]
    [('word', 'ASK'), ('other', '{'), ('var', '?s'), ('word', 'a'), ('pname', 'iokg:Claim'), ('other', '}')]
    """
    return [(m.lastgroup or "other", m.group(), m.start()) for m in _TOKEN.finditer(text)]


def keywords(text: str) -> list[str]:
    """The bare words of ``text`` (keywords and function names), upper-cased, in order.

    >>> keywords('SELECT ?service { ?s <http://x/SERVICE> "SERVICE" } # SERVICE')
    ['SELECT']
    """
    return [m.group("word").upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


def _unescape_codepoints(text: str) -> str:
    """SPARQL 1.1 section 19.2: ``\\uXXXX`` escapes may be processed before parsing."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _CODEPOINT_ESCAPE.sub(char, text)


#: The default of ``IOKG_MAX_QUERY_DEPTH``: pyoxigraph's parser recurses, and a few thousand nested
#: groups overflow its stack and kill the process; real queries nest a dozen deep at most.
MAX_QUERY_DEPTH = 200

_OPENERS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = frozenset(_OPENERS.values())


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{}``, ``()`` and ``[]`` in ``text``, outside strings, IRIs and comments.

    >>> nesting_depth("SELECT * { ?s ?p ?o FILTER((?o > 1)) } # {{{{")
    3
    >>> nesting_depth("ASK { ?s ?p '((((' }")
    1
    """
    depth = deepest = 0
    for m in _TOKEN.finditer(text):
        if m.lastgroup != "other":
            continue
        char = m.group()
        if char in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
    return deepest


def check_depth(text: str, max_depth: int = MAX_QUERY_DEPTH) -> None:
    """Refuse a query nested deeper than ``max_depth`` (`iokg.errors.InvalidQuery` naming the limit),
    before any parser recurses into it.

    >>> check_depth("ASK " + "{" * 300 + "}" * 300)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    iokg.errors.InvalidQuery: the query nests groups, brackets or parentheses 300 deep; at most 200 ...
    """
    depth = nesting_depth(text)
    if depth > max_depth:
        raise InvalidQuery(f"the query nests groups, brackets or parentheses {depth} deep; at most {max_depth} "
                           "are allowed (IOKG_MAX_QUERY_DEPTH)", limit=Limit("IOKG_MAX_QUERY_DEPTH", max_depth))


def screen(text: str, max_depth: int = MAX_QUERY_DEPTH) -> Screened:
    """Learn the form of a query and refuse what a read-only, offline service must not run.

    Raises `iokg.errors.Forbidden` for updates and for SERVICE, `iokg.errors.InvalidQuery` for a
    query nested deeper than ``max_depth`` (`check_depth`). Both the text as written and
    the text with ``\\u`` escapes processed are checked, so neither reading hides a keyword.
    """
    check_depth(text, max_depth)
    words = keywords(text)
    unescaped = _unescape_codepoints(text)
    if unescaped != text:
        check_depth(unescaped, max_depth)
        words += keywords(unescaped)
    first = next((w for w in words if w not in PROLOGUE_KEYWORDS), None)
    if first in UPDATE_KEYWORDS:
        raise Forbidden(f"this SPARQL service is read-only: {first} and other updates are refused")
    if "SERVICE" in words:
        raise Forbidden(
            "federated queries (SERVICE) are refused: this service never fetches other URLs"
        )
    form = QueryForm(first.lower()) if first in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"} else None
    return Screened(form=form, has_dataset_clause="FROM" in words)


#: Texts up to this many characters have their screening remembered (`screen_cached`).
CACHED_TEXT_CHARS = 4096


@functools.lru_cache(maxsize=512)
def _screen_remembered(text: str, max_depth: int) -> Screened:
    return screen(text, max_depth)


def screen_cached(text: str, max_depth: int = MAX_QUERY_DEPTH) -> Screened:
    """`screen`, remembered for the last 512 texts of up to `CACHED_TEXT_CHARS` characters (a
    client repeating a query, or a point query per entity of the same shape, skips the lexer).
    Refusals are not remembered: they raise again each time.

    >>> screen_cached("ASK { ?s ?p ?o }") is screen_cached("ASK { ?s ?p ?o }")
    True
    """
    if len(text) > CACHED_TEXT_CHARS:
        return screen(text, max_depth)
    return _screen_remembered(text, max_depth)
