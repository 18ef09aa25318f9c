"""``claims.csv``: every assertion as one row of a spreadsheet, written by `iokg build` into the
build's dumps (``/dumps/claims.csv``).

One row per assertion (a claim read in a document, said by a party), sorted by claim, document
and party; the claim's columns repeat on each of its rows. Names are the labels pages show; ids
sit beside them so a row can be joined back to the graph. Lists (carriers, evidence) are joined
with ``" > "`` (carriers, nearest to the party first) and ``"; "``. UTF-8, comma-separated,
RFC 4180 quoting, a header row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox

from iokg import vocab
from iokg.export.index import StoreIndex

FILE_NAME = "claims.csv"
MEDIA_TYPE = "text/csv"

NS = vocab.NS
RDFS_LABEL = vocab.PREFIXES["rdfs"] + "label"
DCT = vocab.PREFIXES["dcterms"]

#: The columns, in order, with what each holds (docs/api.md lists them).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("claim_id", "the claim's id (its page is /claim/{claim_id})"),
    ("claim", "the claim as a sentence"),
    ("subject_id", "the subject's id"),
    ("subject", "the subject's name"),
    ("predicate", "the claim property (attributedTo, usesTechnique, ...)"),
    ("object_id", "the object's id (an entity or a DISARM technique), when the claim relates two things"),
    ("object", "the object's name"),
    ("value", "the figure or date, when the claim gives one"),
    ("qualifier", "how the figure is hedged (about, at least, ...)"),
    ("stance", "supports, disputes, denies or inconclusive"),
    ("asserting_party_id", "whose judgement or statement it is"),
    ("asserting_party", "its name"),
    ("speaker", "the person through whom the party said it"),
    ("carriers", "the documents between the party and the document read in, nearest to the party first, ' > '-joined ids"),
    ("document_id", "the document the assertion is read in"),
    ("document", "its title"),
    ("publisher", "its publisher's name"),
    ("document_date", "its date, at the precision it gives (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("said_on", "when the party said it, where the document gives a date other than its own"),
    ("confidence_words", "the words of confidence, verbatim"),
    ("confidence_whose", "whose words they are: the asserter's own or a carrier's paraphrase"),
    ("likelihood", "the ICD 203 degree the words map to"),
    ("evidence", "the kinds of evidence the document states, '; '-joined"),
    ("excerpt", "a short verbatim quotation from the document"),
    ("locator", "where in the document"),
    ("independent_origins", "the claim's independence count: distinct asserting parties supporting it"),
)


def rows(store: ox.Store) -> list[dict[str, str]]:
    """One dict per assertion, keyed by the column names."""
    g = StoreIndex.of(store)

    def label(iri: str | None) -> str:
        return (g.one(iri, RDFS_LABEL) or g.one(iri, vocab.PREFIXES["skos"] + "prefLabel") or "") if iri else ""

    def ident(iri: str | None) -> str:
        return iri.rsplit("/", 1)[-1] if iri else ""

    out = []
    for a in g.of_type(NS + "Assertion"):
        c = g.one(a, NS + "claim")
        doc = g.one(a, NS + "source")
        party = g.one(a, NS + "saidBy")
        subject, obj = g.one(c, NS + "subject"), g.one(c, NS + "object")
        carriers = sorted(g.all(a, NS + "carrier"), key=lambda n: int(g.one(n, NS + "position") or 0))
        doc_date = g.one(doc, DCT + "date") or ""
        said_on = g.one(a, DCT + "date") or ""
        words = g.one(a, NS + "confidenceWords")
        out.append({
            "claim_id": g.one(c, DCT + "identifier") or ident(c),
            "claim": label(c),
            "subject_id": ident(subject),
            "subject": label(subject),
            "predicate": ident(g.one(c, NS + "predicate")).rsplit("#", 1)[-1],
            "object_id": ident(obj),
            "object": label(obj),
            "value": g.one(c, NS + "value") or "",
            "qualifier": g.one(c, NS + "qualifier") or "",
            "stance": label(g.one(a, NS + "stance")),
            "asserting_party_id": ident(party),
            "asserting_party": label(party),
            "speaker": label(g.one(a, NS + "speaker")),
            "carriers": " > ".join(ident(g.one(n, NS + "document")) for n in carriers),
            "document_id": ident(doc),
            "document": g.one(doc, DCT + "title") or "",
            "publisher": g.one(doc, NS + "publisherName") or label(g.one(doc, DCT + "publisher")),
            "document_date": doc_date,
            "said_on": said_on if said_on != doc_date else "",
            "confidence_words": words or "",
            "confidence_whose": label(g.one(a, NS + "confidenceWhose")) if words else "",
            "likelihood": label(g.one(a, NS + "likelihood")),
            "evidence": "; ".join(label(e) for e in g.all(a, NS + "evidenceKind")),
            "excerpt": g.one(a, NS + "excerpt") or "",
            "locator": g.one(a, NS + "locator") or "",
            "independent_origins": g.one(c, NS + "independentOrigins") or "0",
        })
    out.sort(key=lambda r: (r["claim_id"], r["document_id"], r["asserting_party_id"], r["carriers"]))
    return out


def to_csv(records: list[dict[str, str]]) -> bytes:
    """The rows as CSV text with a header, UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _ in COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def write_claims_csv(store: ox.Store, path: Path) -> None:
    """Write ``claims.csv`` of ``store`` to ``path``."""
    Path(path).write_bytes(to_csv(rows(store)))
