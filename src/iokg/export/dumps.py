"""The dumps of a build: the whole graph as TriG, N-Quads and JSON-LD, each also gzipped, and
as a STIX 2.1 bundle (`iokg.export.stix`) and every assertion as a CSV row
(`iokg.export.claims_csv`), written by `iokg build` into the build's own folder, ``<build>/dumps/``, with a manifest.

Being inside the build, the dumps are exactly the quads of the store they sit in: a new build
brings new dumps with it, an old build's dumps go when it is pruned, and a server reads the
dumps of the store it serves. ``manifest.json`` says which build they are (its id is the build
folder's name), when it was made, how many triples each graph holds, and the size and SHA-256 of
every file. The files are written aside and renamed into place; the gzip files carry no time
stamp, so the same graph gives the same bytes.

>>> import tempfile, pathlib, datetime as dt, pyoxigraph as ox
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "dumps"
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"),
...                   ox.NamedNode("http://e/g")))
>>> m = write_dumps(store, folder, build="b1", built=dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc))
>>> [f.name for f in m.files]
['iokg.trig', 'iokg.trig.gz', 'iokg.nq', 'iokg.nq.gz', 'iokg.jsonld', 'iokg.jsonld.gz', 'iokg.stix.json', 'claims.csv']
>>> read_manifest(folder).graphs, m.triples
({'http://e/g': 1}, 1)
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from iokg import vocab
from iokg.errors import DumpsNotFound, IokgError

#: The folder of a build holding its dumps.
DUMPS_DIR = "dumps"
MANIFEST = "manifest.json"
#: The graph name a quad of the default graph is counted under in the manifest.
DEFAULT_GRAPH = ""


@dataclass(frozen=True)
class DumpFormat:
    """One serialization of the whole graph."""

    name: str  # file name, e.g. iokg.trig
    label: str  # e.g. TriG
    media_type: str
    format_iri: str  # in the W3C formats registry
    rdf_format: ox.RdfFormat


FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("iokg.trig", "TriG", "application/trig", "http://www.w3.org/ns/formats/TriG",
               ox.RdfFormat.TRIG),
    DumpFormat("iokg.nq", "N-Quads", "application/n-quads", "http://www.w3.org/ns/formats/N-Quads",
               ox.RdfFormat.N_QUADS),
    DumpFormat("iokg.jsonld", "JSON-LD", "application/ld+json",
               "http://www.w3.org/ns/formats/JSON-LD", ox.RdfFormat.JSON_LD),
)
GZIP = "application/gzip"
NQUADS = "iokg.nq"


@dataclass(frozen=True)
class ExportFormat:
    """A file of the dumps that is not an RDF serialization (the STIX bundle, claims.csv), made from the
    store by ``write(store, path)``; not gzipped."""

    name: str
    label: str
    media_type: str
    format_iri: str  # the specification of the format
    write: object


def _export_formats() -> tuple[ExportFormat, ...]:
    from iokg.export import claims_csv, stix
    return (
        ExportFormat(stix.FILE_NAME, "STIX 2.1", stix.MEDIA_TYPE,
                     "https://docs.oasis-open.org/cti/stix/v2.1/os/stix-v2.1-os.html", stix.write_bundle),
        ExportFormat(claims_csv.FILE_NAME, "CSV", claims_csv.MEDIA_TYPE,
                     "https://www.rfc-editor.org/rfc/rfc4180", claims_csv.write_claims_csv),
    )


def media_type_of(label: str) -> str:
    """The media type of the format called ``label`` (TriG, STIX 2.1, ...)."""
    for fmt in (*FORMATS, *_export_formats()):
        if fmt.label == label:
            return fmt.media_type
    raise KeyError(label)


@dataclass(frozen=True)
class DumpFile:
    """A file of the dumps: ``format`` is the label of its serialization; ``compressed`` says
    whether it is that serialization gzipped (``media_type`` is then application/gzip)."""

    name: str
    format: str
    media_type: str
    format_iri: str
    compressed: bool
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a build's dumps are: ``build`` (the build id), ``built`` (UTC), the number of
    ``triples`` in all, per graph name (``graphs``), and the ``files``."""

    build: str
    built: dt.datetime
    triples: int
    graphs: dict[str, int]
    files: tuple[DumpFile, ...]
    #: graph name → what a graph says of itself, inside itself (``title``, ``license``, ``source``,
    #: ``rights``): a dataset release's graph carries its own licence (`iokg.releases.rdf`)
    described: dict[str, dict[str, str]] = field(default_factory=dict)

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)


