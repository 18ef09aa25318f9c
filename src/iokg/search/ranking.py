"""Finding and ranking the hits of a query in the index (`iokg.search.index`).

Candidates come from three places, all read with bound parameters:

1. the trigram table: fields whose compact form contains the query's (``dragonbridge`` in
   ``DRAGONBRIDGE``); for a query of fewer than three letters, fields whose compact form is it or
   starts with it;
2. the words table: fields holding every query word in any order, each word as itself, as a
   prefix, or as a vocabulary stem within its allowed typos (`iokg.search.text.allowed_typos`);
3. names within the allowed typos of the whole query, compact (``spicypamda`` → SPICYPANDA).

Each candidate is then classed by how it matches: **exact** (the same compact text), **prefix**
(starts with the query; also the same words up to plurals), **words** (every word, any order),
**part** (inside a word, or word prefixes), **typo**. Order: exact matches first, then the other
matches without typos, then those with typos; within each, names before titles before a source's
publisher or author before excerpts, then by class of match, number of typos, words of the text
the query leaves unmatched, kind (entities first), bm25, length and label. A thing comes back once, by its best field.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from iokg.search.models import QuotedIn, SearchHit
from iokg.search.text import Normal, allowed_typos, distance, normal, trigrams

#: At most this many candidate texts are read from each table per query.
MAX_CANDIDATES = 5000
_TIER = {"exact": 0, "prefix": 1, "words": 2, "part": 3, "typo": 4}
#: Between equally good matches: an entity before a technique, a source, a publisher or author, a claim.
_KIND_ORDER = {"entity": 0, "technique": 1, "tactic": 1, "source": 2, "publisher": 3, "author": 3, "claim": 4}


@dataclass(frozen=True)
class Typos:
    """What the query's words and whole compact form are within typos of, with the distances."""

    words: dict[str, dict[str, int]]
    names: dict[str, int]


@dataclass(frozen=True)
class Ranked:
    key: tuple
    hit: SearchHit


def _expansions(conn: sqlite3.Connection, kind: str, term: str) -> dict[str, int]:
    """Terms of the vocabulary (``w`` stems, ``c`` compact names) within ``term``'s allowed typos,
    with their distance."""
    k = allowed_typos(term)
    if k == 0:
        return {}
    grams = sorted(trigrams(term))
    need = max(1, len(grams) - 3 * k)
    marks = ",".join("?" * len(grams))
    rows = conn.execute(
        f"SELECT t.term FROM term_grams g JOIN terms t ON t.id = g.term "
        f"WHERE g.gram IN ({marks}) AND t.kind = ? AND t.len BETWEEN ? AND ? "
        f"GROUP BY t.id HAVING COUNT(*) >= ?",
        (*grams, kind, len(term) - k, len(term) + k, need)).fetchall()
    out = {}
    for (candidate,) in rows:
        d = distance(term, candidate, k)
        if d <= k:
            out[candidate] = d
    return out


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def candidates(conn: sqlite3.Connection, n: Normal) -> tuple[dict[int, float], Typos]:
    """Field ids that may match, with their bm25 where the words table found them, and the typo
    expansions of each query stem (to class the matches)."""
    found: dict[int, float] = {}
    if len(n.compact) >= 3:
        for (rowid,) in conn.execute("SELECT rowid FROM grams WHERE grams MATCH ? LIMIT ?",
                                     (_fts_phrase(n.compact), MAX_CANDIDATES)):
            found[rowid] = 0.0
    else:
        for (rowid,) in conn.execute("SELECT id FROM fields WHERE compact >= ? AND compact < ? LIMIT ?",
                                     (n.compact, n.compact + "\U0010ffff", MAX_CANDIDATES)):
            found[rowid] = 0.0
    typos = {s: _expansions(conn, "w", s) for s in dict.fromkeys(n.stems)}
    groups = []
    for s in dict.fromkeys(n.stems):
        alternatives = [_fts_phrase(s) + ("*" if len(s) >= 2 else "")]
        alternatives += [_fts_phrase(t) for t in typos[s]]
        groups.append("(" + " OR ".join(alternatives) + ")")
    if groups:
        for rowid, score in conn.execute(
                "SELECT rowid, bm25(words) FROM words WHERE words MATCH ? ORDER BY bm25(words) LIMIT ?",
                (" AND ".join(groups), MAX_CANDIDATES)):
            found[rowid] = min(found.get(rowid, 0.0), score)
    names = _expansions(conn, "c", n.compact)
    if names:
        marks = ",".join("?" * len(names))
        for (rowid,) in conn.execute(f"SELECT id FROM fields WHERE compact IN ({marks}) LIMIT ?",
                                     (*names, MAX_CANDIDATES)):
            found.setdefault(rowid, 0.0)
    return found, Typos(typos, names)


