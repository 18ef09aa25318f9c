"""`iokg validate` and `iokg build`: every check over the curated YAML, then an atomic store swap.

The order is fixed: read and shape-check each file (pydantic), check and read the files of each
dataset release (`iokg.releases`), check references across files, convert to RDF, run the SHACL
shapes. Problems from every stage that could run are reported
together. Only a clean run loads a new store, in a directory of its own, writes its search index
there (`iokg.search.index`), and only a loaded and flushed store with its index is published
(`iokg.store.publish`), so the served graph never changes on failure. The build's dumps (TriG,
N-Quads, JSON-LD, gzipped too; `iokg.export.dumps`) are written into its own folder before it is
marked complete, so a published build always has them.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from iokg import store as stores
from iokg import vocab
from iokg.errors import IngestError, IokgError
from iokg.export import dumps
from iokg.ingest.checks import check_corpus
from iokg.ingest.rdf import Converted, convert, ontology_quads, technique_quads
from iokg.ingest.reading import read_folder
from iokg.ingest.shapes import shacl_problems, to_rdflib
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

    def summary(self) -> str:
        c = self.counts
        parts = [f"{c.get('entities', 0)} entities", f"{c.get('sources', 0)} sources",
                 f"{c.get('claims', 0)} claims", f"{c.get('assertions', 0)} assertions",
                 f"{self.triples} triples"]
        if c.get("indicators"):
            parts.insert(4, f"{c['indicators']} indicators")
        return f"{', '.join(parts)} from {self.files} files in {self.seconds:.2f} s"


def check(data_dir: Path, *, shacl: bool = True) -> tuple[Converted, int]:
    """Run every check over ``data_dir``; raise `IngestError` listing all problems found.

    Returns the converted data graph and the number of files read.
    """
    corpus, problems = read_folder(Path(data_dir))
    read, release_problems = read_releases(corpus, Path(data_dir))
    problems += release_problems
    problems += check_corpus(corpus)
    # The shapes run over whatever could be read, so one run reports every kind of problem;
    # a shape violation at a record already reported is a consequence of that report, not news.
    complete = corpus.complete()
    converted = convert(complete)
    converted.quads += release_quads(read, {x.record.id: x.record for x in complete.sources})
    if indicators := sum(len(r.indicators) for r in read):
        converted.counts["indicators"] = indicators
    if shacl:
        reported = {(p.file, p.line) for p in problems}
        # graph/supported holds direct triples by design: the shapes (no bare link between two
        # entities) are for the data and what is derived from it, not for that view
        shaped = [q for q in converted.quads if q.graph_name.value != vocab.GRAPH_SUPPORTED]
        problems += [p for p in shacl_problems(to_rdflib(shaped), converted.origin)
                     if (p.file, p.line) not in reported]
    if problems:
        raise IngestError(problems)
    return converted, corpus.files


def validate(data_dir: Path) -> BuildReport:
    """All checks, no store written."""
    start = time.perf_counter()
    converted, files = check(data_dir)
    return BuildReport(counts=dict(converted.counts), triples=len(converted.quads),
                       seconds=time.perf_counter() - start, files=files)


def build(data_dir: Path, store_path: Path, export_path: Path | None = None, *,
          shacl: bool = True) -> BuildReport:
    """Check ``data_dir``, load a fresh store beside ``store_path`` and publish it atomically."""
    start = time.perf_counter()
    store_path = Path(store_path)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(store_path):
        converted, files = check(data_dir, shacl=shacl)
        quads = converted.quads + ontology_quads() + technique_quads()
        build_dir = stores.new_build_dir(store_path)
        try:
            store = ox.Store(str(build_dir))
            store.bulk_extend(quads)
            store.flush()
            triples = len(store)
            folder = dumps.dumps_folder(build_dir)
            dumps.write_dumps(store, folder, build=build_dir.name, built=dt.datetime.now(dt.timezone.utc))
            del store
            # The search index goes inside the build, before it is published: a failed build never
            # changes what search finds, and servers pick the index up with the store.
            search_texts = build_index(stores.EmbeddedStore(build_dir), build_dir / SEARCH_INDEX)
            (build_dir / ".complete").write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z") + "\n")
            export = export_path or store_path.with_suffix(".trig")
            _export(folder / "iokg.trig", export)
            stores.publish(store_path, build_dir)
        except OSError as e:  # a full disk, a lost mount: the half-written build goes, the old one stays
            if store_path.exists() and store_path.resolve() == build_dir.resolve():
                raise IokgError(f"the build was published, but old builds could not be removed ({e})") from e
            shutil.rmtree(build_dir, ignore_errors=True)
            raise IokgError(f"the build could not be written ({e}); nothing was published, "
                            f"{store_path} still serves the build before") from e
    return BuildReport(counts=dict(converted.counts), triples=triples,
                       seconds=time.perf_counter() - start, store=store_path, export=export, files=files,
                       search_texts=search_texts)


def is_stale(data_dir: Path, store_path: Path) -> bool:
    """True when there is no store yet, or the data or ontology changed since it was built.

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
