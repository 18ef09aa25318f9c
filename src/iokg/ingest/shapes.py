"""Running the SHACL shapes (``ontology/shapes.ttl``) over the data graph.

Two engines give the same violations (tests/test_shapes.py runs both over a broken example of
every constraint):

- ``sparql`` (what `iokg build` and `iokg validate` use): each constraint of the shapes is
  compiled into one SPARQL SELECT of the focus nodes violating it (SHACL-SPARQL style: the
  targets of its shape joined with the values of its path, filtered by the constraint; an
  ``sh:sparql`` constraint is its own query joined with the targets), run by pyoxigraph over the
  freshly loaded store before it is published. The ``sh:maxCount 1`` of a node shape's IRI paths
  are one query: the values of all those paths grouped per node and path, counted (as SHACL
  counts value nodes), joined with the targets. It is linear in the size of the graph and takes a
  second or two at the benchmark's scale.
- ``pyshacl``: pySHACL over an rdflib graph, kept as the reference the SPARQL engine is tested
  against (it grows faster than linearly and takes minutes past a few thousand assertions).

The compiler knows the SHACL Core constraints the shapes use (``sh:minCount``, ``sh:maxCount``,
``sh:datatype``, ``sh:nodeKind``, ``sh:class``, ``sh:in``, ``sh:maxLength``, ``sh:or``, ``sh:xone``
over property shapes, paths that are an IRI or ``sh:inversePath`` of one) and ``sh:sparql``
SELECT constraints; a shape using anything else is refused (`ShapeNotSupported`) rather than
silently skipped. As pySHACL does, ``sh:datatype`` also checks the lexical form of the XSD
dates and numbers (an ``"2021-02-31"^^xsd:date`` fails it).

Every violation is reported at the file and line its focus node was written at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from iokg import vocab
from iokg.errors import IokgError, Problem
from iokg.settings import ONTOLOGY_DIR

ENGINES = ("sparql", "pyshacl")
DATA = ox.NamedNode(vocab.GRAPH_DATA)
ONTOLOGY = ox.NamedNode(vocab.GRAPH_ONTOLOGY)
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_KNOWN = {RDF.type, RDFS.label, RDFS.comment, SH.targetClass, SH.property, SH.sparql, SH.message,
          SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"], SH["or"],
          SH.xone, SH["in"], SH.maxLength, SH.select, SH.declare}
_NODE_KINDS = {SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
               SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
               SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
               SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))"}


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes whose lexical forms are checked (by a cast, which fails on an ill-formed one), as
#: pySHACL checks them: an "2021-02-31"^^xsd:date is not an xsd:date.
_CASTABLE = {_XSD + t for t in ("date", "gYearMonth", "gYear", "dateTime", "time", "integer", "decimal",
                               "double", "float", "boolean")}


class ShapeNotSupported(IokgError):
    """shapes.ttl uses a SHACL construct the SPARQL engine does not compile."""


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the focus node, the result path (an IRI, or None for a node-level
    constraint or an inverse path) and the message."""

    focus: str
    path: str | None
    message: str


@dataclass(frozen=True)
class _Check:
    """One query: each row is a focus node violating the check, with ``message`` (which may hold
    {?var} / {$var} placeholders, from sh:sparql) and ``path``; or, when ``tests`` are given, each
    row tells by a boolean variable per test (name, message, path) which of them it fails."""

    query: str
    message: str
    path: str | None
    tests: tuple[tuple[str, str, str | None], ...] = ()
    #: (path, message) of each ``sh:maxCount 1`` the query counts: each row is a focus node
    #: (``?this``) with more than one value of the path ``?p``
    counts: tuple[tuple[str, str], ...] = ()


@lru_cache(maxsize=1)
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


@lru_cache(maxsize=1)
def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_DIR / "iokg.ttl", format="turtle")


@lru_cache(maxsize=1)
def ontology_triples() -> tuple[ox.Triple, ...]:
    """The ontology's triples (the shapes' ``sh:class`` and targets need its class hierarchy)."""
    with open(ONTOLOGY_DIR / "iokg.ttl", "rb") as f:
        return tuple(ox.parse(f, format=ox.RdfFormat.TURTLE))


# ------------------------------------------------------------------ the SPARQL engine

def _iri(term) -> str:
    return f"<{term}>"


def _literal(term: rdflib.Literal) -> str:
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))).__str__() \
        if term.datatype else ox.Literal(str(term), language=term.language).__str__()


def _term(term) -> str:
    return _literal(term) if isinstance(term, rdflib.Literal) else _iri(term)


def _one(g: rdflib.Graph, node, pred):
    return next(iter(g.objects(node, pred)), None)


def _list(g: rdflib.Graph, node) -> list:
    return list(rdflib.collection.Collection(g, node))


