"""The build's materialized rows on a remote store (Oxigraph's server, Virtuoso): pushed with the
build, equal to the local table for every key, read by `iokg serve --remote` for its lookups, kept
out of client queries, and switched with the build's pointer (a push killed after loading its
rows leaves the previous build's rows served; the next push drops them)."""

from __future__ import annotations

import base64
import signal
import sqlite3
import subprocess
import sys

import httpx
import pyoxigraph as ox
import pytest

from iokg.materialized import FILENAME, FILINGS, MaterializedRows
from iokg.materialized.encoding import decode, encode
from iokg.remote.backend import remote_client
from iokg.remote.materialized import MATERIALIZED_GRAPH, RemoteMaterializedRows, key_iri
from iokg.remote.rewrite import tagged
from iokg.remote.service import RemoteQueryService
from iokg.remote.store import RemoteStore
from iokg.settings import Settings
from iokg.store import build_id, resolve_store
from remote_stores import iokg_env, remote_store
from sparql_server import running_server
from test_remote import BACKENDS, push_build
from test_remote_publish import KILLED_PUSH, builds_in, renamed_store, store_graphs  # noqa: F401 (a fixture)

PANDA_A = ox.NamedNode("https://w3id.org/iokg/id/entity/panda-a")


def keys_of(store) -> list[tuple[str, str, str]]:
    """Every key of the build's local table."""
    with sqlite3.connect(resolve_store(store) / FILENAME) as conn:
        return sorted(conn.execute("SELECT query, param, value FROM rows"))


def remote_rows(settings: dict) -> RemoteMaterializedRows:
    return RemoteMaterializedRows(RemoteStore(remote_client(Settings(**settings))))


