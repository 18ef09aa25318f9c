"""SPARQL syntax errors a person can read: the line, the column, the query line with a caret
under the place, and a short expectation.

pyoxigraph's parser says ``error at 1:26: expected one of ...`` followed by every terminal it
could have taken, Unicode ranges of name characters included. `syntax_error` keeps the place
(lines and columns count characters, from 1) and reduces the list: keywords and punctuation are
kept, character classes become "a name" or "a number" or are dropped. An undeclared prefix is
named, with the prefixes this service predeclares, and the caret put under the prefixed name.

>>> print(syntax_error("SELECT ?s WHERE {\\n  ?s a foo:Bar\\n}", SyntaxError(
...     "error at 2:14: expected one of Prefix not found, ['%'], ['.'], [':']")))
SPARQL syntax error at line 2, column 8: the prefix `foo:` is not declared; add `PREFIX foo: <namespace IRI>` (predeclared: iokg:, rdf:, rdfs:, owl:, xsd:, skos:, dcterms:, prov:, org:)
  ?s a foo:Bar
       ^
>>> e = syntax_error("ASK { ?s ?p ", SyntaxError('error at 1:13: expected one of ",", ".", "}", [_]'))
>>> e.position, e.expected
((1, 13), [',', '.', '}'])
"""

from __future__ import annotations

import re

from iokg.errors import InvalidQuery
from iokg.sparql import prefixes
from iokg.sparql.screening import tokens

_PLACE = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
#: Longest query line shown whole; longer lines are cut around the column.
MAX_LINE = 100
#: Most expected items listed.
MAX_EXPECTED = 10

PREFIX_NOT_FOUND = "Prefix not found"
IRI_PARSING_FAILED = "IRI parsing failed"


def syntax_error(query: str, error: SyntaxError) -> InvalidQuery:
    """An `InvalidQuery` for pyoxigraph's ``error`` on ``query``, with ``position`` (line,
    column) and ``expected`` (the reduced list) set when the parser gave a place."""
    text = str(error)
    m = _PLACE.match(text)
    if not m:
        return InvalidQuery(f"SPARQL syntax error: {text}")
    line, column, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    items = expected_items(rest)
    if PREFIX_NOT_FOUND in items:
        what, start = _undeclared_prefix(query, line, column)
        if start is not None:  # point at the prefixed name, not past it
            line, column = _place(query, start)
        expected: list[str] = []
    else:
        expected = reduce_expected(items)
        what = _expectation(expected, items)
        missing = undeclared_prefixes(query)
        if missing:
            what += "; note: " + ", ".join(f"`{p}:`" for p in missing) + (
                " is" if len(missing) == 1 else " are") + " not declared"
    message = (
        f"SPARQL syntax error at line {line}, column {column}: {what}\n"
        + excerpt(query, line, column)
    )
    return InvalidQuery(message, position=(line, column), expected=expected)


def expected_items(rest: str) -> list[str]:
    """The items of ``expected X`` or ``expected one of X, Y, ...``, as the parser wrote them.

    >>> expected_items('expected one of "(", WHERE, [\\'0\\'..=\\'9\\'], [_]')
    ['"("', 'WHERE', "['0'..='9']", '[_]']
    """
    for lead in ("expected one of ", "expected "):
        if rest.startswith(lead):
            rest = rest[len(lead):]
            break
    else:
        return [rest.strip()]
    items, i, n = [], 0, len(rest)
    while i < n:
        while i < n and rest[i] in ", \n":
            i += 1
        if i >= n:
            break
        start = i
        if rest[i] == '"':  # a quoted literal, with \ escapes
            i += 1
            while i < n and rest[i] != '"':
                i += 2 if rest[i] == "\\" else 1
            i += 1
        elif rest[i] == "[":  # a character class, with quoted characters inside
            i += 1
            while i < n and rest[i] != "]":
                if rest[i] == "'":
                    i += 1
                    while i < n and rest[i] != "'":
                        i += 2 if rest[i] == "\\" else 1
                i += 1
            i += 1
        else:  # a bare word or phrase, up to the next comma
            while i < n and rest[i] != ",":
                i += 1
        items.append(rest[start:i].strip())
    return [item for item in items if item]


