"""Running the SHACL shapes (``ontology/shapes.ttl``) over the data graph with pySHACL."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
import rdflib
from pyshacl import validate
from rdflib.namespace import SH

from iokg.errors import Problem
from iokg.settings import ONTOLOGY_DIR


@lru_cache(maxsize=1)
def _shapes_and_ontology() -> tuple[rdflib.Graph, rdflib.Graph]:
    shapes = rdflib.Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY_DIR / "iokg.ttl", format="turtle")
    return shapes, ontology


def to_rdflib(triples: list[ox.Triple] | list[ox.Quad]) -> rdflib.Graph:
    """An rdflib graph of the given triples (the graph names of quads are dropped)."""
    data = ox.serialize([ox.Triple(t.subject, t.predicate, t.object) for t in triples],
                        format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def shacl_problems(graph: rdflib.Graph,
                   origin: dict[str, tuple[str, int, str]] | None = None) -> list[Problem]:
    """Every SHACL violation in ``graph``, placed at the file and line the focus node came from."""
    shapes, ontology = _shapes_and_ontology()
    data = graph + ontology  # a copy: the ontology gives classes and concept schemes for sh:class
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none",
                                   advanced=True, allow_warnings=True)
    if conforms:
        return []
    origin = origin or {}
    problems = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = str(report.value(result, SH.focusNode))
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        file, line, record = origin.get(focus, ("(graph)", 0, focus))
        text = str(message) if message is not None else "violates a SHACL shape"
        if path is not None and not isinstance(path, rdflib.BNode):
            text = f"{text} [{graph.namespace_manager.normalizeUri(path)}]"
        problems.append(Problem(file, line, record, f"SHACL: {text}"))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
