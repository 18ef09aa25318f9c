"""How search reads text: one normal form for names and queries, word stems, typo distances.

Case, accents, hyphens, spaces and punctuation never matter: text is decomposed (NFKD), its
combining marks dropped, case-folded and split into runs of letters and digits. Each word is
reduced to a light stem (``securities`` → ``security``, ``reports`` → ``report``) so a plural
finds the singular. The *compact* form joins the words with nothing between them, so
``Storm-1376``, ``storm 1376`` and ``Storm1376`` are all ``storm1376``, and ``Dragon Bridge`` is
``dragonbridge``.

>>> [normal(t).compact for t in ("Storm-1376", "storm 1376", "Storm1376", "Dragon Bridge")]
['storm1376', 'storm1376', 'storm1376', 'dragonbridge']
>>> normal("Ministry of Public Securities").stems
('ministry', 'of', 'public', 'security')
>>> normal("Ṣpamouflage  Dragon").compact
'spamouflagedragon'
>>> distance("spamoflage", "spamouflage"), distance("spamuoflage", "spamouflage")
(1, 1)
>>> allowed_typos("spamoflage"), allowed_typos("panda"), allowed_typos("mps"), allowed_typos("1376")
(2, 1, 0, 0)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Normal:
    words: tuple[str, ...]
    stems: tuple[str, ...]
    compact: str

    @property
    def stem_compact(self) -> str:
        return "".join(self.stems)


def fold(text: str) -> str:
    """Case-folded, without accents or other combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    """A light English stem: plural and possessive endings only, so both sides reduce alike.

    >>> [stem(w) for w in ("securities", "addresses", "reports", "campus", "analysis", "axios")]
    ['security', 'address', 'report', 'campus', 'analysis', 'axio']
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def normal(text: str) -> Normal:
    w = tuple(words(text))
    return Normal(w, tuple(stem(x) for x in w), "".join(w))


def allowed_typos(word: str) -> int:
    """How many typos a query word may carry and still match: none in short words or in words
    with digits (ids and numbers must be right), one from 4 letters, two from 8."""
    if len(word) < 4 or any(c.isdigit() for c in word):
        return 0
    return 1 if len(word) < 8 else 2


def distance(a: str, b: str, limit: int = 3) -> int:
    """Edit distance (insertions, deletions, substitutions and swaps of neighbours); stops
    counting past ``limit`` and returns ``limit + 1`` then."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit and min(previous) > limit:  # two rows past the limit: no way back
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def trigrams(term: str) -> set[str]:
    """The trigrams of a term padded with one mark on each side (``^ab``, ``abc``, ``bc$``)."""
    padded = f"^{term}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}
