"""`iokg validate` and `iokg build`: every check over the curated YAML, then an atomic store swap.

The order is fixed: read and shape-check each file (pydantic), check and read the files of each
dataset release (`iokg.releases`), check references across files, convert to RDF (quads as
N-Triples text, straight from the records, with the ontology and DISARM), load them into a new
store in a directory of its own, run the SHACL shapes (`iokg.ingest.shapes`, compiled to SPARQL)
over the graph loaded in memory first. Problems from every stage that could run are reported
together, and a build with any problem removes its directory. A clean build writes its dumps
(TriG, N-Quads, JSON-LD, gzipped too, STIX, claims.csv; `iokg.export.dumps`, in a forked process,
from the N-Quads dump), its materialized rows (`iokg.materialized`, in another) and its search
index (`iokg.search.index`) into its own folder, and only a loaded and flushed store with its
dumps, rows and index is published (`iokg.store.publish`), so the served graph never changes on
failure. `BuildReport.phases` says how long each phase took, `phases_cpu` its CPU time, and
`background` the work done beside them (`python -m iokg.bench.build`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import os
import shutil
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from iokg import store as stores
from iokg import vocab
from iokg.errors import IngestError, IokgError
from iokg.evidence import datasets_folder, evidence_problems, evidence_quads
from iokg.export import dumps
from iokg.forked import ForkedJob
from iokg.ingest.checks import check_corpus
from iokg.ingest.rdf import Converted, convert, ontology_quads, quad_text, technique_quads
from iokg.ingest.rdf import nquads as nquads_text
from iokg.ingest.reading import read_folder
from iokg.ingest.shapes import store_problems
from iokg.materialized import FILENAME as MATERIALIZED
from iokg.materialized import materialize, write_materialized
from iokg.releases import read_releases, release_quads
from iokg.search.index import FILENAME as SEARCH_INDEX
from iokg.search.index import build_index
from iokg.settings import ONTOLOGY_DIR


@dataclass
class BuildReport:
    """What a build or validation produced."""

    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0
    store: Path | None = None
    export: Path | None = None
    files: int = 0
    search_texts: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase of a build
    phases_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of this process per phase
    #: the work done beside the phases (forked processes, the loading thread): wall and CPU seconds
    background: dict[str, tuple[float, float | None]] = field(default_factory=dict)

    def summary(self) -> str:
        c = self.counts
        parts = [f"{c.get('entities', 0)} entities", f"{c.get('sources', 0)} sources",
                 f"{c.get('claims', 0)} claims", f"{c.get('assertions', 0)} assertions",
                 f"{self.triples} triples"]
        if c.get("indicators"):
            parts.insert(4, f"{c['indicators']} indicators")
        return f"{', '.join(parts)} from {self.files} files in {self.seconds:.2f} s"


#: The graphs the shapes check: the data, what is derived from it, and the ontology (for its
#: classes and concept schemes). graph/supported holds direct triples by design: the shapes (no
#: bare link between two entities) are for the data and what is derived from it, not for that view.
SHAPED_GRAPHS = [ox.NamedNode(vocab.GRAPH_DATA), ox.NamedNode(vocab.GRAPH_DERIVED),
                 ox.NamedNode(vocab.GRAPH_ONTOLOGY)]


class _Phases(dict):
    """Seconds per phase of a build, in the order they ran."""

    def __init__(self):
        super().__init__()
        self.cpu: dict[str, float] = {}  # CPU seconds of this process (all its threads) per phase
        self.mark, self.cpu_mark = time.perf_counter(), time.process_time()

    def done(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self[name] = self.get(name, 0.0) + now - self.mark
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu - self.cpu_mark
        self.mark, self.cpu_mark = now, cpu


@contextmanager
def _cyclic_gc_paused():
    """Python's cycle collector off while a build runs (and in the processes it forks). A build
    holds hundreds of thousands of live objects (records, quad texts, rows) that the collector
    would scan again and again as more are made: about 40 % of reading and converting, a quarter
    of the materialized rows. What a build makes is freed by reference counting; the few cycles
    wait for the first collection after it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read(data_dir: Path, phases: _Phases) -> tuple[Converted, list[tuple[str, str, str, str]], int, list]:
    """Read, check and convert ``data_dir``: the converted data, the whole graph a build loads
    (each quad once, as N-Triples texts, in a fixed order: graph, subject, predicate, object),
    files read, problems."""
    corpus, problems = read_folder(Path(data_dir))
    phases.done("read")
    read, release_problems = read_releases(corpus, Path(data_dir))
    problems += release_problems
    problems += check_corpus(corpus)
    problems += evidence_problems(Path(data_dir), corpus, read, problems)  # data/evidence/*.yaml (iokg.evidence)
    phases.done("check")
    # The shapes run over whatever could be read, so one run reports every kind of problem;
    # a shape violation at a record already reported is a consequence of that report, not news.
    complete = corpus.complete()
    converted = convert(complete)
    converted.lines += map(quad_text, release_quads(read, {x.record.id: x.record for x in complete.sources}))
    if indicators := sum(len(r.indicators) for r in read):
        converted.counts["indicators"] = indicators
    lines = sorted(dict.fromkeys(converted.lines + ontology_quads() + technique_quads()))
    phases.done("convert")
    return converted, lines, corpus.files, problems


