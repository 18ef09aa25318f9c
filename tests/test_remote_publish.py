"""Publishing to a remote store and serving from it when things go wrong: the store down or
stalled (a 503 in the error shape, never a hang, and recovery without a restart), a push killed
midway (the previous build still served, its leftovers dropped by the next push), and two
`iokg serve --remote` replicas through a push (each on one whole build per page, both on the
new build once the pointer switches)."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from iokg.build import build
from iokg.store import build_id
from remote_stores import iokg_env, oxigraph_store, remote_store
from sparql_server import free_port, running_server
from test_remote import build_id_of, push_build

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def renamed_store(tmp_path_factory) -> Path:
    """The lookups corpus again, with PANDA-A renamed PANDA-Z: a second build to tell apart."""
    data = tmp_path_factory.mktemp("renamed-data") / "data"
    shutil.copytree(FIXTURES / "lookups", data)
    entities = data / "entities.yaml"
    entities.write_text(entities.read_text().replace("label: PANDA-A", "label: PANDA-Z", 1))
    store = tmp_path_factory.mktemp("renamed") / "store"
    build(data, store)
    return store


def store_graphs(settings: dict) -> set[str]:
    """The tagged graph names the store holds (``<graph>@<build>``)."""
    # grouped rather than DISTINCT: the same names, and Virtuoso answers it at once (not in seconds)
    response = httpx.post(settings["remote_query_url"], data={
        "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"}, timeout=60)
    response.raise_for_status()
    return {b["g"]["value"] for b in response.json()["results"]["bindings"] if "@" in b["g"]["value"]}


def builds_in(settings: dict) -> set[str]:
    return {g.rsplit("@", 1)[1] for g in store_graphs(settings)}


# -- the store down or stalled ----------------------------------------------------------------

def test_store_down_is_a_503_with_retry_after_and_serving_resumes_when_it_returns(lookups_store_path, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = {"remote_query_url": base + "/query", "remote_update_url": base + "/update",
                "remote_gsp_url": base + "/store"}
    with running_server(lookups_store_path, remote="true", remote_retry_ms=300, **settings) as server:
        for path in ["/entities/panda-a", "/e/panda-a", "/sparql?query=ASK%20%7B%7D", "/search?q=panda"]:
            response = httpx.get(server.url + path, timeout=30)
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "5"
            error = response.json()["error"]
            assert error["type"] == "store_unavailable" and error["status"] == 503
            assert f"127.0.0.1:{port}" in error["message"]
        assert httpx.get(server.url + "/healthz", timeout=30).status_code == 200
        # the store comes up on its address: the next request is answered, no restart
        with oxigraph_store(tmp_path / "oxigraph", port=port) as store:
            assert httpx.get(server.url + "/entities/panda-a", timeout=30).status_code == 503  # empty store
            assert "serves no iokg build" in httpx.get(server.url + "/entities/panda-a", timeout=30).text
            push_build(store, lookups_store_path)
            response = httpx.get(server.url + "/entities/panda-a", timeout=30)
            assert response.status_code == 200 and response.json()["label"] == "PANDA-A"


@contextmanager
def silent_listener():
    """A port that accepts connections and never answers (a store that hangs)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def test_a_store_that_never_answers_is_a_timeout_not_a_hang(lookups_store_path):
    with silent_listener() as port:
        url = f"http://127.0.0.1:{port}/sparql"
        with running_server(lookups_store_path, remote="true", remote_query_url=url,
                            query_timeout_ms=500) as server:
            response = httpx.get(server.url + "/entities/panda-a", timeout=30)
            assert response.status_code == 503
            error = response.json()["error"]
            assert error["type"] == "query_timeout"
            assert error["limit"] == {"setting": "IOKG_QUERY_TIMEOUT_MS", "value": 500}


# -- a push killed midway ---------------------------------------------------------------------

#: A push that kills itself (SIGKILL, no clean-up) right after loading its second graph.
KILLED_PUSH = """
import os, signal, sys
from pathlib import Path
from iokg.remote import push
from iokg.remote.backend import remote_client
from iokg.settings import Settings
loaded = []
load = push._load
def load_then_die(client, graph, triples):
    load(client, graph, triples)
    loaded.append(graph)
    if len(loaded) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
push._load = load_then_die
push.push(remote_client(Settings()), Path(sys.argv[1]), sys.argv[2])
"""


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_a_push_killed_midway_leaves_the_previous_build_served(kind, lookups_store_path, basic_store,
                                                              renamed_store, tmp_path):
    first, killed, second = build_id(lookups_store_path), build_id(basic_store), build_id(renamed_store)
    with remote_store(kind, tmp_path / kind) as settings:
        push_build(settings, lookups_store_path)
        with running_server(lookups_store_path, remote="true", **settings) as server:
            before = httpx.get(server.url + "/entities/panda-a", timeout=60).json()
            dump = basic_store.resolve() / "dumps" / "iokg.nq"
            child = subprocess.run([sys.executable, "-c", KILLED_PUSH, str(dump), killed],
                                   env=iokg_env(settings), capture_output=True, timeout=300)
            assert child.returncode == -signal.SIGKILL, child.stderr.decode()
            assert killed in builds_in(settings)  # it did load part of its build
            page = httpx.get(server.url + "/e/panda-a", timeout=60)
            assert page.status_code == 200 and build_id_of(page.text) == first
            assert httpx.get(server.url + "/entities/panda-a", timeout=60).json() == before
            data = sum(1 for line in (lookups_store_path.resolve() / "dumps" / "iokg.nq").open()
                       if line.rstrip().endswith("<https://w3id.org/iokg/graph/data> ."))
            count = httpx.get(server.url + "/sparql", headers={"Accept": "text/csv"}, timeout=60, params={
                "query": "SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/iokg/graph/data> { ?s ?p ?o } }"})
            assert count.text.split() == ["n", str(data)]

            # the next push serves its build, keeps the one it replaced, drops the killed push's leftovers
            push_build(settings, renamed_store)
            assert builds_in(settings) == {first, second}
            page = httpx.get(server.url + "/e/panda-a", timeout=60)
            assert build_id_of(page.text) == second and "PANDA-Z" in page.text
            assert httpx.get(server.url + "/entities/panda-a", timeout=60).json()["label"] == "PANDA-Z"

            # and one more: the oldest build goes
            push_build(settings, basic_store)
            assert builds_in(settings) == {second, killed}
            assert build_id_of(httpx.get(server.url + "/", timeout=60).text) == killed


