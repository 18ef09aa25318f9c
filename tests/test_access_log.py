"""The access log of a real server process (`iokg.api.access_log`): a line per answered request on
standard output, written within about a second, and the lines not yet written when it stops are
written then; ``IOKG_ACCESS_LOG=false`` leaves it out of the app."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from sparql_server import free_port


def start(store: Path, **settings: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
    env.update(IOKG_STORE=str(store), IOKG_PORT=str(port), IOKG_MAX_CONCURRENT_QUERIES="1", **settings)
    process = subprocess.Popen([sys.executable, "-m", "iokg.api"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "the server exited"
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)


def read_until(process: subprocess.Popen, needle: bytes, seconds: float) -> bytes:
    """What the server writes to standard output, until ``needle`` appears or ``seconds`` pass."""
    out = b""
    with selectors.DefaultSelector() as sel:
        sel.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while needle not in out and (left := deadline - time.monotonic()) > 0:
            if sel.select(timeout=left):
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
    return out


def stop(process: subprocess.Popen) -> bytes:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    return out


def test_each_answered_request_is_logged_within_seconds_and_the_rest_at_shutdown(basic_store):
    process, url = start(basic_store)
    try:
        assert httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}).status_code == 200
        first = read_until(process, b'"GET /sparql?query=', 5)
        assert b'"GET /sparql?query=ASK' in first
        assert first.rstrip().endswith(b" 200")
        assert httpx.get(url + "/entities/no-such-thing").status_code == 404
        assert httpx.post(url + "/sparql", content=b"INSERT DATA {}",
                          headers={"Content-Type": "application/sparql-query"}).status_code == 403
    except BaseException:
        process.kill()
        raise
    rest = first + stop(process)
    lines = [line for line in rest.decode().splitlines() if line.startswith("INFO:     127.0.0.1:")]
    requests = [line.split(" - ", 1)[1] for line in lines if "/healthz" not in line]
    assert requests == [
        '"GET /sparql?query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D HTTP/1.1" 200',  # the query string as sent
        '"GET /entities/no-such-thing HTTP/1.1" 404',
        '"POST /sparql HTTP/1.1" 403',
    ]


def test_off_the_app_has_no_access_log(basic_store):
    from iokg.api.access_log import AccessLog
    from iokg.api.app import create_app
    from iokg.settings import Settings

    def layers(**settings) -> list[type]:
        return [m.cls for m in create_app(Settings(store=basic_store, **settings)).user_middleware]

    assert AccessLog in layers()
    assert layers()[0] is AccessLog  # outermost: a refused request is logged too
    assert AccessLog not in layers(access_log=False)
