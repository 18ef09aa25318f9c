"""The response models of search (pydantic); the API serves them as JSON as is."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["entity", "source", "technique", "tactic", "publisher", "author", "claim"]
FieldName = Literal["label", "alias", "title", "publisher", "author", "notation", "name", "excerpt"]
Match = Literal["exact", "prefix", "words", "part", "typo"]

#: Each kind of hit, as a group heading (in the order groups are listed when they rank alike).
KIND_LABELS: dict[str, str] = {
    "entity": "Entities", "source": "Sources", "technique": "DISARM techniques", "tactic": "DISARM tactics",
    "publisher": "Publishers", "author": "Authors", "claim": "Claims, by their excerpts",
}


class QuotedIn(BaseModel):
    """The source an excerpt is quoted from."""

    id: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None


class SearchHit(BaseModel):
    kind: Kind = Field(description="entity, source, technique, tactic, publisher, author, or claim (found "
                       "by an excerpt of one of its sources).")
    id: str = Field(description="The id in the IRI (a technique's id, e.g. T0049.004); for a publisher or "
                    "an author, the name.")
    iri: str | None = Field(default=None, description="The IRI; none for a publisher or author known only by name.")
    label: str
    type: str | None = Field(default=None, description="Entity type (campaign, person, ...), source kind "
                             "(news-article, ...), or the kind again.")
    url: str | None = Field(default=None, description="The citable address of its page (`IOKG_PUBLIC_URL`, "
                            "or the graph's own base).")
    field: FieldName = Field(description="What matched: label, alias, title, publisher, author, notation "
                             "(a technique's id), name (a technique's, publisher's or author's) or excerpt.")
    matched: str = Field(description="The text that matched, as written.")
    exact: bool = Field(description="The text equals the query, ignoring case, accents, spaces and punctuation.")
    match: Match = Field(description="How it matched: exact; prefix (the text starts with the query); words "
                         "(every word, in any order); part (a part of a word or name); typo (within one or two "
                         "typos).")
    date: str | None = Field(default=None, description="A source's date (YYYY, YYYY-MM or YYYY-MM-DD).")
    publisher: str | None = Field(default=None, description="A source's publisher.")
    sources: int | None = Field(default=None, description="A publisher's or author's number of sources; for "
                                "an entity that publishes sources (a publisher that is a party), how many it "
                                "published.")
    published_as: str | None = Field(default=None, description="For an entity that publishes sources: the "
                                     "publisher name its sources are listed by (`/sources?publisher=`).")
    sources_url: str | None = Field(default=None, description="The address of the list of its sources: a "
                                    "publisher's, an author's, or an entity's that publishes sources.")
    quoted_in: QuotedIn | None = Field(default=None, description="For an excerpt: the source it is from.")


class SearchGroup(BaseModel):
    kind: Kind
    label: str
    total: int = Field(description="How many hits of this kind in all (not only in this page).")


class SearchResults(BaseModel):
    q: str
    kind: Kind | None = Field(default=None, description="Only hits of this kind, when asked.")
    limit: int
    offset: int
    total: int = Field(description="How many hits in all (of `kind`, when given).")
    truncated: bool = Field(description="More hits follow this page (`offset` + `limit` < `total`).")
    groups: list[SearchGroup] = Field(description="The kinds found, best-ranked first, with their totals.")
    results: list[SearchHit] = Field(description="Best first: exact matches of a name, then the rest.")