class _Compiler:
    """Compiles the shapes against one class hierarchy (``subclasses`` of each class, itself included)."""

    def __init__(self, shapes: rdflib.Graph, subclasses: dict[str, set[str]]):
        self.g = shapes
        self.subclasses = subclasses
        self.prefixes = {str(_one(shapes, d, SH.prefix)): str(_one(shapes, d, SH.namespace))
                         for d in shapes.objects(None, SH.declare)}
        self.fresh = 0

    def var(self) -> str:
        self.fresh += 1
        return f"?_{self.fresh}"

    def classes(self, cls) -> str:
        return ", ".join(_iri(c) for c in sorted(self.subclasses.get(str(cls), set()) | {str(cls)}))

    def path(self, path, s: str, o: str) -> tuple[str, str | None]:
        """A triple pattern from ``s`` to ``o`` along ``path``, and the path's IRI (None if inverse)."""
        if isinstance(path, rdflib.URIRef):
            return f"{s} {_iri(path)} {o} .", str(path)
        inverse = _one(self.g, path, SH.inversePath)
        if isinstance(inverse, rdflib.URIRef) and len(set(self.g.predicate_objects(path))) == 1:
            return f"{o} {_iri(inverse)} {s} .", None
        raise ShapeNotSupported(f"shapes.ttl: path {path} is neither an IRI nor sh:inversePath of one")

    def check_known(self, shape) -> None:
        unknown = {str(p) for p in self.g.predicates(shape, None)} - {str(k) for k in _KNOWN}
        if unknown:
            raise ShapeNotSupported(f"shapes.ttl: the SPARQL engine does not compile {sorted(unknown)} "
                                    f"(shape {shape})")

    def value_condition(self, shape, v: str) -> str | None:
        """A SPARQL expression true when the value ``v`` meets the value constraints of ``shape``."""
        parts = []
        for dt in self.g.objects(shape, SH.datatype):
            well_formed = f" && COALESCE(isLiteral({_iri(dt)}(STR({v}))), false)" if str(dt) in _CASTABLE else ""
            parts.append(f"(isLiteral({v}) && datatype({v}) = {_iri(dt)}{well_formed})")
        for kind in self.g.objects(shape, SH.nodeKind):
            parts.append(_NODE_KINDS[kind].format(v=v))
        for cls in self.g.objects(shape, SH["class"]):
            t = self.var()
            parts.append(f"EXISTS {{ {v} a {t} . FILTER ({t} IN ({self.classes(cls)})) }}")
        for members in self.g.objects(shape, SH["in"]):
            parts.append(f"({v} IN ({', '.join(_term(m) for m in _list(self.g, members))}))")
        for n in self.g.objects(shape, SH.maxLength):
            parts.append(f"(!isBlank({v}) && STRLEN(STR({v})) <= {int(n)})")
        for alternatives in self.g.objects(shape, SH["or"]):
            options = [self.conforms(a, v) for a in _list(self.g, alternatives)]
            parts.append("(" + " || ".join(options) + ")")
        return " && ".join(parts) if parts else None

    def conforms(self, shape, v: str) -> str:
        """A SPARQL expression true when node ``v`` conforms to ``shape`` (a member of sh:or or sh:xone)."""
        self.check_known(shape)
        path = _one(self.g, shape, SH.path)
        if path is None:
            if any(_one(self.g, shape, p) is not None for p in (SH.minCount, SH.maxCount, SH.property, SH.sparql, SH.xone)):
                raise ShapeNotSupported(f"shapes.ttl: nested node shape {shape} has more than value constraints")
            return self.value_condition(shape, v) or "true"
        parts = []
        a, b = self.var(), self.var()
        pattern_a, _ = self.path(path, v, a)
        pattern_b, _ = self.path(path, v, b)
        if (n := _one(self.g, shape, SH.minCount)) is not None and int(n) > 0:
            if int(n) != 1:
                raise ShapeNotSupported(f"shapes.ttl: nested sh:minCount {n} (only 1 is compiled)")
            parts.append(f"EXISTS {{ {pattern_a} }}")
        if (n := _one(self.g, shape, SH.maxCount)) is not None:
            if int(n) == 0:
                parts.append(f"NOT EXISTS {{ {pattern_a} }}")
            elif int(n) == 1:
                parts.append(f"NOT EXISTS {{ {pattern_a} {pattern_b} FILTER ({a} != {b}) }}")
            else:
                raise ShapeNotSupported(f"shapes.ttl: nested sh:maxCount {n} (only 0 and 1 are compiled)")
        if (cond := self.value_condition(shape, a)) is not None:
            parts.append(f"NOT EXISTS {{ {pattern_a} FILTER (!({cond})) }}")
        return "(" + " && ".join(parts or ["true"]) + ")"

    def node_shape(self, shape) -> list[_Check]:
        """The checks of one node shape: one query for all its Core constraints (a pass over its
        targets, each constraint an EXISTS test bound to a variable of its own), and one query per
        ``sh:sparql`` constraint."""
        self.check_known(shape)
        targets = list(self.g.objects(shape, SH.targetClass))
        if not targets:
            return []
        cls = self.var()
        # VALUES rather than FILTER (... IN ...): the store looks each class up, not every rdf:type
        target = " UNION ".join(f"{{ VALUES {cls} {{ {self.classes(t).replace(',', '')} }} ?this a {cls} . }}"
                                for t in targets)
        message = _one(self.g, shape, SH.message)
        node_message = str(message) if message is not None else f"violates {shape}"
        tests: list[tuple[str, str, str | None]] = []  # (failure expression, message, path)
        for members in self.g.objects(shape, SH.xone):
            count = " + ".join(f"IF({self.conforms(m, '?this')}, 1, 0)" for m in _list(self.g, members))
            tests.append((f"(({count}) != 1)", node_message, None))
        if (cond := self.value_condition(shape, "?this")) is not None:
            tests.append((f"(!({cond}))", node_message, None))
        self.counted: list[tuple[str, str]] = []  # (path, message) of the sh:maxCount 1 of IRI paths
        for prop in self.g.objects(shape, SH.property):
            tests += self.property_shape(prop)
        checks = []
        if self.counted:
            # one pass over the values of every such path, counted per focus node, instead of a
            # test per node and path; SHACL counts value nodes, as COUNT(DISTINCT) does
            paths = " ".join(_iri(p) for p in dict.fromkeys(p for p, _ in self.counted))
            checks.append(_Check(f"SELECT ?this ?p WHERE {{ {{ SELECT ?this ?p WHERE {{ VALUES ?p {{ {paths} }} "
                                 "?this ?p ?v . } GROUP BY ?this ?p HAVING (COUNT(DISTINCT ?v) > 1) } "
                                 f"{target} }}", "", None, counts=tuple(self.counted)))
        if tests:
            names = [f"?f{i}" for i in range(len(tests))]
            binds = " ".join(f"BIND ({expr} AS {name})" for (expr, _, _), name in zip(tests, names))
            query = (f"SELECT DISTINCT ?this {' '.join(names)} WHERE {{ {target} {binds} "
                     f"FILTER ({' || '.join(names)}) }}")
            checks.append(_Check(query, "", None, tuple((name[1:], m, p) for name, (_, m, p) in zip(names, tests))))
        for constraint in self.g.objects(shape, SH.sparql):
            select = str(_one(self.g, constraint, SH.select)).replace("$this", "?this")
            text = str(_one(self.g, constraint, SH.message) or node_message)
            checks.append(_Check(f"SELECT * WHERE {{ {target} {{ {select} }} }}", text, None))
        return checks

    def property_shape(self, prop) -> list[tuple[str, str, str | None]]:
        """The failure tests of a property shape over ``?this``: (expression, message, path)."""
        self.check_known(prop)
        message = _one(self.g, prop, SH.message)
        text = str(message) if message is not None else f"violates the property shape of {_one(self.g, prop, SH.path)}"
        a, b = self.var(), self.var()
        pattern_a, path = self.path(_one(self.g, prop, SH.path), "?this", a)
        pattern_b, _ = self.path(_one(self.g, prop, SH.path), "?this", b)
        tests = []
        if (n := _one(self.g, prop, SH.minCount)) is not None and int(n) > 0:
            if int(n) != 1:
                raise ShapeNotSupported(f"shapes.ttl: sh:minCount {n} (only 1 is compiled)")
            tests.append((f"NOT EXISTS {{ {pattern_a} }}", text, path))
        if (n := _one(self.g, prop, SH.maxCount)) is not None:
            if int(n) == 0:
                tests.append((f"EXISTS {{ {pattern_a} }}", text, path))
            elif int(n) == 1 and path is not None:
                self.counted.append((path, text))
            elif int(n) == 1:
                tests.append((f"EXISTS {{ {pattern_a} {pattern_b} FILTER ({a} != {b}) }}", text, path))
            else:
                raise ShapeNotSupported(f"shapes.ttl: sh:maxCount {n} (only 0 and 1 are compiled)")
        if (cond := self.value_condition(prop, a)) is not None:
            tests.append((f"EXISTS {{ {pattern_a} FILTER (!({cond})) }}", text, path))
        return tests


