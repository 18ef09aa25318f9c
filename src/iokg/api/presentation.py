"""What the entity, source and claim pages show, arranged for reading: claims grouped by kind, a
timeline of who said what when, short names for sources, and references to cite.

Everything here works on the models of `iokg.provenance` (already looked up); nothing queries the
store, and nothing knows about HTTP.

>>> short_publisher("US Department of Homeland Security, Office of Intelligence and Analysis")
'US DHS'
>>> short_publisher("Australian Strategic Policy Institute (The Strategist)")
'ASPI'
>>> short_publisher("The Washington Post"), short_publisher("Wikipedia (English)")
('The Washington Post', 'Wikipedia')
>>> short_publisher("Embassy of the People's Republic of China in Washington")
"Embassy of the People's…"
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from iokg import vocab
from iokg.provenance.models import AssertionView, ClaimView, SourceRef, SourceView

#: Stances in the order pages show them, with their headings.
STANCES: tuple[tuple[str, str], ...] = (
    ("supports", "Supports"),
    ("disputes", "Disputes"),
    ("denies", "Denies"),
    ("inconclusive", "Inconclusive"),
)
STANCE_LABELS = dict(STANCES)

#: Claim groups on an entity page, in order: (anchor, heading, predicates). Attributions first.
CLAIM_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("attribution", "Attribution", frozenset({"attributedTo"})),
    ("membership", "Membership and hierarchy",
     frozenset({"partOf", "overlapsWith", "subOrganizationOf", "memberOf"})),
    ("platforms", "Platforms", frozenset({"operatesOn"})),
    ("narratives", "Narratives and topics", frozenset({"pushesNarrative", "postsAbout"})),
    ("targets", "Targets, attacks and calls to protest",
     frozenset({"targets", "attacks", "harasses", "callsForProtestsAgainst"})),
    ("techniques", "Techniques (DISARM)", frozenset({"usesTechnique"})),
    ("events", "Amplifiers, events and legal actions",
     frozenset({"amplifiedBy", "concerns", "conductedBy", "charges"})),
    ("figures", "Figures", frozenset({p.key for p in vocab.PREDICATES.values() if p.value == "integer"})),
    ("dates", "Dates", frozenset({p.key for p in vocab.PREDICATES.values() if p.value == "date"})),
)

_SMALL_WORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "to"}


@dataclass
class ClaimGroup:
    anchor: str
    heading: str
    claims: list[ClaimView]


def group_claims(claims: list[ClaimView]) -> list[ClaimGroup]:
    """The claims in `CLAIM_GROUPS` order (empty groups left out; unknown predicates last)."""
    groups = [ClaimGroup(anchor, heading, []) for anchor, heading, _ in CLAIM_GROUPS]
    other = ClaimGroup("other", "Other statements", [])
    for c in claims:
        for (_, _, predicates), group in zip(CLAIM_GROUPS, groups):
            if c.predicate.key in predicates:
                group.claims.append(c)
                break
        else:
            other.claims.append(c)
    return [g for g in [*groups, other] if g.claims]


def all_assertions(c: ClaimView) -> list[AssertionView]:
    return [a for stance, _ in STANCES for a in getattr(c.assertions, stance)]


@dataclass
class TimelineEntry:
    date: str
    sort_key: tuple
    assertion: AssertionView
    claim: ClaimView


@dataclass
class TimelineYear:
    year: str
    entries: list[TimelineEntry] = field(default_factory=list)


def timeline(claims: list[ClaimView]) -> list[TimelineYear]:
    """Every assertion of ``claims``, oldest first (by the first day its date can stand for), by year."""
    entries = []
    for c in claims:
        for a in all_assertions(c):
            date = a.date or a.source.date
            start = a.date_from or dt.date.min
            entries.append(TimelineEntry(date, (start, date, a.source.id, c.id), a, c))
    entries.sort(key=lambda e: e.sort_key)
    years: list[TimelineYear] = []
    for e in entries:
        year = e.date[:4] if e.date else "undated"
        if not years or years[-1].year != year:
            years.append(TimelineYear(year))
        years[-1].entries.append(e)
    return years


def short_publisher(publisher: str) -> str:
    """A publisher's name short enough for a chart label: the part before a comma or
    parenthesis; a long name becomes its initials when they are few,
    or is cut at a word."""
    name = re.split(r"\s*[,(]", publisher, maxsplit=1)[0].strip()
    if len(name) <= 22:
        return name
    words = name.split()
    prefix = words[0] + " " if words[0].isupper() else ""
    rest = words[1:] if prefix else words
    initials = "".join(w[0] for w in rest if w.lower() not in _SMALL_WORDS and w[0].isupper())
    if 2 <= len(initials) <= 4:
        return prefix + initials
    cut = ""
    for w in words:
        if len(cut) + len(w) + 1 > 22:
            break
        cut = f"{cut} {w}".strip()
    return cut + "…"


def short_source(s: SourceRef) -> str:
    """A source in a few words: its publisher's short name and year (``Graphika 2019``)."""
    return f"{short_publisher(s.publisher)} {s.date[:4]}"


def said_by_text(a: AssertionView) -> str:
    """Who said it, in words: ``Graphika (Jack Stubbs)``, or the party alone."""
    party = a.said_by.label or a.said_by.id
    return f"{party} ({a.speaker.label or a.speaker.id})" if a.speaker else party


def evidence_label(key: str) -> str:
    concept = vocab.EVIDENCE_KINDS.get(key)
    return concept.label if concept else key


def entity_type_label(key: str | None) -> str:
    if key is None:
        return ""
    t = vocab.ENTITY_TYPES.get(key)
    if t:
        return t.label
    kind = vocab.SOURCE_KINDS.get(key)
    return kind.label if kind else key


def technique_parts(label: str | None, ident: str) -> tuple[str, str]:
    """A DISARM technique's id and name from its label (``T0049.004 Utilise Spamoflauge``)."""
    label = label or ident
    if label.startswith(ident):
        return ident, label[len(ident):].strip()
    return ident, label


@dataclass
class Reference:
    """A source as a reference in a bibliography, with why it is listed."""

    source: SourceView
    role: str  # e.g. "supports", "disputes; primary source"


def reference_text(s: SourceView) -> str:
    """One reference, as plain text: authors (date). Title. Publisher. URL."""
    parts = []
    if s.authors:
        parts.append(f"{', '.join(s.authors)} ({s.date}).")
    else:
        parts.append(f"{s.publisher} ({s.date}).")
    parts.append(f"{s.title.rstrip('.')}.")
    if s.authors:
        parts.append(f"{s.publisher}.")
    if s.url:
        parts.append(s.url)
    elif s.archive_url:
        parts.append(s.archive_url)
    return " ".join(parts)


def references(c: ClaimView, lookup) -> list[Reference]:
    """The sources of a claim as references, oldest first: every document an assertion on it is read
    in, then the carriers those name. ``lookup(id)`` gives a source's `SourceView`."""
    roles: dict[str, list[str]] = {}
    for a in all_assertions(c):
        roles.setdefault(a.source.id, []).append(a.stance)
    for a in all_assertions(c):
        for ident in a.via:
            roles.setdefault(ident, []).append(f"carries {a.said_by.label or a.said_by.id}")
    refs = [Reference(lookup(ident), "; ".join(dict.fromkeys(r))) for ident, r in roles.items()]
    refs.sort(key=lambda ref: (ref.source.date_from or dt.date.min, ref.source.date, ref.source.id))
    return refs
