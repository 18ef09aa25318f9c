"""Shared fixtures: stores built by the real build from small YAML folders (each once per session),
the app over them in this process (`sites`, `data_site`: one per store and settings, shared by
the whole session), and real servers where the process matters.

The suite runs under pytest-xdist (pyproject.toml: ``-n auto --dist loadfile``): each test file
runs whole on one worker, so a module's fixtures are set up once. The read-only stores the
session fixtures build (`basic_store`, `data_store`, ...) are built once for all workers
(`built_once`); anything a test writes to lives under its own ``tmp_path``."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import remote_stores  # noqa: E402
from browser import chromium, new_page, page  # noqa: E402, F401  (browser test fixtures)
from iokg.build import build  # noqa: E402
from sparql_server import (  # noqa: E402
    QUERY_WORKERS,
    InProcessSite,
    build_big_store,
    build_store,
    in_process,
    running_server,
)

# One query worker per app unless a test asks for more (sparql_server.QUERY_WORKERS says why).
os.environ.setdefault("IOKG_MAX_CONCURRENT_QUERIES", QUERY_WORKERS)


def _one_default_ssl_context() -> None:
    """httpx makes an SSL context for every client, loading all of certifi's CA certificates: 20 ms
    of CPU for each ``httpx.get`` (a shared client's request costs 1 ms), thousands of times a run.
    The tests speak plain HTTP to this machine; one default context, made once, serves them all."""
    try:
        from httpx._transports import default as transport
    except ImportError:  # another httpx: each client makes its own, as before
        return
    make, made = transport.create_ssl_context, {}

    def create_ssl_context(verify=True, cert=None, trust_env=True):
        if verify is not True or cert is not None:
            return make(verify=verify, cert=cert, trust_env=trust_env)
        if trust_env not in made:
            made[trust_env] = make(verify=verify, cert=cert, trust_env=trust_env)
        return made[trust_env]

    transport.create_ssl_context = create_ssl_context


_one_default_ssl_context()

FIXTURES = Path(__file__).parent / "fixtures"
BASIC = FIXTURES / "basic"

#: Test files that take longest, run first so that the workers finish together (xdist hands out
#: files in collection order); the others keep their order.
SLOWEST_FIRST = (
    "tests/test_pages_quality_browser.py",
    "tests/test_datasets_scale.py",
    "tests/test_remote.py",
    "tests/test_remote_publish.py",
    "tests/test_bench.py",
    "tests/test_wheel.py",
    "tests/test_pages_entities_browser.py",
    "tests/test_hostile_fuzz.py",
    "tests/test_shapes.py",
    "tests/test_build.py",
    "tests/test_remote_materialized.py",
    "tests/test_pages_query.py",
    "tests/test_pages_browse.py",
    "tests/test_faults.py",
    "tests/test_datasets_sql.py",
    "tests/test_bench_load_remote.py",
    "tests/test_hostile_http.py",
    "tests/test_materialized.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test (``item.report_call``...), for fixtures that act on failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Path:
    """``make(path)`` once per test run, even across pytest-xdist workers (the first to take the lock
    builds, the others wait, then read the same store), and return ``path``. Only for stores no
    test modifies."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        path = tmp_path_factory.mktemp(name) / "store"
        make(path)
        return path
    folder = tmp_path_factory.getbasetemp().parent / f"shared-{name}"  # the run's folder, above each worker's
    folder.mkdir(exist_ok=True)
    path, done = folder / "store", folder / "built"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            make(path)
            done.touch()
    return path


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test run that all its pytest-xdist workers see."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return tmp_path_factory.getbasetemp()
    return tmp_path_factory.getbasetemp().parent


@pytest.fixture(scope="session", autouse=True)
def _virtuoso_templates(tmp_path_factory) -> None:
    """`remote_stores.virtuoso_store` copies one fresh database, made once for the run, from here."""
    remote_stores.TEMPLATES = shared_folder(tmp_path_factory)


@pytest.fixture(scope="session")
def basic_store(tmp_path_factory) -> Path:
    """The `basic` fixture folder, built once per session (do not modify it)."""
    return built_once(tmp_path_factory, "basic", lambda store: build(BASIC, store))


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
    """A server with small limits: 2000 ms, 50 rows, 4000 bytes, 2 workers (the time limit leaves
    the other worker room to answer while a runaway query runs, on a loaded machine too)."""
    with running_server(
        big_store,
        query_timeout_ms=2000,
        max_result_rows=50,
        max_request_bytes=4000,
        max_concurrent_queries=2,
    ) as s:
        yield s


@pytest.fixture(scope="session")
def lookups_store_path(tmp_path_factory) -> Path:
    """The lookups corpus (derivation, disputes, denials, partial dates, a shared alias), built."""
    return built_once(tmp_path_factory, "lookups", lambda store: build(FIXTURES / "lookups", store))


ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def data_store(tmp_path_factory) -> Path:
    """The store built from the curated data/ (the same build `iokg build` runs), once per session."""
    return built_once(tmp_path_factory, "data-store", lambda store: build(DATA, store))


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
