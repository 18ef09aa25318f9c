"""HTTP to the remote store: the SPARQL 1.1 Protocol (query, update) and the Graph Store
Protocol, with a time limit on every request and bounded retries when the store is down.

- A query has ``IOKG_QUERY_TIMEOUT_MS`` from its first byte sent to its last byte read: httpx's
  timeouts bound each wait, and the response is read against a deadline, so a store that stalls
  mid-answer is given up on too (`iokg.errors.QueryTimeout`). Where the store takes a time limit
  per request (``IOKG_REMOTE_TIMEOUT_PARAM``, e.g. Virtuoso's ``timeout``), it is sent as well.
- A store that cannot be reached (connection refused or reset, 502, 503, 504) is tried again
  with backoff (50 ms doubling, at most 1 s apart) for at most ``IOKG_REMOTE_RETRY_MS``, within
  the query's own time limit; then `StoreUnavailable` (503 with ``Retry-After``). Never a hang.
- Virtuoso's answer to a query its own time limit stopped is a 200 with incomplete results and
  an ``X-SQL-State: S1TAT`` header: that is taken as the timeout it is, never as a result.
- Any other refusal is `StoreFailed` (the store's own message, shortened), or `InvalidQuery`
  for a 400.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from iokg.errors import InvalidQuery, IokgError, Limit, QueryTimeout, StoreFailed, StoreUnavailable

log = logging.getLogger(__name__)

#: What a client told that the store is down should wait before trying again, in seconds.
RETRY_AFTER_S = StoreUnavailable.retry_after_s
#: Backoff between tries: the first pause, the factor, the longest pause (seconds).
BACKOFF_FIRST_S, BACKOFF_FACTOR, BACKOFF_MAX_S = 0.05, 2.0, 1.0
#: How much of a store's error message is kept.
MESSAGE_CHARS = 300
FORM = "application/x-www-form-urlencoded"
#: Statuses that mean "not there right now" rather than "no".
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Endpoints:
    """The store's URLs: queries; updates (needed to push); the Graph Store Protocol (optional,
    used to load a build's graphs when given, else updates do)."""

    query: str
    update: str | None = None
    gsp: str | None = None


class RemoteClient:
    """One pooled httpx client for the store. Thread-safe."""

    def __init__(self, endpoints: Endpoints, *, query_timeout_ms: int, retry_ms: int = 3000,
                 timeout_param: str | None = None, max_connections: int = 32,
                 transfer_timeout_ms: int = 600_000):
        self.endpoints = endpoints
        self.query_timeout_ms = query_timeout_ms
        self.retry_ms = retry_ms
        self.timeout_param = timeout_param or None
        self.transfer_timeout_ms = transfer_timeout_ms
        self._http = httpx.Client(limits=httpx.Limits(max_connections=max_connections),
                                  headers={"User-Agent": "iokg"}, follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    # -- queries ------------------------------------------------------------------------------

    @contextmanager
    def query(self, text: str, *, accept: str, default_graphs: Sequence[str] = (),
              named_graphs: Sequence[str] = (), timeout_ms: int | None = None) -> Iterator[Response]:
        """POST a query (form-encoded); yield the streamed `Response` of a 2xx answer."""
        limit_ms = timeout_ms or self.query_timeout_ms
        form: list[tuple[str, str]] = [("query", text)]
        form += [("default-graph-uri", g) for g in default_graphs]
        form += [("named-graph-uri", g) for g in named_graphs]
        if self.timeout_param:
            form.append((self.timeout_param, str(limit_ms)))
        with self._send("POST", self.endpoints.query, limit_ms, content=urlencode(form),
                        headers={"Accept": accept, "Content-Type": FORM}) as response:
            yield response

    def update(self, text: str) -> None:
        """POST one SPARQL Update request (form-encoded)."""
        if not self.endpoints.update:
            raise IokgError("pushing needs the store's update URL (IOKG_REMOTE_UPDATE_URL)")
        with self._send("POST", self.endpoints.update, self.transfer_timeout_ms,
                        content=urlencode([("update", text)]),
                        headers={"Accept": "*/*", "Content-Type": FORM}) as response:
            response.read_all()

    def put_graph(self, graph: str, body: bytes, media_type: str) -> None:
        """Replace ``graph`` with ``body`` by the Graph Store Protocol (PUT ?graph=...)."""
        assert self.endpoints.gsp
        with self._send("PUT", self.endpoints.gsp, self.transfer_timeout_ms, params={"graph": graph},
                        content=body, headers={"Content-Type": media_type}) as response:
            response.read_all()

    # -- the one way a request is sent ------------------------------------------------------

    @contextmanager
    def _send(self, method: str, url: str, limit_ms: int, **kwargs) -> Iterator[Response]:
        started = time.monotonic()
        deadline = started + limit_ms / 1000
        retry_until = started + min(self.retry_ms, limit_ms) / 1000
        pause = BACKOFF_FIRST_S
        while True:
            remaining = max(deadline - time.monotonic(), 0.001)
            timeout = httpx.Timeout(remaining, connect=min(remaining, 2.0))
            try:
                stream = self._http.stream(method, url, timeout=timeout, **kwargs)
                raw = stream.__enter__()
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError,
                    httpx.PoolTimeout) as e:
                reason = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            except httpx.TimeoutException:
                raise _timeout(limit_ms) from None
            else:
                if raw.status_code not in UNAVAILABLE_STATUSES:
                    try:
                        if raw.status_code >= 300:
                            _refused(raw, url)
                        _check_complete(raw, limit_ms)
                        yield Response(raw, deadline, limit_ms)
                        return
                    finally:
                        stream.__exit__(None, None, None)
                reason = f"HTTP {raw.status_code}"
                stream.__exit__(None, None, None)
            if time.monotonic() + pause > retry_until:
                log.warning("the SPARQL store at %s is unreachable: %s", url, reason)
                raise StoreUnavailable(
                    f"the SPARQL store at {_origin(url)} cannot be reached ({reason}); tried for "
                    f"{round((time.monotonic() - started) * 1000)} ms (IOKG_REMOTE_RETRY_MS); try again later")
            time.sleep(pause)
            pause = min(pause * BACKOFF_FACTOR, BACKOFF_MAX_S)


