"""How many independent origins stand behind a claim: the rule, as one function over assertions.

An assertion has an asserting party (whose judgement or statement it is) and carriers (the
documents that bring it to us: the one it is read in, and those it names in between). The count
of a claim is the number of distinct asserting parties among its supporting assertions. A relay
counts for the party it relays, and only because the assertion itself records that party
(``said_by``); which documents derive from which (``derived_from``) is shown, never followed.
Two reports of one organization, or an organization and its researcher speaking for it, are one
party. Disputing and denying parties are counted the same way.

The same function serves the build (which stores every claim's tally in ``graph/derived``) and
the lookups (which re-tally a claim's assertions known by an ``as_of`` day).

>>> publishers = {"graphika-2019": "graphika", "meta-report": "meta"}
>>> t = tally([
...     Said("c", "supports", party="graphika", carriers=("therecord", "wikipedia")),
...     Said("c", "supports", party="graphika", carriers=("graphika-2019",)),
...     Said("c", "supports", party="meta", carriers=("meta-report", "rollingstone")),
...     Said("c", "denies", party="prc-embassy", carriers=("cnn", "cnn-summary")),
... ], publishers)["c"]
>>> t.origins, t.relays, t.contesting
(['graphika', 'meta'], ['rollingstone', 'therecord', 'wikipedia'], ['prc-embassy'])
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Said:
    """One assertion, reduced to what the count needs."""

    claim: str
    stance: str
    party: str
    carriers: tuple[str, ...] = ()  # the documents between the party and us, the one it is read in last


@dataclass
class Tally:
    """A claim's origins, the documents that only carry them, and who contests it."""

    origins: list[str] = field(default_factory=list)  # parties, sorted
    relays: list[str] = field(default_factory=list)  # documents carrying another party's supporting assertion
    contesting: list[str] = field(default_factory=list)  # parties that dispute or deny it
    inconclusive: list[str] = field(default_factory=list)  # parties that looked and could not tell
    supporting_assertions: int = 0

    @property
    def independent_origins(self) -> int:
        return len(self.origins)


def tally(assertions, publisher_of: dict[str, str]) -> dict[str, Tally]:
    """Each claim's `Tally`, in one pass over ``assertions`` (`Said` records).

    ``publisher_of`` maps a document to its publisher: a party's own publication carrying its
    assertion is where it said it, not a relay.
    """
    parts: dict[str, tuple[set, set, set, set, list]] = {}
    for a in assertions:
        origins, relays, contesting, inconclusive, count = parts.setdefault(
            a.claim, (set(), set(), set(), set(), [0]))
        if a.stance == "supports":
            origins.add(a.party)
            count[0] += 1
            relays.update(d for d in a.carriers if publisher_of.get(d) != a.party)
        elif a.stance in ("disputes", "denies"):
            contesting.add(a.party)
        elif a.stance == "inconclusive":
            inconclusive.add(a.party)
    return {claim: Tally(origins=sorted(o), relays=sorted(r), contesting=sorted(c), inconclusive=sorted(i),
                         supporting_assertions=n[0])
            for claim, (o, r, c, i, n) in parts.items()}
