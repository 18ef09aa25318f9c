"""Where imported datasets live on disk, and the one file that says which import is current.

The datasets folder (``IOKG_DATASETS``, default ``<store>.datasets`` beside the graph store)::

    datasets.json                 the registry: dataset id -> its current import folder
    imports/<id>/<stamp>/         one import: users.parquet, tweets.parquet, rejects.parquet,
                                  manifest.json (files and SHA-256s, counts, bad rows)
    .lock                         held by an import while it runs

An import writes a new folder aside, then replaces ``datasets.json`` by a rename (atomic): a
reader sees the old import or the new one, never half of one, and a failed or killed import
leaves the registry as it was. The import before the current one is kept for readers that still
have it open; older ones are pruned.

>>> check_dataset_id("aspi-2020")
'aspi-2020'
>>> check_dataset_id("sql")
Traceback (most recent call last):
...
iokg.errors.InvalidQuery: 'sql' is reserved (/datasets/sql is the SQL door); choose another dataset id
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from iokg.errors import InvalidQuery

REGISTRY = "datasets.json"
IMPORTS = "imports"
LOCK = ".lock"
MANIFEST = "manifest.json"
FORMAT = 1  # of the registry and of the manifests
TABLES = ("users", "tweets", "rejects")

DATASET_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED = frozenset({"sql"})
MAX_ID_LENGTH = 64


def check_dataset_id(dataset_id: str) -> str:
    """``dataset_id`` if it can name a dataset (lower-case letters, digits, single hyphens)."""
    if len(dataset_id) > MAX_ID_LENGTH or not DATASET_ID.match(dataset_id):
        raise InvalidQuery(f"'{dataset_id[:80]}' cannot be a dataset id: lower-case letters and digits "
                           f"joined by single hyphens, at most {MAX_ID_LENGTH} characters")
    if dataset_id in RESERVED:
        raise InvalidQuery(f"'{dataset_id}' is reserved (/datasets/sql is the SQL door); choose another dataset id")
    return dataset_id


def read_registry(root: Path) -> dict[str, str]:
    """Dataset id → its current import folder, relative to ``root`` (empty if nothing imported)."""
    try:
        data = json.loads((root / REGISTRY).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return dict(data.get("datasets", {}))


def write_registry(root: Path, datasets: dict[str, str]) -> None:
    """Replace the registry atomically (written aside, then renamed over the old one)."""
    text = json.dumps({"format": FORMAT, "datasets": dict(sorted(datasets.items()))}, indent=2) + "\n"
    aside = root / f".{REGISTRY}.{os.getpid()}.new"
    with open(aside, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(aside, root / REGISTRY)
    _fsync_dir(root)


def registry_stamp(root: Path) -> tuple[int, int, int] | None:
    """Changes whenever the registry is replaced (None if there is none)."""
    try:
        st = (root / REGISTRY).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def current_manifests(root: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Dataset id → (its current import folder, its manifest), sorted by id."""
    out = {}
    for dataset_id, rel in sorted(read_registry(root).items()):
        folder = root / rel
        out[dataset_id] = (folder, read_manifest(folder))
    return out


def new_import_folder(root: Path, dataset_id: str) -> Path:
    """A fresh folder for one import of ``dataset_id`` (named by the time, unique)."""
    parent = root / IMPORTS / dataset_id
    parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = parent / f"{stamp}-{os.getpid()}.partial"
    folder.mkdir()
    return folder


def finish_import_folder(folder: Path) -> Path:
    """Mark an import folder complete (drop ``.partial``); returns the new path."""
    done = folder.with_name(folder.name.removesuffix(".partial"))
    os.replace(folder, done)
    _fsync_dir(folder.parent)
    return done


def prune(root: Path, dataset_id: str, keep: int = 2) -> None:
    """Remove the unfinished imports of ``dataset_id`` and all finished ones but the ``keep`` newest
    (the current one and the one before it). Call it holding the lock."""
    parent = root / IMPORTS / dataset_id
    if not parent.is_dir():
        return
    current = read_registry(root).get(dataset_id)
    finished = sorted((p for p in parent.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
                      key=lambda p: p.name, reverse=True)
    for p in parent.iterdir():
        if p.is_dir() and p.name.endswith(".partial"):
            shutil.rmtree(p, ignore_errors=True)
    for p in finished[keep:]:
        if current and (root / current).resolve() == p.resolve():
            continue
        shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the datasets folder's lock (one import at a time)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
