"""`iokg serve --build`: the README's run command builds when needed, then serves over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from conftest import BASIC
from iokg.build import build, is_stale
from sparql_server import free_port, server_env


def test_is_stale(data_copy, tmp_path):
    store = tmp_path / "store"
    assert is_stale(data_copy, store)
    build(data_copy, store)
    assert not is_stale(data_copy, store)
    later = time.time() + 5
    os.utime(data_copy / "entities/all.yaml", (later, later))
    assert is_stale(data_copy, store)


def test_serve_builds_then_answers(tmp_path):
    port = free_port()
    env = server_env(store=tmp_path / "store", data=BASIC)
    proc = subprocess.Popen([sys.executable, "-m", "iokg", "serve", "--build", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        answer = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sparql",
                                   params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/iokg/ns#Claim> }"},
                                   headers={"Accept": "application/sparql-results+json"}, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, proc.stdout.read().decode() if proc.poll() is not None else "server never answered"
        assert answer.status_code == 200
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "3"
        assert (tmp_path / "store").is_symlink()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
