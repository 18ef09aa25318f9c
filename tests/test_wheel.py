"""A built wheel holds the package data (queries, ontology, shapes, DISARM table) and works outside
the checkout: installed in a fresh virtualenv, it builds the curated data and answers a lookup."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(out), str(ROOT)], check=True, timeout=300)
    (found,) = out.glob("iokg-*.whl")
    return found


def test_the_wheel_holds_the_package_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert sum(n.endswith(".rq") for n in names) >= 10
    assert "iokg/queries/corroboration.rq" in names and "iokg/queries/datasets/posting-hours.sql" in names
    assert {"iokg/ontology/iokg.ttl", "iokg/ontology/shapes.ttl", "iokg/ontology/disarm/disarm_techniques.csv",
            "iokg/web/templates/entity.html"} <= set(names)


def test_installed_outside_the_checkout_it_builds_and_answers(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir)  # no pip of its own: this environment's pip installs into it (--python)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--disable-pip-version-check", "--no-compile", str(wheel)], check=True, timeout=900)
    work = tmp_path / "elsewhere"
    work.mkdir()
    iokg = [str(env_dir / "bin" / "iokg")]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(iokg + list(args), cwd=work, capture_output=True, text=True, timeout=600)

    where = subprocess.run([str(python), "-c", "import iokg; print(iokg.__file__)"], cwd=work,
                           capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where and str(ROOT) not in where
    built = run("build", "--data", str(ROOT / "data"), "--store", str(work / "store"))
    assert built.returncode == 0, built.stderr
    answer = run("query", "entity", "--store", str(work / "store"), "-p", "entity=spicypanda", "--format", "json")
    assert answer.returncode == 0, answer.stderr
    rows = json.loads(answer.stdout)["results"]["bindings"]
    assert rows and rows[0]["label"]["value"] == "SPICYPANDA"
    listed = run("queries")
    assert "corroboration" in listed.stdout
