"""Content negotiation: which serialization a client gets, from its ``Accept`` header or from a
format named in a parameter. Pure functions; `iokg.sparql.protocol` reads requests with them.

The ``Accept`` header is honoured with its q-values, then the server's order:

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULTS_OFFERS).serves
'application/sparql-results+xml'
>>> negotiate("*/*", GRAPH_OFFERS).serves
'text/turtle'
>>> negotiate("text/turtle", RESULTS_OFFERS) is None
True

A format may also be named in a parameter (``format``, and the ``output`` and ``results`` that
SPARQLWrapper and other clients send), by a short name or by a media type:

>>> named_formats("tsv")
Formats(results='text/tab-separated-values', graph=None)
>>> named_formats("application/rdf+xml")
Formats(results=None, graph='application/rdf+xml')
>>> named_formats("yaml") is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from iokg.errors import NotAcceptable
from iokg.sparql.screening import QueryForm


@dataclass(frozen=True)
class Offer:
    """A media type a client may ask for (``media_type``), the one served for it (``serves``,
    a type pyoxigraph serializes) and the server's own preference for it (``quality``)."""

    media_type: str
    serves: str
    quality: float = 1.0


#: SELECT and ASK results, in the server's order of preference (the first is the default).
RESULTS_OFFERS: tuple[Offer, ...] = (
    Offer("application/sparql-results+json", "application/sparql-results+json"),
    Offer("application/sparql-results+xml", "application/sparql-results+xml"),
    Offer("text/csv", "text/csv"),
    Offer("text/tab-separated-values", "text/tab-separated-values"),
    Offer("application/json", "application/sparql-results+json", 0.9),
    Offer("application/xml", "application/sparql-results+xml", 0.5),
)

#: CONSTRUCT and DESCRIBE graphs (and the service description), in order of preference.
GRAPH_OFFERS: tuple[Offer, ...] = (
    Offer("text/turtle", "text/turtle"),
    Offer("application/n-triples", "application/n-triples"),
    Offer("application/rdf+xml", "application/rdf+xml"),
    Offer("application/ld+json", "application/ld+json"),
    Offer("application/n-quads", "application/n-quads"),
    Offer("application/trig", "application/trig"),
    Offer("text/n3", "text/n3"),
    Offer("application/x-turtle", "text/turtle", 0.9),
    Offer("application/turtle", "text/turtle", 0.9),
    Offer("text/plain", "application/n-triples", 0.5),
    Offer("application/xml", "application/rdf+xml", 0.5),
)

#: What a bare GET (no query) may answer: the service description, or a query page for browsers.
HTML = "text/html"
SERVICE_DESCRIPTION_OFFERS: tuple[Offer, ...] = GRAPH_OFFERS + (Offer(HTML, HTML),)


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        t, _, s = media_type.partition("/")
        return self.type in ("*", t) and self.subtype in ("*", s)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped.

    >>> parse_accept("text/html, */*;q=0.8")
    [MediaRange(type='text', subtype='html', q=1.0), MediaRange(type='*', subtype='*', q=0.8)]
    """
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        t, slash, s = media.lower().partition("/")
        if not slash or not t or not s or (t == "*" and s != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(t, s, q))
    return ranges


def negotiate(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer the client prefers (q-value of its most specific matching range, times the
    server's quality; ties go to the server's order), or None when it accepts none of them.
    A missing or empty Accept header accepts the first offer."""
    ranges = parse_accept(accept) if accept and accept.strip() else []
    if not ranges:
        return offers[0]
    best, best_score = None, 0.0
    for offer in offers:
        matching = [r for r in ranges if r.matches(offer.media_type)]
        if not matching:
            continue
        q = max(matching, key=lambda r: r.specificity).q
        score = q * offer.quality
        if score > best_score:
            best, best_score = offer, score
    return best


@dataclass(frozen=True)
class Formats:
    """The media types for each kind of result (None: the client accepts none)."""

    results: str | None
    graph: str | None


def choose_formats(accept: str | None) -> Formats:
    """Negotiate both a results format and a graph format; the query decides which is used."""
    results = negotiate(accept, RESULTS_OFFERS)
    graph = negotiate(accept, GRAPH_OFFERS)
    return Formats(results.serves if results else None, graph.serves if graph else None)


