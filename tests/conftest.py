"""Shared fixtures: stores built by the real build from small YAML folders, real servers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser import chromium, new_page, page  # noqa: E402, F401  (browser test fixtures)
from iokg.build import build  # noqa: E402
from sparql_server import build_big_store, build_store, running_server  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
BASIC = FIXTURES / "basic"


@pytest.fixture(scope="session")
def basic_store(tmp_path_factory) -> Path:
    """The `basic` fixture folder, built once per session (do not modify it)."""
    store = tmp_path_factory.mktemp("basic") / "store"
    build(BASIC, store)
    return store


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the `basic` fixture folder."""
    dest = tmp_path / "data"
    shutil.copytree(BASIC, dest)
    return dest


def iokg(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `iokg` command line in a child process."""
    return subprocess.run([sys.executable, "-m", "iokg", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four triples: two in graph one, one in graph two, one in the default graph."""
    return build_store(tmp_path_factory.mktemp("small") / "store")


@pytest.fixture(scope="session")
def server(small_store: Path):
    """A real uvicorn process over the small store, with default limits."""
    with running_server(small_store) as s:
        yield s


@pytest.fixture(scope="session")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_big_store(tmp_path_factory.mktemp("big") / "store")


@pytest.fixture(scope="session")
def limited_server(big_store: Path):
    """A server with small limits: 500 ms, 50 rows, 4000 bytes, 2 workers."""
    with running_server(
        big_store,
        query_timeout_ms=500,
        max_result_rows=50,
        max_request_bytes=4000,
        max_concurrent_queries=2,
    ) as s:
        yield s


@pytest.fixture(scope="session")
def lookups_store_path(tmp_path_factory) -> Path:
    """The lookups corpus (derivation, disputes, denials, partial dates, a shared alias), built."""
    path = tmp_path_factory.mktemp("lookups") / "store"
    build(FIXTURES / "lookups", path)
    return path


ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def data_store(tmp_path_factory) -> Path:
    """The store built from the curated data/ (the same build `iokg build` runs)."""
    store = tmp_path_factory.mktemp("data-store") / "store"
    build(DATA, store)
    return store


def curated_counts() -> dict[str, int]:
    """How many entity and source records `data/` holds, read as the build reads them, so tests about
    the curated data follow it instead of hard-coding its size."""
    from iokg.ingest.reading import read_folder
    corpus, _ = read_folder(DATA)
    return {"entities": len(corpus.entities), "sources": len(corpus.sources)}
