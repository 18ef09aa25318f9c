"""The iokg vocabulary as Python: namespaces, IRI minting, and the tables the YAML format maps to.

Everything the curated YAML may say is listed here once: entity types, claim predicates (with
the subject and object types they allow), source kinds, stances, evidence kinds and the ICD 203
likelihood words. The ontology in ``ontology/iokg.ttl`` defines the same terms for RDF users;
``tests/test_ontology.py`` checks the two agree.

IRIs are deterministic and readable:

>>> entity_iri("spicypanda")
'https://w3id.org/iokg/id/entity/spicypanda'
>>> claim_id("spicypanda", "attributedTo", obj="cicc")
'spicypanda--attributedTo--cicc'
>>> claim_id("meta-takedown-2023-q2", "removedAccountCount", value="9000", qualifier="nearly")
'meta-takedown-2023-q2--removedAccountCount--nearly-9000'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BASE = "https://w3id.org/iokg/"
NS = BASE + "ns#"
ID = BASE + "id/"

GRAPH_DATA = BASE + "graph/data"
GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_TECHNIQUES = BASE + "graph/disarm"
GRAPH_DERIVED = BASE + "graph/derived"
#: The supported statements as direct triples (like Wikidata's truthy triples); never fed to SHACL.
GRAPH_SUPPORTED = BASE + "graph/supported"
#: iokg's own computations over released data (`iokg.evidence`), recomputed at every build; never assertions.
GRAPH_EVIDENCE = BASE + "graph/evidence"
#: The content of one dataset release (its indicators and kill-chain steps), under the release's own licence.
GRAPH_RELEASE = BASE + "graph/release/"

PREFIXES = {
    "iokg": NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "sh": "http://www.w3.org/ns/shacl#",
}

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TECHNIQUE_PATTERN = re.compile(r"^T\d{4}(?:\.\d{3})?$")


def term(local: str) -> str:
    """IRI of a term of the iokg ontology."""
    return NS + local


def entity_iri(entity_id: str) -> str:
    return f"{ID}entity/{entity_id}"


def source_iri(source_id: str) -> str:
    return f"{ID}source/{source_id}"


def claim_iri(cid: str) -> str:
    return f"{ID}claim/{cid}"


def assertion_iri(cid: str, document: str, party: str, first_carrier: str | None = None) -> str:
    """IRI of what ``party`` asserts of claim ``cid``, read in ``document`` (through ``first_carrier``).

    >>> assertion_iri("x--partOf--y", "wikipedia-2024", "graphika", "therecord-2023-08-29")
    'https://w3id.org/iokg/id/assertion/x--partOf--y/wikipedia-2024/graphika/via/therecord-2023-08-29'
    """
    tail = f"/via/{first_carrier}" if first_carrier else ""
    return f"{ID}assertion/{cid}/{document}/{party}{tail}"


def party_iri(party_id: str) -> str:
    """Parties (publishers, asserters, speakers) are entities."""
    return entity_iri(party_id)


def alias_iri(entity_id: str, name: str) -> str:
    return f"{ID}entity/{entity_id}/alias/{slug(name)}"


def technique_iri(technique_id: str) -> str:
    return f"{ID}technique/{technique_id}"


def tactic_iri(tactic_id: str) -> str:
    return f"{ID}tactic/{tactic_id}"


def slug(text: str) -> str:
    """Lower-case, ASCII letters and digits joined by single hyphens.

    >>> slug("Storm-1376")
    'storm-1376'
    >>> slug("2021-01")
    '2021-01'
    """
    s = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")
    return s or "x"


def claim_id(subject: str, predicate: str, obj: str | None = None, value: str | None = None,
             qualifier: str | None = None) -> str:
    """The id of the claim "subject predicate object" (or "... value"); equal inputs, equal ids."""
    if obj is not None:
        tail = obj
    else:
        tail = slug(f"{qualifier} {value}" if qualifier else str(value))
    return f"{subject}--{predicate}--{tail}"


# ---------------------------------------------------------------- entity types
@dataclass(frozen=True)
class EntityType:
    key: str  # the word curators write in YAML
    cls: str  # local name of the OWL class
    label: str
    definition: str


ENTITY_TYPES: dict[str, EntityType] = {t.key: t for t in [
    EntityType("campaign", "Campaign", "campaign",
               "A named, sustained influence operation, tracked under one or more names."),
    EntityType("cluster", "Cluster", "cluster",
               "A set of co-managed accounts or assets that a source singles out, usually within a campaign."),
    EntityType("organization", "Organization", "organization",
               "A company, research group, news outlet, platform operator or other organized body."),
    EntityType("state-entity", "StateEntity", "state entity",
               "A government, ministry, agency, working group or state-controlled body."),
    EntityType("person", "Person", "person",
               "A named individual: an official, spokesperson, researcher or target."),
    EntityType("platform", "Platform", "platform",
               "An online service on which content is posted (a social network, video site, forum)."),
    EntityType("narrative", "Narrative", "narrative",
               "A story or framing that an operation pushes."),
    EntityType("topic", "Topic", "topic",
               "A subject an operation posts about, without a particular framing."),
    EntityType("country", "Country", "country", "A country or territory."),
    EntityType("election", "Election", "election", "A particular election."),
    EntityType("group", "Group", "group of people",
               "A set of people taken together: dissidents abroad, journalists, voters of a country."),
    EntityType("takedown", "Takedown", "takedown",
               "A removal of accounts or assets by a platform or authority, at a date."),
    EntityType("legal-action", "LegalAction", "legal action",
               "An indictment, criminal complaint or other court action, at a date."),
    EntityType("event", "Event", "event",
               "Another dated happening: a publication of note, a call to protest, a leak."),
    EntityType("characterization", "Characterization", "characterization",
               "A judgement of an operation's nature, scale, quality or effect, worded so that \"X is "
               "characterized as <label>\" reads true: \"the largest known covert influence operation\", "
               "\"having gained little engagement from authentic users\"."),
]}

#: Types that are dated events (subclasses of iokg:Event).
EVENT_TYPES = {"takedown", "legal-action", "event"}
ACTORS = {"organization", "state-entity", "person", "country"}
OPERATIONS = {"campaign", "cluster"}
TARGETABLE = {"person", "group", "election", "country", "organization", "state-entity", "platform"}
ALL_TYPES = set(ENTITY_TYPES)
TECHNIQUE = "technique"  # objects written as DISARM ids, e.g. T0049.004


# ---------------------------------------------------------------- predicates
@dataclass(frozen=True)
class Predicate:
    key: str  # as written in YAML and as the local name in RDF
    label: str  # reads "subject <label> object"
    definition: str
    subjects: frozenset[str]
    objects: frozenset[str] = frozenset()  # entity types allowed as object
    value: str | None = None  # "integer" or "date" for claims with a literal value
    align: str | None = None  # an external property this one specializes
    sentence: str | None = None  # for a value: how the claim reads, with {subject}, {amount} or {on} {value}


def _p(key, label, definition, subjects, objects=(), value=None, align=None, sentence=None):
    return Predicate(key, label, definition, frozenset(subjects), frozenset(objects), value, align, sentence)


PREDICATES: dict[str, Predicate] = {p.key: p for p in [
    _p("attributedTo", "is attributed to",
       "The operation (or event) is run, directed or sponsored by the actor.",
       OPERATIONS | EVENT_TYPES, ACTORS | {"group"}),
    _p("partOf", "is part of", "The cluster belongs wholly to the larger campaign.",
       OPERATIONS, OPERATIONS),
    _p("overlapsWith", "overlaps with",
       "Some accounts or assets of the subject are also part of the object (a partial membership).",
       OPERATIONS, OPERATIONS),
    _p("subOrganizationOf", "is a sub-organization of",
       "The organization sits inside, or is controlled by, the other (a working group in a ministry).",
       {"organization", "state-entity"}, {"organization", "state-entity"},
       align="http://www.w3.org/ns/org#subOrganizationOf"),
    _p("memberOf", "is a member of", "The person works for, or speaks for, the organization.",
       {"person"}, {"organization", "state-entity"}, align="http://www.w3.org/ns/org#memberOf"),
    _p("operatesOn", "operates on", "The operation posts or keeps accounts on the platform.",
       OPERATIONS, {"platform"}),
    _p("pushesNarrative", "pushes the narrative",
       "The operation pushes the narrative: a story or framing (\"the US is in decline\").",
       OPERATIONS, {"narrative"}),
    _p("postsAbout", "posts about",
       "The operation posts about the subject, with no particular framing implied.",
       OPERATIONS, {"topic", "event", "person", "group", "country", "election", "organization",
                    "state-entity", "platform"}),
    _p("attacks", "attacks",
       "The operation criticizes, denigrates or smears the person, body, group or subject.",
       OPERATIONS, {"person", "group", "organization", "state-entity", "country", "topic", "event",
                    "election"}),
    _p("harasses", "harasses", "The operation harasses the person or group (abuse, threats, intimidation).",
       OPERATIONS, {"person", "group"}),
    _p("callsForProtestsAgainst", "calls for protests against",
       "The operation calls on people to protest against the thing named.",
       OPERATIONS, {"topic", "event", "organization", "state-entity", "person", "country", "group"}),
    _p("characterizedAs", "is characterized as",
       "A source judges the operation's nature, scale, quality or effect so (its reach, its sophistication).",
       OPERATIONS, {"characterization"}),
    _p("impersonates", "impersonates",
       "The operation poses as, or fakes content of, the person, group or body.",
       OPERATIONS, {"person", "group", "organization", "state-entity"}),
    _p("amplifies", "amplifies",
       "The operation spreads or boosts the content of the actor (diplomats, state media).",
       OPERATIONS, ACTORS | {"group"}),
    _p("targets", "targets", "The operation (or event) is aimed at the person, group, election or country.",
       OPERATIONS | EVENT_TYPES, TARGETABLE),
    _p("usesTechnique", "uses technique", "The operation uses the DISARM technique.",
       OPERATIONS, {TECHNIQUE}),
    _p("amplifiedBy", "is amplified by",
       "The actor spread the operation's content (shared, retweeted, quoted it).",
       OPERATIONS, ACTORS),
    _p("concerns", "concerns", "The event acts on, or is about, the entity (a takedown of a campaign's accounts).",
       EVENT_TYPES, ALL_TYPES),
    _p("conductedBy", "is conducted by", "The organization carried out the event (the platform that removed accounts).",
       EVENT_TYPES, {"organization", "state-entity", "person"}),
    _p("charges", "charges", "The legal action charges the person or organization.",
       {"legal-action"}, {"person", "organization", "state-entity", "group"}),
    _p("occurredOn", "occurred on", "The date of the event.", EVENT_TYPES, value="date",
       sentence="{subject} occurred {on} {value}"),
    _p("firstObserved", "was first observed", "When the operation was first seen.",
       OPERATIONS, value="date", sentence="{subject} was first observed {on} {amount}"),
    _p("activeSince", "has been active since", "The start of the operation's activity, as a source gives it.",
       OPERATIONS, value="date", sentence="{subject} has been active since {amount}"),
    _p("accountCount", "has account count", "How many accounts the operation has used (on the platform or overall the source says).",  # noqa: E501
       OPERATIONS, value="integer", sentence="{subject} has used {amount} accounts"),
    _p("platformCount", "has platform count", "On how many platforms the operation has been seen.",
       OPERATIONS, value="integer", sentence="{subject} has been seen on {amount} platforms"),
    _p("websiteCount", "has website count", "On how many other websites the operation has been seen.",
       OPERATIONS, value="integer", sentence="{subject} has been seen on {amount} other websites"),
    _p("languageCount", "has language count", "In how many languages the operation posts.",
       OPERATIONS, value="integer", sentence="{subject} posts in {amount} languages"),
    _p("removedAccountCount", "removed accounts", "How many accounts (or accounts and pages) the takedown removed.",
       {"takedown"}, value="integer", sentence="{subject} removed {amount} accounts"),
    _p("removedPostCount", "removed posts", "How many posts the takedown removed or released.",
       {"takedown"}, value="integer", sentence="{subject} removed {amount} posts"),
    _p("removedPageCount", "removed Pages", "How many Facebook Pages the takedown removed.",
       {"takedown"}, value="integer", sentence="{subject} removed {amount} Facebook Pages"),
    _p("removedGroupCount", "removed Groups", "How many Facebook Groups the takedown removed.",
       {"takedown"}, value="integer", sentence="{subject} removed {amount} Facebook Groups"),
    _p("removedInstagramAccountCount", "removed Instagram accounts",
       "How many Instagram accounts the takedown removed (counted apart from Facebook accounts).",
       {"takedown"}, value="integer", sentence="{subject} removed {amount} Instagram accounts"),
    _p("chargedCount", "charged people", "How many people the legal action charges.",
       {"legal-action"}, value="integer", sentence="{subject} charges {amount} people"),
]}

QUALIFIERS = ("nearly", "about", "at least", "more than", "fewer than", "at most", "exactly")


# ---------------------------------------------------------------- sources
@dataclass(frozen=True)
class Concept:
    key: str
    local: str
    label: str
    definition: str


SOURCE_KINDS: dict[str, Concept] = {c.key: c for c in [
    Concept("government-report", "GovernmentReport", "government report",
            "A report by a government body (an intelligence assessment, an agency bulletin)."),
    Concept("court-filing", "CourtFiling", "court filing",
            "An indictment, complaint, affidavit or other document filed in court."),
    Concept("platform-report", "PlatformThreatReport", "platform threat report",
            "A threat or transparency report by the company that runs a platform."),
    Concept("research-report", "ResearchReport", "research report",
            "A report by a research group, think tank, university or security firm."),
    Concept("news-article", "NewsArticle", "news article", "A story published by a news outlet."),
    Concept("encyclopedia", "EncyclopediaArticle", "encyclopedia article",
            "An encyclopedia entry; it derives from the references it cites."),
    Concept("official-statement", "OfficialStatement", "official statement",
            "What an official or spokesperson said on the record, as a statement, reply or post."),
    Concept("commentary", "Commentary", "commentary",
            "An analysis or opinion piece, such as a think-tank blog post."),
    Concept("dataset", "DataRelease", "data release",
            "Files a platform or research group released (indicators, a takedown archive), shipped in data/releases/ "
            "and read at build time."),
]}

#: What each file of a release is: `indicators` (rows read into the graph), `kill-chain` (the steps they name).
RELEASE_FILE_ROLES = ("indicators", "kill-chain")

STANCES: dict[str, Concept] = {c.key: c for c in [
    Concept("supports", "Supports", "supports", "The source states or concludes the claim."),
    Concept("disputes", "Disputes", "disputes",
            "The source states or concludes something that contradicts the claim."),
    Concept("denies", "Denies", "denies",
            "The party the claim is about rejects it (an official denial)."),
    Concept("inconclusive", "Inconclusive", "inconclusive",
            "The source looked at the question and says it could not tell."),
]}

#: Whose words the confidence words of an assertion are.
CONFIDENCE_WHOSE: dict[str, Concept] = {c.key: c for c in [
    Concept("asserter", "AsserterWords", "the asserter's own words",
            "The asserting party's own words, quoted verbatim by the document in hand."),
    Concept("carrier", "CarrierWords", "a carrier's paraphrase",
            "The document in hand's own wording of what the asserting party said."),
]}

#: Entity types that can publish, assert or speak.
PARTIES = {"organization", "state-entity", "person"}

EVIDENCE_KINDS: dict[str, Concept] = {c.key: c for c in [
    Concept("behavioural-pattern", "BehaviouralPattern", "behavioural pattern",
            "Posting times, coordination, shared habits of accounts."),
    Concept("technical-signal", "TechnicalSignal", "technical signal",
            "Infrastructure, IP addresses, device or account metadata."),
    Concept("content-overlap", "ContentOverlap", "content overlap",
            "The same content or assets found in two places."),
    Concept("organizational-link", "OrganizationalLink", "organizational link",
            "Ties between the accounts and an organization's staff, sites or work."),
    Concept("official-disclosure", "OfficialDisclosure", "official disclosure",
            "A government, court or platform states it, from its own records."),
    Concept("platform-data", "PlatformData", "platform data",
            "Data a platform holds or released (takedown data sets)."),
    Concept("open-source", "OpenSourceResearch", "open-source research",
            "Evidence found in public material by the source's own research."),
]}


@dataclass(frozen=True)
class Likelihood:
    key: str
    local: str
    words: tuple[str, ...]  # the two ICD 203 rows' words for this band
    rank: int


#: The seven degrees of likelihood of ICD 203 (Intelligence Community Directive 203,
#: Analytic Standards), each with the terms of both of its rows.
LIKELIHOODS: dict[str, Likelihood] = {item.key: item for item in [
    Likelihood("almost-no-chance", "AlmostNoChance", ("almost no chance", "remote"), 1),
    Likelihood("very-unlikely", "VeryUnlikely", ("very unlikely", "highly improbable"), 2),
    Likelihood("unlikely", "Unlikely", ("unlikely", "improbable", "improbably"), 3),
    Likelihood("roughly-even-chance", "RoughlyEvenChance", ("roughly even chance", "roughly even odds"), 4),
    Likelihood("likely", "Likely", ("likely", "probable", "probably"), 5),
    Likelihood("very-likely", "VeryLikely", ("very likely", "highly probable"), 6),
    Likelihood("almost-certain", "AlmostCertain", ("almost certain", "almost certainly", "nearly certain"), 7),
]}

LIKELIHOOD_BY_WORD: dict[str, Likelihood] = {
    w: item for item in LIKELIHOODS.values() for w in (*item.words, item.key)
}
