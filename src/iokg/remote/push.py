"""`push`: a successful build's N-Quads dump into the remote store, published by one pointer.

1. The build and its graphs are recorded in the control graph (not yet served), so even a push
   killed midway can be found and cleaned up later.
2. Each graph of the dump is loaded into its tagged graph (``<graph>@<build>``): one Graph
   Store Protocol ``PUT`` per graph when the store has one (``IOKG_REMOTE_GSP_URL``), else
   ``INSERT DATA`` updates of `CHUNK_TRIPLES` triples. Everything the build materialized
   (graph/derived, graph/supported, the ontology and DISARM graphs) is in the dump, and the
   build's ``materialized.sqlite`` (the rows lookups read by id) goes with it as one more graph,
   ``urn:iokg:materialized`` (`iokg.remote.materialized`), so pages stay one or two reads on the
   store too.
3. The triples of every tagged graph are counted on the store and compared with the dump.
4. One SPARQL Update switches the pointer (``queries/remote/switch-build.rq``): readers see the
   previous build or this one, never a mix, never a part.
5. Builds other than this one and the one it replaced are dropped (their graphs emptied, their
   control triples removed), including what earlier killed pushes left.

A push that fails or is killed before step 4 leaves the previous build served. Pushes are meant
to run one at a time (one build machine, whose `iokg build` takes a lock).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from iokg.errors import IokgError
from iokg.materialized import FILENAME as MATERIALIZED_FILE
from iokg.remote.client import RemoteClient
from iokg.remote.materialized import MATERIALIZED_GRAPH, materialized_triples
from iokg.remote.rewrite import bind_table, bind_values, tagged
from iokg.remote.store import DEFAULT_GRAPH, RemoteStore, build_iri, control_query

log = logging.getLogger(__name__)

#: Triples per INSERT DATA request when the store has no Graph Store Protocol URL.
CHUNK_TRIPLES = 2000


@dataclass
class PushReport:
    build: str
    graphs: dict[str, int] = field(default_factory=dict)
    replaced: str | None = None
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        triples = sum(self.graphs.values())
        return (f"build {self.build}: {triples} triples in {len(self.graphs)} graphs in {self.seconds:.1f} s"
                + (f"; replaced {self.replaced}" if self.replaced else "")
                + (f"; dropped {len(self.dropped)} old build(s)" if self.dropped else ""))


def read_dump(nquads: Path) -> dict[str, list[ox.Triple]]:
    """The dump's triples by usual graph name (default-graph triples under `DEFAULT_GRAPH`)."""
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        name = DEFAULT_GRAPH if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs[name].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return dict(graphs)


def push(client: RemoteClient, nquads: Path, build_id: str, materialized: Path | None = None) -> PushReport:
    """Load ``nquads`` (a build's ``dumps/iokg.nq``) as build ``build_id`` and serve it, with the
    build's materialized rows (``materialized``, by default the build's ``materialized.sqlite``
    beside ``dumps/``, when it has one)."""
    started = time.monotonic()
    if not client.endpoints.update:
        raise IokgError("pushing needs the store's update URL (IOKG_REMOTE_UPDATE_URL)")
    graphs = read_dump(Path(nquads))
    if not graphs:
        raise IokgError(f"{nquads} holds no triples; nothing to push")
    if materialized is None:
        beside = Path(nquads).resolve().parent.parent / MATERIALIZED_FILE
        materialized = beside if beside.is_file() else None
    if materialized is not None:
        graphs[MATERIALIZED_GRAPH] = materialized_triples(materialized)
    report = PushReport(build=build_id)
    build = ox.NamedNode(build_iri(build_id))
    rows = [[build, ox.Literal(build_id), ox.NamedNode(g)] for g in sorted(graphs)]
    client.update(bind_table(control_query("register-build"), ["build", "id", "graph"], rows))
    for name, triples in sorted(graphs.items()):
        _load(client, tagged(name, build_id), triples)
        report.graphs[name] = len(triples)
    _verify(client, build_id, report.graphs)
    store = RemoteStore(client)
    try:
        report.replaced = store.read_current().id
    except IokgError:
        report.replaced = None
    if report.replaced is None:
        client.update(bind_values(control_query("serve-first-build"), {ox.Variable("build"): build}))
    else:
        old = ox.NamedNode(build_iri(report.replaced))
        client.update(bind_values(control_query("switch-build"), {ox.Variable("old"): old, ox.Variable("build"): build}))
    served = store.read_current().id
    if served != build_id:
        raise IokgError(f"the store serves build {served}, not {build_id}: another push switched the pointer "
                        "meanwhile; run one push at a time")
    log.info("the remote store serves build %s", build_id)
    report.dropped = drop_builds(client, keep={build_id, report.replaced})
    report.seconds = time.monotonic() - started
    return report


def _load(client: RemoteClient, graph: str, triples: list[ox.Triple]) -> None:
    if client.endpoints.gsp:
        # N-Triples is Turtle: every store's GSP takes text/turtle
        client.put_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), "text/turtle")
        return
    client.update(bind_values(control_query("drop-graph"), {ox.Variable("graph"): ox.NamedNode(graph)}))
    for start in range(0, len(triples), CHUNK_TRIPLES):
        chunk = ox.serialize(triples[start:start + CHUNK_TRIPLES], format=ox.RdfFormat.N_TRIPLES).decode()
        client.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{chunk}}} }}")


def _verify(client: RemoteClient, build_id: str, expected: dict[str, int]) -> None:
    names = {tagged(g, build_id): g for g in expected}
    text = bind_table(control_query("count-graphs"), ["graph"], [[ox.NamedNode(t)] for t in sorted(names)])
    counts = {names[r["graph"].value]: int(r["triples"].value)
              for r in RemoteStore(client)._run_select(text, [], [])}
    wrong = {g: (counts.get(g, 0), n) for g, n in expected.items() if counts.get(g, 0) != n}
    if wrong:
        detail = ", ".join(f"{g}: {got} of {n}" for g, (got, n) in sorted(wrong.items()))
        raise IokgError(f"the store holds fewer triples than the build pushed ({detail}); nothing was switched")


def drop_builds(client: RemoteClient, keep: set[str | None]) -> list[str]:
    """Drop every build of the store not in ``keep`` (nor current); return their ids."""
    rows = RemoteStore(client)._run_select(control_query("builds"), [], [])
    builds: dict[str, set[str]] = defaultdict(set)
    current = set()
    for r in rows:
        builds[r["id"].value].update([r["graph"].value] if "graph" in r else [])
        if "current" in r:
            current.add(r["id"].value)
    dropped = []
    for build_id, graphs in sorted(builds.items()):
        if build_id in keep or build_id in current:
            continue
        for g in sorted(graphs):
            name = ox.NamedNode(tagged(g, build_id))
            client.update(bind_values(control_query("drop-graph"), {ox.Variable("graph"): name}))
        client.update(bind_values(control_query("forget-build"),
                                  {ox.Variable("build"): ox.NamedNode(build_iri(build_id))}))
        dropped.append(build_id)
    return dropped
