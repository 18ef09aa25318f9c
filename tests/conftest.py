"""Shared fixtures: stores built by the real build from small YAML folders."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iokg.build import build

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
