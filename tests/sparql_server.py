"""Helpers for the route tests: small pyoxigraph stores, the app in this process, a real uvicorn
process and its workers.

Most route tests talk to the app in this process (`in_process`): Starlette's TestClient runs its
lifespan (the query workers start and stop with it) and sends requests through ASGI, with no
socket and no server process. `running_server` starts the real ``python -m iokg.api.server`` for
the tests where the process matters (a worker killed, SIGTERM, the W3C protocol run, real SPARQL
clients and browsers over HTTP).
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from starlette.testclient import TestClient

EX = "http://example.org/"
G1 = EX + "graph/one"
G2 = EX + "graph/two"
P = EX + "says"

#: (subject, object, graph) of the test store; every predicate is P.
QUADS = [
    (EX + "alice", "hello", G1),
    (EX + "bob", "bonjour", G1),
    (EX + "carol", "hallo", G2),
    (EX + "dave", "hola", None),  # default graph
]


def build_store(path: Path, quads: list[tuple[str, str, str | None]] = QUADS) -> Path:
    store = ox.Store(str(path))
    store.bulk_extend(
        ox.Quad(
            ox.NamedNode(s),
            ox.NamedNode(P),
            ox.Literal(o),
            ox.NamedNode(g) if g else ox.DefaultGraph(),
        )
        for s, o, g in quads
    )
    store.flush()
    del store
    return path


def build_big_store(path: Path, triples: int = 3000) -> Path:
    """A synthetic store: enough triples that a three-way cross product never ends."""
    return build_store(path, [(f"{EX}n{i}", f"value {i}", G1) for i in range(triples)])


#: Query worker processes of each app the tests start, unless a test asks for more: one is enough
#: to answer (requests wait for it on the event loop), and each costs a Python start and a store
#: opening. `conftest.py` puts it in the environment, so the apps in this process and the
#: ``iokg`` commands the tests run read it too; `server_env` keeps it for the real servers.
QUERY_WORKERS = "1"


#: The server process the tests start: ``python -m iokg.api`` (`iokg.api.__main__`), whose query
#: workers do not import the app again (under ``-m iokg.api.server`` each would: 0.4 s more CPU each).
SERVER_COMMAND = [sys.executable, "-m", "iokg.api"]


def server_env(**settings: object) -> dict[str, str]:
    """This process's environment without its ``IOKG_*`` settings, but for the tests' number of query
    workers, plus ``settings`` as ``IOKG_*`` variables: what a server process started by a test reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
    env["IOKG_MAX_CONCURRENT_QUERIES"] = QUERY_WORKERS
    env.update({f"IOKG_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Requests:
    """``.get``, ``.post``, ``.head``, ``.options`` of a site, by path (or full URL): the same calls
    whether the app is in this process or behind a real server."""

    url: str

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("timeout", 30)
        return httpx.request(method, url if "://" in url else self.url + url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", url, **kwargs)

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


@dataclass
class Server(Requests):
    """A real server process at ``url``."""

    url: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def running_server(store: Path, *, stdout: int = subprocess.DEVNULL, **settings: object) -> Iterator[Server]:
    """The server (`SERVER_COMMAND`) over ``store`` on a free port, until the block ends; its standard
    output goes to ``stdout`` (``subprocess.PIPE``: ``server.process.stdout``, readable after the block)."""
    port = free_port()
    env = server_env(store=store, host="127.0.0.1", port=port, **settings)
    process = subprocess.Popen(
        SERVER_COMMAND,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()}")
            try:
                if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer /healthz within 30 s")
            time.sleep(0.05)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(server_pid: int) -> set[int]:
    """Query worker processes of a server: its multiprocessing children, not the tracker."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if (
            ppid == server_pid
            and b"spawn_main" in cmdline
            and stat.rsplit(")", 1)[1].split()[0] != "Z"
        ):
            pids.add(int(entry.name))
    return pids


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU clock ticks used by ``pid`` (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Trap:
    """A local HTTP server that records every request, to prove none was made."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                self.wfile.write(b"<http://t/s> <http://t/p> <http://t/o> .\n")

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class ThreadServer:
    """uvicorn serving ``app`` from a thread of this process, at a real address (for browsers and
    SPARQL clients that need one); no process to start, so it is up in a fraction of a second."""

    def __init__(self, app: Any, port: int):
        import uvicorn

        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="iokg-test-server", daemon=True)

    def start(self) -> ThreadServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the in-thread server did not start")
            if time.monotonic() > deadline:
                raise RuntimeError("the in-thread server did not start within 60 s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


class InProcessSite(Requests):
    """The app over a store in this process. ``.get``/``.post``/... go through Starlette's TestClient
    (ASGI, no socket; paths or full URLs; redirects not followed; a server error is a 500 response,
    as over HTTP), with the app's lifespan running. ``url`` is a real address, the client's base
    too: reading it first starts the same app in a uvicorn thread of this process, listening there
    (for browsers, SPARQLWrapper, rdflib, httpx). Each starts on first use (its lifespan, so its
    query workers, with it): a site only read over HTTP starts one app, not two."""

    def __init__(self, store: Path, **settings: object):
        from iokg.api.app import create_app
        from iokg.settings import Settings

        self.settings = Settings(store=store, **{"access_log": False, **settings})  # no log lines in test output
        self._create_app = create_app
        self._app = create_app(self.settings)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._client = TestClient(self._app, base_url=self.base, raise_server_exceptions=False,
                                  follow_redirects=False)
        self._client_open = False
        self._served: ThreadServer | None = None

    @property
    def client(self) -> TestClient:
        """The TestClient, its lifespan running (the query workers start with it)."""
        if not self._client_open:
            self._client.__enter__()
            self._client_open = True
        return self._client

    @property
    def app(self) -> Any:
        """The app the client talks to, its lifespan running (``app.state`` set up)."""
        self.client
        return self._app

    @property
    def url(self) -> str:  # type: ignore[override]
        if self._served is None:
            self._served = ThreadServer(self._create_app(self.settings), self.port).start()
        return self.base

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.pop("timeout", None)  # no socket, no timeout
        return self.client.request(method, url, **kwargs)

    def __enter__(self) -> InProcessSite:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._served is not None:
            self._served.stop()
        if self._client_open:
            self._client.__exit__(*exc)


@contextmanager
def in_process(store: Path, **settings: object) -> Iterator[InProcessSite]:
    """The app over ``store`` in this process, with its lifespan running, until the block ends."""
    with InProcessSite(store, **settings) as site:
        yield site
