"""Checks across records: ids that exist, ids used once, types a predicate allows, sound derivations."""

from __future__ import annotations

from collections import defaultdict

from iokg import vocab
from iokg.errors import Problem
from iokg.ingest.reading import Corpus, Located
from iokg.ingest.records import did_you_mean
from iokg.techniques import load_techniques


def _where(loc: Located) -> str:
    return f"{loc.file}:{loc.line}"


def check_corpus(corpus: Corpus) -> list[Problem]:
    """Every cross-reference problem in ``corpus`` (empty when it is sound).

    Records that failed their shape checks (`Located.partial`) take part with what could be read
    of them: their ids count as defined, and the ids they name are checked too.
    """
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
            if not isinstance(rid, str):
                continue
            if rid in first:
                bad(loc, f"{kind} {rid}", f"duplicate id '{rid}': already defined at {_where(first[rid])}; "
                    "rename one of them")
                continue
            first[rid] = loc
            table[rid] = loc

    def need_source(loc: Located, record: str, sid: str, field: str) -> bool:
        if sid in sources:
            return True
        hint = " (that id is an entity, not a source)" if sid in entities else did_you_mean(sid, sources)
        bad(loc, record, f"`{field}` names unknown source '{sid}':{hint} add a file with that `source:` "
            "or fix the id")
        return False

    def need_entity(loc: Located, record: str, eid: str, field: str, types: set[str], what: str) -> None:
        if eid not in entities:
            hint = (" (that id is a source, not an entity)" if eid in sources
                    else did_you_mean(eid, entities))
            bad(loc, record, f"`{field}` names unknown {what} '{eid}':{hint} define it under `entities:` "
                "or fix the id")
            return
        etype = entities[eid].record.type
        if not entities[eid].partial and etype not in types:
            bad(loc, record, f"`{field}` names '{eid}', a {etype}; it must be {' or '.join(sorted(types))}")

    for loc in corpus.entities:
        e = loc.record
        for sid in e.sources:
            need_source(loc, f"entity {e.id}", sid, "sources")
        if loc.partial:
            continue
        seen_alias = set()
        for alias in e.aliases:
            if alias.name.casefold() in seen_alias or alias.name.casefold() == e.label.casefold():
                bad(loc, f"entity {e.id}", f"alias '{alias.name}' is given twice (or repeats the label)")
            seen_alias.add(alias.name.casefold())
            for sid in alias.sources:
                need_source(loc, f"entity {e.id}", sid, f"aliases[{alias.name}].sources")

    for loc in corpus.sources:
        s = loc.record
        if s.publisher:
            need_entity(loc, f"source {s.id}", s.publisher, "publisher", vocab.PARTIES, "publisher")
        for parent in s.derived_from:
            if parent == s.id:
                bad(loc, f"source {s.id}", "`derived_from` names the source itself")
            else:
                need_source(loc, f"source {s.id}", parent, "derived_from")
    problems.extend(_derivation_cycles({k: v for k, v in sources.items() if not v.partial}))

    ancestors = {sid: _ancestors(sid, sources) for sid in sources}
    seen: dict[tuple, Located] = {}
    for loc, doc in corpus.assertions:
        a = loc.record
        name = f"assertion ({a.subject} {a.predicate} {a.object if a.object is not None else a.value})"
        if doc is not None and not need_source(loc, name, doc, "document"):
            doc = None
        pred = vocab.PREDICATES.get(a.predicate) if isinstance(a.predicate, str) else None
        if isinstance(a.subject, str):
            subject_type = _type_of(a.subject, entities, techniques)
            if subject_type is None:
                bad(loc, name, f"`subject` names unknown entity '{a.subject}':"
                    f"{did_you_mean(a.subject, entities)} define it under `entities:` or fix the id")
            elif pred and subject_type not in pred.subjects and not entities[a.subject].partial:
                bad(loc, name, f"a {subject_type} cannot be the subject of {a.predicate}; "
                    f"it takes {', '.join(sorted(pred.subjects))}")
        if isinstance(a.object, str):
            object_type = _type_of(a.object, entities, techniques)
            if object_type is None:
                if vocab.TECHNIQUE_PATTERN.match(a.object):
                    bad(loc, name, f"`object` names unknown DISARM technique '{a.object}':"
                        f"{did_you_mean(a.object, techniques)} check the id in ontology/disarm/disarm_techniques.csv")
                else:
                    bad(loc, name, f"`object` names unknown entity '{a.object}':"
                        f"{did_you_mean(a.object, entities)} define it under `entities:` or fix the id")
            elif (pred and pred.objects and object_type not in pred.objects
                  and not (a.object in entities and entities[a.object].partial)):
                bad(loc, name, f"a {object_type} cannot be the object of {a.predicate}; "
                    f"it takes {', '.join(sorted(pred.objects))}")
        if a.said_by:
            need_entity(loc, name, a.said_by, "said_by", vocab.PARTIES, "party")
        if a.speaker:
            need_entity(loc, name, a.speaker, "speaker", {"person"}, "person")
        vias = [v for v in a.via if need_source(loc, name, v, "via")]
        if doc is not None and vias and vias[-1] != doc and vias[-1] not in ancestors.get(doc, set()):
            bad(loc, name, f"`via` ends with '{vias[-1]}', but '{doc}' does not derive from it: add "
                f"'{vias[-1]}' to the `derived_from` of '{doc}', or fix `via`")
        if doc in a.via:
            bad(loc, name, f"`via` names '{doc}', the document the assertion is read in: carriers are the "
                "documents between the party and this one; leave it out")
        if loc.partial or doc is None:
            continue
        conf = a.confidence
        if conf is not None and conf.whose == "asserter" and a.excerpt and \
                normalise_text(conf.words) not in normalise_text(a.excerpt):
            bad(loc, name, f"confidence words '{conf.words}' are marked as the asserter's own, but the excerpt "
                "does not contain them: quote them in `excerpt`, or mark them `whose: carrier`")
        party = a.said_by or (sources[doc].record.publisher if doc in sources else None)
        key = (a.claim_id, doc, party, a.via[0] if a.via else None)
        if key in seen:
            bad(loc, name, f"this party already makes this claim in '{doc}' at {_where(seen[key])} "
                "(same carrier): one assertion per party, carrier and claim; merge them")
        else:
            seen[key] = loc
    return problems


def normalise_text(text: str) -> str:
    """Text for comparing excerpts: curly quotes and dashes as plain ones, white space folded, no case.

    >>> normalise_text("It’s  “clumsy”\\n now")
    'it\\'s "clumsy" now'
    """
    table = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
             "“": '"', "”": '"', "„": '"', "″": '"',
             " ": " ", " ": " ", " ": " "}
    text = "".join(table.get(ch, ch) for ch in text)
    return " ".join(text.split()).casefold()


def _type_of(ref: str, entities: dict[str, Located], techniques: dict) -> str | None:
    if vocab.TECHNIQUE_PATTERN.match(ref):
        return vocab.TECHNIQUE if ref in techniques else None
    loc = entities.get(ref)
    if loc is None:
        return None
    return (loc.record.type or "") if loc.partial else loc.record.type


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