class Response:
    """A streamed 2xx answer of the store, read against the request's deadline."""

    def __init__(self, raw: httpx.Response, deadline: float, limit_ms: int):
        self.raw = raw
        self.deadline = deadline
        self.limit_ms = limit_ms

    @property
    def media_type(self) -> str:
        return self.raw.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def chunks(self) -> Iterator[bytes]:
        try:
            for chunk in self.raw.iter_bytes():
                if time.monotonic() > self.deadline:
                    raise _timeout(self.limit_ms)
                yield chunk
        except httpx.TimeoutException:
            raise _timeout(self.limit_ms) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as e:
            raise StoreUnavailable(f"the SPARQL store broke off its answer ({type(e).__name__})") from None

    def read_all(self) -> bytes:
        return b"".join(self.chunks())

    def file(self) -> _ChunkReader:
        """The body as a binary file for pyoxigraph's streaming parsers."""
        return _ChunkReader(self.chunks())


class _ChunkReader:
    """A read-only binary file over an iterator of chunks."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._done = True
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)


def _timeout(limit_ms: int) -> QueryTimeout:
    return QueryTimeout(f"query stopped after its time limit of {limit_ms} ms (IOKG_QUERY_TIMEOUT_MS)",
                        limit=Limit("IOKG_QUERY_TIMEOUT_MS", limit_ms))


def _check_complete(raw: httpx.Response, limit_ms: int) -> None:
    """Virtuoso answers a query stopped by its time limit with 200 and *incomplete* results,
    saying so only in ``X-SQL-State`` (``S1TAT``): that is a timeout, never a result."""
    state = raw.headers.get("x-sql-state")
    if state is None:
        return
    message = " ".join(raw.headers.get("x-sql-message", "").split())[:MESSAGE_CHARS]
    if state.upper() == "S1TAT":
        raise QueryTimeout(f"query stopped after its time limit of {limit_ms} ms (IOKG_QUERY_TIMEOUT_MS) "
                           "on the SPARQL store", limit=Limit("IOKG_QUERY_TIMEOUT_MS", limit_ms))
    raise StoreFailed(f"the SPARQL store reported {state} with its answer: {message}")


def _refused(raw: httpx.Response, url: str) -> None:
    body = raw.read().decode("utf-8", "replace")
    message = " ".join(body.split())[:MESSAGE_CHARS] or f"HTTP {raw.status_code}"
    lowered = message.lower()
    if "timeout" in lowered or "timed out" in lowered or raw.status_code == 408:
        raise QueryTimeout(f"the SPARQL store stopped the query at its time limit: {message}")
    if raw.status_code == 400:
        raise InvalidQuery(f"the SPARQL store refused the query: {message}")
    raise StoreFailed(f"the SPARQL store at {_origin(url)} answered HTTP {raw.status_code}: {message}")


def _origin(url: str) -> str:
    """The URL without credentials or query string, for messages."""
    parts = httpx.URL(url)
    return str(parts.copy_with(username=None, password=None, query=None))
