"""The graph as a STIX 2.1 bundle (docs/stix.md), for OpenCTI, MISP and other STIX tools.

Made from a store (the one code path: `iokg build` writes it into the build's dumps, `iokg
export stix` writes it from the store served). `iokg export stix` makes every object with the
`stix2` library, which checks it as it is made; `iokg build` makes the same objects as plain data
(`_Plain`, several times faster), and tests/test_stix.py holds the two to the same bytes.
Every id is a UUID version 5 over the iokg IRI the object stands for, in
the fixed namespace `NAMESPACE`, and every time stamp comes from the data, so the same graph
gives the same bundle, byte for byte.

One `relationship` per claim and asserting party (``created_by_ref`` is that party's identity),
so an import keeps each party's edge; a party that disputes or denies a claim gives an `opinion`
(``disagree`` / ``strongly-disagree``) on the claim's relationships; an excerpt is a `note`.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from iokg import vocab
from iokg.export.index import StoreIndex

#: The namespace of the UUIDs of every STIX id iokg makes (fixed: changing it changes every id).
NAMESPACE = uuid.UUID("6d0f5a3c-2b9e-5b8f-9f5e-3c1a7e0d4b21")
MEDIA_TYPE = "application/stix+json;version=2.1"
FILE_NAME = "iokg.stix.json"

NS = vocab.NS
RDF_TYPE = vocab.PREFIXES["rdf"] + "type"
SKOS = vocab.PREFIXES["skos"]
DCT = vocab.PREFIXES["dcterms"]
PROV = vocab.PREFIXES["prov"]

#: ICD 203 degrees (iokg's likelihood terms) to the wording of the DNI scale in the STIX 2.1
#: specification's Appendix A, whose table `stix2.confidence.scales.dni_to_value` holds.
DNI_WORDS = {
    "AlmostNoChance": "Almost No Chance / Remote",
    "VeryUnlikely": "Very Unlikely / Highly Improbable",
    "Unlikely": "Unlikely / Improbable",
    "RoughlyEvenChance": "Roughly Even Chance / Roughly Even Odds",
    "Likely": "Likely / Probable",
    "VeryLikely": "Very Likely / Highly Probable",
    "AlmostCertain": "Almost Certain / Nearly Certain",
}

#: The STIX confidence of each DNI wording (the specification's Appendix A; what
#: `stix2.confidence.scales.dni_to_value` gives, tests/test_stix_scale.py holds the two together),
#: kept here so a bundle made as plain data needs no `stix2` (its import alone takes ~0.2 s).
DNI_VALUES = {
    "Almost No Chance / Remote": 5,
    "Very Unlikely / Highly Improbable": 15,
    "Unlikely / Improbable": 30,
    "Roughly Even Chance / Roughly Even Odds": 50,
    "Likely / Probable": 70,
    "Very Likely / Highly Probable": 85,
    "Almost Certain / Nearly Certain": 95,
}


class _Kind:
    """A STIX object type: the `stix2` class of that name (imported only when an object is
    checked by it) and its type."""

    def __init__(self, name: str, type_: str):
        self.name, self._type = name, type_

    def __call__(self, **kw):
        import stix2

        return getattr(stix2, self.name)(**kw)


class _Kinds:
    Identity = _Kind("Identity", "identity")
    Campaign = _Kind("Campaign", "campaign")
    IntrusionSet = _Kind("IntrusionSet", "intrusion-set")
    ThreatActor = _Kind("ThreatActor", "threat-actor")
    Relationship = _Kind("Relationship", "relationship")
    AttackPattern = _Kind("AttackPattern", "attack-pattern")
    Opinion = _Kind("Opinion", "opinion")
    Report = _Kind("Report", "report")
    Note = _Kind("Note", "note")


#: Claim properties exported as relationships, with their STIX relationship type.
RELATIONSHIP_TYPES = {
    "attributedTo": "attributed-to",
    "usesTechnique": "uses",
    "attacks": "targets",
    "harasses": "targets",
    "impersonates": "related-to",
    "amplifies": "related-to",
    "amplifiedBy": "related-to",
    "partOf": "related-to",
    "overlapsWith": "related-to",
    "operatesOn": "related-to",
    "subOrganizationOf": "related-to",
    "memberOf": "related-to",
    "postsAbout": "related-to",
}
STANCE_OPINION = {"Disputes": "disagree", "Denies": "strongly-disagree", "Inconclusive": "neutral"}


def stix_id(kind: str, iri: str) -> str:
    """The STIX id of the object of type ``kind`` standing for ``iri``.

    >>> stix_id("campaign", "https://w3id.org/iokg/id/entity/spamouflage")[:10]
    'campaign--'
    >>> stix_id("campaign", "x") == stix_id("campaign", "x")
    True
    """
    return f"{kind}--{uuid.uuid5(NAMESPACE, iri)}"


def _ts(day: str | None) -> str:
    return f"{day or '1970-01-01'}T00:00:00Z"


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def bundle(store: ox.Store, *, checked: bool = True) -> dict:
    """The STIX 2.1 bundle of the graph in ``store`` (a store, its quads or their `StoreIndex`), as
    JSON-ready data, objects sorted by id.

    ``checked``: every object is made by the `stix2` library, which checks it; otherwise as plain
    data, the same (tests/test_stix.py holds both to the same bytes), several times faster, as
    `iokg build` writes it.
    """
    g = StoreIndex.of(store)
    objects: dict = {}
    make = _checked if checked else _Plain

    def add(obj) -> str:
        objects[obj.id] = obj
        return obj.id

    # The earliest date of the data stands in as `created` of objects the data gives no date.
    dates = sorted(d for s in g.of_type(NS + "Source") if (d := g.one(s, NS + "dateFrom")))
    epoch = _ts(dates[0] if dates else None)

    iokg_identity = add(make(_Kinds.Identity,
        id=stix_id("identity", vocab.BASE), name="iokg", identity_class="system",
        description="The iokg knowledge graph: it made this bundle from its curated data.",
        created=epoch, modified=epoch))

    # Parties (publishers, asserting parties, speakers) and the other entities.
    entity_ref: dict[str, str] = {}  # entity IRI -> the STIX id a relationship points at
    identity_ref: dict[str, str] = {}  # party IRI -> its identity
    attributed = {g.one(c, NS + "object") for c in g.of_type(NS + "Claim")
                  if g.one(c, NS + "predicate") == NS + "attributedTo"}
    for e in g.of_type(NS + "Entity") or sorted(s for s in g.props if s.startswith(vocab.ID + "entity/")
                                                and "/alias/" not in s):
        kind = g.local_type(e)
        name = g.one(e, SKOS + "prefLabel") or _local(e)
        aliases = [a for a in g.all(e, SKOS + "altLabel") if a != name]
        description = g.one(e, DCT + "description")
        common = dict(name=name, created=epoch, modified=epoch, created_by_ref=iokg_identity,
                      external_references=[{"source_name": "iokg", "url": e, "external_id": _local(e)}])
        if description:
            common["description"] = description
        if kind == "Campaign":
            entity_ref[e] = add(make(_Kinds.Campaign, id=stix_id("campaign", e), aliases=aliases or None, **common))
        elif kind == "Cluster":
            entity_ref[e] = add(make(_Kinds.IntrusionSet, id=stix_id("intrusion-set", e), aliases=aliases or None,
                                                   **common))
        elif kind in ("Organization", "StateEntity", "Person"):
            cls = "individual" if kind == "Person" else "organization"
            identity_ref[e] = entity_ref[e] = add(make(_Kinds.Identity,
                id=stix_id("identity", e), identity_class=cls, allow_custom=True,
                x_iokg_aliases=aliases or None, **common))
            if e in attributed:
                actor = add(make(_Kinds.ThreatActor,
                    id=stix_id("threat-actor", e), aliases=aliases or None,
                    threat_actor_types=["nation-state" if kind == "StateEntity" else "unknown"], **common))
                add(make(_Kinds.Relationship,
                    id=stix_id("relationship", e + "#threat-actor"), relationship_type="attributed-to",
                    source_ref=actor, target_ref=identity_ref[e], created=epoch, modified=epoch,
                    created_by_ref=iokg_identity,
                    description=f"{name} as the actor operations are attributed to."))
                entity_ref[e] = actor

    # DISARM techniques that claims name.
    for c in g.of_type(NS + "Claim"):
        obj = g.one(c, NS + "object")
        if obj and obj.startswith(vocab.ID + "technique/") and obj not in entity_ref:
            tid = _local(obj)
            entity_ref[obj] = add(make(_Kinds.AttackPattern,
                id=stix_id("attack-pattern", obj), name=g.one(obj, SKOS + "prefLabel") or tid,
                created=epoch, modified=epoch, created_by_ref=iokg_identity,
                external_references=[{"source_name": "DISARM", "external_id": tid}]))

    # Reports, one per source.
    sources = g.of_type(NS + "Source")
    report_ref = {s: stix_id("report", s) for s in sources}
    report_objects: dict[str, set[str]] = defaultdict(set)

    # Assertions grouped by claim and party.
    by_claim_party: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in g.of_type(NS + "Assertion"):
        by_claim_party[(g.one(a, NS + "claim"), g.one(a, NS + "saidBy"))].append(a)

    claim_rels: dict[str, list[str]] = defaultdict(list)
    contesting: list[tuple[str, str, list[str]]] = []
    for (c, party), assertions in sorted(by_claim_party.items()):
        pred = _local(g.one(c, NS + "predicate") or "")
        subj, obj = g.one(c, NS + "subject"), g.one(c, NS + "object")
        rtype = RELATIONSHIP_TYPES.get(pred)
        if rtype is None or subj not in entity_ref or obj not in entity_ref or party not in identity_ref:
            continue
        stances = {a: _local(g.one(a, NS + "stance") or "") for a in assertions}
        supporting = [a for a in assertions if stances[a] == "Supports"]
        if not supporting:
            contesting.append((c, party, assertions))
            continue
        ranks = [r for a in supporting if (lk := g.one(a, NS + "likelihood"))
                 for r in [_local(lk)] if r in DNI_WORDS]
        order = list(DNI_WORDS)
        when = min(g.one(a, NS + "dateFrom") or epoch[:10] for a in supporting)
        refs = []
        for a in supporting:
            doc = g.one(a, NS + "source")
            ref = {"source_name": _local(doc), "url": a}
            if locator := g.one(a, NS + "locator"):
                ref["description"] = locator
            refs.append(ref)
        rel = make(_Kinds.Relationship,
            id=stix_id("relationship", f"{c}|{party}"), relationship_type=rtype,
            source_ref=entity_ref[subj], target_ref=entity_ref[obj], created=_ts(when), modified=_ts(when),
            created_by_ref=identity_ref[party], description=g.one(c, vocab.PREFIXES["rdfs"] + "label"),
            external_references=[{"source_name": "iokg", "url": c, "external_id": _local(c)}, *refs],
            confidence=DNI_VALUES[DNI_WORDS[max(ranks, key=order.index)]] if ranks else None,
            allow_custom=True, x_iokg_predicate=pred)
        claim_rels[c].append(add(rel))
        for a in supporting:
            doc = g.one(a, NS + "source")
            report_objects[doc] |= {rel.id, rel.source_ref, rel.target_ref, identity_ref[party]}
            _note(g, a, rel.id, doc, report_ref, identity_ref, add, report_objects, make)

    for c, party, assertions in contesting:
        if not claim_rels.get(c):
            continue
        for a in assertions:
            kind = STANCE_OPINION.get(_local(g.one(a, NS + "stance") or ""))
            if kind is None:
                continue
            when = _ts(g.one(a, NS + "dateFrom"))
            op = make(_Kinds.Opinion,
                id=stix_id("opinion", a), opinion=kind, object_refs=sorted(claim_rels[c]),
                created=when, modified=when, created_by_ref=identity_ref[party],
                explanation=g.one(a, NS + "excerpt") or g.one(c, vocab.PREFIXES["rdfs"] + "label"),
                external_references=[{"source_name": "iokg", "url": a}])
            add(op)
            doc = g.one(a, NS + "source")
            report_objects[doc] |= {op.id, identity_ref[party], *claim_rels[c]}
            _note(g, a, op.id, doc, report_ref, identity_ref, add, report_objects, make)

    for s in sources:
        day = g.one(s, NS + "dateFrom")
        date = g.one(s, DCT + "date") or day
        publisher = g.one(s, DCT + "publisher")
        refs = [{"source_name": "iokg", "url": s, "external_id": _local(s)}]
        url, sha = g.one(s, NS + "url"), g.one(s, NS + "sha256")
        if url or sha:
            ref = {"source_name": g.one(s, NS + "publisherName") or "publisher"}
            if url:
                ref["url"] = url
            if sha:
                ref["hashes"] = {"SHA-256": sha}
            if not url:
                ref["description"] = "the hash of the document's file"
            refs.append(ref)
        if archive := g.one(s, NS + "archiveUrl"):
            refs.append({"source_name": "archive", "url": archive})
        contents = report_objects[s] or {identity_ref.get(publisher, iokg_identity)}
        add(make(_Kinds.Report,
            id=report_ref[s], name=g.one(s, DCT + "title") or _local(s), published=_ts(day),
            created=_ts(day), modified=_ts(day), object_refs=sorted(contents),
            created_by_ref=identity_ref.get(publisher), report_types=["threat-report"],
            external_references=refs, allow_custom=True,
            x_iokg_date=date, x_iokg_date_precision={4: "year", 7: "month"}.get(len(date or ""), "day")))
        for parent in g.all(s, PROV + "wasDerivedFrom"):
            if parent in report_ref:
                add(make(_Kinds.Relationship,
                    id=stix_id("relationship", f"{s}|derived-from|{parent}"), relationship_type="derived-from",
                    source_ref=report_ref[s], target_ref=report_ref[parent], created=_ts(day), modified=_ts(day),
                    created_by_ref=iokg_identity))

    return {
        "type": "bundle",
        "id": stix_id("bundle", vocab.BASE + "stix"),
        "objects": [objects[k].data() if isinstance(objects[k], _Plain) else json.loads(objects[k].serialize())
                    for k in sorted(objects)],
    }


def _note(g: StoreIndex, a: str, about: str, doc: str, report_ref, identity_ref, add, report_objects,
          make) -> None:
    excerpt = g.one(a, NS + "excerpt")
    if not excerpt:
        return
    publisher = g.one(doc, DCT + "publisher")
    day = _ts(g.one(doc, NS + "dateFrom"))
    note = make(_Kinds.Note,
        id=stix_id("note", a + "#excerpt"), content=excerpt, abstract=g.one(a, NS + "locator"),
        object_refs=[about, report_ref[doc]], created=day, modified=day,
        created_by_ref=identity_ref.get(publisher), external_references=[{"source_name": "iokg", "url": a}])
    add(note)
    report_objects[doc].add(note.id)


def _checked(cls, **kw):
    return cls(**kw)


#: Time stamps written with milliseconds, as `stix2` writes them (the others to the second).
_MILLISECONDS = {"created", "modified"}


class _Plain:
    """A STIX object as plain data, written as `stix2` writes the object of the same arguments:
    its type and spec version, no None values (nor ``allow_custom``), time stamps from `_ts`
    with milliseconds where `stix2` gives them."""

    def __init__(self, cls, **kw):
        kw.pop("allow_custom", None)
        self.fields = {"type": cls._type, "spec_version": "2.1",
                       **{k: v for k, v in kw.items() if v is not None}}
        for k in _MILLISECONDS & self.fields.keys():
            self.fields[k] = self.fields[k].replace("T00:00:00Z", "T00:00:00.000Z")

    def __getattr__(self, name):
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None

    def data(self) -> dict:
        return self.fields


def serialize(data: dict) -> bytes:
    """The bundle as JSON text, keys sorted: the same bundle, the same bytes."""
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_bundle(store: ox.Store, path: Path, *, checked: bool = False) -> None:
    """Write the bundle of ``store`` to ``path`` (as plain data unless ``checked``: see `bundle`)."""
    Path(path).write_bytes(serialize(bundle(store, checked=checked)))
