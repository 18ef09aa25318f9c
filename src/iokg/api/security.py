"""Headers every response gets, whichever route (or error handler, or static file) made it.

- Every HTML page and SVG picture carries the pages' strict Content-Security-Policy
  (`iokg.web.templating.CONTENT_SECURITY_POLICY`: nothing inline, nothing from elsewhere),
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``, also those no template
  rendered (the API docs page, an error page); a response that set its own policy keeps it.
- Every response says ``X-Content-Type-Options: nosniff``.
- Every 503 (a store that is missing, query slots all busy, a query worker lost) says when to try
  again: ``Retry-After`` of `RETRY_AFTER_S` seconds unless the route gave its own.

A pure ASGI middleware (no body buffering), so streamed responses stay streamed.
"""

from __future__ import annotations

from typing import Any

from iokg.web.templating import CONTENT_SECURITY_POLICY

#: What a 503 tells a client to wait before trying again, in seconds.
RETRY_AFTER_S = 2

_PAGE_TYPES = (b"text/html", b"image/svg+xml")


class SecurityHeaders:
    """ASGI middleware adding the headers above to ``app``'s responses."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(message["status"], list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(status: int, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` (raw ASGI pairs) with what this module adds.

    >>> dict(with_security_headers(503, [(b"content-type", b"application/json")]))[b"retry-after"]
    b'2'
    >>> added = dict(with_security_headers(200, [(b"content-type", b"text/html; charset=utf-8")]))
    >>> added[b"content-security-policy"].startswith(b"default-src 'none'")
    True
    """
    names = {name.lower() for name, _ in headers}
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if content_type.startswith(_PAGE_TYPES) and b"content-security-policy" not in names:
        headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
        if b"referrer-policy" not in names:
            headers.append((b"referrer-policy", b"same-origin"))
    if b"x-content-type-options" not in names:
        headers.append((b"x-content-type-options", b"nosniff"))
    if status == 503 and b"retry-after" not in names:
        headers.append((b"retry-after", str(RETRY_AFTER_S).encode()))
    return headers


def install_security_headers(app: Any) -> None:
    """Wrap every response of ``app`` (a FastAPI or Starlette app) with `SecurityHeaders`."""
    app.add_middleware(SecurityHeaders)
