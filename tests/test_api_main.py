"""``python -m iokg.api`` (`iokg.api.__main__`, the tests' `SERVER_COMMAND`): a real server process
whose spawned query workers start without importing the app (the datasets' DuckDB is one of its
libraries, never a worker's)."""

from __future__ import annotations

import httpx

from sparql_server import SERVER_COMMAND, running_server, worker_pids


def test_python_m_iokg_api_serves_and_its_workers_do_not_import_the_app(basic_store):
    assert SERVER_COMMAND[1:] == ["-m", "iokg.api"]
    with running_server(basic_store, access_log="false") as server:
        r = httpx.post(server.sparql, data={"query": "ASK { ?s ?p ?o . ?o ?q ?r }"},
                       headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert r.status_code == 200 and r.json()["boolean"] is True  # a join: answered by the worker
        workers = worker_pids(server.pid)
        assert len(workers) == 1
        with open(f"/proc/{server.pid}/maps") as f:
            assert "duckdb" in f.read()  # the app's own library, in the server
        with open(f"/proc/{workers.pop()}/maps") as f:
            assert "duckdb" not in f.read()
