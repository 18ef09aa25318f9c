"""Real SPARQL stores for the remote-backend tests, each started in a temporary directory on
loopback ports and always stopped: Oxigraph's server (PyPI `oxigraph`) and Virtuoso Open Source
(Debian's `virtuoso-opensource`, installed by scripts/install-virtuoso.sh)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from sparql_server import free_port

#: Where Debian's Virtuoso keeps the files its HTTP server needs.
VIRTUOSO_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")
VIRTUOSO_VAD = Path("/usr/share/virtuoso-opensource-7/vad")


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


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {vad}
VADInstallDir = {vad}/
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
MaxClientConnections = 20
ServerThreads = 20
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
; the cost estimator refuses iokg's lookups (a VALUES-bound id inside OPTIONALs) at its default
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
"""

#: Anonymous SPARQL Update on /sparql and Graph Store Protocol writes on /sparql-graph-crud.
VIRTUOSO_GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);'


@contextmanager
def virtuoso_store(folder: Path) -> Iterator[dict[str, str]]:
    """`virtuoso-t` with its own virtuoso.ini in ``folder``; yields the iokg settings naming it."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise RuntimeError("virtuoso-t is not installed: run `bash scripts/install-virtuoso.sh` (as root)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port,
                                       vsp=VIRTUOSO_VSP, vad=VIRTUOSO_VAD))
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_for(base + "/sparql", process, "virtuoso-t", seconds=120)
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                       check=True, capture_output=True, timeout=60)
        yield {"remote_query_url": base + "/sparql", "remote_update_url": base + "/sparql",
               "remote_gsp_url": base + "/sparql-graph-crud", "remote_timeout_param": "timeout"}
    finally:
        _stop(process, grace=30)


@contextmanager
def remote_store(kind: str, folder: Path) -> Iterator[dict[str, str]]:
    starter = {"oxigraph": oxigraph_store, "virtuoso": virtuoso_store}[kind]
    with starter(folder) as settings:
        yield settings


def iokg_env(settings: dict[str, object]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
    env.update({f"IOKG_{k.upper()}": str(v) for k, v in settings.items()})
    return env
