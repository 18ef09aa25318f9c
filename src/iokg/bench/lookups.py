"""The JSON lookups and pages of iokg, each beside the SPARQL that does the same work on Oxigraph.

A `RouteWorkload` asks iokg one route (``GET /entities/{id}``, ``GET /c/{id}``, …) and Oxigraph's
server, for the same bound value, the text of the named queries that route runs (`iokg.queries`),
with the value **written into the text** where iokg binds it with pyoxigraph's ``substitutions``
(over the SPARQL protocol there is nothing else; ``VALUES`` or ``FILTER`` would make Oxigraph
plan for every node and run several times slower). A route that runs two named queries (the
entity lookup: ``entity`` and ``assertions``) is one request to Oxigraph too: both queries as
subqueries of one ``UNION``, so one request does the work of one lookup.

`bind_text` writes values in: ``?entity`` becomes ``<iri>`` in the patterns,
``(<iri> AS ?entity)`` in a projection, and leaves ``GROUP BY`` and ``ORDER BY`` (a constant
orders nothing). `check_bound` proves, on the store itself, that the text gives the same rows as
the named query with ``substitutions``.

>>> text = "SELECT ?entity ?x WHERE { ?entity <p> ?x }\\nGROUP BY ?entity ?x\\nORDER BY ?entity ?x"
>>> print(bind_text(text, {"entity": "<https://e/1>"}))
SELECT (<https://e/1> AS ?entity) ?x WHERE { <https://e/1> <p> ?x }
GROUP BY ?x
ORDER BY ?x
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from iokg import vocab
from iokg.bench.generate import Generated
from iokg.bench.workloads import SPARQL_JSON, SPARQL_QUERY, sparql_rows, spread
from iokg.bench.wrk import Request
from iokg.queries import get_query
from iokg.sparql.prefixes import PREDECLARED

_PREFIX_LINE = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w-]*)?:\s*<[^>]*>\s*$", re.IGNORECASE | re.MULTILINE)


def bind_text(text: str, terms: dict[str, str]) -> str:
    """``text`` with each ``?name`` of ``terms`` replaced by its term (already in SPARQL syntax)."""
    for name, term in terms.items():
        var = re.compile(rf"\?{re.escape(name)}\b")
        out, pos = [], 0
        for m in var.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            line = text[line_start:m.start()].lstrip()
            before = text[:m.start()]
            select = max(before.rfind("SELECT"), -1)
            in_projection = select >= 0 and not re.search(r"WHERE|\{", before[select:])
            depth = before[select:].count("(") - before[select:].count(")") if in_projection else 0
            if line.upper().startswith(("GROUP BY", "ORDER BY")):
                replacement = ""
            elif in_projection and depth == 0 and not before.rstrip().endswith("AS"):
                replacement = f"({term} AS ?{name})"
            else:
                replacement = term
            end = m.end()
            if replacement == "" and end < len(text) and text[end] == " ":
                end += 1  # no double space where a key is dropped
            out.append(text[pos:m.start()] + replacement)
            pos = end
        out.append(text[pos:])
        text = "".join(out)
        text = re.sub(r"(GROUP BY|ORDER BY) +\n", r"\1\n", text)
    return re.sub(r" +$", "", text, flags=re.MULTILINE)


def _split_prologue(text: str) -> tuple[dict[str, str], str]:
    prefixes = {}
    for m in _PREFIX_LINE.finditer(text):
        prefixes[m.group(1) or ""] = m.group(0).strip()
    body = _PREFIX_LINE.sub("", text)
    body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("#")).strip()
    return prefixes, body


def combined_query(texts: list[str]) -> str:
    """One query doing the work of ``texts`` (each a SELECT): their bodies as subqueries of one
    ``UNION``, their prefixes (and iokg's predeclared ones) declared once."""
    prefixes: dict[str, str] = {name: f"PREFIX {name}: <{iri}>" for name, iri in PREDECLARED.items()}
    bodies = []
    for text in texts:
        declared, body = _split_prologue(text)
        prefixes.update(declared)
        bodies.append(body)
    prologue = "\n".join(prefixes.values())
    if len(bodies) == 1:
        return f"{prologue}\n{bodies[0]}\n"
    union = "\n  UNION\n".join("  {\n" + b + "\n  }" for b in bodies)
    return f"{prologue}\nSELECT * WHERE {{\n{union}\n}}\n"


def term_of(kind: str, value: str) -> str:
    """The SPARQL term of an id of ``kind`` (entity, claim, source)."""
    iri = {"entity": vocab.entity_iri, "claim": vocab.claim_iri, "source": vocab.source_iri}[kind](value)
    if not re.fullmatch(r"[^\s<>\"{}|^`\\]+", iri):
        raise ValueError(f"not an IRI to write into a query: {iri!r}")
    return f"<{iri}>"


@dataclass(frozen=True)
class Step:
    """One named query a route runs, and which of its parameters the route's value binds."""

    query: str
    param: str
    kind: str


def equivalent_sparql(steps: list[Step], value: str) -> str:
    return combined_query([bind_text(get_query(s.query).text, {s.param: term_of(s.kind, value)}) for s in steps])


@dataclass(frozen=True)
class RouteWorkload:
    """An iokg route against the SPARQL that does its work on Oxigraph's server."""

    name: str
    description: str
    params: list[str]
    iokg: Callable[[str], Request]
    oxigraph: Callable[[str], Request]
    #: The named queries the route runs (empty when there is no named-query equivalent).
    steps: tuple[Step, ...] = ()
    #: How the iokg answer is recognized as right (status 200 and this content type).
    iokg_type: str = "application/json"

    def iokg_requests(self) -> list[Request]:
        return [self.iokg(v) for v in self.params]

    def oxigraph_requests(self) -> list[Request]:
        return [self.oxigraph(v) for v in self.params]


def sparql_post(path: str, text: str) -> Request:
    return Request("POST", path, text.encode("utf-8"), {"Content-Type": SPARQL_QUERY, "Accept": SPARQL_JSON})


def _route(name: str, description: str, params: list[str], path: Callable[[str], str], steps: list[Step],
           accept: str = "application/json") -> RouteWorkload:
    return RouteWorkload(name, description, params,
                         iokg=lambda v: Request("GET", path(v), None, {"Accept": accept}),
                         oxigraph=lambda v: sparql_post("/query", equivalent_sparql(steps, v)),
                         steps=tuple(steps), iokg_type=accept)


def search_sparql(term: str) -> str:
    """The nearest SPARQL to iokg's search: names, aliases and titles containing the words (lower
    case), first 20. iokg's index does more (word order, accents, typos, ranking)."""
    if not re.fullmatch(r"[a-z0-9 ]+", term):
        raise ValueError(f"not a search term to write into a query: {term!r}")
    return f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?thing ?text WHERE {{
  ?thing skos:prefLabel|rdfs:label|skos:altLabel|dcterms:title ?text .
  FILTER (CONTAINS(LCASE(STR(?text)), "{term}"))
}}
LIMIT 20"""


def _entity_ids(g: Generated) -> list[str]:
    return spread([e for t in ("campaign", "cluster", "state-entity", "person") for e in g.entities.get(t, [])])


def _search_terms(g: Generated) -> list[str]:
    ids = spread([e for t in ("campaign", "cluster", "person", "narrative") for e in g.entities.get(t, [])], 32)
    return [f"{e.rsplit('-', 1)[0].replace('state', 'state office')} {int(e.rsplit('-', 1)[1])}" for e in ids]


ENTITY_STEPS = [Step("entity", "entity", "entity"), Step("assertions", "entity", "entity")]
CLAIM_STEPS = [Step("assertions", "claim", "claim")]


def route_workloads(g: Generated) -> list[RouteWorkload]:
    """The JSON lookups and the pages, in the order they are measured."""
    entities = _entity_ids(g)
    operations = spread([e for t in ("cluster", "campaign") for e in g.entities.get(t, [])])
    claims = spread(g.claims)
    relayed = spread(g.relayed_claims or g.claims)
    search = RouteWorkload(
        "search", "GET /search?q=…: names, aliases, titles (Oxigraph: CONTAINS over labels and titles)",
        _search_terms(g), iokg=lambda t: Request("GET", "/search?q=" + t.replace(" ", "+"), None,
                                                 {"Accept": "application/json"}),
        oxigraph=lambda t: sparql_post("/query", search_sparql(t)))
    return [
        _route("entity", "GET /entities/{id}: names, sources, every claim with its assertions",
               entities, lambda v: f"/entities/{v}", ENTITY_STEPS),
        _route("claim", "GET /claims/{id}: a claim's assertions by stance and independent origins",
               claims, lambda v: f"/claims/{v}", CLAIM_STEPS),
        _route("attribution", "GET /entities/{id}/attribution: chains from a cluster or campaign",
               operations, lambda v: f"/entities/{v}/attribution",
               [Step("entity", "entity", "entity"), Step("attribution", "entity", "entity")]),
        _route("corroboration", "GET /queries/corroboration?claim=…: a claim's independent origins",
               relayed, lambda v: f"/queries/corroboration?claim={v}", [Step("corroboration", "claim", "claim")]),
        search,
        _route("page-entity", "GET /e/{id}: the entity page (Oxigraph: the entity lookup's queries)",
               entities, lambda v: f"/e/{v}", ENTITY_STEPS, accept="text/html"),
        _route("page-claim", "GET /c/{id}: the claim page (Oxigraph: the claim lookup's query)",
               claims, lambda v: f"/c/{v}", CLAIM_STEPS, accept="text/html"),
    ]


def check_bound(store: Path, workload: RouteWorkload, values: int = 4) -> list[int]:
    """Rows of the Oxigraph-side text for the first ``values`` values, each checked against the
    named queries run in-process with ``substitutions``; `ValueError` when they differ."""
    from pyoxigraph import QueryResultsFormat

    from iokg.store import open_read_only, run_query

    counts = []
    db = open_read_only(store)
    for value in workload.params[:values]:
        text = workload.oxigraph(value).body.decode("utf-8")
        got = sparql_rows(db.query(text, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON))
        if workload.steps:
            want = 0
            for s in workload.steps:
                named = get_query(s.query)
                want += len(list(run_query(store, named.text, named.bind({s.param: value}))))
            if got != want:
                raise ValueError(f"{workload.name} {value}: the bound text gives {got} rows, the named queries {want}")
        counts.append(got)
    return counts

