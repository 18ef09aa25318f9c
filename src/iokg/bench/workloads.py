"""What the benchmark sends: one `Workload` per kind of question, the same answer asked of both servers.

A workload has a deterministic list of bound values (entity ids, claim ids, dates) and, for each
server, how to turn one value into an HTTP request (`Call`) and how many rows its answer holds.
The four SPARQL workloads send the same query text to iokg's ``/sparql`` and Oxigraph's
``/query``. A workload that asks iokg through another route (say ``GET /entities/{id}``) and
Oxigraph through the equivalent SPARQL is one more `Workload` with its own ``iokg`` call and
``iokg_rows``; nothing else changes.

Values are ids the generator wrote (lower-case letters, digits, hyphens), so writing their IRIs
into a ``VALUES`` clause is safe; that is the only way to bind a term over the SPARQL protocol.

>>> from iokg.bench.generate import Generated
>>> g = Generated(data_dir=None, entities={"campaign": ["campaign-00001"]}, claims=["a--partOf--b"])
>>> w = point_lookup(g)
>>> w.iokg(w.params[0]).path, w.oxigraph(w.params[0]).path
('/sparql', '/query')
>>> "<https://w3id.org/iokg/id/entity/campaign-00001>" in w.iokg(w.params[0]).content.decode()
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from iokg import vocab
from iokg.bench.generate import Generated
from iokg.queries import load_queries

SPARQL_QUERY = "application/sparql-query"
SPARQL_JSON = "application/sparql-results+json"
#: How many distinct values each workload cycles through.
PARAMS_PER_WORKLOAD = 64

PREFIXES = """PREFIX iokg: <https://w3id.org/iokg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class Call:
    """One HTTP request, relative to a server's base URL."""

    method: str
    path: str
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def sparql_rows(body: bytes) -> int:
    """Rows of a SPARQL JSON results document (1 for an ASK)."""
    doc = json.loads(body)
    return len(doc["results"]["bindings"]) if "results" in doc else 1


@dataclass(frozen=True)
class Workload:
    """One kind of request, asked of both servers with the same bound values."""

    name: str
    description: str
    params: list[str]
    iokg: Callable[[str], Call]
    oxigraph: Callable[[str], Call]
    iokg_rows: Callable[[bytes], int] = sparql_rows
    oxigraph_rows: Callable[[bytes], int] = sparql_rows
    #: Whether two answers (iokg's, Oxigraph's) say the same; None: row counts only.
    same_answer: Callable[[bytes, bytes], bool] | None = None


def same_bindings(a: bytes, b: bytes) -> bool:
    """Two SPARQL JSON results hold the same solutions (in any order)."""
    def solutions(body: bytes) -> list[str]:
        doc = json.loads(body)
        return sorted(json.dumps(row, sort_keys=True) for row in doc.get("results", {}).get("bindings", []))
    return solutions(a) == solutions(b)


def sparql_call(path: str, query: str) -> Call:
    return Call("POST", path, query.encode("utf-8"),
                {"Content-Type": SPARQL_QUERY, "Accept": SPARQL_JSON})


def sparql_workload(name: str, description: str, params: list[str], query: Callable[[str], str]) -> Workload:
    """The same SPARQL text to iokg (``POST /sparql``) and Oxigraph (``POST /query``)."""
    return Workload(name, description, params,
                    iokg=lambda v: sparql_call("/sparql", query(v)),
                    oxigraph=lambda v: sparql_call("/query", query(v)), same_answer=same_bindings)


