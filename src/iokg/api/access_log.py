"""The access log: one line per answered request, written in batches.

uvicorn's own access log builds a log record, formats it and writes it out for every request,
which costs about as much CPU as answering a ``/sparql`` point query (docs/performance.md). This
middleware, outermost in the app, logs the same facts in the same form (``INFO:     <client> -
"<method> <path> HTTP/<version>" <status>``) but keeps the lines in memory and writes them
together, as nginx does with ``access_log ... buffer= flush=``: once `BUFFER_BYTES` have gathered,
`FLUSH_S` seconds after the oldest unwritten line, and when the app shuts down.
``IOKG_ACCESS_LOG=false`` turns it off (behind a proxy that keeps its own log).

>>> import asyncio, io
>>> async def ok(scope, receive, send):
...     await send({"type": "http.response.start", "status": 200, "headers": []})
...     await send({"type": "http.response.body", "body": b"{}"})
>>> out = io.StringIO()
>>> log = AccessLog(ok, stream=out)
>>> scope = {"type": "http", "method": "GET", "path": "/search", "query_string": b"q=panda",
...          "client": ("127.0.0.1", 50000), "http_version": "1.1"}
>>> async def one():
...     async def send(message): pass
...     await log(scope, None, send)
>>> from concurrent.futures import ThreadPoolExecutor
>>> with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs on this thread
...     thread.submit(asyncio.run, one()).result()
>>> out.getvalue()  # not yet written: the line waits for its batch
''
>>> log.flush()
>>> out.getvalue()
'INFO:     127.0.0.1:50000 - "GET /search?q=panda HTTP/1.1" 200\\n'
"""

from __future__ import annotations

import asyncio
import atexit
import sys
import weakref
from typing import Any, TextIO
from urllib.parse import quote

#: Characters of log lines gathered before they are written at once.
BUFFER_BYTES = 64 * 1024
#: Seconds a line may wait to be written.
FLUSH_S = 1.0


class AccessLog:
    """ASGI middleware writing an access log line per HTTP response of ``app`` (see the module)."""

    def __init__(self, app: Any, stream: TextIO | None = None, buffer_bytes: int = BUFFER_BYTES,
                 flush_s: float = FLUSH_S):
        self.app = app
        self.stream = stream
        self.buffer_bytes = buffer_bytes
        self.flush_s = flush_s
        self._lines: list[str] = []
        self._size = 0
        self._timer: asyncio.TimerHandle | None = None
        atexit.register(_flush_if_alive, weakref.ref(self))  # lines kept when the process ends

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._flushing_at_shutdown(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_logged(message: dict) -> None:
            if message["type"] == "http.response.start":
                self.add(scope, message["status"])
            await send(message)

        await self.app(scope, receive, send_logged)

    def _flushing_at_shutdown(self, send: Any) -> Any:
        async def send_then_flush(message: dict) -> None:
            await send(message)
            if message["type"].startswith("lifespan.shutdown"):
                self.flush()
        return send_then_flush

    def add(self, scope: dict, status: int) -> None:
        """Keep the line of a request answered with ``status``; write the batch if it is full."""
        client = scope.get("client")
        path = quote(scope.get("root_path", "") + scope["path"])
        query = scope.get("query_string", b"")
        if query:
            path += "?" + query.decode("ascii", "replace")
        line = (f'INFO:     {client[0]}:{client[1]} - ' if client else 'INFO:     - - ') + \
            f'"{scope["method"]} {path} HTTP/{scope.get("http_version", "1.1")}" {status}\n'
        self._lines.append(line)
        self._size += len(line)
        if self._size >= self.buffer_bytes:
            self.flush()
        elif self._timer is None:
            try:
                self._timer = asyncio.get_running_loop().call_later(self.flush_s, self.flush)
            except RuntimeError:  # no running loop: written at the next flush
                pass

    def flush(self) -> None:
        """Write the lines kept so far."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._lines:
            return
        text, self._lines, self._size = "".join(self._lines), [], 0
        stream = self.stream or sys.stdout
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):  # a closed stream: the lines have nowhere to go
            pass


def _flush_if_alive(log: weakref.ref) -> None:
    found = log()
    if found is not None:
        found.flush()