def _shape_problems(store: ox.Store, converted: Converted, problems: list, phases: _Phases) -> list:
    reported = {(p.file, p.line) for p in problems}
    found = [p for p in store_problems(store, SHAPED_GRAPHS, converted.origin)
             if (p.file, p.line) not in reported]
    phases.done("shapes")
    return found


class _Queries:
    """An in-memory store behind the ``select`` interface of `iokg.store.EmbeddedStore` (what
    `iokg.search.index.build_index` reads from): union default graph, the predeclared prefixes."""

    def __init__(self, store: ox.Store):
        self.store = store

    def select(self, text: str, substitutions: dict | None = None) -> list[dict]:
        from iokg.sparql.prefixes import PREDECLARED

        results = self.store.query(text, use_default_graph_as_union=True,
                                   substitutions=substitutions or None, prefixes=PREDECLARED)
        names = [v.value for v in results.variables]
        return [{n: t for n, t in zip(names, sol) if t is not None} for sol in results]

    def tsv(self, text: str) -> bytes:
        """The results of ``text`` as SPARQL TSV, serialized by pyoxigraph (`iokg.materialized.writing`)."""
        from iokg.sparql.prefixes import PREDECLARED

        results = self.store.query(text, use_default_graph_as_union=True, prefixes=PREDECLARED)
        return results.serialize(format=ox.QueryResultsFormat.TSV)


def check(data_dir: Path, *, shacl: bool = True) -> tuple[Converted, int]:
    """Run every check over ``data_dir``; raise `IngestError` listing all problems found.

    Returns the converted data graph and the number of files read. The shapes run over an
    in-memory store of the whole graph.
    """
    with _cyclic_gc_paused():
        return _check(data_dir, shacl=shacl)


def _check(data_dir: Path, *, shacl: bool = True) -> tuple[Converted, int]:
    phases = _Phases()
    converted, lines, files, problems = _read(data_dir, phases)
    if shacl:
        store = ox.Store()
        store.bulk_load(input=nquads_text(lines).encode(), format=ox.RdfFormat.N_QUADS)
        phases.done("load in memory")
        problems += _shape_problems(store, converted, problems, phases)
    if problems:
        raise IngestError(problems)
    return converted, files


def validate(data_dir: Path) -> BuildReport:
    """All checks, no store written."""
    start = time.perf_counter()
    converted, files = check(data_dir)
    return BuildReport(counts=dict(converted.counts), triples=len(converted.lines),
                       seconds=time.perf_counter() - start, files=files)


