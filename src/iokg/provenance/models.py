"""The response models of the provenance lookups (pydantic); the API serves them as JSON as is."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from iokg.evidence.lookups import ComputedEvidenceView

Stance = Literal["supports", "disputes", "denies", "inconclusive"]


class Ref(BaseModel):
    """A link to a node of the graph: an entity, a source, a claim or a DISARM technique."""

    id: str = Field(description="The id in the IRI, e.g. `spicypanda` or `T0049.004`.")
    kind: Literal["entity", "source", "claim", "technique", "other"]
    iri: str
    label: str | None = None
    type: str | None = Field(default=None, description="Entity type (campaign, cluster, state-entity, ...), "
                             "source kind, or `technique`.")


class SourceRef(BaseModel):
    """A source as a link with what a reader needs to weigh it."""

    id: str
    iri: str
    title: str
    publisher: str = Field(description="The publisher's name.")
    publisher_id: str | None = Field(default=None, description="The publisher's entity id (a party).")
    kind: str = Field(description="Source kind key, e.g. government-report, news-article.")
    kind_label: str
    date: str = Field(description="The source's date as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD.")


class LikelihoodBand(BaseModel):
    """An ICD 203 degree of likelihood."""

    key: str = Field(description="e.g. very-likely")
    label: str = Field(description="e.g. very likely")
    rank: int = Field(description="1 (almost no chance) to 7 (almost certain).")


class AssertionView(BaseModel):
    """What one party says about one claim, as read in one document."""

    iri: str
    source: SourceRef = Field(description="The document in hand: where this assertion is read.")
    said_by: Ref = Field(description="The asserting party: whose judgement or statement it is.")
    speaker: Ref | None = Field(default=None, description="The person through whom the party said it.")
    via: list[str] = Field(default_factory=list, description="Ids of the carriers between the party and the "
                           "document in hand, nearest to the party first.")
    via_publishers: list[str] = Field(default_factory=list, description="The publishers' entity ids of `via`, "
                                      "in the same order.")
    own_voice: bool = Field(default=False, description="The document in hand says it in its own voice.")
    stance: Stance
    date: str | None = Field(default=None, description="When it was said (YYYY, YYYY-MM or YYYY-MM-DD).")
    date_from: dt.date | None = Field(default=None, description="Earliest day `date` can stand for.")
    date_to: dt.date | None = Field(default=None, description="Latest day `date` can stand for; `as_of` compares this.")
    confidence_words: str | None = Field(default=None, description="Words of confidence, verbatim.")
    confidence_whose: Literal["asserter", "carrier"] | None = Field(
        default=None, description="`asserter`: the party's own words; `carrier`: the document in hand's paraphrase.")
    likelihood: LikelihoodBand | None = None
    evidence_kinds: list[str] = Field(default_factory=list, description="The kinds of evidence the document "
                                      "states, e.g. organizational-link; empty: none stated.")
    excerpt: str | None = None
    locator: str | None = Field(default=None, description="Page, section or paragraph in the document in hand.")
    note: str | None = None


class StanceGroups(BaseModel):
    """Assertions grouped by stance, each group oldest first."""

    supports: list[AssertionView] = Field(default_factory=list)
    disputes: list[AssertionView] = Field(default_factory=list)
    denies: list[AssertionView] = Field(default_factory=list)
    inconclusive: list[AssertionView] = Field(default_factory=list)


class Contester(BaseModel):
    """A party that disputes or denies a claim, with the date it first did."""

    party: Ref
    stance: Literal["disputes", "denies"]
    date: str | None = None


class Corroboration(BaseModel):
    """A claim's independent origins with their parts (the rule: `iokg.provenance.independence`)."""

    independent_origins: int = Field(description="Distinct asserting parties that support the claim.")
    origins: list[Ref] = Field(default_factory=list, description="Those parties.")
    relays: list[str] = Field(default_factory=list, description="Ids of the documents that only carry another "
                              "party's supporting assertion.")
    contesting: list[Contester] = Field(default_factory=list, description="Parties that dispute or deny it.")
    inconclusive: list[Ref] = Field(default_factory=list, description="Parties that say they cannot tell.")
    supporting_assertions: int = Field(default=0, description="Supporting assertions, relays included.")


class PredicateRef(BaseModel):
    key: str = Field(description="e.g. attributedTo")
    label: str = Field(description="e.g. is attributed to")