def reduce_expected(items: list[str]) -> list[str]:
    """Keywords and punctuation as they are; ``[_]`` (any character) and other character
    classes dropped, except names and numbers.

    >>> reduce_expected(['"{"', 'WHERE', "['0'..='9']", "['A' ..= 'Z' | 'a' ..= 'z']", '[_]'])
    ['{', 'WHERE', 'a number', 'a name']
    """
    out: list[str] = []
    for item in items:
        if item.startswith('"') and item.endswith('"') and len(item) >= 2:
            word = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        elif item.startswith("["):
            if "'A' ..= 'Z'" in item or "'a' ..= 'z'" in item:
                word = "a name"
            elif re.fullmatch(r"\['0'\s*\.\.=\s*'9'\]", item):
                word = "a number"
            else:
                continue
        elif item == IRI_PARSING_FAILED:
            word = "a valid IRI"
        else:
            word = item
        if word not in out:
            out.append(word)
    return out


def undeclared_prefixes(query: str) -> list[str]:
    """Prefixes the query uses but neither declares nor finds predeclared, in order of use.

    >>> undeclared_prefixes("PREFIX ex: <http://e/> SELECT * { ?s ex:p foo:o ; iokg:q :r }")
    ['foo', '']
    """
    declared = set(prefixes.PREDECLARED)
    used: list[str] = []
    after_prefix = False
    for kind, text, _ in tokens(query):
        if kind in ("ws", "comment"):
            continue
        if kind == "pname":
            name = text.split(":", 1)[0]
            if after_prefix:
                declared.add(name)
            elif name not in used:
                used.append(name)
        after_prefix = kind == "word" and text.upper() == "PREFIX"
    return [name for name in used if name not in declared]


def _shown(word: str) -> str:
    """Keywords as they are; punctuation in backticks."""
    return word if word.isalpha() or word.startswith("a ") else f"`{word}`"


def _expectation(expected: list[str], items: list[str]) -> str:
    if not expected:
        return "the query cannot go on here"
    if expected == ["a valid IRI"]:
        return "this IRI is not valid (IRIs are written <http://...>, without spaces)"
    shown = ", ".join(_shown(w) for w in expected[:MAX_EXPECTED]) + (
        ", ..." if len(expected) > MAX_EXPECTED else "")
    return f"expected {shown}" if len(expected) == 1 else f"expected one of {shown}"


def _undeclared_prefix(query: str, line: int, column: int) -> tuple[str, int | None]:
    """Which prefix is undeclared: the prefixed name ending at (or nearest before) the place;
    and the offset where that name starts."""
    offset = _offset(query, line, column)
    names = [(text, start) for kind, text, start in tokens(query) if kind == "pname"]
    before = [(text, start) for text, start in names if start < offset]
    at = next(((t, s) for t, s in before if s + len(t) == offset), None)
    if at is None and before:
        at = before[-1]
    hint = f"(predeclared: {prefixes.listed()})"
    if at is None:
        return f"a prefix is not declared; add a PREFIX declaration {hint}", None
    prefix = at[0].split(":", 1)[0]
    return (
        f"the prefix `{prefix}:` is not declared; add `PREFIX {prefix}: <namespace IRI>` {hint}",
        at[1],
    )


def _place(query: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _offset(query: str, line: int, column: int) -> int:
    """Character offset in ``query`` of a 1-based line and column."""
    lines = query.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def excerpt(query: str, line: int, column: int) -> str:
    """The query line and a caret under ``column`` (tabs kept, so the caret lines up).

    >>> excerpt("SELECT *\\n\\tWHERE { ?s }", 2, 10)
    '\\tWHERE { ?s }\\n\\t        ^'
    """
    lines = query.split("\n")
    text = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    col = max(column - 1, 0)
    if len(text) > MAX_LINE:
        start = max(0, min(col - MAX_LINE // 2, len(text) - MAX_LINE))
        cut = text[start : start + MAX_LINE]
        lead, tail = ("..." if start else ""), ("..." if start + MAX_LINE < len(text) else "")
        text, col = lead + cut + tail, col - start + len(lead)
    pad = "".join("\t" if c == "\t" else " " for c in text[:col]) + " " * (col - len(text))
    return f"{text}\n{pad}^"