#: Formats chosen by name, for links and downloads where no Accept header can be set, and for
#: clients such as SPARQLWrapper that send one. A name that cannot carry the query's result
#: (``csv`` for a CONSTRUCT) gives 406.
FORMAT_NAMES: dict[str, Formats] = {
    "json": Formats("application/sparql-results+json", "application/ld+json"),
    "xml": Formats("application/sparql-results+xml", "application/rdf+xml"),
    "csv": Formats("text/csv", None),
    "tsv": Formats("text/tab-separated-values", None),
    "turtle": Formats(None, "text/turtle"),
    "ntriples": Formats(None, "application/n-triples"),
    "nquads": Formats(None, "application/n-quads"),
    "trig": Formats(None, "application/trig"),
    "n3": Formats(None, "text/n3"),
    "rdf": Formats(None, "application/rdf+xml"),
    "rdf+xml": Formats(None, "application/rdf+xml"),
    "json-ld": Formats(None, "application/ld+json"),
}

#: The parameters that name a format: iokg's ``format``, and ``output`` and ``results``, which
#: SPARQLWrapper sends (with ``format``) on every query, as other endpoints read one of them.
FORMAT_PARAMETERS = ("format", "output", "results")


def named_formats(value: str) -> Formats | None:
    """The formats a parameter value names: a name of `FORMAT_NAMES`, or media types read like
    an Accept header (``text/tab-separated-values``, or SPARQLWrapper's
    ``application/ld+json,application/x-json+ld``); None when it names nothing this service sends.

    >>> named_formats("application/ld+json,application/x-json+ld")
    Formats(results=None, graph='application/ld+json')
    """
    value = value.strip()
    by_name = FORMAT_NAMES.get(value.lower())
    if by_name is not None:
        return by_name
    if "/" not in value:
        return None
    formats = choose_formats(value)
    if formats.results is None and formats.graph is None:
        return None
    return formats


def common_formats(named: Iterable[Formats]) -> Formats:
    """What several values together allow: a results (graph) format only if every value names
    that same one. ``xml`` with ``application/rdf+xml`` leaves RDF/XML graphs only.

    >>> common_formats([named_formats("xml"), named_formats("application/rdf+xml")])
    Formats(results=None, graph='application/rdf+xml')
    """
    named = list(named)
    results = {f.results for f in named}
    graphs = {f.graph for f in named}
    return Formats(
        results.pop() if len(results) == 1 else None, graphs.pop() if len(graphs) == 1 else None
    )


def request_formats(named: Formats | None, accept: str | None) -> Formats:
    """The formats named by parameters (`named_formats`), else those negotiated from ``accept``.

    >>> request_formats(FORMAT_NAMES["csv"], "application/json")
    Formats(results='text/csv', graph=None)
    >>> request_formats(None, "text/csv").results
    'text/csv'
    """
    if named is not None:
        return named
    if accept is not None and len(accept) > CACHED_ACCEPT_CHARS:
        return choose_formats(accept)
    return _choose_remembered(accept)


#: ``Accept`` headers up to this many characters have their negotiation remembered.
CACHED_ACCEPT_CHARS = 1024


@functools.lru_cache(maxsize=256)
def _choose_remembered(accept: str | None) -> Formats:
    return choose_formats(accept)


def offered_media_types(offers: Sequence[Offer]) -> str:
    """The media types served for ``offers``, once each, for messages."""
    return ", ".join(dict.fromkeys(o.serves for o in offers))


def one_format(formats: Formats, form: QueryForm | None) -> str:
    """The one media type a query of ``form`` is answered in: the results format for SELECT and
    ASK, the graph format for CONSTRUCT and DESCRIBE; `NotAcceptable` (406) when the client
    accepts none that can carry it. A query whose form screening could not tell (the parser will
    say what is wrong) gets whichever was negotiated.

    >>> one_format(Formats("text/csv", "text/turtle"), QueryForm.CONSTRUCT)
    'text/turtle'
    >>> one_format(Formats("text/csv", None), QueryForm.DESCRIBE)
    Traceback (most recent call last):
    ...
    iokg.errors.NotAcceptable: no acceptable format for a DESCRIBE result; this service can send: text/turtle, ...
    """
    if form is None:
        return formats.results or formats.graph or RESULTS_OFFERS[0].serves
    wanted = formats.graph if form.gives_graph else formats.results
    if wanted is None:
        offers = GRAPH_OFFERS if form.gives_graph else RESULTS_OFFERS
        raise NotAcceptable(f"no acceptable format for a {form.name} result; this service can send: "
                            + offered_media_types(offers))
    return wanted