class ClaimSummary(BaseModel):
    """A claim: subject, predicate, and an object or a value."""

    id: str
    iri: str
    label: str
    subject: Ref
    predicate: PredicateRef
    object: Ref | None = None
    value: str | None = Field(default=None, description="For counts and dates, the value as written.")
    value_type: Literal["integer", "date"] | None = None
    qualifier: str | None = Field(default=None, description="e.g. `nearly`, `at least`.")


class ClaimView(ClaimSummary):
    """A claim with every assertion behind it and its corroboration."""

    assertions: StanceGroups
    corroboration: Corroboration
    computed_evidence: list[ComputedEvidenceView] = Field(
        default_factory=list, description="iokg's own analyses of released data recorded as bearing on the claim "
        "(filled by the claim lookup; apart from the assertions, never an origin).")
    as_of: dt.date | None = Field(default=None, description="The day `as_of` stood for: only what was known by then.")


class AliasView(BaseModel):
    name: str
    sources: list[SourceRef] = Field(description="The sources that use this name.")


class EntityView(BaseModel):
    id: str
    iri: str
    label: str
    type: str = Field(description="Entity type key, e.g. cluster, state-entity.")
    type_label: str
    description: str | None = None
    names: list[str] = Field(description="The label then every alias.")
    aliases: list[AliasView]
    sources: list[SourceRef] = Field(description="Sources that name or describe the entity.")
    claims: list[ClaimView] = Field(description="Every claim with the entity as subject or object.")
    as_of: dt.date | None = Field(default=None, description="The day `as_of` stood for: only what was known by then.")


class Hop(BaseModel):
    """One edge of an attribution chain, with the assertions behind it."""

    claim: str = Field(description="The claim id.")
    label: str
    predicate: PredicateRef
    subject: Ref
    object: Ref
    qualifier: str | None = Field(default=None, description="The claim's qualifier, if any (a qualified partOf "
                                  "is \"partly part of\").")
    kind: Literal["attribution", "part-of", "partly-part-of", "overlap", "sub-organization"] = Field(
        description="What the hop is: an attribution, membership (whole or partial), an overlap, or a "
        "sub-organization.")
    carries_attribution: bool = Field(default=True, description="False for an overlap or partial membership: "
                                      "what the object is attributed to is not thereby the subject's.")
    caveat: str | None = Field(default=None, description="Why the hop does not carry an attribution on, in words.")
    assertions: StanceGroups
    supported: bool = Field(description="At least one source supports it (as of `as_of`).")
    contested: bool = Field(description="At least one source disputes or denies it (as of `as_of`).")


class Chain(BaseModel):
    """One path from the start entity, following hops until none leads further."""

    nodes: list[str] = Field(description="Entity ids, the start first.")
    hops: list[str] = Field(description="Claim ids of the hops, in order.")
    supported: bool = Field(description="Every hop has at least one supporting source.")
    attribution_carried: bool = Field(default=True, description="No hop before the last is an overlap or a "
                                      "partial membership: the chain's end is the start entity's attribution.")
    not_carried_at: str | None = Field(default=None, description="The claim id of the first hop that does not "
                                       "carry an attribution on, when a chain runs past one.")
    caveat: str | None = Field(default=None, description="Where and why the chain stops carrying an attribution.")


class AttributionView(BaseModel):
    entity: Ref
    as_of: dt.date | None = None
    hops: list[Hop]
    chains: list[Chain]
    truncated: bool = Field(default=False, description="More chains than the cap were found; hops are complete.")
    note: str | None = None


class SourceClaim(BaseModel):
    claim: ClaimSummary
    assertion: AssertionView


class SourceView(BaseModel):
    id: str
    iri: str
    title: str
    publisher: str
    publisher_id: str | None = None
    kind: str
    kind_label: str
    authors: list[str] = Field(default_factory=list)
    date: str
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    url: str | None = None
    archive_url: str | None = None
    sha256: str | None = None
    file_size_bytes: int | None = None
    page_count: int | None = None
    handling: str | None = Field(default=None, description="Handling marking, e.g. U//FOUO.")
    language: str | None = None
    cited_as: str | None = None
    note: str | None = None
    derived_from: list[SourceRef] = Field(description="Sources this one relays or is built from.")
    derivatives: list[SourceRef] = Field(description="Sources that relay or build on this one.")
    claims: list[SourceClaim] = Field(description="Every claim this source makes, with its stance.")
    as_of: dt.date | None = Field(default=None, description="The day `as_of` stood for: only what was known by then.")
