"""Shared fixtures: stores built by the real build from small YAML folders (each once per session),
the app over them in this process (`sites`, `data_site`: one per store and settings, shared by
the whole session), and real servers where the process matters."""

from __future__ import annotations

import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser import chromium, new_page, page  # noqa: E402, F401  (browser test fixtures)
from iokg.build import build  # noqa: E402
from sparql_server import InProcessSite, build_big_store, build_store, in_process, running_server  # noqa: E402

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
def sites():
    """``sites(store, **settings)``: the app over ``store`` in this process (`InProcessSite`, its
    lifespan running), one per store and settings for the whole session."""
    opened: dict[tuple, InProcessSite] = {}
    with ExitStack() as stack:
        def site(store: Path, **settings: object) -> InProcessSite:
            key = (str(store), tuple(sorted(settings.items())))
            if key not in opened:
                opened[key] = stack.enter_context(in_process(store, **settings))
            return opened[key]

        yield site


@pytest.fixture(scope="session")
def server(small_store: Path, sites):
    """The app over the small store, in this process, with default limits."""
    return sites(small_store)


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
    """The store built from the curated data/ (the same build `iokg build` runs), once per session."""
    store = tmp_path_factory.mktemp("data-store") / "store"
    build(DATA, store)
    return store


@pytest.fixture(scope="session")
def data_site(data_store: Path, sites) -> InProcessSite:
    """The app over the curated data, in this process, shared by the session (``site.get(path)``)."""
    return sites(data_store)


def curated_counts() -> dict[str, int]:
    """How many entity and source records `data/` holds, read as the build reads them, so tests about
    the curated data follow it instead of hard-coding its size."""
    from iokg.ingest.reading import read_folder
    corpus, _ = read_folder(DATA)
    return {"entities": len(corpus.entities), "sources": len(corpus.sources)}
