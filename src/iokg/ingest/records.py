"""The shapes of curated YAML records, as pydantic models.

A data file holds ``entities:`` (a list of entities), or one ``source:`` with the
``assertions:`` it makes, or both. Every field is checked here; references between records are
checked afterwards, in `iokg.ingest.checks`, once every file is read.

>>> a = Assertion.model_validate({"subject": "spicypanda", "predicate": "attributedTo",
...     "object": "cicc", "stance": "supports", "said_by": "graphika", "speaker": "jack-stubbs",
...     "via": ["therecord-2023-08-29"],
...     "confidence": {"words": "limited confidence", "whose": "carrier"}})
>>> a.claim_id, a.confidence.whose
('spicypanda--attributedTo--cicc', 'carrier')
>>> Assertion.model_validate({"subject": "x", "predicate": "atributedTo", "object": "y",
...     "stance": "supports"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Assertion
predicate
  Value error, unknown predicate 'atributedTo': did you mean 'attributedTo'? ...
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from iokg import vocab

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MAX_EXCERPT_CHARS = 400


def _partial_date(value: Any) -> str:
    """Accept 2023-04-27, 2023-04 or 2023 (as YAML gives them) and return the ISO text."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("a date is written YYYY-MM-DD, YYYY-MM or YYYY")
    m = _DATE.match(value.strip())
    if not m:
        raise ValueError(f"'{value}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    y, mo, d = m.groups()
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError as e:
        raise ValueError(f"'{value}' is not a real date ({e})") from None
    return value.strip()


PartialDate = Annotated[str, BeforeValidator(_partial_date)]


def _id(value: Any) -> str:
    if not isinstance(value, str) or not vocab.ID_PATTERN.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lower-case letters, digits and single hyphens, e.g. 'spicypanda'"
        )
    return value


Id = Annotated[str, BeforeValidator(_id)]


def _ref(value: Any) -> str:
    if isinstance(value, str) and vocab.TECHNIQUE_PATTERN.match(value):
        return value
    return _id(value)


Ref = Annotated[str, BeforeValidator(_ref)]


def did_you_mean(value: Any, choices) -> str:
    """' did you mean 'x'?' for the closest of ``choices``, or '' when none is close.

    >>> did_you_mean("suports", ["supports", "disputes"])
    " did you mean 'supports'?"
    """
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" did you mean '{close[0]}'?" if close else ""


def _choice(table: dict, what: str):
    def check(value: Any) -> str:
        if value not in table:
            raise ValueError(f"unknown {what} '{value}':{did_you_mean(value, table)} "
                             f"use one of {', '.join(table)}")
        return value
    return BeforeValidator(check)


def _likelihood(value: Any) -> str:
    words = str(value).strip().lower() if value is not None else ""
    if words not in vocab.LIKELIHOOD_BY_WORD:
        allowed = ", ".join(w for item in vocab.LIKELIHOODS.values() for w in item.words)
        raise ValueError(f"unknown likelihood word '{value}':{did_you_mean(words, vocab.LIKELIHOOD_BY_WORD)} "
                         f"use an ICD 203 term ({allowed}), "
                         "or leave `likelihood` out and keep the source's words in `confidence`")
    return vocab.LIKELIHOOD_BY_WORD[words].key


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Alias(Record):
    name: str = Field(min_length=1)
    sources: list[Id] = Field(min_length=1, description="Sources that use this name.")


class Entity(Record):
    id: Id
    type: Annotated[str, _choice(vocab.ENTITY_TYPES, "entity type")]
    label: str = Field(min_length=1, description="The canonical name.")
    aliases: list[Alias] = []
    description: str | None = Field(default=None, description="A short paraphrase, in the curator's words.")
    sources: list[Id] = Field(min_length=1, description="Sources that name or describe the entity.")

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases_are_mappings(cls, v: Any) -> Any:
        for a in v or []:
            if isinstance(a, str):
                raise ValueError(f"alias '{a}' needs its sources: write `- name: {a}` and `sources: [...]`")
        return v


class ReleaseFile(Record):
    """One file of a dataset release, shipped beside the record and checked against its SHA-256."""

    path: str = Field(min_length=1, description="The shipped copy, relative to the folder of the YAML file.")
    sha256: str = Field(description="Of the shipped file; the build refuses a file that does not match.")
    role: Annotated[str, _choice(dict.fromkeys(vocab.RELEASE_FILE_ROLES), "file role")]
    released_as: str | None = Field(default=None, description="Its path in the release, exactly as given.")
    last_changed_commit: str | None = None
    last_changed: PartialDate | None = None

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, v: str) -> str:
        if not re.fullmatch(r"[0-9a-fA-F]{64}", v):
            raise ValueError("sha256 must be 64 hexadecimal digits")
        return v.lower()

    @field_validator("path")
    @classmethod
    def _inside(cls, v: str) -> str:
        if v.startswith("/") or ".." in v.split("/"):
            raise ValueError(f"'{v}' must be a path inside the record's folder")
        return v


class Release(Record):
    """What a `dataset` source adds: where it was released, its files, licence and what it documents."""

    repository: str = Field(min_length=1, description="The repository or archive it was released in, as given.")
    commit: str | None = Field(default=None, description="The snapshot read, as given.")
    licence: str = Field(min_length=1, description="The release's licence, e.g. MIT.")
    accompanies: Id | None = Field(default=None, description="The report (a source id) it accompanies.")
    documents: Id = Field(description="The takedown (an entity id) whose assets it lists.")
    network: Id = Field(description="The campaign or cluster (an entity id) the indicators are of.")
    caveat: str | None = Field(default=None, max_length=MAX_EXCERPT_CHARS,
                               description="The publisher's own caveat, verbatim.")
    credit: str | None = Field(default=None, description="How to credit the release, exactly as its "
                               "provenance note asks.")
    files: list[ReleaseFile] = Field(min_length=1)