def _subclasses(store: ox.Store, graphs: list) -> dict[str, set[str]]:
    """Every class's subclasses (transitively), from the rdfs:subClassOf triples of ``graphs``."""
    parents: dict[str, set[str]] = {}
    for g in graphs:
        for q in store.quads_for_pattern(None, ox.NamedNode(_SUBCLASS), None, g):
            parents.setdefault(q.object.value, set()).add(q.subject.value)
    closed: dict[str, set[str]] = {}
    for cls in parents:
        seen, todo = set(), [cls]
        while todo:
            for sub in parents.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closed[cls] = seen
    return closed


def compile_shapes(store: ox.Store, graphs: list) -> list[_Check]:
    """The queries of every constraint in shapes.ttl, for the class hierarchy in ``graphs``."""
    g = _shapes()
    compiler = _Compiler(g, _subclasses(store, graphs))
    checks = []
    for shape in sorted(g.subjects(RDF.type, SH.NodeShape)):
        checks += compiler.node_shape(shape)
    return checks


def sparql_violations(store: ox.Store, graphs: list) -> list[Violation]:
    """Every violation of the shapes in the union of ``graphs`` of ``store`` (the SPARQL engine)."""
    prefixes = {str(_one(_shapes(), d, SH.prefix)): str(_one(_shapes(), d, SH.namespace))
                for d in _shapes().objects(None, SH.declare)}
    found = []
    for check in compile_shapes(store, graphs):
        for row in store.query(check.query, default_graph=graphs, prefixes=prefixes):
            if check.counts:
                path = row["p"].value
                found += [Violation(row["this"].value, path, message) for p, message in check.counts if p == path]
                continue
            if check.tests:
                found += [Violation(row["this"].value, path, message) for name, message, path in check.tests
                          if row[name] is not None and row[name].value == "true"]
                continue
            message = check.message
            if "{" in message:
                message = re.sub(r"\{[?$](\w+)\}", lambda m: _value(row, m.group(1)), message)
            found.append(Violation(row["this"].value, check.path, message))
    return found


