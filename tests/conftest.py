"""Shared fixtures: the real data/ built once per session by the real build."""

from __future__ import annotations

from pathlib import Path

import pytest

from iokg.build import build

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def data_store(tmp_path_factory) -> Path:
    """The store built from the curated data/ (the same build `iokg build` runs)."""
    store = tmp_path_factory.mktemp("data-store") / "store"
    build(DATA, store)
    return store
