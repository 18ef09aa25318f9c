"""Search a journalist can rely on: names, aliases, titles, publishers, authors, DISARM techniques
and excerpts, whatever the case, accents, spaces, hyphens or punctuation, with a typo or two, and
words in any order.

`iokg build` writes the index into each build (`iokg.search.index`); `search` reads it through a
`SearchIndex` and ranks the hits (`iokg.search.ranking`). Nothing here knows about HTTP. A bad
request (empty text, a `limit` out of range, an unknown `kind`) raises `iokg.errors.InvalidQuery`.
"""

from __future__ import annotations

from iokg.errors import InvalidQuery
from iokg.search.index import FILENAME, SearchIndex, build_index
from iokg.search.models import KIND_LABELS, QuotedIn, SearchGroup, SearchHit, SearchResults
from iokg.search.ranking import ranked

MAX_QUERY_CHARS = 200
MAX_LIMIT = 200
MAX_OFFSET = 10_000

__all__ = ["search", "hits", "groups_of", "check_query", "SearchIndex", "build_index", "FILENAME", "KIND_LABELS",
           "QuotedIn", "SearchGroup", "SearchHit", "SearchResults"]


def check_query(q: str | None) -> str:
    """``q`` trimmed; `InvalidQuery` when it is empty or too long."""
    if not isinstance(q, str) or not q.strip():
        raise InvalidQuery("give some text to search for: `q` is empty")
    q = q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"`q` is too long ({len(q)} characters; at most {MAX_QUERY_CHARS})")
    return q


def hits(index: SearchIndex, q: str) -> list[SearchHit]:
    """Every hit of ``q``, best first (see `iokg.search.ranking`)."""
    return ranked(index.connection(), check_query(q))


def groups_of(found: list[SearchHit]) -> list[SearchGroup]:
    """The kinds in ``found``, in the order of their best hit, with their totals."""
    totals: dict[str, int] = {}
    for h in found:
        totals[h.kind] = totals.get(h.kind, 0) + 1
    return [SearchGroup(kind=k, label=KIND_LABELS[k], total=n) for k, n in totals.items()]


def search(index: SearchIndex, q: str, kind: str | None = None, limit: int = 20, offset: int = 0) -> SearchResults:
    """One page of the hits of ``q`` (only of ``kind`` when given), with the totals of each kind."""
    q = check_query(q)
    if kind is not None and kind not in KIND_LABELS:
        raise InvalidQuery(f"`kind` must be one of {', '.join(KIND_LABELS)}; got '{str(kind)[:40]}'")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidQuery(f"`offset` must be between 0 and {MAX_OFFSET}, got {offset}")
    found = hits(index, q)
    groups = groups_of(found)
    if kind is not None:
        found = [h for h in found if h.kind == kind]
    page = found[offset:offset + limit]
    return SearchResults(q=q, kind=kind, limit=limit, offset=offset, total=len(found),
                         truncated=offset + limit < len(found), groups=groups, results=page)
