"""Start the HTTP server: ``run(settings)``, or ``python -m iokg.api`` (settings from ``IOKG_*``
environment variables; `iokg.api.__main__`, whose query workers start without importing the
app, where ``python -m iokg.api.server`` makes each of them import it first).

uvicorn serves the app over httptools (uvloop when installed), through `GuardedHttpToolsProtocol`,
which holds the limits an ASGI app cannot hold itself because they bite before a request reaches it:

- a request target (path and query string) longer than ``IOKG_MAX_URL_BYTES`` is answered 414, and
  request headers past ``IOKG_MAX_HEADER_BYTES`` in all 431, as soon as the bytes arrive (nothing
  more is buffered);
- a client gets ``IOKG_REQUEST_READ_TIMEOUT_MS`` to send a whole request, headers and body: a
  client trickling headers or never finishing its body (slowloris) is answered 408 and
  disconnected; a connection that sends nothing is closed after the same time;
- every other request the HTTP parser refuses is a 400;

each in the project's one JSON error shape (`iokg.api.errors`). None of them ever holds a query
worker: those are taken only once a whole request has arrived. Between requests a keep-alive
connection stays open ``IOKG_KEEP_ALIVE_TIMEOUT_MS``. On SIGTERM or SIGINT the server stops
accepting connections at once, lets requests in flight finish for up to ``IOKG_SHUTDOWN_GRACE_MS``,
then stops the query workers (the app's lifespan) and exits.

``IOKG_SERVER=granian`` runs granian instead (one worker process, uvloop; see
docs/performance.md for how the two measured). The limits above are then granian's own, not
these: the guarded protocol is uvicorn's.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from iokg.api.app import create_app
from iokg.settings import Settings

log = logging.getLogger("iokg.api.server")


#: Room for the request line's method and version and the headers' separators, beyond the limits.
HEAD_SLACK_BYTES = 8192


class _Refused(Exception):
    """Raised from a parser callback to stop reading a request that broke a limit."""


def error_bytes(status: int, type_: str, message: str, setting: str | None = None, value: int | None = None,
                close: bool = True) -> bytes:
    """A whole HTTP/1.1 response in the one JSON error shape, for answers written before any app runs.

    >>> print(error_bytes(414, "uri_too_long", "too long", "IOKG_MAX_URL_BYTES", 10).decode())  # doctest: +ELLIPSIS
    HTTP/1.1 414 Request-URI Too Long\r
    content-type: application/json\r
    ...
    {"error":{"status":414,"type":"uri_too_long","message":"too long","limit":{"setting":"IOKG_MAX_URL_BYTES","value":10}}}
    """
    error: dict[str, Any] = {"status": status, "type": type_, "message": message}
    if setting is not None:
        error["limit"] = {"setting": setting, "value": value}
    body = json.dumps({"error": error}, separators=(",", ":")).encode()
    head = [STATUS_LINE[status], b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n"]
    if close:
        head.append(b"connection: close\r\n")
    return b"".join(head) + b"\r\n" + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with limits on the request target, the headers and the time a
    client may take to send a request; its refusals are in the JSON error shape."""

    max_url_bytes = 65_536
    max_header_bytes = 16_384
    request_read_timeout_s = 20.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._refusal: bytes | None = None
        self._url_bytes = 0
        self._header_bytes = 0
        self._reading = False  # some bytes of a request have arrived, not yet all of it
        self._headers_done = False
        self._head_bytes = 0
        self._read_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._start_read_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_read_timer()
        super().connection_lost(exc)

    # -- the time to send a request ---------------------------------------------------------

    def _start_read_timer(self) -> None:
        self._stop_read_timer()
        self._read_timer = self.loop.call_later(self.request_read_timeout_s, self._read_timed_out)

    def _stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        if self._reading and (self.cycle is None or not self.cycle.response_started):
            ms = round(self.request_read_timeout_s * 1000)
            log.debug("a client took longer than %d ms to send its request: closing", ms)
            if self.cycle is not None:
                self.cycle.disconnected = True  # the app (reading the body) sees a disconnect
            self.transport.write(error_bytes(
                408, "request_timeout", f"the request did not arrive whole within {ms} ms "
                "(IOKG_REQUEST_READ_TIMEOUT_MS)", "IOKG_REQUEST_READ_TIMEOUT_MS", ms))
            self.transport.close()
        elif self.cycle is None:
            self.transport.close()  # connected and said nothing

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._reading and not self._headers_done and not self.transport.is_closing():
            # httptools hands a header over only once it is whole: count the bytes of an unfinished
            # head too, so one endless header line is refused as it grows, not buffered
            self._head_bytes += len(data)
            if self._head_bytes > self.max_url_bytes + self.max_header_bytes + HEAD_SLACK_BYTES:
                self._refusal = self._headers_too_large()
                self.send_400_response("")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._url_bytes = self._header_bytes = self._head_bytes = 0
        self._headers_done = False
        self._reading = True
        if self._read_timer is None:
            self._start_read_timer()

    def on_headers_complete(self) -> None:
        self._headers_done = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._reading = False
        self._stop_read_timer()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # the keep-alive timer now runs; a next request restarts the read timer when it begins

    # -- sizes -------------------------------------------------------------------------------

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        if self._url_bytes > self.max_url_bytes:
            self._refusal = error_bytes(
                414, "uri_too_long", f"the request target is longer than {self.max_url_bytes} bytes "
                "(IOKG_MAX_URL_BYTES); send a long SPARQL query with POST", "IOKG_MAX_URL_BYTES",
                self.max_url_bytes)
            raise _Refused
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > self.max_header_bytes:
            self._refusal = self._headers_too_large()
            raise _Refused
        super().on_header(name, value)

    def _headers_too_large(self) -> bytes:
        return error_bytes(
            431, "request_header_fields_too_large", f"the request headers are larger than "
            f"{self.max_header_bytes} bytes in all (IOKG_MAX_HEADER_BYTES)", "IOKG_MAX_HEADER_BYTES",
            self.max_header_bytes)

    def send_400_response(self, msg: str) -> None:
        """What the parser refused (or a limit stopped), in the JSON error shape; the connection closes."""
        refusal, self._refusal = self._refusal, None
        self._stop_read_timer()
        if refusal is None:
            refusal = error_bytes(400, "invalid_request", "the request is not valid HTTP/1.1")
        self.transport.write(refusal)
        self.transport.close()