def build(data_dir: Path, store_path: Path, export_path: Path | None = None, *,
          shacl: bool = True) -> BuildReport:
    """Check ``data_dir``, load a fresh store beside ``store_path`` and publish it atomically (`_build`)."""
    with _cyclic_gc_paused():
        return _build(data_dir, store_path, export_path, shacl=shacl)


def _build(data_dir: Path, store_path: Path, export_path: Path | None = None, *,
           shacl: bool = True) -> BuildReport:
    """Check ``data_dir``, load a fresh store beside ``store_path`` and publish it atomically.

    The shapes run over the graph loaded in memory, before the store is written; on any problem
    the new build's directory is removed and `IngestError` lists them all.

    The work is spread over the machine's cores: once the N-Quads text is made, a forked
    process writes it as the N-Quads dump and the other dumps from it
    (`iokg.export.dumps.DumpsJob`), a thread of this process loads the store on disk from it
    (pyoxigraph loads outside the GIL), and this process loads it in memory; then another forked
    process writes the materialized rows from the graph in memory (`iokg.forked`) while this
    process checks the shapes and writes the search index. Nothing is published until
    every one of them is done; a problem or a failure anywhere stops the others and removes the
    build's directory.
    """
    start = time.perf_counter()
    phases = _Phases()
    store_path = Path(store_path)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(store_path):
        converted, lines, files, problems = _read(data_dir, phases)
        if problems and not shacl:
            raise IngestError(problems)
        build_dir = stores.new_build_dir(store_path)
        jobs: list = []  # forked processes writing into the build
        loading = None
        background: dict[str, tuple[float, float | None]] = {}
        try:
            evidence = evidence_quads(Path(data_dir), datasets_folder(store_path), build_dir.name)  # computed afresh
            lines += map(quad_text, evidence)
            folder = dumps.dumps_folder(build_dir)
            # The N-Quads text in hand: both stores are bulk-loaded from it, and a process of their
            # own writes it as the N-Quads dump, then the other dumps from it.
            nquads = nquads_text(lines).encode()
            del lines
            phases.done("N-Quads")
            try:
                if not problems:  # a build already failing writes nothing more
                    writing = dumps.DumpsJob(nquads, folder, build=build_dir.name,
                                             built=dt.datetime.now(dt.timezone.utc))
                    jobs.append(writing)
                    # the store on disk from the start: its load is the longest piece of work, and
                    # runs outside the GIL beside everything else
                    loading = _Loading(build_dir, nquads)
                # The shapes, the search index's query and the materialized rows run over the graph in
                # memory (several times faster to query than a freshly loaded store on disk).
                graph = ox.Store()
                graph.bulk_load(input=nquads, format=ox.RdfFormat.N_QUADS)
                del nquads
                phases.done("load in memory")
                if not problems:
                    # what the pages and lookups read by id, computed once (iokg.materialized)
                    materializing = ForkedJob(partial(_materialize, graph, build_dir / MATERIALIZED),
                                              "writing the materialized rows")
                    jobs.append(materializing)
                    phases.done("start the forked jobs")
                if shacl:
                    problems += _shape_problems(graph, converted, problems, phases)
                if problems:
                    raise IngestError(problems)
                # The search index goes inside the build, before it is published: a failed build never
                # changes what search finds, and servers pick the index up with the store.
                search_texts = build_index(_Queries(graph), build_dir / SEARCH_INDEX)
                phases.done("search index")
                del graph
                triples = loading.wait()
                background["load (a thread)"] = (loading.seconds, None)  # its CPU is this process's
                phases.done("load")
                materializing.wait()
                background["materialized rows (a process)"] = (materializing.seconds, materializing.cpu_seconds)
                phases.done("materialized rows (waiting)")
                writing.wait()
                background["dumps (a process)"] = (writing.job.seconds, writing.job.cpu_seconds)
                phases.done("dumps (waiting)")
                (build_dir / ".complete").write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z") + "\n")
                export = export_path or store_path.with_suffix(".trig")
                _export(folder / "iokg.trig", export)
                stores.publish(store_path, build_dir)
                phases.done("publish")
            except BaseException:
                for job in jobs:
                    job.cancel()
                if loading is not None:
                    loading.join()  # it writes into the build's directory: done before that goes
                if not _published(store_path, build_dir):
                    shutil.rmtree(build_dir, ignore_errors=True)
                raise
        except (OSError, sqlite3.OperationalError) as e:  # a full disk, a lost mount: the half-written build goes
            if _published(store_path, build_dir):
                raise IokgError(f"the build was published, but old builds could not be removed ({e})") from e
            shutil.rmtree(build_dir, ignore_errors=True)
            raise IokgError(f"the build could not be written ({e}); nothing was published, "
                            f"{store_path} still serves the build before") from e
    return BuildReport(counts=dict(converted.counts), triples=triples,
                       seconds=time.perf_counter() - start, store=store_path, export=export, files=files,
                       search_texts=search_texts, phases=dict(phases), phases_cpu=dict(phases.cpu),
                       background=background)


