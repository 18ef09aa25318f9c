"""The verdict at the top of an entity page: every attribution of the entity (and to it) in one line.

A line names the other side of the attribution, its independent origins by name (the one rule of
`iokg.provenance.independence`, re-tallied from the assertions the page holds, so that ``as_of``
governs it), the strongest and the weakest words of confidence among its supporting assertions and
whose words they are (the asserting party's own, or a carrier's paraphrase), who disputes or denies
it and when, and the first and latest dates anyone said anything on it. Lines are ordered by
support (most independent origins first), then by date (the earliest said first), then by name.

Words of confidence are ranked only where they map to an ICD 203 band of likelihood
(`AssertionView.likelihood`): "very likely" is stronger than "likely". Other words ("believes",
"suggests") have no rank in any standard the data records, so a line lists them as they are,
unranked, rather than guess an order.

An attribution to a body that sits in another (MPS, a sub-organization of the PRC government)
leads on to that body: when a hop further up a chain through the line's claim is disputed or
denied, or the entity's own attribution to a body further up is, the line says so and links to it
(`VerdictLine.above`), so the denial of the larger claim is never out of sight. Hops that do not
carry an attribution on (an overlap, a partial membership) are listed apart (`Verdict.not_carried`)
with their caveat: what the other campaign is attributed to is not the entity's attribution.

Nothing here queries the store or knows about HTTP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from iokg.provenance.corroboration import from_assertions
from iokg.provenance.models import AssertionView, AttributionView, ClaimView, Contester, EntityView, Hop, Ref
from iokg.web.presentation import all_assertions, possessive

ATTRIBUTED_TO = "attributedTo"


@dataclass(frozen=True)
class Words:
    """Words of confidence as said: the words, whose they are, and their ICD 203 rank if any."""

    words: str
    whose: str  # "DHS Office of Intelligence and Analysis’ own words" or "paraphrase by Rolling Stone"
    rank: int | None = None


@dataclass
class Above:
    """A contested claim further up a chain through a line's claim."""

    claim_id: str
    label: str
    contesting: list[Contester]
    on_page: bool  # its card is on this page (link to the anchor), else to the claim page


@dataclass
class VerdictLine:
    claim: ClaimView
    target: Ref  # the other side: what the entity is attributed to, or what is attributed to it
    outgoing: bool  # the entity is the subject (it is attributed to target)
    origins: list[Ref]
    supporting_assertions: int
    strongest: Words | None = None
    weakest: Words | None = None  # None when there is only one ranked word
    unranked: list[Words] = field(default_factory=list)
    contesting: list[Contester] = field(default_factory=list)
    inconclusive: list[Ref] = field(default_factory=list)
    first: str | None = None
    latest: str | None = None
    above: list[Above] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"claim-{self.claim.id}"

    @property
    def independent_origins(self) -> int:
        return len(self.origins)


@dataclass
class Verdict:
    entity: Ref
    lines: list[VerdictLine]  # the entity is attributed to ...
    incoming: list[VerdictLine]  # ... is attributed to the entity
    not_carried: list[Hop]  # the entity's hops that carry no attribution on (overlaps, partial memberships)
    as_of: dt.date | None = None

    @property
    def empty(self) -> bool:
        return not (self.lines or self.incoming or self.not_carried)


def words_of(a: AssertionView) -> Words | None:
    """The words of confidence of an assertion, with whose they are; None without words."""
    if not a.confidence_words:
        return None
    party = a.said_by.label or a.said_by.id
    whose = (f"paraphrase by {a.source.publisher}" if a.confidence_whose == "carrier" and not a.own_voice
             else f"{possessive(party)} own words")
    return Words(a.confidence_words, whose, a.likelihood.rank if a.likelihood else None)


def confidence(supports: list[AssertionView]) -> tuple[Words | None, Words | None, list[Words]]:
    """The strongest and weakest ranked words (weakest None when only one rank is there) and the
    unranked words, each once, in the order said."""
    said = [w for a in supports if (w := words_of(a))]
    ranked = sorted({w for w in said if w.rank is not None}, key=lambda w: (-w.rank, w.words, w.whose))
    unranked = list(dict.fromkeys(w for w in said if w.rank is None))
    if not ranked:
        return None, None, unranked
    strongest, weakest = ranked[0], ranked[-1]
    return strongest, (weakest if weakest.rank != strongest.rank else None), unranked


