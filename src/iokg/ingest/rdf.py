"""Turning checked records into RDF quads (RDF 1.1, no triple terms), and the built-in graphs."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from iokg import vocab
from iokg.ingest.reading import Corpus
from iokg.provenance.independence import Said, tally
from iokg.settings import ONTOLOGY_DIR
from iokg.techniques import load_techniques

P = vocab.PREFIXES
XSD = P["xsd"]
DATA = ox.NamedNode(vocab.GRAPH_DATA)
DERIVED_GRAPH = ox.NamedNode(vocab.GRAPH_DERIVED)
SUPPORTED_GRAPH = ox.NamedNode(vocab.GRAPH_SUPPORTED)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _t(local: str) -> ox.NamedNode:
    return ox.NamedNode(vocab.NS + local)


def _q(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(P[prefix] + local)


RDF_TYPE = _q("rdf", "type")
RDFS_LABEL = _q("rdfs", "label")
RDFS_COMMENT = _q("rdfs", "comment")
PREF = _q("skos", "prefLabel")
ALT = _q("skos", "altLabel")
NOTATION = _q("skos", "notation")
DERIVED = _q("prov", "wasDerivedFrom")
IDENT = _q("dcterms", "identifier")
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_ANYURI = ox.NamedNode(XSD + "anyURI")
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def date_literal(text: str) -> ox.Literal:
    """A partial ISO date as the XSD type of its precision.

    >>> date_literal("2019-09").datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'
    """
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(text)]
    return ox.Literal(text, datatype=ox.NamedNode(XSD + kind))


def date_bounds(text: str) -> tuple[str, str]:
    """First and last day a partial date can stand for.

    >>> date_bounds("2024-02")
    ('2024-02-01', '2024-02-29')
    """
    parts = text.split("-")
    y = int(parts[0])
    if len(parts) == 1:
        return f"{y:04d}-01-01", f"{y:04d}-12-31"
    m = int(parts[1])
    if len(parts) == 2:
        return f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
    return text, text


def _xsd_date(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))


@dataclass
class Converted:
    """The data graph of a corpus, with where each subject was written and counts of what it holds."""

    quads: list[ox.Quad] = field(default_factory=list)
    origin: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # IRI -> file, line, record
    counts: Counter = field(default_factory=Counter)

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o, graph: ox.NamedNode = DATA) -> None:
        self.quads.append(ox.Quad(s, p, o, graph))


def _add_dates(out: Converted, node: ox.NamedNode, text: str) -> None:
    start, end = date_bounds(text)
    out.add(node, _q("dcterms", "date"), date_literal(text))
    out.add(node, _t("dateFrom"), _xsd_date(start))
    out.add(node, _t("dateTo"), _xsd_date(end))


def claim_sentence(a, label) -> str:
    """A claim as the English sentence pages and labels show: subject, predicate label, object; a
    figure or a date by the predicate's sentence ("… removed nearly 9,000 accounts", "… occurred in 2023").

    ``label(id)`` names an entity or technique.
    """
    pred = vocab.PREDICATES[a.predicate]
    if a.object is not None:
        return f"{label(a.subject)} {pred.label} {label(a.object)}"
    value = f"{a.value:,}" if isinstance(a.value, int) else str(a.value)
    amount = f"{a.qualifier} {value}" if a.qualifier else value
    if pred.sentence:
        return pred.sentence.format(subject=label(a.subject), amount=amount, value=value,
                                    on="on" if len(value) == 10 else "in")
    return f"{label(a.subject)} {pred.label} {amount}"


def labeller(corpus: Corpus):
    """``label(id)``: an entity's label, a technique's id and name, or the id itself."""
    techniques = load_techniques()
    labels = {loc.record.id: loc.record.label for loc in corpus.entities}

    def label(ref: str) -> str:
        if ref in techniques:
            return f"{ref} {techniques[ref].name}"
        return labels.get(ref, ref)
    return label


def convert(corpus: Corpus) -> Converted:
    """The data graph (``graph/data``) of a checked corpus."""
    out = Converted()
    label = labeller(corpus)

    for loc in corpus.sources:
        s = loc.record
        node = _n(vocab.source_iri(s.id))
        out.origin[node.value] = (loc.file, loc.line, f"source {s.id}")
        out.counts["sources"] += 1
        out.add(node, RDF_TYPE, _t("Source"))
        out.add(node, RDF_TYPE, _q("prov", "Entity"))
        out.add(node, IDENT, ox.Literal(s.id))
        out.add(node, _t("sourceKind"), _t(vocab.SOURCE_KINDS[s.kind].local))
        out.add(node, _q("dcterms", "title"), ox.Literal(s.title))
        out.add(node, RDFS_LABEL, ox.Literal(s.title))
        out.add(node, _q("dcterms", "publisher"), _n(vocab.party_iri(s.publisher)))
        for author in s.authors:
            out.add(node, _q("dcterms", "creator"), ox.Literal(author))
        if s.authors:
            out.add(node, _t("authorList"), ox.Literal("; ".join(s.authors)))
        _add_dates(out, node, s.date)
        optional = [
            ("url", s.url, lambda v: ox.Literal(v, datatype=XSD_ANYURI)),
            ("archiveUrl", s.archive_url, lambda v: ox.Literal(v, datatype=XSD_ANYURI)),
            ("sha256", s.sha256, ox.Literal),
            ("fileSizeBytes", s.file_size_bytes, _integer),
            ("pageCount", s.page_count, _integer),
            ("handlingMarking", s.handling, ox.Literal),
            ("citedAs", s.locator_in_parent, ox.Literal),
        ]
        for local, value, make in optional:
            if value is not None:
                out.add(node, _t(local), make(value))
        if s.language:
            out.add(node, _q("dcterms", "language"), ox.Literal(s.language))
        if s.note:
            out.add(node, RDFS_COMMENT, ox.Literal(s.note))
        for parent in s.derived_from:
            out.add(node, DERIVED, _n(vocab.source_iri(parent)))

    for loc in corpus.entities:
        e = loc.record
        node = _n(vocab.entity_iri(e.id))
        out.origin[node.value] = (loc.file, loc.line, f"entity {e.id}")
        out.counts["entities"] += 1
        out.add(node, RDF_TYPE, _t(vocab.ENTITY_TYPES[e.type].cls))
        out.add(node, IDENT, ox.Literal(e.id))
        out.add(node, PREF, ox.Literal(e.label))
        out.add(node, RDFS_LABEL, ox.Literal(e.label))
        if e.description:
            out.add(node, _q("dcterms", "description"), ox.Literal(e.description))
        for sid in e.sources:
            out.add(node, _t("mentionedIn"), _n(vocab.source_iri(sid)))
        for alias in e.aliases:
            anode = _n(vocab.alias_iri(e.id, alias.name))
            out.origin.setdefault(anode.value, (loc.file, loc.line, f"entity {e.id} alias {alias.name}"))
            out.add(node, ALT, ox.Literal(alias.name))
            out.add(node, _t("alias"), anode)
            out.add(anode, RDF_TYPE, _t("Alias"))
            out.add(anode, _t("name"), ox.Literal(alias.name))
            for sid in alias.sources:
                out.add(anode, _t("usedBy"), _n(vocab.source_iri(sid)))

    for loc in corpus.sources:
        s = loc.record
        out.add(_n(vocab.source_iri(s.id)), _t("publisherName"), ox.Literal(label(s.publisher)))

    def ref_iri(ref: str) -> ox.NamedNode:
        if vocab.TECHNIQUE_PATTERN.match(ref):
            return _n(vocab.technique_iri(ref))
        return _n(vocab.entity_iri(ref))


    source_dates = {loc.record.id: loc.record.date for loc in corpus.sources}
    publisher_of = {loc.record.id: loc.record.publisher for loc in corpus.sources}
    claims_done: set[str] = set()
    statements: dict[str, tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal | None]] = {}
    said: list[Said] = []
    for loc, doc in corpus.assertions:
        a = loc.record
        cid = a.claim_id
        cnode = _n(vocab.claim_iri(cid))
        pred = vocab.PREDICATES[a.predicate]
        if cid not in claims_done:
            claims_done.add(cid)
            out.counts["claims"] += 1
            out.origin[cnode.value] = (loc.file, loc.line, f"claim {cid}")
            out.add(cnode, RDF_TYPE, _t("Claim"))
            out.add(cnode, IDENT, ox.Literal(cid))
            out.add(cnode, _t("subject"), ref_iri(a.subject))
            out.add(cnode, _t("predicate"), _t(a.predicate))
            if a.object is not None:
                out.add(cnode, _t("object"), ref_iri(a.object))
            else:
                if pred.value == "date":
                    out.add(cnode, _t("value"), date_literal(str(a.value)))
                else:
                    out.add(cnode, _t("value"), _integer(a.value))
                if a.qualifier:
                    out.add(cnode, _t("qualifier"), ox.Literal(a.qualifier))
            out.add(cnode, RDFS_LABEL, ox.Literal(claim_sentence(a, label)))
            if a.object is not None:
                statements[cid] = (ref_iri(a.subject), _t(a.predicate), ref_iri(a.object))
            elif a.qualifier in (None, "exactly"):
                value = date_literal(str(a.value)) if pred.value == "date" else _integer(a.value)
                statements[cid] = (ref_iri(a.subject), _t(a.predicate), value)
            else:  # "about 10000" is not the triple "10000": a hedged figure stays on its claim
                statements[cid] = (ref_iri(a.subject), _t(a.predicate), None)
        party = a.said_by or publisher_of[doc]
        anode = _n(vocab.assertion_iri(cid, doc, party, a.via[0] if a.via else None))
        out.origin[anode.value] = (loc.file, loc.line, f"assertion ({a.subject} {a.predicate} "
                                   f"{a.object if a.object is not None else a.value})")
        out.counts["assertions"] += 1
        out.add(anode, RDF_TYPE, _t("Assertion"))
        out.add(anode, _t("claim"), cnode)
        out.add(anode, _t("source"), _n(vocab.source_iri(doc)))
        out.add(anode, _t("saidBy"), _n(vocab.party_iri(party)))
        if a.said_by is None or (a.said_by == publisher_of[doc] and not a.via):
            out.add(anode, _t("ownVoice"), ox.Literal("true", datatype=XSD_BOOLEAN))
        if a.speaker:
            out.add(anode, _t("speaker"), _n(vocab.entity_iri(a.speaker)))
        for position, carrier in enumerate(a.via, start=1):
            cnode_ = _n(f"{anode.value}/carrier/{position}")
            out.add(anode, _t("via"), _n(vocab.source_iri(carrier)))
            out.add(anode, _t("carrier"), cnode_)
            out.add(cnode_, RDF_TYPE, _t("Carrier"))
            out.add(cnode_, _t("document"), _n(vocab.source_iri(carrier)))
            out.add(cnode_, _t("position"), _integer(position))
        out.add(anode, _t("stance"), _t(vocab.STANCES[a.stance].local))
        if a.confidence:
            out.add(anode, _t("confidenceWords"), ox.Literal(a.confidence.words))
            out.add(anode, _t("confidenceWhose"), _t(vocab.CONFIDENCE_WHOSE[a.confidence.whose].local))
        if a.likelihood:
            out.add(anode, _t("likelihood"), _t(vocab.LIKELIHOODS[a.likelihood].local))
        for kind in a.evidence:
            out.add(anode, _t("evidenceKind"), _t(vocab.EVIDENCE_KINDS[kind].local))
        if a.excerpt:
            out.add(anode, _t("excerpt"), ox.Literal(a.excerpt))
        if a.locator:
            out.add(anode, _t("locator"), ox.Literal(a.locator))
        if a.note:
            out.add(anode, RDFS_COMMENT, ox.Literal(a.note))
        when = a.date or source_dates[doc]
        _add_dates(out, anode, when)
        said.append(Said(cid, a.stance, party, (*a.via, doc)))
    tallies = tally(said, publisher_of)
    _add_tallies(out, tallies)
    _add_supported(out, tallies, statements)
    return out


def _add_supported(out: Converted, tallies, statements) -> None:
    """The supported statements, as direct triples in ``graph/supported``: for every claim with at
    least one supporting assertion (disputed or denied or not), ``subject predicate object`` (or
    the value, unless the figure is hedged by a qualifier other than "exactly"). The claim nodes
    stay the source of truth; whether a statement is contested is in graph/derived."""
    for cid, t in sorted(tallies.items()):
        if t.supporting_assertions < 1 or cid not in statements:
            continue
        s, p, o = statements[cid]
        if o is not None:
            out.add(s, p, o, SUPPORTED_GRAPH)


def _add_tallies(out: Converted, tallies) -> None:
    """Each claim's independence count with its parts, in ``graph/derived`` (see `iokg.provenance.independence`)."""
    for cid, t in tallies.items():
        c = _n(vocab.claim_iri(cid))
        out.add(c, _t("independentOrigins"), _integer(t.independent_origins), DERIVED_GRAPH)
        out.add(c, _t("supportingAssertions"), _integer(t.supporting_assertions), DERIVED_GRAPH)
        for party in t.origins:
            out.add(c, _t("origin"), _n(vocab.party_iri(party)), DERIVED_GRAPH)
        for doc in t.relays:
            out.add(c, _t("relayedBy"), _n(vocab.source_iri(doc)), DERIVED_GRAPH)
        for party in t.contesting:
            out.add(c, _t("contestedBy"), _n(vocab.party_iri(party)), DERIVED_GRAPH)
        for party in t.inconclusive:
            out.add(c, _t("inconclusiveFor"), _n(vocab.party_iri(party)), DERIVED_GRAPH)


