"""Shared fixtures: stores built by the real build from small YAML corpora under tests/fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from iokg.build import build

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def lookups_store_path(tmp_path_factory) -> Path:
    """The lookups corpus (derivation, disputes, denials, partial dates, a shared alias), built."""
    path = tmp_path_factory.mktemp("lookups") / "store"
    build(FIXTURES / "lookups", path)
    return path
