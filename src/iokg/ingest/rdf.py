r"""Turning checked records into RDF quads (RDF 1.1, no triple terms), and the built-in graphs.

The build's quads are made as N-Quads text, not as pyoxigraph objects: each term is written as
N-Triples writes it (an IRI as ``<…>``, a literal escaped as pyoxigraph escapes it, so the same
quad is the same text whichever way it was made), each quad a tuple ``(graph, subject,
predicate, object)`` of such terms (`Converted.lines`). They sort and deduplicate as plain
strings and go straight into the N-Quads dump both stores are bulk-loaded from; making a
pyoxigraph ``Quad`` with a literal costs several times more than the text. `Converted.quads`
gives them as pyoxigraph quads for whoever wants objects.

>>> literal('say "hi"\n')
'"say \\"hi\\"\\n"'
>>> literal("2024", XSD + "gYear")
'"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>'
"""

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

#: What N-Triples escapes in a literal, as pyoxigraph writes it (tests/test_ingest.py holds the
#: two to the same text over every code point): the quote, the backslash, control characters.
_ESCAPES = str.maketrans({**{i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)},
                          0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                          0x22: '\\"', 0x5C: "\\\\"})
_XSD_STRING = XSD + "string"


def literal(text: str, datatype: str | None = None) -> str:
    """A literal as N-Triples text (a plain string without a datatype, as pyoxigraph writes it)."""
    if datatype is None or datatype == _XSD_STRING:
        return '"' + text.translate(_ESCAPES) + '"'
    return '"' + text.translate(_ESCAPES) + '"^^<' + datatype + ">"


def iri(value: str) -> str:
    """An IRI as N-Triples text (the ids minting it are checked: no character to escape)."""
    return "<" + value + ">"


def term_text(term) -> str:
    """A pyoxigraph term (or the default graph, as "") as the N-Triples text of `literal` and `iri`."""
    if isinstance(term, ox.DefaultGraph):
        return ""
    return str(term)