@pytest.mark.parametrize("kind", BACKENDS)
def test_pushed_rows_equal_the_local_ones_and_serve_remote_reads_them(kind, lookups_store_path, tmp_path):
    with remote_store(kind, tmp_path / kind) as settings:
        pushed = push_build(settings, lookups_store_path)
        remote, local = remote_rows(settings), MaterializedRows(lookups_store_path)
        keys = keys_of(lookups_store_path)
        # every filing of the build is pushed (iokg.materialized.filings), whatever its query
        pushed_pairs = {(q, p) for q, p, _ in keys}
        assert len(keys) > 10 and pushed_pairs <= {(f.query, p) for f in FILINGS.values() for p in f.params}
        assert {("assertions", "entity"), ("entity", "entity"), ("attribution", "entity"), ("source", "source"),
                ("corroboration", "claim"), ("exists", "thing")} <= pushed_pairs
        for query, param, value in keys:
            term = ox.Literal(value) if FILINGS[query].literal else ox.NamedNode(value)
            got = remote.rows(query, param, term)
            assert got is not None and got == local.rows(query, param, term), (query, param, value)
            assert got or query == "exists" or FILINGS[query].sets, (query, param, value)
        # an id the build files nothing under: none, as locally; a query it does not file: not materialized
        nobody = ox.NamedNode("https://w3id.org/iokg/id/entity/nobody")
        assert remote.rows("assertions", "entity", nobody) == [] == local.rows("assertions", "entity", nobody)
        assert remote.rows("entity-list", "entity", PANDA_A) is None
        assert remote.rows("assertions", "entity", ox.BlankNode()) is None
        # the service of `serve --remote` reads them
        service = RemoteQueryService(RemoteStore(remote_client(Settings(**settings))), query_timeout_ms=10_000,
                                     max_result_rows=1000, max_concurrent_queries=2)
        assert isinstance(service.materialized, RemoteMaterializedRows)
        assert service._slot_store(0).materialized is service.materialized

        with running_server(lookups_store_path, remote="true", **settings) as server:
            before = httpx.get(server.url + "/entities/panda-a", timeout=60).json()
            assert before["label"] == "PANDA-A" and len(before["claims"]) > 1
            # client queries never see the materialized graph
            graphs = httpx.get(server.url + "/sparql", headers={"Accept": "text/csv"}, timeout=60, params={
                "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}).text.split()[1:]
            assert graphs and not any("materialized" in g for g in graphs)
            assert httpx.get(server.url + "/sparql", headers={"Accept": "text/csv"}, timeout=60, params={
                "query": "SELECT (COUNT(*) AS ?n) WHERE { ?k <urn:iokg:materialized#body> ?b }"}).text.split() == ["n", "0"]
            # the lookup's rows come from the materialized graph: replace panda-a's body with the
            # first of its rows only, and the served lookup has one claim
            key = ox.NamedNode(key_iri("assertions", "entity", PANDA_A.value))
            graph = ox.NamedNode(tagged(MATERIALIZED_GRAPH, pushed))
            rows = local.rows("assertions", "entity", PANDA_A)
            assert len(rows) > 1
            with sqlite3.connect(resolve_store(lookups_store_path) / FILENAME) as conn:
                (body,) = conn.execute("SELECT body FROM rows WHERE query = 'assertions' AND param = 'entity' "
                                       "AND value = ?", (PANDA_A.value,)).fetchone()
            one = base64.b64encode(encode(decode(body)[:1])).decode()
            client = remote_client(Settings(**settings))
            client.update(f"DELETE {{ GRAPH {graph} {{ {key} <urn:iokg:materialized#body> ?b }} }} "
                          f"WHERE {{ GRAPH {graph} {{ {key} <urn:iokg:materialized#body> ?b }} }}")
            client.update(f'INSERT DATA {{ GRAPH {graph} {{ {key} <urn:iokg:materialized#body> "{one}" }} }}')
            after = httpx.get(server.url + "/entities/panda-a", timeout=60).json()
            assert len(after["claims"]) == 1 < len(before["claims"])


#: The killed push of test_remote_publish, killed right after it loaded its materialized rows.
KILLED_AFTER_ROWS = KILLED_PUSH.replace("if len(loaded) == 2:", "if graph.startswith('urn:iokg:materialized'):")


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_push_killed_after_loading_its_rows_leaves_the_previous_build_s_rows_served(
        kind, lookups_store_path, renamed_store, basic_store, tmp_path):  # noqa: F811 (the fixture)
    killed = build_id(renamed_store)
    want = MaterializedRows(lookups_store_path).rows("assertions", "entity", PANDA_A)
    other = MaterializedRows(renamed_store).rows("assertions", "entity", PANDA_A)
    assert want and other and want != other  # the killed build's rows say PANDA-Z
    with remote_store(kind, tmp_path / kind) as settings:
        push_build(settings, lookups_store_path)
        with running_server(lookups_store_path, remote="true", **settings) as server:
            before = httpx.get(server.url + "/entities/panda-a", timeout=60).json()
            dump = resolve_store(renamed_store) / "dumps" / "iokg.nq"
            child = subprocess.run([sys.executable, "-c", KILLED_AFTER_ROWS, str(dump), killed],
                                   env=iokg_env(settings), capture_output=True, timeout=300)
            assert child.returncode == -signal.SIGKILL, child.stderr.decode()
            assert tagged(MATERIALIZED_GRAPH, killed) in store_graphs(settings)  # its rows are in the store
            assert remote_rows(settings).rows("assertions", "entity", PANDA_A) == want
            assert httpx.get(server.url + "/entities/panda-a", timeout=60).json() == before
            # the next push serves its own rows and drops the killed push's
            push_build(settings, basic_store)
            assert killed not in builds_in(settings)
            assert not any(g.endswith("@" + killed) for g in store_graphs(settings))
            assert tagged(MATERIALIZED_GRAPH, build_id(basic_store)) in store_graphs(settings)
            query, param, value = keys_of(basic_store)[0]
            got = remote_rows(settings).rows(query, param, ox.NamedNode(value))
            assert got and got == MaterializedRows(basic_store).rows(query, param, ox.NamedNode(value))