def _value(row, name: str) -> str:
    try:
        term = row[name]
    except (KeyError, ValueError):
        return "{?" + name + "}"
    return term.value if term is not None else "{?" + name + "}"


# ------------------------------------------------------------------ the reference engine

def pyshacl_violations(graph: rdflib.Graph) -> list[Violation]:
    """Every violation pySHACL finds in ``graph`` with the ontology mixed in (the reference engine)."""
    from pyshacl import validate  # imported here: slow to import, and only the reference needs it

    data = graph + _ontology()  # a copy: the ontology gives classes and concept schemes for sh:class
    conforms, report, _ = validate(data, shacl_graph=_shapes(), inference="none",
                                   advanced=True, allow_warnings=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        for message in list(report.objects(result, SH.resultMessage)) or ["violates a SHACL shape"]:
            found.append(Violation(str(report.value(result, SH.focusNode)),
                                   str(path) if isinstance(path, rdflib.URIRef) else None, str(message)))
    return found


# ------------------------------------------------------------------ problems at file:line

@lru_cache(maxsize=64)
def _curie(iri: str) -> str:
    return rdflib.Graph().namespace_manager.normalizeUri(rdflib.URIRef(iri))


def problems_of(violations, origin: dict[str, tuple[str, int, str]] | None = None) -> list[Problem]:
    """The violations as problems, each at the file and line its focus node came from."""
    origin = origin or {}
    problems = set()
    for v in violations:
        file, line, record = origin.get(v.focus, ("(graph)", 0, v.focus))
        text = f"{v.message} [{_curie(v.path)}]" if v.path is not None else v.message
        problems.add(Problem(file, line, record, f"SHACL: {text}"))
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))


def store_problems(store: ox.Store, graphs: list,
                   origin: dict[str, tuple[str, int, str]] | None = None) -> list[Problem]:
    """Every violation in ``graphs`` of ``store`` (which must hold the ontology among them)."""
    return problems_of(sparql_violations(store, graphs), origin)


def to_rdflib(triples) -> rdflib.Graph:
    """An rdflib graph of the given triples or quads (graph names dropped)."""
    data = ox.serialize([ox.Triple(t.subject, t.predicate, t.object) for t in triples],
                        format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def _to_triples(data) -> list[ox.Triple]:
    if isinstance(data, rdflib.Graph):
        return list(ox.parse(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return [ox.Triple(t.subject, t.predicate, t.object) for t in data]


def violations(data, engine: str = "sparql") -> list[Violation]:
    """The violations in ``data`` (an rdflib graph, or pyoxigraph triples or quads) by ``engine``."""
    if engine == "pyshacl":
        return pyshacl_violations(data if isinstance(data, rdflib.Graph) else to_rdflib(data))
    if engine != "sparql":
        raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINES)}")
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, DATA) for t in _to_triples(data))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY) for t in ontology_triples())
    return sparql_violations(store, [DATA, ONTOLOGY])


def shacl_problems(data, origin: dict[str, tuple[str, int, str]] | None = None, *,
                   engine: str = "sparql") -> list[Problem]:
    """Every SHACL violation in ``data`` (an rdflib graph, or pyoxigraph triples or quads), placed
    at the file and line the focus node came from."""
    return problems_of(violations(data, engine), origin)
