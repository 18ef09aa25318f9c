"""Checks across records: ids that exist, ids used once, types a predicate allows, sound derivations."""

from __future__ import annotations

from collections import defaultdict

from iokg import vocab
from iokg.errors import Problem
from iokg.ingest.reading import Corpus, Located
from iokg.techniques import load_techniques


def _where(loc: Located) -> str:
    return f"{loc.file}:{loc.line}"


def check_corpus(corpus: Corpus) -> list[Problem]:
    """Every cross-reference problem in ``corpus`` (empty when it is sound)."""
    problems: list[Problem] = []
    techniques = load_techniques()

    def bad(loc: Located, record: str, message: str) -> None:
        problems.append(Problem(loc.file, loc.line, record, message))

    # ids: one namespace for entities and sources, each defined once
    first: dict[str, Located] = {}
    entities: dict[str, Located] = {}
    sources: dict[str, Located] = {}
    for kind, items, table in (("entity", corpus.entities, entities), ("source", corpus.sources, sources)):
        for loc in items:
            rid = loc.record.id
            if rid in first:
                bad(loc, f"{kind} {rid}", f"duplicate id '{rid}': already defined at {_where(first[rid])}; "
                    "rename one of them")
                continue
            first[rid] = loc
            table[rid] = loc

    def need_source(loc: Located, record: str, sid: str, field: str) -> None:
        if sid not in sources:
            hint = " (that id is an entity, not a source)" if sid in entities else ""
            bad(loc, record, f"`{field}` names unknown source '{sid}'{hint}: add a file with that `source:` "
                "or fix the id")

    for loc in corpus.entities:
        e = loc.record
        for sid in e.sources:
            need_source(loc, f"entity {e.id}", sid, "sources")
        seen_alias = set()
        for alias in e.aliases:
            if alias.name.casefold() in seen_alias or alias.name.casefold() == e.label.casefold():
                bad(loc, f"entity {e.id}", f"alias '{alias.name}' is given twice (or repeats the label)")
            seen_alias.add(alias.name.casefold())
            for sid in alias.sources:
                need_source(loc, f"entity {e.id}", sid, f"aliases[{alias.name}].sources")

    for loc in corpus.sources:
        s = loc.record
        for parent in s.derived_from:
            if parent == s.id:
                bad(loc, f"source {s.id}", "`derived_from` names the source itself")
            else:
                need_source(loc, f"source {s.id}", parent, "derived_from")
    problems.extend(_derivation_cycles(sources))

    ancestors = {sid: _ancestors(sid, sources) for sid in sources}
    seen_claims: dict[tuple[str, str], Located] = {}
    for loc, sid in corpus.assertions:
        a = loc.record
        name = f"assertion ({a.subject} {a.predicate} {a.object if a.object is not None else a.value})"
        pred = vocab.PREDICATES[a.predicate]
        subject_type = _type_of(a.subject, entities, techniques)
        if subject_type is None:
            bad(loc, name, f"`subject` names unknown entity '{a.subject}': define it under `entities:` or fix the id")
        elif subject_type not in pred.subjects:
            bad(loc, name, f"a {subject_type} cannot be the subject of {a.predicate}; "
                f"it takes {', '.join(sorted(pred.subjects))}")
        if a.object is not None:
            object_type = _type_of(a.object, entities, techniques)
            if object_type is None:
                what = "DISARM technique" if vocab.TECHNIQUE_PATTERN.match(a.object) else "entity"
                bad(loc, name, f"`object` names unknown {what} '{a.object}': "
                    + ("check the id in ontology/disarm/disarm_techniques.csv" if what != "entity"
                       else "define it under `entities:` or fix the id"))
            elif object_type not in pred.objects:
                bad(loc, name, f"a {object_type} cannot be the object of {a.predicate}; "
                    f"it takes {', '.join(sorted(pred.objects))}")
        for cited in a.cites:
            if cited not in sources:
                need_source(loc, name, cited, "cites")
            elif cited not in ancestors.get(sid, set()):
                bad(loc, name, f"cites '{cited}', but source '{sid}' does not derive from it: "
                    f"add '{cited}' to the `derived_from` of '{sid}'")
        if a.original and a.cites:
            bad(loc, name, "`original: true` and `cites` contradict each other: keep one")
        if sid in sources and len(sources[sid].record.derived_from) > 1 and not a.cites and not a.original:
            bad(loc, name, f"source '{sid}' derives from several sources: say which this rests on with "
                "`cites: [...]`, or `original: true` if it is the source's own reporting")
        key = (a.claim_id, sid)
        if key in seen_claims:
            bad(loc, name, f"source '{sid}' already makes this claim at {_where(seen_claims[key])}: "
                "one assertion per source and claim; merge them")
        else:
            seen_claims[key] = loc
    return problems


def _type_of(ref: str, entities: dict[str, Located], techniques: dict) -> str | None:
    if vocab.TECHNIQUE_PATTERN.match(ref):
        return vocab.TECHNIQUE if ref in techniques else None
    loc = entities.get(ref)
    return loc.record.type if loc else None


def _ancestors(sid: str, sources: dict[str, Located]) -> set[str]:
    out: set[str] = set()
    todo = [sid]
    while todo:
        cur = todo.pop()
        loc = sources.get(cur)
        if loc is None:
            continue
        for parent in loc.record.derived_from:
            if parent not in out and parent != sid:
                out.add(parent)
                todo.append(parent)
    return out


def _derivation_cycles(sources: dict[str, Located]) -> list[Problem]:
    graph = defaultdict(list)
    for sid, loc in sources.items():
        graph[sid] = [p for p in loc.record.derived_from if p in sources and p != sid]
    problems, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                loc = sources[node]
                problems.append(Problem(loc.file, loc.line, f"source {node}",
                                        "`derived_from` makes a cycle: " + " -> ".join(cycle)))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for sid in sorted(graph):
        if sid not in state:
            visit(sid, [sid])
    return problems