def inside(part: str, words: tuple[str, ...]) -> bool:
    """``part`` occurs in the words run together, starting where a word starts (``dragonbridge`` in
    "Pro-PRC DRAGONBRIDGE Influence") or, from four letters, within one word (``panda`` in
    SPICYPANDA), but never across a word's end from its middle (``mps`` in "Trump supporters").

    >>> inside("dragonbridge", ("pro", "prc", "dragonbridge", "influence")), inside("panda", ("spicypanda",))
    (True, True)
    >>> inside("mps", ("trump", "supporters")), inside("aspi", ("has", "pivoted"))
    (False, False)
    """
    if len(part) < 3:
        return False
    compact = "".join(words)
    starts = set()
    offset = 0
    for w in words:
        starts.add(offset)
        if len(part) >= 4 and part in w:
            return True
        offset += len(w)
    i = compact.find(part)
    while i != -1:
        if i in starts:
            return True
        i = compact.find(part, i + 1)
    return False


def classify(n: Normal, text: Normal, typos: Typos) -> tuple[str, int] | None:
    """How a text matches the query, and by how many typos; None if it does not."""
    stems, words, compact = text.stems, text.words, text.compact
    if compact == n.compact:
        return "exact", 0
    if "".join(stems) == n.stem_compact or compact.startswith(n.compact):
        return "prefix", 0
    have = set(stems)
    if all(s in have for s in n.stems):
        return "words", 0
    if inside(n.compact, words):
        return "part", 0
    if all(any(h.startswith(s) for h in stems) for s in n.stems):
        return "part", 0
    total = 0
    for s in n.stems:
        if s in have or any(h.startswith(s) for h in stems):
            continue
        best = min((typos.words.get(s, {}).get(h, 99) for h in stems), default=99)
        if best == 99:
            break
        total += best
    else:
        return "typo", total
    d = typos.names.get(compact)
    if d is not None:
        return "typo", d
    return None


def unmatched_words(n: Normal, stems: tuple[str, ...], typos: Typos) -> int:
    """How many words of a text no query word accounts for: "Spamouflage" is a closer match of
    ``spamoflage`` than "Utilise Spamoflauge"."""
    def covered(h: str) -> bool:
        return any(h == s or h.startswith(s) or h in typos.words.get(s, {}) for s in n.stems)
    return sum(1 for h in stems if not covered(h))


def ranked(conn: sqlite3.Connection, q: str) -> list[SearchHit]:
    """Every hit of ``q``, best first, each thing once (by its best-matching field)."""
    n = normal(q)
    if not n.words:
        return []
    found, typos = candidates(conn, n)
    best: dict[int, Ranked] = {}
    ids = list(found)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT f.id, f.thing, f.field, f.grp, f.text, f.source_id, f.source_title, "
            "f.source_publisher, f.source_date, t.kind, t.ident, t.iri, t.label, t.type, t.date, t.publisher, "
            f"t.sources, t.published_as FROM fields f JOIN things t ON t.id = f.thing WHERE f.id IN ({marks})", chunk)
        for (fid, thing, fld, grp, text, sid, stitle, spub, sdate,
             kind, ident, iri, label, type_, date, publisher, sources, published_as) in rows:
            norm = normal(text)
            how = classify(n, norm, typos)
            if how is None:
                continue
            match, typo_count = how
            tier = _TIER[match]
            extra = 0 if tier == 0 else unmatched_words(n, norm.stems, typos)
            key = (tier > 0, match == "typo", grp, tier, typo_count, extra, _KIND_ORDER[kind], found[fid],
                   len(text), label.casefold(), ident, fid)
            if thing in best and best[thing].key <= key:
                continue
            hit = SearchHit(kind=kind, id=ident, iri=iri, label=label, type=type_, field=fld, matched=text,
                            exact=match == "exact", match=match, date=date, publisher=publisher, sources=sources,
                            published_as=published_as,
                            quoted_in=QuotedIn(id=sid, title=stitle, publisher=spub, date=sdate) if sid else None)
            best[thing] = Ranked(key, hit)
    return [r.hit for r in sorted(best.values(), key=lambda r: r.key)]