def write_nquads(quads: list[ox.Quad] | str, folder: Path) -> Path:
    """Write the N-Quads dump of ``quads`` (pyoxigraph quads, or N-Quads text already) into
    ``folder`` (what `iokg build` then bulk-loads)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NQUADS
    if isinstance(quads, str):
        _atomically(path, lambda tmp: tmp.write_text(quads, encoding="utf-8"))
    else:
        _atomically(path, lambda tmp: ox.serialize(quads, str(tmp), format=ox.RdfFormat.N_QUADS))
    return path


def write_dumps(store: ox.Store | None, folder: Path, *, build: str, built: dt.datetime,
                quads: list[ox.Quad] | None = None, written: tuple[str, ...] = ()) -> Manifest:
    """Write every dump of ``store`` and the manifest into ``folder``.

    ``quads``, when given, are the store's quads, each once, in the order the dumps list them
    (`iokg build` passes the graph it loaded, sorted): the dumps are then serialized from them,
    much faster than reading the store back, and the STIX bundle and claims.csv share one index.
    The gzip files are compressed on threads of their own (zlib works outside the GIL) while the
    next files are written. ``written`` names plain files already in ``folder`` (`write_nquads`).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    source = store if quads is None else quads
    graphs = Counter(
        DEFAULT_GRAPH if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        for q in source
    )
    files: list[DumpFile] = []
    packing = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for fmt in FORMATS:
            plain = folder / fmt.name
            if fmt.name not in written:
                _atomically(plain, lambda tmp, fmt=fmt: ox.serialize(
                    source, str(tmp), format=fmt.rdf_format, prefixes=_prefixes(fmt)))
            packed = folder / (fmt.name + ".gz")
            packing.append(pool.submit(_atomically, packed, lambda tmp, plain=plain: _gzip(plain, tmp)))
        index = source
        if quads is not None:
            from iokg.export.index import StoreIndex
            index = StoreIndex(quads)
        extra = []
        for ext in _export_formats():
            path = folder / ext.name
            _atomically(path, lambda tmp, ext=ext: ext.write(index, tmp))
            extra.append(path)
        for done in packing:
            done.result()
    for fmt in FORMATS:
        for path, compressed in ((folder / fmt.name, False), (folder / (fmt.name + ".gz"), True)):
            files.append(DumpFile(path.name, fmt.label, GZIP if compressed else fmt.media_type,
                                  fmt.format_iri, compressed, path.stat().st_size, _sha256(path)))
    for ext, path in zip(_export_formats(), extra):
        files.append(DumpFile(path.name, ext.label, ext.media_type, ext.format_iri, False,
                              path.stat().st_size, _sha256(path)))
    manifest = Manifest(build, built.astimezone(dt.timezone.utc).replace(microsecond=0),
                        sum(graphs.values()), dict(sorted(graphs.items())), tuple(files), _described(source))
    data = asdict(manifest)
    data["built"] = manifest.built.isoformat().replace("+00:00", "Z")
    _atomically(folder / MANIFEST,
                lambda tmp: tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8"))
    return manifest


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the dumps in ``folder``; `DumpsNotFound` if there is none."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DumpsNotFound(
            "this store has no dumps: it was not made by `iokg build` (which writes them)"
        ) from None
    return Manifest(
        data["build"],
        dt.datetime.fromisoformat(data["built"].replace("Z", "+00:00")),
        data["triples"],
        data["graphs"],
        tuple(DumpFile(**f) for f in data["files"]),
        data.get("described", {}),
    )