def spread(items: list[str], n: int = PARAMS_PER_WORKLOAD) -> list[str]:
    """``n`` items taken evenly across ``items`` (all of them if fewer), in a fixed order."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def _iri(iri: str) -> str:
    if not re.fullmatch(r"[^\s<>\"{}|^`\\]+", iri):
        raise ValueError(f"not an IRI to paste: {iri!r}")
    return f"<{iri}>"


def point_lookup(g: Generated) -> Workload:
    ids = [e for ids in g.entities.values() for e in ids]
    return sparql_workload(
        "point", "one triple pattern, subject bound: every property of one entity", spread(ids),
        lambda eid: f"SELECT ?p ?o WHERE {{ {_iri(vocab.entity_iri(eid))} ?p ?o }}")


def entity_lookup(g: Generated) -> Workload:
    ids = [e for t in ("campaign", "cluster", "state-entity", "person") for e in g.entities.get(t, [])]
    return sparql_workload(
        "entity", "every claim about one entity (as subject or object), its assertions and their sources",
        spread(ids),
        lambda eid: PREFIXES + f"""SELECT ?claim ?label ?assertion ?stance ?confidence ?source ?kind ?date WHERE {{
  VALUES ?entity {{ {_iri(vocab.entity_iri(eid))} }}
  {{ ?claim iokg:subject ?entity }} UNION {{ ?claim iokg:object ?entity }}
  ?claim rdfs:label ?label .
  ?assertion iokg:claim ?claim ; iokg:stance ?stance ; iokg:source ?source .
  ?source iokg:sourceKind ?kind ; dcterms:date ?date .
  OPTIONAL {{ ?assertion iokg:confidenceWords ?confidence }}
}}
ORDER BY ?claim ?date ?source""")


def corroboration_query(claim_id: str) -> str:
    """``queries/corroboration.rq`` for one claim, its IRI written where ``?claim`` was.

    This is what iokg does in-process (pyoxigraph ``substitutions``). Binding the variable in
    the text instead (``VALUES``, ``BIND`` or ``FILTER``) makes Oxigraph 0.5 plan the query for
    every claim and then keep one: 5-7 times slower on both servers alike.
    """
    iri = _iri(vocab.claim_iri(claim_id))
    text = load_queries()["corroboration"].text
    head, sep, tail = text.partition("WHERE {")
    body, sep2, after = tail.partition("\n}\nGROUP BY ?claim ?label")
    if not sep or not sep2 or "SELECT ?claim ?label" not in head:
        raise ValueError("queries/corroboration.rq changed shape: update iokg.bench.workloads.corroboration_query")
    head = head.replace("SELECT ?claim ?label", f"SELECT ({iri} AS ?claim) ?label")
    body = re.sub(r"\?claim\b", iri, body)
    return f"{head}{sep}{body}\n}}\nGROUP BY ?label{after.replace(' ?claim', '')}"


def provenance(g: Generated) -> Workload:
    """Claims that some news or encyclopedia article relays, so there are derivations to follow."""
    return sparql_workload(
        "provenance", "the corroboration query for one claim: independent sources along prov:wasDerivedFrom*",
        spread(g.relayed_claims or g.claims), corroboration_query)


def aggregate(g: Generated) -> Workload:
    quarters = [f"{y}-{m:02d}-01" for y in range(2019, 2026) for m in (1, 4, 7, 10)]
    dates = [quarters[i * 11 % len(quarters)] for i in range(len(quarters))]  # 28 dates, mixed order
    return sparql_workload(
        "aggregate", "assertions per source kind and stance, as known at a date (whole-graph scan)", dates,
        lambda day: PREFIXES + f"""SELECT ?kind ?stance (COUNT(DISTINCT ?assertion) AS ?assertions) WHERE {{
  ?assertion a iokg:Assertion ; iokg:stance ?stance ; iokg:source ?source ; iokg:dateFrom ?from .
  ?source iokg:sourceKind ?kind .
  FILTER (?from < "{day}"^^xsd:date)
}}
GROUP BY ?kind ?stance
ORDER BY ?kind ?stance""")


def default_workloads(g: Generated) -> list[Workload]:
    """The benchmark's workloads, in the order they are measured and printed."""
    return [point_lookup(g), entity_lookup(g), provenance(g), aggregate(g)]