class Source(Record):
    id: Id
    kind: Annotated[str, _choice(vocab.SOURCE_KINDS, "source kind")]
    title: str = Field(min_length=1)
    publisher: Id = Field(description="The party that published it: an entity id (organization, "
                          "state entity or person).")
    authors: list[str] = []
    date: PartialDate
    url: str | None = None
    archive_url: str | None = None
    sha256: str | None = None
    file_size_bytes: int | None = Field(default=None, gt=0)
    page_count: int | None = Field(default=None, gt=0)
    handling: str | None = Field(default=None, description="A handling marking, e.g. U//FOUO.")
    language: str | None = None
    locator_in_parent: str | None = Field(
        default=None, description="Where the source is cited in a source that derives from it, e.g. 'reference 8'.")
    derived_from: list[Id] = Field(default=[], description="Sources this one relays or is built from.")
    release: Release | None = Field(default=None, description="For a `dataset`: its release and files.")
    note: str | None = None

    @model_validator(mode="after")
    def _release_for_datasets(self) -> "Source":
        if self.kind == "dataset" and self.release is None:
            raise ValueError("a `dataset` source needs `release:` (repository, licence, documents, network, files)")
        if self.kind != "dataset" and self.release is not None:
            raise ValueError("only a source of kind `dataset` has `release:`")
        return self

    @field_validator("url", "archive_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://[^\s<>\"]+$", v):
            raise ValueError(f"'{v}' is not an http(s) URL")
        return v

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", v):
            raise ValueError("sha256 must be 64 hexadecimal digits")
        return v.lower() if v else v


class Confidence(Record):
    """Words of confidence, and whose words they are."""

    words: str = Field(min_length=1, description="The words, verbatim as the document in hand gives them.")
    whose: Annotated[str, _choice(vocab.CONFIDENCE_WHOSE, "`whose`")] = Field(
        description="`asserter`: the asserting party's own words, quoted; `carrier`: the document in hand's "
                    "paraphrase of what the party said.")


class Assertion(Record):
    subject: Ref
    predicate: Annotated[str, _choice(vocab.PREDICATES, "predicate")]
    object: Ref | None = None
    value: int | PartialDate | None = None
    qualifier: Annotated[str, _choice(dict.fromkeys(vocab.QUALIFIERS), "qualifier")] | None = None
    stance: Annotated[str, _choice(vocab.STANCES, "stance")]
    said_by: Id | None = Field(default=None, description="The asserting party (an entity id); "
                               "omitted: the document in hand says it in its own voice.")
    speaker: Id | None = Field(default=None, description="The person through whom the party said it.")
    via: list[Id] = Field(default=[], description="Carriers between the party and the document in hand, "
                          "nearest to the party first.")
    confidence: Confidence | None = None
    likelihood: Annotated[str, BeforeValidator(_likelihood)] | None = None
    evidence: list[Annotated[str, _choice(vocab.EVIDENCE_KINDS, "evidence kind")]] = Field(
        default=[], description="The kinds of evidence the document states; none: no basis stated.")
    excerpt: str | None = Field(default=None, max_length=MAX_EXCERPT_CHARS)
    locator: str | None = None
    date: PartialDate | None = Field(default=None, description="When it was said, if not the document's date.")
    note: str | None = None

    @field_validator("confidence", mode="before")
    @classmethod
    def _plain_words(cls, v: Any, info) -> Any:
        if isinstance(v, str):
            if info.data.get("said_by") is not None or info.data.get("via"):
                raise ValueError("say whose words these are: write `confidence: {words: ..., whose: asserter}` "
                                 "(the party's own words) or `whose: carrier` (the document's paraphrase)")
            return {"words": v, "whose": "asserter"}
        return v

    @field_validator("via")
    @classmethod
    def _via_once(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a carrier is named twice in `via`")
        return v

    @model_validator(mode="after")
    def _object_or_value(self) -> "Assertion":
        p = vocab.PREDICATES[self.predicate]
        if p.value is None:
            if self.object is None:
                raise ValueError(f"predicate {self.predicate} needs an `object` (an entity id)")
            if self.value is not None:
                raise ValueError(f"predicate {self.predicate} takes an `object`, not a `value`")
        else:
            if self.value is None:
                raise ValueError(f"predicate {self.predicate} needs a `value` ({p.value})")
            if self.object is not None:
                raise ValueError(f"predicate {self.predicate} takes a `value`, not an `object`")
            if p.value == "integer" and not isinstance(self.value, int):
                raise ValueError(f"predicate {self.predicate} needs a whole number as `value`")
            if p.value == "date":
                self.value = _partial_date(self.value)
        return self

    @property
    def claim_id(self) -> str:
        return vocab.claim_id(self.subject, self.predicate, obj=self.object,
                              value=None if self.value is None else str(self.value),
                              qualifier=self.qualifier)


class DataFile(Record):
    """One YAML file under data/: its parts, each record checked on its own (`iokg.ingest.reading`)."""

    entities: list[Any] = []
    source: Any = None
    document: Id | None = Field(default=None, description="The source (defined in another file) that the "
                                "`assertions:` of this file are read in.")
    assertions: list[Any] = []

    @model_validator(mode="after")
    def _assertions_need_document(self) -> "DataFile":
        if self.source is not None and self.document is not None:
            raise ValueError("a file has either `source:` (the document, defined here) or `document:` "
                             "(a source defined in another file), not both")
        if self.assertions and self.source is None and self.document is None:
            raise ValueError("a file with `assertions:` must also have the `source:` they are read in, "
                             "or `document: <source id>` naming it")
        return self