_SELF = {"title": "http://purl.org/dc/terms/title", "license": "http://purl.org/dc/terms/license",
         "source": "http://purl.org/dc/terms/source", "rights": "http://purl.org/dc/terms/rights"}


def _described(source: ox.Store | list[ox.Quad]) -> dict[str, dict[str, str]]:
    """What each named graph says of itself, inside itself (``<g> dcterms:license … `` in graph ``g``),
    from a store or from the quads in hand."""
    keys = {predicate: key for key, predicate in _SELF.items()}
    out: dict[str, dict[str, str]] = {}
    for q in source:
        key = keys.get(q.predicate.value)
        if key and isinstance(q.graph_name, ox.NamedNode) and q.subject == q.graph_name:
            out.setdefault(q.graph_name.value, {})[key] = q.object.value
    return dict(sorted(out.items()))


def dumps_folder(build_dir: Path) -> Path:
    """Where the dumps of a build live."""
    return Path(build_dir) / DUMPS_DIR


def _prefixes(fmt: DumpFormat) -> dict[str, str] | None:
    # N-Quads has no prefixes; TriG and JSON-LD read better with the project's
    return None if fmt.rdf_format == ox.RdfFormat.N_QUADS else vocab.PREFIXES


#: zlib's level 3: on the dumps' repetitive text about twice as fast as level 6 (gzip's own
#: default; at scale 40, 0.22 s against 0.45 s for the three files), the files 30-50 % larger
GZIP_LEVEL = 3


def _gzip(source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _atomically(path: Path, write) -> None:
    """Call ``write(tmp)`` for a file beside ``path``, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


#: How much lower the dumps process's priority is than the build's: the dumps have time to spare
#: (they start first and the build waits for the materialized rows longer), so on a busy machine
#: the cores go to the work the build waits on before them.
DUMPS_NICENESS = 5


class DumpsJob:
    """The dumps of a build being written by a process of its own (`iokg.forked`), while the build
    loads its store and checks the shapes. ``quads``: the quads in hand (the child shares them
    without copying), the N-Quads dump they were written to (the child reads it, in its order), or
    the N-Quads text itself, bytes (the child writes it as the N-Quads dump first, then reads it).
    `cancel` stops it (a build with problems)."""

    def __init__(self, quads: list[ox.Quad] | Path | bytes, folder: Path, *, build: str, built: dt.datetime,
                 written: tuple[str, ...] = ()):
        from iokg.forked import ForkedJob

        folder = Path(folder)

        def work() -> Manifest:
            nonlocal written
            os.nice(DUMPS_NICENESS)
            if isinstance(quads, bytes):
                folder.mkdir(parents=True, exist_ok=True)
                _atomically(folder / NQUADS, lambda tmp: tmp.write_bytes(quads))
                written = (*written, NQUADS)
                held = list(ox.parse(input=quads, format=ox.RdfFormat.N_QUADS))
            elif isinstance(quads, list):
                held = quads
            else:
                held = list(ox.parse(path=str(quads), format=ox.RdfFormat.N_QUADS))
            return write_dumps(None, folder, build=build, built=built, quads=held, written=written)
        self.job = ForkedJob(work, "writing the dumps")

    def wait(self) -> Manifest:
        """The manifest, once every file is written; the `OSError` of a full disk as itself, any
        other failure as `IokgError`."""
        try:
            return self.job.wait()
        except (OSError, IokgError):
            raise
        except Exception as e:
            raise IokgError(f"writing the dumps failed: {type(e).__name__}: {e}") from e

    def cancel(self) -> None:
        self.job.cancel()