def date_range(views: list[AssertionView]) -> tuple[str | None, str | None]:
    """The first and latest dates said on a claim, as the documents give them."""
    dated = [a for a in views if a.date_from or a.date_to]
    if not dated:
        return None, None
    first = min(dated, key=lambda a: (a.date_from or dt.date.max, a.date or a.source.date))
    latest = max(dated, key=lambda a: (a.date_to or dt.date.min, a.date or a.source.date))
    return first.date or first.source.date, latest.date or latest.source.date


def _line(c: ClaimView, entity_id: str) -> VerdictLine:
    k = from_assertions(c.assertions)
    outgoing = c.subject.id == entity_id
    strongest, weakest, unranked = confidence(c.assertions.supports)
    first, latest = date_range(all_assertions(c))
    return VerdictLine(
        claim=c, target=c.object if outgoing else c.subject, outgoing=outgoing,
        origins=sorted(k.origins, key=lambda p: (p.label or p.id).casefold()),
        supporting_assertions=k.supporting_assertions, strongest=strongest, weakest=weakest, unranked=unranked,
        contesting=k.contesting, inconclusive=k.inconclusive, first=first, latest=latest)


def _above(line: VerdictLine, view: EntityView, chains: AttributionView) -> list[Above]:
    """Contested claims further up the chains through the line's claim: contested hops beyond it,
    and the entity's own contested attributions to a body the chain reaches."""
    hops = {h.claim: h for h in chains.hops}
    direct = {c.object.id: c for c in view.claims
              if c.predicate.key == ATTRIBUTED_TO and c.subject.id == view.id and c.object is not None}
    found: dict[str, Above] = {}
    for chain in chains.chains:
        if line.claim.id not in chain.hops:
            continue
        for claim_id in chain.hops[chain.hops.index(line.claim.id) + 1:]:
            hop = hops[claim_id]
            if not hop.carries_attribution:
                break
            if hop.contested and claim_id not in found:
                found[claim_id] = Above(claim_id, hop.label, from_assertions(hop.assertions).contesting,
                                        on_page=view.id in (hop.subject.id, hop.object.id))
            c = direct.get(hop.object.id)
            if c is not None and c.id != line.claim.id and c.id not in found:
                k = from_assertions(c.assertions)
                if k.contesting:
                    found[c.id] = Above(c.id, c.label, k.contesting, on_page=True)
    return list(found.values())


def _order(line: VerdictLine) -> tuple:
    first = min((a.date_from for a in all_assertions(line.claim) if a.date_from), default=dt.date.max)
    return (-line.independent_origins, first, (line.target.label or line.target.id).casefold())


def verdict(view: EntityView, chains: AttributionView) -> Verdict:
    """The verdict of ``view`` (an entity as known ``as_of`` some day, or at all) and ``chains``
    (its attribution chains as known the same day)."""
    lines, incoming = [], []
    for c in view.claims:
        if c.predicate.key != ATTRIBUTED_TO or c.object is None or not all_assertions(c):
            continue
        line = _line(c, view.id)
        if line.outgoing:
            line.above = _above(line, view, chains)
            lines.append(line)
        else:
            incoming.append(line)
    lines.sort(key=_order)
    incoming.sort(key=_order)
    not_carried = [h for h in chains.hops if h.subject.id == view.id and not h.carries_attribution]
    entity = Ref(id=view.id, kind="entity", iri=view.iri, label=view.label, type=view.type)
    return Verdict(entity, lines, incoming, not_carried, view.as_of)


def summary(c: ClaimView, entity_id: str) -> VerdictLine:
    """One claim of an entity's page in the verdict's terms (origins, words, contesters, dates), for
    its card."""
    return _line(c, entity_id)


def contested_ends(view: EntityView, chains: AttributionView) -> list[list[Above]]:
    """For each chain of ``chains`` (in order), the entity's own contested attributions to a body
    the chain reaches past its first hop, so that a chain through MPS to the PRC government says
    that the attribution to the PRC government is denied."""
    direct = {c.object.id: c for c in view.claims
              if c.predicate.key == ATTRIBUTED_TO and c.subject.id == view.id and c.object is not None}
    out = []
    for chain in chains.chains:
        found = []
        for node in chain.nodes[2:]:
            c = direct.get(node)
            if c is not None and (k := from_assertions(c.assertions)).contesting:
                found.append(Above(c.id, c.label, k.contesting, on_page=True))
        out.append(found)
    return out


def by_support(claims: list[ClaimView], entity_id: str) -> list[ClaimView]:
    """``claims`` in the verdict's order: most independent origins first, then the earliest said."""
    return sorted(claims, key=lambda c: _order(_line(c, entity_id)))
