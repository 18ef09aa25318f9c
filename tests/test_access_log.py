"""The access log of a real server process (`iokg.api.access_log`): a line per answered request on
standard output, written within about a second, and the lines not yet written when it stops are
written then; ``IOKG_ACCESS_LOG=false`` leaves it out of the app."""

from __future__ import annotations

import os
import selectors
import subprocess
import time

import httpx

from sparql_server import running_server


def read_until(stream, needle: bytes, seconds: float) -> bytes:
    """What a server writes to ``stream`` (its standard output), until ``needle`` appears or
    ``seconds`` pass."""
    out = b""
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while needle not in out and (left := deadline - time.monotonic()) > 0:
            if sel.select(timeout=left):
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
    return out


def test_each_answered_request_is_logged_within_seconds_and_the_rest_at_shutdown(basic_store):
    with running_server(basic_store, stdout=subprocess.PIPE) as server:
        assert httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}).status_code == 200
        first = read_until(server.process.stdout, b'"GET /sparql?query=', 5)
        assert b'"GET /sparql?query=ASK' in first
        assert first.rstrip().endswith(b" 200")
        assert httpx.get(server.url + "/entities/no-such-thing").status_code == 404
        assert httpx.post(server.sparql, content=b"INSERT DATA {}",
                          headers={"Content-Type": "application/sparql-query"}).status_code == 403
    rest = first + server.process.stdout.read()  # written at shutdown (the block sent SIGTERM)
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