def test_a_failed_push_changes_nothing_served(lookups_store_path, tmp_path):
    """A dump that cannot be read: nothing is registered, loaded or switched."""
    with oxigraph_store(tmp_path / "oxigraph") as settings:
        push_build(settings, lookups_store_path)
        bad = tmp_path / "bad.nq"
        bad.write_text("<http://e/a> <http://e/b> .\n")
        result = subprocess.run([sys.executable, "-c", KILLED_PUSH.replace("len(loaded) == 2", "False"),
                                 str(bad), "bad-1"], env=iokg_env(settings), capture_output=True, timeout=120)
        assert result.returncode != 0
        assert builds_in(settings) == {build_id(lookups_store_path)}


# -- replicas ---------------------------------------------------------------------------------

@contextmanager
def replica(settings: dict, store: Path):
    """`iokg serve --remote` in its own process, on a free port."""
    port = free_port()
    env = iokg_env({**settings, "store": store})
    process = subprocess.Popen([sys.executable, "-m", "iokg", "serve", "--remote", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode())
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "replica did not start"
            time.sleep(0.05)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_two_replicas_serve_one_whole_build_through_a_push(lookups_store_path, renamed_store, tmp_path):
    first, second = build_id(lookups_store_path), build_id(renamed_store)
    label = {first: "PANDA-A", second: "PANDA-Z"}
    with oxigraph_store(tmp_path / "oxigraph") as settings:
        push_build(settings, lookups_store_path)
        with replica(settings, tmp_path / "no-local-store") as one, replica(settings, tmp_path / "none") as two:
            for url in (one, two):
                page = httpx.get(url + "/e/panda-a", timeout=60)
                assert build_id_of(page.text) == first and '<h1 id="entity-title">PANDA-A</h1>' in page.text
            seen: list[tuple[str, int, str | None, bool]] = []
            stop = threading.Event()

            def poll(url: str) -> None:
                with httpx.Client(timeout=60) as client:
                    while not stop.is_set():
                        page = client.get(url + "/e/panda-a")
                        build = build_id_of(page.text)
                        heading = f'<h1 id="entity-title">{label.get(build, "?")}</h1>'
                        seen.append((url, page.status_code, build, heading in page.text))

            pollers = [threading.Thread(target=poll, args=(u,)) for u in (one, two)]
            for t in pollers:
                t.start()
            try:
                deadline = time.monotonic() + 60
                while not any(build == first for _, _, build, _ in seen):
                    assert time.monotonic() < deadline, "the replicas answered nothing"
                    time.sleep(0.05)
                push_build(settings, renamed_store)
                # the pollers go on until each replica has answered from the new build
                deadline = time.monotonic() + 60
                while not all(any(u == url and build == second for u, _, build, _ in seen) for url in (one, two)):
                    assert time.monotonic() < deadline, "a replica did not pick up the new build"
                    time.sleep(0.05)
            finally:
                stop.set()
                for t in pollers:
                    t.join()
            # every page answered, from one build, its heading that build's
            assert seen and all(status == 200 and build in label and whole for _, status, build, whole in seen)
            assert {build for _, _, build, _ in seen} == {first, second}
            # after the switch, each replica's next request is on the new build
            for url in (one, two):
                page = httpx.get(url + "/e/panda-a", timeout=60)
                assert build_id_of(page.text) == second and '<h1 id="entity-title">PANDA-Z</h1>' in page.text
                assert httpx.get(url + "/entities/panda-a", timeout=60).json()["label"] == "PANDA-Z"


def test_build_remote_on_the_command_line_builds_pushes_and_serves(data_copy, tmp_path):
    """`iokg build --remote`, then `iokg push` again: the real commands, the real store."""
    from conftest import iokg

    store = tmp_path / "store"
    with oxigraph_store(tmp_path / "oxigraph") as settings:
        env = iokg_env(settings)
        done = iokg("build", "--remote", "--data", str(data_copy), "--store", str(store), env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"pushed build {build_id(store)}" in done.stdout
        assert builds_in(settings) == {build_id(store)}
        again = iokg("push", "--store", str(store), env=env)
        assert again.returncode == 0 and "replaced" in again.stdout
        # without the update URL a push says what is missing, and changes nothing
        no_update = {k: v for k, v in env.items() if k != "IOKG_REMOTE_UPDATE_URL"}
        refused = iokg("push", "--store", str(store), env=no_update)
        assert refused.returncode == 1 and "IOKG_REMOTE_UPDATE_URL" in refused.stderr
        with replica(settings, store) as url:
            page = httpx.get(url + "/", timeout=60)
            assert page.status_code == 200 and build_id_of(page.text) == build_id(store)