def quad_text(q: ox.Quad) -> tuple[str, str, str, str]:
    """A pyoxigraph quad as the ``(graph, subject, predicate, object)`` text of `Converted.lines`."""
    return (term_text(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def nquads(lines) -> str:
    """The N-Quads document of ``lines`` (``(graph, subject, predicate, object)`` texts), in their order."""
    return "".join([f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for g, s, p, o in lines])


_n = iri


def _t(local: str) -> str:
    return "<" + vocab.NS + local + ">"


def _q(prefix: str, local: str) -> str:
    return "<" + P[prefix] + local + ">"


DATA_G = iri(vocab.GRAPH_DATA)
DERIVED_G = iri(vocab.GRAPH_DERIVED)
SUPPORTED_G = iri(vocab.GRAPH_SUPPORTED)
RDF_TYPE = _q("rdf", "type")
RDFS_LABEL = _q("rdfs", "label")
RDFS_COMMENT = _q("rdfs", "comment")
PREF = _q("skos", "prefLabel")
ALT = _q("skos", "altLabel")
NOTATION = _q("skos", "notation")
DERIVED = _q("prov", "wasDerivedFrom")
IDENT = _q("dcterms", "identifier")
XSD_INTEGER = XSD + "integer"
XSD_ANYURI = XSD + "anyURI"
XSD_BOOLEAN = XSD + "boolean"
_DATE_KINDS = {4: XSD + "gYear", 7: XSD + "gYearMonth", 10: XSD + "date"}


def _integer(value: int) -> str:
    return literal(str(value), XSD_INTEGER)


def _plain(value: str) -> str:
    return literal(value)


def _uri(value: str) -> str:
    return literal(value, XSD_ANYURI)


def date_literal(text: str) -> ox.Literal:
    """A partial ISO date as the XSD type of its precision.

    >>> date_literal("2019-09").datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'
    """
    return ox.Literal(text, datatype=ox.NamedNode(_DATE_KINDS[len(text)]))


def _date(text: str) -> str:
    """`date_literal` as N-Triples text."""
    return literal(text, _DATE_KINDS[len(text)])


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


def _xsd_date(text: str) -> str:
    return literal(text, XSD + "date")


@dataclass
class Converted:
    """The data graph of a corpus, with where each subject was written and counts of what it holds.

    ``lines``: the quads as ``(graph, subject, predicate, object)`` N-Triples texts (see the module)."""

    lines: list[tuple[str, str, str, str]] = field(default_factory=list)
    origin: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # IRI -> file, line, record
    counts: Counter = field(default_factory=Counter)

    def add(self, s, p, o, graph=DATA_G) -> None:
        """Add a quad, its terms as N-Triples text or as pyoxigraph terms."""
        self.lines.append(tuple(t if isinstance(t, str) else term_text(t) for t in (graph, s, p, o)))

    @property
    def quads(self) -> list[ox.Quad]:
        """The quads as pyoxigraph objects (parsed from their text)."""
        return list(ox.parse(nquads(self.lines), format=ox.RdfFormat.N_QUADS))


def _add_dates(add, node: str, text: str) -> None:
    start, end = date_bounds(text)
    add(node, _DCT_DATE, _date(text))
    add(node, _DATE_FROM, _xsd_date(start))
    add(node, _DATE_TO, _xsd_date(end))


_DCT_DATE = _q("dcterms", "date")
_DATE_FROM = _t("dateFrom")
_DATE_TO = _t("dateTo")


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
    lines = out.lines

    def add(s: str, p: str, o: str, graph: str = DATA_G) -> None:
        lines.append((graph, s, p, o))

    for loc in corpus.sources:
        s = loc.record
        node = _n(vocab.source_iri(s.id))
        out.origin[node[1:-1]] = (loc.file, loc.line, f"source {s.id}")
        out.counts["sources"] += 1
        add(node, RDF_TYPE, _t("Source"))
        add(node, RDF_TYPE, _q("prov", "Entity"))
        add(node, IDENT, literal(s.id))
        add(node, _t("sourceKind"), _t(vocab.SOURCE_KINDS[s.kind].local))
        add(node, _q("dcterms", "title"), literal(s.title))
        add(node, RDFS_LABEL, literal(s.title))
        add(node, _q("dcterms", "publisher"), _n(vocab.party_iri(s.publisher)))
        for author in s.authors:
            add(node, _q("dcterms", "creator"), literal(author))
        if s.authors:
            add(node, _t("authorList"), literal("; ".join(s.authors)))
        _add_dates(add, node, s.date)
        optional = [
            ("url", s.url, _uri),
            ("archiveUrl", s.archive_url, _uri),
            ("sha256", s.sha256, _plain),
            ("fileSizeBytes", s.file_size_bytes, _integer),
            ("pageCount", s.page_count, _integer),
            ("handlingMarking", s.handling, _plain),
            ("citedAs", s.locator_in_parent, _plain),
        ]
        for local, value, make in optional:
            if value is not None:
                add(node, _t(local), make(value))
        if s.language:
            add(node, _q("dcterms", "language"), literal(s.language))
        if s.note:
            add(node, RDFS_COMMENT, literal(s.note))
        for parent in s.derived_from:
            add(node, DERIVED, _n(vocab.source_iri(parent)))

    for loc in corpus.entities:
        e = loc.record
        node = _n(vocab.entity_iri(e.id))
        out.origin[node[1:-1]] = (loc.file, loc.line, f"entity {e.id}")
        out.counts["entities"] += 1
        add(node, RDF_TYPE, _t(vocab.ENTITY_TYPES[e.type].cls))
        add(node, IDENT, literal(e.id))
        add(node, PREF, literal(e.label))
        add(node, RDFS_LABEL, literal(e.label))
        if e.description:
            add(node, _q("dcterms", "description"), literal(e.description))
        for sid in e.sources:
            add(node, _t("mentionedIn"), _n(vocab.source_iri(sid)))
        for alias in e.aliases:
            anode = _n(vocab.alias_iri(e.id, alias.name))
            out.origin.setdefault(anode[1:-1], (loc.file, loc.line, f"entity {e.id} alias {alias.name}"))
            add(node, ALT, literal(alias.name))
            add(node, _t("alias"), anode)
            add(anode, RDF_TYPE, _t("Alias"))
            add(anode, _t("name"), literal(alias.name))
            for sid in alias.sources:
                add(anode, _t("usedBy"), _n(vocab.source_iri(sid)))

    for loc in corpus.sources:
        s = loc.record
        add(_n(vocab.source_iri(s.id)), _t("publisherName"), literal(label(s.publisher)))

    def ref_iri(ref: str) -> str:
        if vocab.TECHNIQUE_PATTERN.match(ref):
            return _n(vocab.technique_iri(ref))
        return _n(vocab.entity_iri(ref))


    source_dates = {loc.record.id: loc.record.date for loc in corpus.sources}
    publisher_of = {loc.record.id: loc.record.publisher for loc in corpus.sources}
    claims_done: set[str] = set()
    statements: dict[str, tuple[str, str, str | None]] = {}
    said: list[Said] = []
    for loc, doc in corpus.assertions:
        a = loc.record
        cid = a.claim_id
        cnode = _n(vocab.claim_iri(cid))
        pred = vocab.PREDICATES[a.predicate]
        if cid not in claims_done:
            claims_done.add(cid)
            out.counts["claims"] += 1
            out.origin[cnode[1:-1]] = (loc.file, loc.line, f"claim {cid}")
            add(cnode, RDF_TYPE, _t("Claim"))
            add(cnode, IDENT, literal(cid))
            add(cnode, _t("subject"), ref_iri(a.subject))
            add(cnode, _t("predicate"), _t(a.predicate))
            if a.object is not None:
                add(cnode, _t("object"), ref_iri(a.object))
            else:
                if pred.value == "date":
                    add(cnode, _t("value"), _date(str(a.value)))
                else:
                    add(cnode, _t("value"), _integer(a.value))
                if a.qualifier:
                    add(cnode, _t("qualifier"), literal(a.qualifier))
            add(cnode, RDFS_LABEL, literal(claim_sentence(a, label)))
            if a.object is not None:
                statements[cid] = (ref_iri(a.subject), _t(a.predicate), ref_iri(a.object))
            elif a.qualifier in (None, "exactly"):
                value = _date(str(a.value)) if pred.value == "date" else _integer(a.value)
                statements[cid] = (ref_iri(a.subject), _t(a.predicate), value)
            else:  # "about 10000" is not the triple "10000": a hedged figure stays on its claim
                statements[cid] = (ref_iri(a.subject), _t(a.predicate), None)
        party = a.said_by or publisher_of[doc]
        anode = _n(vocab.assertion_iri(cid, doc, party, a.via[0] if a.via else None))
        out.origin[anode[1:-1]] = (loc.file, loc.line, f"assertion ({a.subject} {a.predicate} "
                                   f"{a.object if a.object is not None else a.value})")
        out.counts["assertions"] += 1
        add(anode, RDF_TYPE, _t("Assertion"))
        add(anode, _t("claim"), cnode)
        add(anode, _t("source"), _n(vocab.source_iri(doc)))
        add(anode, _t("saidBy"), _n(vocab.party_iri(party)))
        if a.said_by is None or (a.said_by == publisher_of[doc] and not a.via):
            add(anode, _t("ownVoice"), literal("true", XSD_BOOLEAN))
        if a.speaker:
            add(anode, _t("speaker"), _n(vocab.entity_iri(a.speaker)))
        for position, carrier in enumerate(a.via, start=1):
            cnode_ = _n(f"{anode[1:-1]}/carrier/{position}")
            add(anode, _t("via"), _n(vocab.source_iri(carrier)))
            add(anode, _t("carrier"), cnode_)
            add(cnode_, RDF_TYPE, _t("Carrier"))
            add(cnode_, _t("document"), _n(vocab.source_iri(carrier)))
            add(cnode_, _t("position"), _integer(position))
        add(anode, _t("stance"), _t(vocab.STANCES[a.stance].local))
        if a.confidence:
            add(anode, _t("confidenceWords"), literal(a.confidence.words))
            add(anode, _t("confidenceWhose"), _t(vocab.CONFIDENCE_WHOSE[a.confidence.whose].local))
        if a.likelihood:
            add(anode, _t("likelihood"), _t(vocab.LIKELIHOODS[a.likelihood].local))
        for kind in a.evidence:
            add(anode, _t("evidenceKind"), _t(vocab.EVIDENCE_KINDS[kind].local))
        if a.excerpt:
            add(anode, _t("excerpt"), literal(a.excerpt))
        if a.locator:
            add(anode, _t("locator"), literal(a.locator))
        if a.note:
            add(anode, RDFS_COMMENT, literal(a.note))
        when = a.date or source_dates[doc]
        _add_dates(add, anode, when)
        said.append(Said(cid, a.stance, party, (*a.via, doc)))
    tallies = tally(said, publisher_of)
    _add_tallies(add, tallies)
    _add_supported(add, tallies, statements)
    return out


def _add_supported(add, tallies, statements) -> None:
    """The supported statements, as direct triples in ``graph/supported``: for every claim with at
    least one supporting assertion (disputed or denied or not), ``subject predicate object`` (or
    the value, unless the figure is hedged by a qualifier other than "exactly"). The claim nodes
    stay the source of truth; whether a statement is contested is in graph/derived."""
    for cid, t in sorted(tallies.items()):
        if t.supporting_assertions < 1 or cid not in statements:
            continue
        s, p, o = statements[cid]
        if o is not None:
            add(s, p, o, SUPPORTED_G)


def _add_tallies(add, tallies) -> None:
    """Each claim's independence count with its parts, in ``graph/derived`` (see `iokg.provenance.independence`)."""
    for cid, t in tallies.items():
        c = _n(vocab.claim_iri(cid))
        add(c, _t("independentOrigins"), _integer(t.independent_origins), DERIVED_G)
        add(c, _t("supportingAssertions"), _integer(t.supporting_assertions), DERIVED_G)
        for party in t.origins:
            add(c, _t("origin"), _n(vocab.party_iri(party)), DERIVED_G)
        for doc in t.relays:
            add(c, _t("relayedBy"), _n(vocab.source_iri(doc)), DERIVED_G)
        for party in t.contesting:
            add(c, _t("contestedBy"), _n(vocab.party_iri(party)), DERIVED_G)
        for party in t.inconclusive:
            add(c, _t("inconclusiveFor"), _n(vocab.party_iri(party)), DERIVED_G)


def technique_quads() -> list[tuple[str, str, str, str]]:
    """The DISARM techniques and tactics as SKOS concepts, in ``graph/disarm`` (as `Converted.lines`)."""
    g = iri(vocab.GRAPH_TECHNIQUES)
    scheme = _t("DISARM")
    quads = []
    tactics = {}
    for t in load_techniques().values():
        node = _n(vocab.technique_iri(t.id))
        quads += [
            (g, node, RDF_TYPE, _t("Technique")),
            (g, node, NOTATION, literal(t.id)),
            (g, node, PREF, literal(t.name)),
            (g, node, RDFS_LABEL, literal(f"{t.id} {t.name}")),
            (g, node, _q("skos", "inScheme"), scheme),
            (g, node, _t("tactic"), _n(vocab.tactic_iri(t.tactic_id))),
        ]
        if t.parent:
            quads.append((g, node, _q("skos", "broader"), _n(vocab.technique_iri(t.parent))))
        tactics[t.tactic_id] = (t.tactic_name, t.phase_id)
    for tid, (name, phase) in tactics.items():
        node = _n(vocab.tactic_iri(tid))
        quads += [
            (g, node, RDF_TYPE, _t("Tactic")),
            (g, node, NOTATION, literal(tid)),
            (g, node, PREF, literal(name)),
            (g, node, RDFS_LABEL, literal(f"{tid} {name}")),
            (g, node, _t("phase"), literal(phase)),
        ]
    return quads


def ontology_quads() -> list[tuple[str, str, str, str]]:
    """The ontology (``ontology/iokg.ttl``) in ``graph/ontology`` (as `Converted.lines`)."""
    g = iri(vocab.GRAPH_ONTOLOGY)
    with open(ONTOLOGY_DIR / "iokg.ttl", "rb") as f:
        return [(g, str(t.subject), str(t.predicate), str(t.object))
                for t in ox.parse(f, format=ox.RdfFormat.TURTLE)]
