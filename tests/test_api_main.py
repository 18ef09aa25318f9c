"""``python -m iokg.api`` (`iokg.api.__main__`): a real server process whose spawned query workers
start without importing the app (the datasets' DuckDB is one of its libraries, never a worker's)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from sparql_server import free_port, worker_pids


def test_python_m_iokg_api_serves_and_its_workers_do_not_import_the_app(basic_store):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
    env.update(IOKG_STORE=str(basic_store), IOKG_PORT=str(port), IOKG_MAX_CONCURRENT_QUERIES="1",
               IOKG_ACCESS_LOG="false")
    process = subprocess.Popen([sys.executable, "-m", "iokg.api"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server exited"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        r = httpx.post(f"http://127.0.0.1:{port}/sparql", data={"query": "ASK { ?s ?p ?o . ?o ?q ?r }"},
                       headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert r.status_code == 200 and r.json()["boolean"] is True  # a join: answered by the worker
        workers = worker_pids(process.pid)
        assert len(workers) == 1
        server_maps = open(f"/proc/{process.pid}/maps").read()
        worker_maps = open(f"/proc/{workers.pop()}/maps").read()
        assert "duckdb" in server_maps  # the app's own library, in the server
        assert "duckdb" not in worker_maps
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
