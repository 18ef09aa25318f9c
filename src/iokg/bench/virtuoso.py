"""Virtuoso Open Source for the load benchmark's remote column: ``virtuoso-t`` with its own
``virtuoso.ini`` in a temporary directory, on loopback ports, in a process group of its own and
always stopped, as the remote-store tests start it (Debian's ``virtuoso-opensource``, installed by
``scripts/install-virtuoso.sh``); a synthetic build pushed into it with the real `iokg push`.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from iokg.bench.servers import HOST, Server, _stop, free_port, taskset

#: Where Debian's Virtuoso keeps the files its HTTP server needs.
VSP = Path("/var/lib/virtuoso-opensource-7/vsp")
VAD = Path("/usr/share/virtuoso-opensource-7/vad")
START_TIMEOUT_S = 120.0

#: ``virtuoso.ini`` of a throwaway database (`virtuoso_ini` fills it in); the tests use it too
#: (tests/remote_stores.py), with fewer buffers and connections.
INI = """\
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
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = {connections}
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {vad}
VADInstallDir = {vad}/
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {vsp}
MaxClientConnections = {connections}
ServerThreads = {connections}
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
; the cost estimator refuses iokg's lookups (a VALUES-bound id inside OPTIONALs) at its default
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
"""

def virtuoso_ini(folder: Path, sql_port: int, http_port: int, *, buffers: int = 100_000,
                 connections: int = 40) -> str:
    """The ``virtuoso.ini`` of a database in ``folder`` on loopback ports. The benchmark's default
    buffers (8 KB pages: ~800 MB) serve a scale-40 build from memory, and its connections leave
    room for the iokg server's pool."""
    return INI.format(dir=folder, host=HOST, sql_port=sql_port, http_port=http_port, vsp=VSP, vad=VAD,
                      buffers=buffers, dirty_buffers=buffers * 3 // 5, connections=connections)


#: Anonymous SPARQL Update on /sparql and Graph Store Protocol writes on /sparql-graph-crud.
GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);'


@dataclass
class Virtuoso:
    server: Server
    #: The iokg settings (``IOKG_*`` variables) that name it as the remote store.
    settings: dict[str, str]


def virtuoso_version() -> str:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        return "virtuoso-t not installed"
    out = subprocess.run([binary, "-?"], capture_output=True, text=True, timeout=30)
    text = (out.stdout + out.stderr).splitlines()
    return next((line.strip() for line in text if "Version" in line), "virtuoso-t")


@contextmanager
def virtuoso(folder: Path, *, cpus: tuple[int, ...] | None = None) -> Iterator[Virtuoso]:
    """``virtuoso-t`` over a fresh database in ``folder``, updates and GSP writes open on loopback."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise SystemExit("virtuoso-t is not installed: run `bash scripts/install-virtuoso.sh` (as root)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, sql_port, http_port))
    log = folder / "stdout.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([*taskset(cpus), binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://{HOST}:{http_port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                if httpx.get(base + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not answer within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.2)
        subprocess.run([isql, f"{HOST}:{sql_port}", "dba", "dba", f"exec={GRANTS}"],
                       check=True, capture_output=True, timeout=60)
        yield Virtuoso(Server("virtuoso", base + "/sparql", process, log), {
            "IOKG_REMOTE_QUERY_URL": base + "/sparql", "IOKG_REMOTE_UPDATE_URL": base + "/sparql",
            "IOKG_REMOTE_GSP_URL": base + "/sparql-graph-crud", "IOKG_REMOTE_TIMEOUT_PARAM": "timeout"})
    finally:
        _stop(process)


def push_build(store: Path, settings: dict[str, str]) -> str:
    """`iokg push` of ``store``'s current build (dump and materialized rows) into the store named by
    ``settings``; the push's summary."""
    from iokg.remote.backend import remote_client
    from iokg.remote.push import push
    from iokg.settings import Settings
    from iokg.store import build_id, resolve_store

    client = remote_client(Settings(**{k.removeprefix("IOKG_").lower(): v for k, v in settings.items()}))
    try:
        return push(client, resolve_store(store) / "dumps" / "iokg.nq", build_id(store)).summary()
    finally:
        client.close()