def _materialize(graph: ox.Store, path: Path) -> int:
    """What the pages and lookups read by id (`iokg.materialized.FILINGS`), computed over ``graph``
    and filed into ``path``."""
    return write_materialized(materialize(_Queries(graph)), path)


class _Loading(threading.Thread):
    """The store on disk bulk-loaded from the N-Quads text and flushed, on a thread of its own
    (pyoxigraph releases the GIL while it loads); `wait` gives its triples or raises its error."""

    def __init__(self, build_dir: Path, nquads: bytes):
        super().__init__(name="iokg-build-load", daemon=True)
        self.build_dir, self.nquads = build_dir, nquads
        self.triples, self.error = 0, None
        self.seconds = 0.0
        self.start()

    def run(self) -> None:
        start = time.perf_counter()
        try:
            store = ox.Store(str(self.build_dir))
            store.bulk_load(input=self.nquads, format=ox.RdfFormat.N_QUADS)
            store.flush()
            self.triples = len(store)
            del store
        except BaseException as e:
            self.error = e
        self.seconds = time.perf_counter() - start

    def wait(self) -> int:
        self.join()
        if self.error is not None:
            raise self.error
        return self.triples


def _published(store_path: Path, build_dir: Path) -> bool:
    """Whether the store link already names ``build_dir`` (then it must not be removed)."""
    return store_path.exists() and store_path.resolve() == build_dir.resolve()


def is_stale(data_dir: Path, store_path: Path) -> bool:
    """True when there is no store yet, or the data, the ontology or the imported datasets (which
    computed evidence reads) changed since it was built.

    A plain pyoxigraph directory (not made by `iokg build`) is never stale.
    """
    store_path = Path(store_path)
    if not store_path.exists():
        return True
    marker = store_path.resolve() / ".complete"
    if not marker.exists():
        return False
    built = marker.stat().st_mtime
    inputs = [p for p in Path(data_dir).rglob("*") if p.suffix in (".yaml", ".yml", ".csv")]
    inputs += [ONTOLOGY_DIR / "iokg.ttl", ONTOLOGY_DIR / "shapes.ttl"]
    inputs.append(datasets_folder(store_path) / "datasets.json")  # an import changes computed evidence
    return any(p.stat().st_mtime > built for p in inputs if p.exists())


def _export(trig: Path, path: Path) -> None:
    """Copy the build's TriG dump to ``path``, atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.copyfile(trig, tmp)
    os.replace(tmp, path)


class _build_lock:
    """One build at a time per store path."""

    def __init__(self, store_path: Path):
        self.path = store_path.parent / f".{store_path.name}.lock"

    def __enter__(self):
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise IokgError(f"another `iokg build` is writing {self.path.name[1:-5]}; wait for it to finish") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
