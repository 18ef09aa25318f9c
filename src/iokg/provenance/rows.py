"""Turning result rows (dicts of pyoxigraph terms) into the response models."""

from __future__ import annotations

import datetime as dt

from iokg import vocab
from iokg.provenance.models import AssertionView, ClaimSummary, LikelihoodBand, PredicateRef, Ref, SourceRef, StanceGroups

_CLASS_TYPES = {t.cls: t.key for t in vocab.ENTITY_TYPES.values()}
_SOURCE_KINDS = {c.local: c for c in vocab.SOURCE_KINDS.values()}
_STANCES = {c.local: c.key for c in vocab.STANCES.values()}
_EVIDENCE = {c.local: c.key for c in vocab.EVIDENCE_KINDS.values()}
_LIKELIHOODS = {item.local: item for item in vocab.LIKELIHOODS.values()}
_WHOSE = {c.local: c.key for c in vocab.CONFIDENCE_WHOSE.values()}
_REF_KINDS = {"entity": "entity", "source": "source", "claim": "claim", "technique": "technique"}


def text(row: dict, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


def local(iri: str | None) -> str | None:
    """The local name of an iokg term IRI."""
    if iri is None:
        return None
    return iri[len(vocab.NS):] if iri.startswith(vocab.NS) else iri.rsplit("/", 1)[-1]


def day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def type_key(class_iri: str | None) -> str | None:
    """Entity type key of an iokg class IRI (Cluster -> cluster); `technique`, `source` for those."""
    name = local(class_iri)
    if name is None:
        return None
    if name in _CLASS_TYPES:
        return _CLASS_TYPES[name]
    return {"Technique": "technique", "Source": "source", "Claim": "claim"}.get(name, name)


def source_kind(kind_iri: str | None) -> tuple[str, str]:
    concept = _SOURCE_KINDS.get(local(kind_iri) or "")
    return (concept.key, concept.label) if concept else (local(kind_iri) or "unknown", local(kind_iri) or "unknown")


def ref(iri: str, label: str | None = None, class_iri: str | None = None) -> Ref:
    """A `Ref` for an IRI minted by `iokg.vocab` (entity/x, source/x, claim/x, technique/T...)."""
    kind, ident = "other", iri
    if iri.startswith(vocab.ID):
        head, _, rest = iri[len(vocab.ID):].partition("/")
        if head in _REF_KINDS and rest:
            kind, ident = _REF_KINDS[head], rest
    return Ref(id=ident, kind=kind, iri=iri, label=label, type=type_key(class_iri))


def source_ref(row: dict, prefix: str = "source") -> SourceRef:
    """The `SourceRef` from the columns ``<prefix>``, ``<prefix>Id``, ``<prefix>Title``, ..."""
    key, label = source_kind(text(row, prefix + "Kind"))
    ident = text(row, prefix + "Id")
    return SourceRef(id=ident, iri=text(row, prefix) or vocab.source_iri(ident), title=text(row, prefix + "Title"),
                     publisher=text(row, prefix + "Publisher"), publisher_id=text(row, prefix + "PublisherId"),
                     kind=key, kind_label=label, date=text(row, prefix + "Date"))


def predicate_ref(iri: str) -> PredicateRef:
    key = local(iri)
    p = vocab.PREDICATES.get(key)
    return PredicateRef(key=key, label=p.label if p else key)


def claim_summary(row: dict) -> ClaimSummary:
    """From the claim columns of `assertions.rq` / `attribution.rq`."""
    pred = predicate_ref(text(row, "predicate"))
    p = vocab.PREDICATES.get(pred.key)
    obj = text(row, "object")
    return ClaimSummary(
        id=text(row, "claimId"), iri=text(row, "claim"), label=text(row, "claimLabel"),
        subject=ref(text(row, "subject"), text(row, "subjectLabel"), text(row, "subjectClass")),
        predicate=pred,
        object=ref(obj, text(row, "objectLabel"), text(row, "objectClass")) if obj else None,
        value=text(row, "value"), value_type=p.value if (p and text(row, "value") is not None) else None,
        qualifier=text(row, "qualifier"))


def assertion(row: dict) -> AssertionView:
    """From the assertion columns of `assertions.rq` / `attribution.rq`."""
    band = _LIKELIHOODS.get(local(text(row, "likelihood")) or "")
    evidence = [_EVIDENCE.get(local(i), local(i)) for i in (text(row, "evidenceKinds") or "").split()]
    speaker = text(row, "speaker")
    carriers = sorted((item.split(":", 2) for item in (text(row, "via") or "").split()), key=lambda p: int(p[0]))
    return AssertionView(
        iri=text(row, "assertion"), source=source_ref(row),
        said_by=ref(text(row, "party"), text(row, "partyLabel")),
        speaker=ref(speaker, text(row, "speakerLabel")) if speaker else None,
        via=[sid for _, sid, _ in carriers], via_publishers=[pub for _, _, pub in carriers], own_voice=text(row, "ownVoice") == "true",  # noqa: E501
        stance=_STANCES[local(text(row, "stance"))],
        date=text(row, "date"), date_from=day(text(row, "dateFrom")), date_to=day(text(row, "dateTo")),
        confidence_words=text(row, "confidenceWords"),
        confidence_whose=_WHOSE.get(local(text(row, "confidenceWhose")) or ""),
        likelihood=LikelihoodBand(key=band.key, label=band.words[0], rank=band.rank) if band else None,
        evidence_kinds=sorted(evidence), excerpt=text(row, "excerpt"), locator=text(row, "locator"),
        note=text(row, "note"))


def group_by_stance(assertions: list[AssertionView]) -> StanceGroups:
    groups = StanceGroups()
    for a in sorted(assertions, key=lambda a: (a.date_to or dt.date.max, a.source.id)):
        getattr(groups, a.stance).append(a)
    return groups


def unique_by(rows: list[dict], name: str) -> list[dict]:
    """The first row for each value of column ``name`` (queries that repeat a row per entity)."""
    seen, out = set(), []
    for row in rows:
        key = text(row, name)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
