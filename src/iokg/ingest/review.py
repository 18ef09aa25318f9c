"""`iokg review`: the whole graph as sentences a person codes twice against the documents.

Grouped by the document each assertion is read in, in the order written: the claim as a sentence,
who said it (party and speaker), the carriers between them and the document, the stance, the
words of confidence and whose they are, the excerpt and the locator. Two curators read it beside
the documents and compare their codings, as DFRLab's FIAT codes every case twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from iokg.ingest.rdf import claim_sentence, labeller
from iokg.ingest.reading import Corpus


def review_lines(corpus: Corpus) -> Iterator[str]:
    """The review of a (checked) corpus, line by line."""
    label = labeller(corpus)
    sources = {loc.record.id: loc.record for loc in corpus.sources}
    by_doc: dict[str, list] = {}
    for loc, doc in corpus.assertions:
        by_doc.setdefault(doc, []).append(loc)
    for doc, locs in by_doc.items():
        s = sources[doc]
        yield f"== {s.title} ({label(s.publisher)}, {s.date}) [{doc}]"
        for n, loc in enumerate(locs, start=1):
            a = loc.record
            party = label(a.said_by or s.publisher) + (f" ({label(a.speaker)})" if a.speaker else "")
            voice = " in its own voice" if a.said_by is None else ""
            carriers = " -> ".join([*a.via, doc])
            yield f"{n:3}. {claim_sentence(a, label)}"
            yield f"     {a.stance} · said by {party}{voice} · read via {carriers}"
            if a.confidence:
                whose = "the asserter's own words" if a.confidence.whose == "asserter" else "the carrier's paraphrase"
                yield f"     confidence: \"{a.confidence.words}\" ({whose})"
            if a.excerpt:
                yield f"     excerpt: \"{a.excerpt}\""
            yield f"     at: {a.locator or '(no locator)'} · {loc.file}:{loc.line}"
        yield ""
