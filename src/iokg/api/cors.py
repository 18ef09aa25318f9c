"""Cross-origin requests (CORS): any web page may query the service from a browser.

The data is public and the service read-only, with no cookies or credentials: every origin is
allowed to ``GET`` and ``POST`` (a hosted YASGUI, a notebook in a browser), with any request
headers (``Content-Type: application/sparql-query`` and ``Accept`` are what SPARQL clients
send). Preflights (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) are
answered here, before any route; a refused one answers in the one JSON error shape.
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

#: Methods other origins may use: the service only reads.
ALLOWED_METHODS = ("GET", "HEAD", "POST")
#: Response headers a page may read besides the CORS-safelisted ones.
EXPOSED_HEADERS = ("ETag", "X-IOKG-Truncated", "X-IOKG-Row-Limit", "Content-Disposition", "Vary")
#: How long a browser may cache a preflight answer, in seconds.
PREFLIGHT_MAX_AGE_S = 86400


class PublicCORS(CORSMiddleware):
    """Starlette's CORS middleware, with refused preflights in the API's error shape, and
    ``Access-Control-Allow-Origin: *`` on every answer, asked by a page or not: the answer does
    not depend on ``Origin``, so it needs no ``Vary: Origin``."""

    def __init__(self, app, **options) -> None:
        super().__init__(app, **options)
        #: what every answer gets, as raw ASGI header pairs
        self.raw_simple_headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                                   for k, v in self.simple_headers.items()]
        self._simple_names = {name for name, _ in self.raw_simple_headers}

    async def __call__(self, scope, receive, send) -> None:
        """A preflight goes through Starlette's checks; any other request is passed on with its
        answer's headers added, without reading the request's own."""
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await super().__call__(scope, receive, send)
            return
        added, names = self.raw_simple_headers, self._simple_names

        async def send_with_cors(message) -> None:
            if message["type"] == "http.response.start":  # as MutableHeaders.update: set, not repeat
                message["headers"] = [h for h in message.get("headers", []) if h[0].lower() not in names] + added
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def send(self, message, send, request_headers: Headers) -> None:
        """A plain ``OPTIONS`` (not a preflight), which Starlette passes on, gets the headers every answer has."""
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers.update(self.simple_headers)
        await send(message)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        method = request_headers.get("access-control-request-method", "")
        body = {"error": {
            "status": 403, "type": "forbidden",
            "message": f"cross-origin {method} requests are refused; this read-only service "
                       f"allows {', '.join(ALLOWED_METHODS)} from any origin",
        }}
        headers = {k: v for k, v in response.headers.items() if k.lower().startswith("access-control")
                   or k.lower() == "vary"}
        return Response(json.dumps(body), status_code=403, media_type="application/json",
                        headers=headers)


def install_cors(app: FastAPI) -> None:
    """Let pages of any origin read every route of ``app``."""
    app.add_middleware(
        PublicCORS,
        allow_origins=["*"],
        allow_methods=ALLOWED_METHODS,
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE_S,
    )