def technique_quads() -> list[ox.Quad]:
    """The DISARM techniques and tactics as SKOS concepts, in ``graph/disarm``."""
    g = ox.NamedNode(vocab.GRAPH_TECHNIQUES)
    scheme = _t("DISARM")
    quads = []
    tactics = {}
    for t in load_techniques().values():
        node = _n(vocab.technique_iri(t.id))
        quads += [
            ox.Quad(node, RDF_TYPE, _t("Technique"), g),
            ox.Quad(node, NOTATION, ox.Literal(t.id), g),
            ox.Quad(node, PREF, ox.Literal(t.name), g),
            ox.Quad(node, RDFS_LABEL, ox.Literal(f"{t.id} {t.name}"), g),
            ox.Quad(node, _q("skos", "inScheme"), scheme, g),
            ox.Quad(node, _t("tactic"), _n(vocab.tactic_iri(t.tactic_id)), g),
        ]
        if t.parent:
            quads.append(ox.Quad(node, _q("skos", "broader"), _n(vocab.technique_iri(t.parent)), g))
        tactics[t.tactic_id] = (t.tactic_name, t.phase_id)
    for tid, (name, phase) in tactics.items():
        node = _n(vocab.tactic_iri(tid))
        quads += [
            ox.Quad(node, RDF_TYPE, _t("Tactic"), g),
            ox.Quad(node, NOTATION, ox.Literal(tid), g),
            ox.Quad(node, PREF, ox.Literal(name), g),
            ox.Quad(node, RDFS_LABEL, ox.Literal(f"{tid} {name}"), g),
            ox.Quad(node, _t("phase"), ox.Literal(phase), g),
        ]
    return quads


def ontology_quads() -> list[ox.Quad]:
    """The ontology (``ontology/iokg.ttl``) in ``graph/ontology``."""
    g = ox.NamedNode(vocab.GRAPH_ONTOLOGY)
    with open(ONTOLOGY_DIR / "iokg.ttl", "rb") as f:
        return [ox.Quad(t.subject, t.predicate, t.object, g)
                for t in ox.parse(f, format=ox.RdfFormat.TURTLE)]
