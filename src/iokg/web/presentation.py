"""What the entity, source and claim pages show, arranged for reading: claims grouped by kind, a
timeline of who said what when, short names for sources, and references to cite.

Everything here works on the models of `iokg.provenance` (already looked up); nothing queries the
store, and nothing knows about HTTP.

>>> short_publisher("US Department of Homeland Security, Office of Intelligence and Analysis")
'US Department of Homeland Security'
>>> short_publisher("Australian Strategic Policy Institute (The Strategist)")
'Australian Strategic Policy Institute'
>>> short_publisher("The Washington Post"), short_publisher("Wikipedia (English)")
('The Washington Post', 'Wikipedia')
>>> short_publisher("Embassy of the People's Republic of China in Washington")
"Embassy of the People's Republic of China in Washington"
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
    ("characterizations", "Characterizations", frozenset({"characterizedAs"})),
    ("targets", "Targets, attacks, impersonations and calls to protest",
     frozenset({"targets", "attacks", "harasses", "impersonates", "callsForProtestsAgainst"})),
    ("techniques", "Techniques (DISARM)", frozenset({"usesTechnique"})),
    ("events", "Amplification, events and legal actions",
     frozenset({"amplifies", "amplifiedBy", "concerns", "conductedBy", "charges"})),
    ("figures", "Figures", frozenset({p.key for p in vocab.PREDICATES.values() if p.value == "integer"})),
    ("dates", "Dates", frozenset({p.key for p in vocab.PREDICATES.values() if p.value == "date"})),
)

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


@dataclass
class SaidItem:
    """One claim in a `SaidGroup`: the claim, the stance, and the claim in a few words."""

    claim: ClaimView
    stance: str
    text: str


@dataclass
class SaidGroup:
    """What one party said on one date, read in one document: the claims, in a compact timeline."""

    date: str
    party: AssertionView  # the first assertion of the group: its party, speaker and document
    items: list[SaidItem] = field(default_factory=list)


def claim_words(c: ClaimView, entity_label: str) -> str:
    """A claim in a few words on the page of ``entity_label``: the statement without the entity's
    name when it starts with it (``operates on YouTube``), else the whole statement.

    >>> from iokg.provenance.models import Ref, PredicateRef, StanceGroups, Corroboration
    >>> s = Ref(id="s", kind="entity", iri="i", label="Spamouflage")
    >>> c = ClaimView(id="c", iri="i", label="Spamouflage operates on YouTube", subject=s,
    ...               predicate=PredicateRef(key="operatesOn", label="operates on"), assertions=StanceGroups(),
    ...               corroboration=Corroboration(independent_origins=0))
    >>> claim_words(c, "Spamouflage"), claim_words(c, "YouTube")
    ('operates on YouTube', 'Spamouflage operates on YouTube')
    """
    if c.label.startswith(entity_label + " "):
        return c.label[len(entity_label) + 1:]
    return c.label


def said_groups(claims: list[ClaimView], entity_label: str) -> list[tuple[str, list[SaidGroup]]]:
    """A compact timeline: by year, what each party said on each date, read in each document
    (its claims in a few words), oldest first by the first day a date can stand for."""
    groups: dict[tuple, SaidGroup] = {}
    for e in (e for y in timeline(claims) for e in y.entries):
        a = e.assertion
        key = (e.date, a.said_by.id, a.speaker.id if a.speaker else None, a.source.id)
        group = groups.get(key)
        if group is None:
            group = groups[key] = SaidGroup(e.date, a)
        if all(i.claim.id != e.claim.id or i.stance != a.stance for i in group.items):
            group.items.append(SaidItem(e.claim, a.stance, claim_words(e.claim, entity_label)))
    years: list[tuple[str, list[SaidGroup]]] = []
    for g in groups.values():  # already in timeline order
        year = g.date[:4] if g.date else "undated"
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append(g)
    return years


def short_publisher(publisher: str) -> str:
    """A publisher's name for a short reference: the part before a comma or parenthesis, whole.
    Never initials nor a cut name: "US DJ" or "Embassy of the…" would leave a reader guessing."""
    return re.split(r"\s*[,(]", publisher, maxsplit=1)[0].strip() or publisher


def short_source(s: SourceRef) -> str:
    """A source in a few words: its publisher's short name and year (``Graphika 2019``)."""
    return f"{short_publisher(s.publisher)} {s.date[:4]}"


def said_by_text(a: AssertionView) -> str:
    """Who said it, in words: ``Graphika (Jack Stubbs)``, or the party alone."""
    party = a.said_by.label or a.said_by.id
    return f"{party} ({a.speaker.label or a.speaker.id})" if a.speaker else party


