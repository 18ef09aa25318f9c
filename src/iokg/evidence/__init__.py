"""Computed evidence: iokg's own analyses of released data, linked to the claims they bear on.

A curator records in ``data/evidence/*.yaml`` that an analysis of a dataset bears on a claim
(`iokg.evidence.records`); the build computes the result afresh every time
(`iokg.evidence.computing`) and writes a reproducible record into the graph ``graph/evidence``
(`iokg.evidence.rdf`). A record is iokg's computation, never a source's assertion: it is not an
``iokg:Assertion``, the independence tally never sees it, and ``graph/derived`` is the same with
or without it. A record whose dataset is not imported says "not computed: dataset X not
imported" instead of a figure. `iokg.evidence.lookups` reads the records of a claim for its page
and its JSON lookup.

- `evidence_problems`: every mistake in the evidence files (for `iokg validate` and the build);
- `evidence_quads`: the records computed for one build, as quads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from iokg.errors import Problem
from iokg.evidence.computing import (
    DATASET_ANALYSES,
    RELEASE_ANALYSES,
    Outcome,
    analysis_for,
    compute_dataset,
    compute_release,
    not_computed,
    rerun_path,
)
from iokg.evidence.rdf import GRAPH_EVIDENCE, evidence_iri, record_quads
from iokg.evidence.records import EvidenceRecord, LocatedEvidence, evidence_files, read_evidence
from iokg.ingest.reading import Corpus
from iokg.releases import ReadRelease

__all__ = ["DATASET_ANALYSES", "GRAPH_EVIDENCE", "RELEASE_ANALYSES", "EvidenceRecord", "LocatedEvidence", "Outcome",
           "compute_all", "datasets_folder", "evidence_iri", "evidence_problems", "evidence_quads", "read_evidence",
           "rerun_path"]


def evidence_problems(data_dir: Path, corpus: Corpus, releases: list[ReadRelease],
                      reported: list[Problem] = ()) -> list[Problem]:
    """Every problem of the evidence records of ``data_dir``, checked against the curated records
    (``reported``: the problems found so far, whose consequences are not reported again)."""
    return read_evidence(Path(data_dir), corpus, releases, reported)[1]


def datasets_folder(store_path: Path) -> Path:
    """The datasets folder of a store: ``IOKG_DATASETS``, or ``<store>.datasets`` beside it."""
    from iokg.settings import Settings

    return Settings(store=Path(store_path)).datasets_path


def compute_all(data_dir: Path, datasets_root: Path) -> list[tuple[EvidenceRecord, Outcome]]:
    """Each record of ``data_dir`` with its result computed now (after the build's checks passed)."""
    data_dir = Path(data_dir)
    if not evidence_files(data_dir):
        return []
    records, _ = read_evidence(data_dir)
    files = _release_files(data_dir) if any(x.record.release for x in records) else {}
    out = []
    for x in records:
        rec = x.record
        analysis = analysis_for(rec.input_kind, rec.analysis)
        params = analysis.check(rec.parameters)
        if rec.release:
            found = files.get(rec.release)
            outcome = (compute_release(analysis, params, *found) if found
                       else not_computed(f"release {rec.release} has no indicator file in data/"))
        else:
            outcome = compute_dataset(analysis, rec.dataset, params, rec.measure, datasets_root)
        out.append((rec, outcome))
    return out


def evidence_quads(data_dir: Path, datasets_root: Path, build_id: str) -> list[ox.Quad]:
    """The computed-evidence records of ``data_dir`` as quads of ``graph/evidence``, computed now
    for the build ``build_id`` (over the releases in ``data_dir`` and the datasets of ``datasets_root``)."""
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    quads: list[ox.Quad] = []
    for rec, outcome in compute_all(data_dir, datasets_root):
        quads += record_quads(rec, outcome, build_id, at)
    return quads


def _release_files(data_dir: Path) -> dict[str, tuple[Path, str, str]]:
    """Release source id → (its indicator file, the file as shown, the file's SHA-256 now)."""
    from iokg.ingest.reading import read_folder
    from iokg.releases.reading import sha256_of

    corpus, _ = read_folder(data_dir)
    out = {}
    for loc in corpus.sources:
        s = loc.record
        if loc.partial or s.kind != "dataset" or s.release is None:
            continue
        yaml_path = Path(loc.file) if Path(loc.file).is_absolute() else data_dir.parent / loc.file
        for f in s.release.files:
            if f.role == "indicators" and (yaml_path.parent / f.path).is_file():
                path = yaml_path.parent / f.path
                out[s.id] = (path, str(Path(loc.file).parent / f.path), sha256_of(path))
    return out
