from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sparql_server import build_big_store, build_store, running_server  # noqa: E402


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
