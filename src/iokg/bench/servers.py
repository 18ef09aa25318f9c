"""The two servers under test, each in a process group of its own, stopped whatever happens.

``iokg serve`` runs as shipped (uvicorn, its query worker processes, its access log). Oxigraph
runs ``oxigraph serve-read-only`` over the same store directory (the build link resolved), with
``--union-default-graph`` so both answer the same default graph: the union of all graphs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

#: How long a server may take to answer its first request.
START_TIMEOUT_S = 60.0
HOST = "127.0.0.1"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of the ``bench`` extra (beside this Python first, then on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("no `oxigraph` command: install the bench extra (pip install -e '.[bench]')")
    return found


def oxigraph_version() -> str:
    out = subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.strip() or out.stderr.strip()


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole process group, SIGKILL if it lingers."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    try:  # the group may outlive its leader (query workers)
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait(timeout=10)


@contextmanager
def _running(name: str, argv: list[str], url: str, probe: httpx.Request, log: Path,
             env: dict[str, str] | None = None) -> Iterator[Server]:
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    server = Server(name, url, process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        with httpx.Client(timeout=2) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}:\n{log.read_text()[-2000:]}")
                try:
                    if client.send(probe).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not answer within {START_TIMEOUT_S:.0f} s; log: {log}")
                time.sleep(0.1)
        yield server
    finally:
        _stop(process)


def taskset(cpus: tuple[int, ...] | None) -> list[str]:
    """The ``taskset -c`` prefix that runs a command on ``cpus`` (nothing when ``None``)."""
    return ["taskset", "-c", ",".join(map(str, cpus))] if cpus else []


def iokg_server(store: Path, log: Path, *, cpus: tuple[int, ...] | None = None,
                settings: dict[str, str] | None = None) -> AbstractContextManager[Server]:
    """``iokg serve --store STORE`` on a free port, default settings (no ``IOKG_*`` inherited) but
    for ``settings`` (``{"IOKG_SERVER": "granian"}``), on ``cpus`` when given (its workers too)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
    env.update(settings or {})
    url = f"http://{HOST}:{port}"
    return _running("iokg", [*taskset(cpus), sys.executable, "-m", "iokg", "serve", "--store", str(store),
                             "--host", HOST, "--port", str(port)],
                    url, httpx.Request("GET", url + "/healthz"), log, env)


def oxigraph_server(store: Path, log: Path, *, cpus: tuple[int, ...] | None = None) -> AbstractContextManager[Server]:
    """``oxigraph serve-read-only`` over the store directory ``store`` stands for."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    probe = httpx.Request("POST", url + "/query", content=b"ASK {}",
                          headers={"Content-Type": "application/sparql-query"})
    return _running("oxigraph", [*taskset(cpus), oxigraph_binary(), "serve-read-only",
                                 "--location", str(Path(store).resolve()),
                                 "--bind", f"{HOST}:{port}", "--union-default-graph"],
                    url, probe, log)


@contextmanager
def both_servers(store: Path, log_dir: Path, *, cpus: tuple[int, ...] | None = None,
                 settings: dict[str, str] | None = None) -> Iterator[tuple[Server, Server]]:
    """iokg and Oxigraph over the same store; both stopped when the block ends, however it ends."""
    with ExitStack() as stack:
        iokg = stack.enter_context(iokg_server(store, log_dir / "iokg.log", cpus=cpus, settings=settings))
        oxigraph = stack.enter_context(oxigraph_server(store, log_dir / "oxigraph.log", cpus=cpus))
        yield iokg, oxigraph