def guarded_protocol(settings: Settings) -> type[GuardedHttpToolsProtocol]:
    """`GuardedHttpToolsProtocol` with the limits of ``settings``."""
    return type("GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,), {
        "max_url_bytes": settings.max_url_bytes,
        "max_header_bytes": settings.max_header_bytes,
        "request_read_timeout_s": settings.request_read_timeout_ms / 1000,
    })


def config(settings: Settings) -> uvicorn.Config:
    """The uvicorn configuration of ``iokg serve``: every timeout and size limit set here, none left
    to uvicorn's defaults."""
    return uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        loop="auto",
        http=guarded_protocol(settings),
        ws="none",
        lifespan="on",
        log_level="info",
        access_log=False,  # iokg.api.access_log writes it, in batches (IOKG_ACCESS_LOG)
        timeout_keep_alive=settings.keep_alive_timeout_ms / 1000,  # type: ignore[arg-type]
        timeout_graceful_shutdown=settings.shutdown_grace_ms / 1000,  # type: ignore[arg-type]
        # used only if the h11 implementation were chosen: the same header budget
        h11_max_incomplete_event_size=settings.max_header_bytes + settings.max_url_bytes,
        limit_concurrency=None,  # shedding is iokg.api.admission (IOKG_MAX_IN_FLIGHT) and the query slots
        backlog=2048,
    )


#: What granian imports in its worker process: the app built from ``IOKG_*`` variables.
APP_FACTORY = "iokg.api.app:app_from_environment"


def settings_environment(settings: Settings) -> dict[str, str]:
    """``settings`` as the ``IOKG_*`` variables that give them back (for a server's worker process)."""
    env = {}
    for name, value in settings.model_dump().items():
        if value is not None:
            env[f"IOKG_{name.upper()}"] = str(value)
    return env


def run(settings: Settings) -> None:
    """Serve the API on ``settings.host``:``settings.port`` until SIGTERM or SIGINT."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    logging.getLogger("iokg").setLevel(logging.INFO)
    if settings.server == "granian":
        run_granian(settings)
        return
    uvicorn.Server(config(settings)).run()


def run_granian(settings: Settings) -> None:
    """Serve with granian: its worker process builds the app from the same settings."""
    from granian import Granian
    from granian.constants import Interfaces, Loops

    create_app(settings)  # fail here, in the foreground, on a setting or a package that cannot serve
    os.environ.update(settings_environment(settings))
    Granian(APP_FACTORY, address=settings.host, port=settings.port, interface=Interfaces.ASGI, factory=True,
            workers=1, loop=Loops.uvloop, websockets=False).serve()


if __name__ == "__main__":
    run(Settings())
