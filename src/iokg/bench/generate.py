"""A synthetic data folder of the same shape as the curated one, deterministic from a seed.

One unit of ``scale`` is a small world of its own: 4 campaigns with 12 clusters, 10 state
entities in a hierarchy, 20 persons, 3 platforms, 12 narratives, 3 countries (64 entities);
20 primary reports, 2 official statements, 14 news articles (some relaying other news) and 4
encyclopedia articles (40 sources); about 200 claims and 400 assertions. Units share nothing
but the platforms, so ``scale`` multiplies every count by about the same factor.

Primary reports state claims in their own voice (mostly supporting, some disputing or
inconclusive, in their own confidence words); statements deny attributions; news relays a part
of what its parent says (``said_by`` the parent's party, ``via`` the parent and what it relayed),
sometimes with reporting of its own; encyclopedia articles derive from several sources and relay
from each the party it reports. Publishers are party entities. So the independence count has
origins to find and relays to collapse.

>>> import tempfile, pathlib
>>> g = generate(pathlib.Path(tempfile.mkdtemp()) / "data", scale=0.5, seed=3)
>>> sorted(g.counts)
['assertions', 'claims', 'entities', 'sources']
>>> g.counts["assertions"] > g.counts["claims"] > g.counts["entities"] > g.counts["sources"] > 0
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from iokg import vocab
from iokg.techniques import load_techniques

#: Scale of `python -m iokg.bench` when none is given (about 15,000 assertions; builds in about a minute on 2 cores).
DEFAULT_SCALE = 40

PRIMARY_KINDS = [("research-report", 9), ("platform-report", 6), ("government-report", 3), ("court-filing", 2)]
EVIDENCE_BY_KIND = {
    "research-report": ["behavioural-pattern", "technical-signal", "content-overlap", "organizational-link",
                        "open-source"],
    "platform-report": ["platform-data", "technical-signal", "behavioural-pattern"],
    "government-report": ["official-disclosure", "organizational-link", "technical-signal"],
    "court-filing": ["official-disclosure", "organizational-link"],
}
#: (the source's words, the ICD 203 word they map to or None)
CONFIDENCE = [("very likely", "very likely"), ("likely", "likely"), ("almost certainly", "almost certainly"),
              ("probably", "probably"), ("high confidence", None), ("moderate confidence", None),
              ("limited confidence", None), ("we assess with low confidence", None), (None, None)]
QUALIFIERS = ["nearly", "about", "at least", "more than", None]


@dataclass
class Generated:
    """What `generate` wrote: counts as `iokg.build` reports them, and ids to bind in queries."""

    data_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    entities: dict[str, list[str]] = field(default_factory=dict)  # type -> ids
    sources: dict[str, list[str]] = field(default_factory=dict)  # kind -> ids
    claims: list[str] = field(default_factory=list)
    relayed_claims: list[str] = field(default_factory=list)  # claims some derived source states too
    derivations: int = 0  # derived_from links
    files: int = 0


@dataclass
class _Claim:
    subject: str
    predicate: str
    object: str | None = None
    value: int | str | None = None
    qualifier: str | None = None

    @property
    def id(self) -> str:
        return vocab.claim_id(self.subject, self.predicate, obj=self.object,
                              value=None if self.value is None else str(self.value), qualifier=self.qualifier)


@dataclass
class _Source:
    id: str
    kind: str
    title: str
    publisher: str
    date: str
    derived_from: list[str] = field(default_factory=list)
    assertions: list[dict] = field(default_factory=list)
    claim_ids: set[str] = field(default_factory=set)

    def assert_(self, claim: _Claim, **fields) -> bool:
        """Add an assertion unless this source already makes the claim."""
        if claim.id in self.claim_ids:
            return False
        self.claim_ids.add(claim.id)
        a = {"subject": claim.subject, "predicate": claim.predicate}
        if claim.object is not None:
            a["object"] = claim.object
        else:
            a["value"] = claim.value
            if claim.qualifier:
                a["qualifier"] = claim.qualifier
        a.update({k: v for k, v in fields.items() if v is not None and v is not False})
        self.assertions.append(a)
        return True


def _date(rng: random.Random, lo_year: int = 2018, hi_year: int = 2024) -> str:
    y, m, d = rng.randint(lo_year, hi_year), rng.randint(1, 12), rng.randint(1, 28)
    return f"{y:04d}-{m:02d}-{d:02d}" if rng.random() < 0.85 else f"{y:04d}-{m:02d}"


def _later(rng: random.Random, date: str) -> str:
    """A full date 1 to 90 days after the last day ``date`` can stand for."""
    y, m = int(date[:4]), int(date[5:7])
    last = dt.date(y, m, int(date[8:10])) if len(date) == 10 else dt.date(y, m, calendar.monthrange(y, m)[1])
    return (last + dt.timedelta(days=rng.randint(1, 90))).isoformat()


def generate(out_dir: Path, scale: float = DEFAULT_SCALE, seed: int = 1) -> Generated:
    """Write a synthetic data folder to ``out_dir`` (replacing it) and say what it holds."""
    rng = random.Random(seed)
    units = max(1, round(scale * 4))  # quarter units, so small scales stay valid worlds
    techniques = sorted(t for t in load_techniques() if vocab.TECHNIQUE_PATTERN.match(t))
    entities: list[dict] = []
    by_type: dict[str, list[str]] = defaultdict(list)

    def entity(etype: str, eid: str, label: str, **extra) -> str:
        entities.append({"id": eid, "type": etype, "label": label, **extra})
        by_type[etype].append(eid)
        return eid

    claims: list[_Claim] = []
    sources: list[_Source] = []
    parties: dict[str, dict] = {}

    def party(etype: str, pid: str, name: str) -> str:
        """A publisher: a party entity, made the first time it publishes."""
        if pid not in parties:
            parties[pid] = {"id": pid, "type": etype, "label": f"{name} {pid.rsplit('-', 1)[-1]}"}
        return pid
    per_quarter = {"campaign": 1, "cluster": 3, "state-entity": 2.5, "person": 5, "narrative": 3,
                   "country": 0.75, "primary": 5, "statement": 0.5, "news": 3.5, "wiki": 1}
    platforms = [entity("platform", f"platform-{i:02d}", f"Platform {i}") for i in range(max(3, min(12, units)))]

    def n(kind: str, unit: int) -> int:
        """How many of ``kind`` quarter-unit ``unit`` gets (fractions spread evenly)."""
        rate = per_quarter[kind]
        return int((unit + 1) * rate) - int(unit * rate)

    counter: dict[str, int] = defaultdict(int)

    def next_id(prefix: str) -> str:
        counter[prefix] += 1
        return f"{prefix}-{counter[prefix]:05d}"

    world_claims: list[list[_Claim]] = []
    for unit in range(units):
        wc: list[_Claim] = []
        states = []
        for _ in range(max(1, n("state-entity", unit))):
            sid = entity("state-entity", next_id("state"), f"State Office {counter['state']}")
            if states:
                wc.append(_Claim(sid, "subOrganizationOf", rng.choice(states)))
            states.append(sid)
        persons = []
        for _ in range(n("person", unit)):
            pid = entity("person", next_id("person"), f"Person {counter['person']}")
            wc.append(_Claim(pid, "memberOf", rng.choice(states)))
            persons.append(pid)
        countries = [entity("country", next_id("country"), f"Country {counter['country']}")
                     for _ in range(n("country", unit))] or [by_type["country"][-1] if by_type["country"]
                                                              else entity("country", next_id("country"), "Country")]
        narratives = [entity("narrative", next_id("narrative"), f"Narrative {counter['narrative']}")
                      for _ in range(n("narrative", unit))]
        for _ in range(max(1, n("campaign", unit))):
            cid = entity("campaign", next_id("campaign"), f"Campaign {counter['campaign']}")
            ops = [cid]
            for _ in range(3):
                ops.append(entity("cluster", next_id("cluster"), f"Cluster {counter['cluster']}"))
                wc.append(_Claim(ops[-1], "partOf", cid))
            if rng.random() < 0.5:
                wc.append(_Claim(ops[1], "overlapsWith", ops[2]))
            wc.append(_Claim(cid, "activeSince", value=_date(rng, 2015, 2020)[:7]))
            for _ in range(2):  # two sources' counts: conflicting figures are two claims
                wc.append(_Claim(cid, "accountCount", value=rng.randrange(100, 20000, 50),
                                 qualifier=rng.choice(QUALIFIERS)))
            for op in ops:
                for actor in rng.sample(states, min(len(states), 2 if op == cid else 1)):
                    wc.append(_Claim(op, "attributedTo", actor))
                for p in rng.sample(platforms, 2):
                    wc.append(_Claim(op, "operatesOn", p))
                for narrative in rng.sample(narratives, min(len(narratives), 2)):
                    wc.append(_Claim(op, "pushesNarrative", narrative))
                wc.append(_Claim(op, "targets", rng.choice(countries)))
                for t in rng.sample(techniques, 2):
                    wc.append(_Claim(op, "usesTechnique", t))
            for person in rng.sample(persons, min(len(persons), 2)):
                wc.append(_Claim(cid, "amplifiedBy", person))
        world_claims.append(wc)
        claims += wc

    # sources, world by world: primaries state claims; statements deny; news and encyclopedia relay
    for unit, wc in enumerate(world_claims):
        primaries: list[_Source] = []
        kinds = [k for k, w in PRIMARY_KINDS for _ in range(w)]
        for _ in range(max(2, n("primary", unit))):
            kind = rng.choice(kinds)
            sid = next_id("report")
            primaries.append(_Source(sid, kind, f"{vocab.SOURCE_KINDS[kind].label.title()} {sid}",
                                     party("organization", f"publisher-{rng.randrange(1, 40):02d}", "Publisher"),
                                     _date(rng)))

        def primary_assertion(src: _Source, claim: _Claim, stance: str = "supports") -> bool:
            words, likelihood = rng.choice(CONFIDENCE)
            evidence = rng.sample(EVIDENCE_BY_KIND[src.kind], rng.randint(1, 2))
            return src.assert_(claim, stance=stance, confidence=words, likelihood=likelihood, evidence=evidence,
                               excerpt=f"{words}: {claim.subject} {claim.predicate} {claim.object or claim.value}"
                               if rng.random() < 0.4 else None,
                               locator=f"p. {rng.randint(1, 40)}")

        for claim in wc:
            primary_assertion(rng.choice(primaries), claim)
            r = rng.random()
            if r < 0.35:  # corroborated by an independent primary (or contested by one)
                stance = "supports" if r < 0.28 else ("disputes" if r < 0.32 else "inconclusive")
                primary_assertion(rng.choice(primaries), claim, stance)
        for _ in range(n("statement", unit)):
            st = _Source(next_id("statement"), "official-statement", f"Spokesperson's reply {counter['statement']}",
                         party("state-entity", f"ministry-{rng.randrange(1, 10):02d}", "Ministry"),
                         _date(rng, 2020, 2024))
            attributions = [c for c in wc if c.predicate == "attributedTo"]
            for claim in rng.sample(attributions, min(len(attributions), 5)):
                st.assert_(claim, stance="denies", excerpt="baseless accusations")
            primaries.append(st)
        reporters = [p for p in primaries if p.kind != "official-statement"]
        relays: list[_Source] = []
        for _ in range(n("news", unit)):
            # a third of the news relays earlier news: chains of derivation
            parent = rng.choice(relays) if relays and rng.random() < 0.33 else rng.choice(reporters)
            news = _Source(next_id("news"), "news-article", f"News story {counter['news']}",
                           party("organization", f"outlet-{rng.randrange(1, 30):02d}", "Outlet"),
                           _later(rng, parent.date), derived_from=[parent.id])
            relayable = [a for a in parent.assertions if a["stance"] != "denies"]
            for a in rng.sample(relayable, min(len(relayable), rng.randint(3, 8))):
                news.assert_(_claim_of(a), stance=a["stance"], **_relay(a, parent))
            if rng.random() < 0.3:  # some reporting of its own
                news.assert_(rng.choice(wc), stance="supports", evidence=["open-source"],
                             confidence="according to people familiar with the matter")
            relays.append(news)
        for _ in range(n("wiki", unit)):
            pool = [s for s in primaries + relays if s.kind != "official-statement" and s.assertions]
            parents = rng.sample(pool, min(len(pool), rng.randint(3, 5)))
            wiki = _Source(next_id("wiki"), "encyclopedia", f"Encyclopedia article {counter['wiki']}",
                           party("organization", "encyclopedia", "Encyclopedia"),
                           _later(rng, max(p.date for p in parents)), derived_from=[p.id for p in parents])
            for p in parents:
                for a in rng.sample(p.assertions, min(len(p.assertions), 2)):
                    wiki.assert_(_claim_of(a), stance=a["stance"], **_relay(a, p),
                                 locator=f"reference {parents.index(p) + 1}")
            relays.append(wiki)
        sources += primaries + relays

    # every entity names a source that exists: the first that states a claim about it
    first_source: dict[str, str] = {}
    for s in sources:
        for a in s.assertions:
            for ref in (a["subject"], a.get("object")):
                if ref is not None:
                    first_source.setdefault(ref, s.id)
    for s in sources:
        first_source.setdefault(s.publisher, s.id)
    for p in parties.values():
        entity(p["type"], p["id"], p["label"])
    for e in entities:
        e["sources"] = [first_source.get(e["id"], sources[0].id)]
        if e["type"] == "campaign" and rng.random() < 0.6:
            e["aliases"] = [{"name": f"{e['label']} alias {k}", "sources": e["sources"]}
                            for k in range(rng.randint(1, 2))]
        e["description"] = f"Synthetic {e['type'].replace('-', ' ')} for the benchmark."

    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "entities").mkdir(parents=True)
    (out_dir / "sources").mkdir()
    for etype, ids in by_type.items():
        _write(out_dir / "entities" / f"{etype}.yaml", {"entities": [e for e in entities if e["type"] == etype]})
    for s in sources:
        src = {"id": s.id, "kind": s.kind, "title": s.title, "publisher": s.publisher, "date": s.date}
        if s.derived_from:
            src["derived_from"] = s.derived_from
        _write(out_dir / "sources" / f"{s.id}.yaml", {"source": src, "assertions": s.assertions})

    used_claims = list(dict.fromkeys(_claim_of(a).id for s in sources for a in s.assertions))
    relayed = list(dict.fromkeys(_claim_of(a).id for s in sources if s.derived_from for a in s.assertions))
    kinds: dict[str, list[str]] = defaultdict(list)
    for s in sources:
        kinds[s.kind].append(s.id)
    return Generated(
        data_dir=out_dir,
        counts={"entities": len(entities), "sources": len(sources), "claims": len(used_claims),
                "assertions": sum(len(s.assertions) for s in sources)},
        entities=dict(by_type), sources=dict(kinds), claims=used_claims, relayed_claims=relayed,
        derivations=sum(len(s.derived_from) for s in sources), files=len(by_type) + len(sources))


def _relay(a: dict, parent: _Source) -> dict:
    """The fields of an assertion that relays ``a``, read in ``parent``: the same party, carried by
    what carried it and then by ``parent``; the confidence words become the relay's paraphrase."""
    words = a.get("confidence")
    if isinstance(words, dict):
        words = words["words"]
    return {"said_by": a.get("said_by", parent.publisher), "via": [*a.get("via", []), parent.id],
            "confidence": {"words": words, "whose": "carrier"} if words else None}


def _claim_of(a: dict) -> _Claim:
    return _Claim(a["subject"], a["predicate"], a.get("object"), a.get("value"), a.get("qualifier"))


def _write(path: Path, doc: dict) -> None:
    """YAML in block style with JSON-quoted scalars (JSON strings are valid YAML)."""
    lines: list[str] = ["# Synthetic benchmark data (iokg.bench.generate)."]
    _emit(doc, 0, lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)


def _emit(node, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key, value in node.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _emit(value, indent + 2, lines)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{pad}{key}:")
            for item in value:
                first = True
                for k, v in item.items():
                    lead = f"{pad}  - " if first else f"{pad}    "
                    first = False
                    if isinstance(v, list) and v and isinstance(v[0], dict):
                        lines.append(f"{lead}{k}:")
                        for sub in v:
                            inner = [f"{kk}: {_flow(vv)}" for kk, vv in sub.items()]
                            lines.append(f"{pad}      - " + f"\n{pad}        ".join(inner))
                    else:
                        lines.append(f"{lead}{k}: {_flow(v)}")
        else:
            lines.append(f"{pad}{key}: {_flow(value)}")


def _flow(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_scalar(x)}" for k, x in v.items()) + "}"
    return _scalar(v)
