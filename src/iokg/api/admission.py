"""Bounded admission: past ``IOKG_MAX_IN_FLIGHT`` requests at once, a request is refused at once.

A small ASGI middleware, outermost in the app: it counts the HTTP requests being handled (one
event loop per process, so a plain counter) and answers any request beyond the limit with
``503`` and ``Retry-After`` in the one JSON error shape, without reading its body or touching
the store, so an overloaded server says so in microseconds instead of letting requests queue
until clients time out. ``/healthz`` is never refused: a load balancer must see a busy server
as alive. It is independent of how queries wait for a worker slot; it bounds everything
(pages, lookups, ``/sparql``) before any of that starts.

>>> import asyncio
>>> async def slow(scope, receive, send):
...     await asyncio.sleep(0.05)
...     await send({"type": "http.response.start", "status": 200, "headers": []})
...     await send({"type": "http.response.body", "body": b"ok"})
>>> app = AdmissionLimit(slow, max_in_flight=1)
>>> async def call(path="/x"):
...     sent = []
...     async def send(message): sent.append(message)
...     await app({"type": "http", "path": path}, None, send)
...     return sent[0]["status"]
>>> async def two_at_once(): return await asyncio.gather(call(), call(), call("/healthz"))
>>> from concurrent.futures import ThreadPoolExecutor
>>> with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs on this thread
...     thread.submit(asyncio.run, two_at_once()).result()
[200, 503, 200]
"""

from __future__ import annotations

import json
from typing import Any

#: Seconds a refused client is told to wait before trying again.
RETRY_AFTER_S = 1
#: Paths never refused.
EXEMPT_PATHS = frozenset({"/healthz"})


def overloaded_body(max_in_flight: int) -> bytes:
    """The refusal, in the API's one error shape (`iokg.api.errors`)."""
    return json.dumps({"error": {
        "status": 503, "type": "overloaded",
        "message": f"the server is handling its limit of {max_in_flight} requests at once; "
                   f"retry after {RETRY_AFTER_S} s",
        "limit": {"setting": "IOKG_MAX_IN_FLIGHT", "value": max_in_flight},
    }}).encode("utf-8")


class AdmissionLimit:
    """ASGI middleware refusing HTTP requests beyond ``max_in_flight`` at once (see the module)."""

    def __init__(self, app: Any, max_in_flight: int):
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.refused = 0
        self._body = overloaded_body(max_in_flight)
        self._headers = [(b"content-type", b"application/json"), (b"content-length", str(len(self._body)).encode()),
                         (b"retry-after", str(RETRY_AFTER_S).encode()), (b"cache-control", b"no-store"),
                         (b"access-control-allow-origin", b"*")]  # as every answer (iokg.api.cors)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            self.refused += 1
            await send({"type": "http.response.start", "status": 503, "headers": self._headers})
            await send({"type": "http.response.body", "body": self._body})
            return
        # A request does not count while it waits for its own body: a client sending slowly (or
        # never finishing) holds no place (IOKG_REQUEST_READ_TIMEOUT_MS cuts it off in the end).
        counted = True
        body_done = False
        self.in_flight += 1

        async def receive_uncounted() -> dict:
            nonlocal counted, body_done
            if body_done:
                return await receive()
            counted = False
            self.in_flight -= 1
            try:
                message = await receive()
            finally:
                counted = True
                self.in_flight += 1
            body_done = message.get("type") != "http.request" or not message.get("more_body", False)
            return message

        try:
            await self.app(scope, receive_uncounted, send)
        finally:
            if counted:
                self.in_flight -= 1
