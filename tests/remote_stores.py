"""Real SPARQL stores for the remote-backend tests, each started in a temporary directory on
loopback ports and always stopped: Oxigraph's server (PyPI `oxigraph`) and Virtuoso Open Source
(Debian's `virtuoso-opensource`, installed by scripts/install-virtuoso.sh)."""

from __future__ import annotations

import fcntl
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from iokg.bench.virtuoso import GRANTS, virtuoso_ini
from sparql_server import free_port, server_env


def _wait_for(url: str, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {seconds} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen, grace: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def oxigraph_binary() -> str:
    found = Path(sys.executable).parent / "oxigraph"
    return str(found) if found.exists() else (shutil.which("oxigraph") or "oxigraph")


@contextmanager
def oxigraph_store(folder: Path, port: int | None = None, timeout_s: int = 10) -> Iterator[dict[str, str]]:
    """`oxigraph serve` over ``folder``; yields the iokg settings that name it."""
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(folder),
                                "--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_s)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/query", process, "oxigraph serve")
        yield {"remote_query_url": base + "/query", "remote_update_url": base + "/update",
               "remote_gsp_url": base + "/store"}
    finally:
        _stop(process)




#: Where `virtuoso_store` keeps the fresh database it copies (``conftest.py`` names a folder shared by
#: the run's workers); None: each store makes its own.
TEMPLATES: Path | None = None

#: The files of a Virtuoso database (the rest is its ini, log and lock).
DATABASE_FILES = ("virtuoso.db", "virtuoso.trx")


@contextmanager
def _virtuoso(folder: Path, binary: str, isql: str, grants: bool) -> Iterator[dict[str, str]]:
    """`virtuoso-t` over the database in ``folder`` (a new one if there is none)."""
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, sql_port, http_port, buffers=10_000, connections=20))
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_for(base + "/sparql", process, "virtuoso-t", seconds=120)
        if grants:  # then a checkpoint, so that a copy of the files holds them
            subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={GRANTS} checkpoint;"],
                           check=True, capture_output=True, timeout=60)
        yield {"remote_query_url": base + "/sparql", "remote_update_url": base + "/sparql",
               "remote_gsp_url": base + "/sparql-graph-crud", "remote_timeout_param": "timeout"}
    finally:
        _stop(process, grace=30)


def _virtuoso_template(binary: str, isql: str) -> Path | None:
    """A fresh database with the grants, made once for the run (under a lock, whichever worker comes
    first): creating one is most of what starting Virtuoso costs."""
    if TEMPLATES is None:
        return None
    template = TEMPLATES / "virtuoso-template"
    with open(TEMPLATES / "virtuoso-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "made").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir(parents=True)
            with _virtuoso(template, binary, isql, grants=True):
                pass
            (template / "made").touch()
    return template


@contextmanager
def virtuoso_store(folder: Path) -> Iterator[dict[str, str]]:
    """`virtuoso-t` with its own virtuoso.ini and a fresh database in ``folder`` (anonymous SPARQL Update
    and Graph Store writes granted); yields the iokg settings naming it."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise RuntimeError("virtuoso-t is not installed: run `bash scripts/install-virtuoso.sh` (as root)")
    folder.mkdir(parents=True, exist_ok=True)
    template = _virtuoso_template(binary, isql)
    if template is not None:
        for name in DATABASE_FILES:
            if (template / name).exists():
                shutil.copyfile(template / name, folder / name)
    with _virtuoso(folder, binary, isql, grants=template is None) as settings:
        yield settings


@contextmanager
def remote_store(kind: str, folder: Path) -> Iterator[dict[str, str]]:
    starter = {"oxigraph": oxigraph_store, "virtuoso": virtuoso_store}[kind]
    with starter(folder) as settings:
        yield settings


def iokg_env(settings: dict[str, object]) -> dict[str, str]:
    return server_env(**settings)