def possessive(name: str) -> str:
    """``Graphika’s``, ``Meta Platforms’``.

    >>> possessive("Graphika"), possessive("Meta Platforms")
    ('Graphika’s', 'Meta Platforms’')
    """
    return name + ("’" if name.endswith("s") else "’s")


def confidence_whose_text(a: AssertionView) -> str | None:
    """Whose words of confidence these are: ``Graphika’s own words``, or for the document's
    paraphrase ``paraphrase by Wikipedia (English), not Graphika’s words``; None without words."""
    if not a.confidence_words:
        return None
    party = a.said_by.label or a.said_by.id
    if a.confidence_whose == "carrier" and not a.own_voice:
        return f"paraphrase by {a.source.publisher}, not {possessive(party)} words"
    return f"{possessive(party)} own words"


@dataclass
class Step:
    """One document on the way from the asserting party to us: ``words`` then ``name`` (linked to
    the source ``source_id``), then ``detail`` in parentheses; ``title`` is the document's title."""

    words: str
    source_id: str
    name: str
    detail: str | None = None
    title: str | None = None


def where_read(a: AssertionView, sources: dict[str, SourceRef]) -> list[Step]:
    """Where we read an assertion, from the party to the document in hand: each carrier of ``via``
    by its publisher ("as reported in The Record"), or, when the party published it, as the party's
    own document; then the document in hand by its title and kind ("as carried by Spamouflage
    (encyclopedia article)"; "in …" when the document says it in its own voice). ``sources``
    names the carriers (ids unknown to it are shown as ids)."""
    party = a.said_by.label or a.said_by.id
    steps = []
    for i, sid in enumerate(a.via):
        s = sources.get(sid)
        publisher_id = a.via_publishers[i] if i < len(a.via_publishers) else (s.publisher_id if s else None)
        if s is None:
            steps.append(Step("as reported in", sid, sid))
        elif publisher_id == a.said_by.id:
            steps.append(Step(f"in {possessive(party)} own", sid, s.kind_label, s.date, s.title))
        else:
            steps.append(Step("as reported in", sid, s.publisher, s.date, s.title))
    doc = a.source
    words = "as carried by" if a.via else ("in" if a.own_voice else "as reported in")
    steps.append(Step(words, doc.id, doc.title, doc.kind_label, doc.title))
    return steps


def where_read_text(a: AssertionView, sources: dict[str, SourceRef]) -> str:
    """`where_read` as one line of plain text: ``as reported in The Record (2023-08-29), as carried
    by Spamouflage (encyclopedia article)``."""
    return ", ".join(f"{st.words} {st.name}" + (f" ({st.detail})" if st.detail else "")
                     for st in where_read(a, sources))


def parties_with_years(assertions: list[AssertionView]) -> list[str]:
    """The asserting parties of ``assertions``, each once, as ``Graphika 2019`` (its name, in full:
    initials guessed from a party's name would mislead, and the year it first said it), earliest
    first."""
    first: dict[str, AssertionView] = {}
    for a in sorted(assertions, key=lambda a: (a.date_from or dt.date.max, a.said_by.label or a.said_by.id)):
        first.setdefault(a.said_by.id, a)
    names = []
    for a in first.values():
        name, date = a.said_by.label or a.said_by.id, a.date or a.source.date
        names.append(f"{name} {date[:4]}" if date else name)
    return names


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
    in, and the carriers those name. Each says, by stance, whose word it holds: ``said by Graphika``
    (the party's own document, or the document in hand in its own voice) or ``reports Graphika``
    (a document relaying the party): ``disputes: said by Graphika``. ``lookup(id)`` gives a
    source's `SourceView`."""
    roles: dict[str, dict[str, list[str]]] = {}

    def note(ident: str, stance: str, publisher_id: str | None, a: AssertionView) -> None:
        party = a.said_by.label or a.said_by.id
        phrase = f"said by {party}" if publisher_id == a.said_by.id else f"reports {party}"
        phrases = roles.setdefault(ident, {}).setdefault(stance, [])
        if phrase not in phrases:
            phrases.append(phrase)

    views = all_assertions(c)
    for a in views:
        note(a.source.id, a.stance, a.source.publisher_id, a)
    for a in views:
        for i, ident in enumerate(a.via):
            note(ident, a.stance, a.via_publishers[i] if i < len(a.via_publishers) else None, a)
    order = {stance: i for i, (stance, _) in enumerate(STANCES)}
    refs = [Reference(lookup(ident), "; ".join(f"{stance}: {', '.join(phrases)}" for stance, phrases in
                                              sorted(by_stance.items(), key=lambda kv: order[kv[0]])))
            for ident, by_stance in roles.items()]
    refs.sort(key=lambda ref: (ref.source.date_from or dt.date.min, ref.source.date, ref.source.id))
    return refs
