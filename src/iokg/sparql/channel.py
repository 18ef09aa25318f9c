"""Messages between the server and a query worker: pickled objects, each framed by its length, over
one end of a socket pair (`socket.socketpair`).

The worker's end blocks (`send_message`, `recv_message`). The server's end (`Channel`) is
non-blocking and is read two ways, by whoever holds the worker at the time:

- `Channel.recv` waits on the calling thread (``poll``, up to a deadline): the lookups' named
  queries, which run on threads because the core's lookups are plain functions;
- `Channel.recv_async` waits on the event loop for the socket to become readable
  (``loop.add_reader``, up to a deadline): a client's SPARQL, which so needs no thread at all.

Both raise `TimeoutError` at the deadline (the caller then kills the worker: a reply may still
come) and `EOFError` when the worker's end closed (the worker died). A frame is an 8-byte
big-endian length, then a pickle; a small frame is written in one ``send``, so the reader is
woken once.

>>> import socket
>>> ours, theirs = socket.socketpair()
>>> channel = Channel(ours)
>>> channel.send(("job", 1), deadline=time.monotonic() + 1)
>>> recv_message(theirs)
('job', 1)
>>> send_message(theirs, ("ok", b"x" * 100_000))  # two parts: header, then payload
>>> kind, body = channel.recv(deadline=time.monotonic() + 1)
>>> kind, len(body)
('ok', 100000)
>>> channel.recv(deadline=time.monotonic() + 0.01)
Traceback (most recent call last):
...
TimeoutError: no message within the time limit
>>> theirs.close()
>>> channel.recv(deadline=time.monotonic() + 1)
Traceback (most recent call last):
...
EOFError: the other end of the channel closed
"""

from __future__ import annotations

import asyncio
import pickle
import select
import socket
import struct
import time
from typing import Any

HEADER = struct.Struct("!Q")
#: Bytes asked of the socket per read.
CHUNK = 256 * 1024
#: Frames up to this size are written in one ``send`` (header and payload joined).
JOIN_UP_TO = 64 * 1024


def encode(obj: Any) -> bytes | tuple[bytes, bytes]:
    """The frame of ``obj``: one bytes object when small, else header and payload apart (no copy)."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    header = HEADER.pack(len(payload))
    if len(payload) <= JOIN_UP_TO:
        return header + payload
    return header, payload


def send_message(sock: socket.socket, obj: Any) -> None:
    """Write ``obj`` to a blocking socket (the worker's end)."""
    frame = encode(obj)
    for part in (frame,) if isinstance(frame, bytes) else frame:
        sock.sendall(part)


def recv_message(sock: socket.socket) -> Any:
    """Read one object from a blocking socket (the worker's end); `EOFError` once it is closed."""
    header = _recv_exactly(sock, HEADER.size)
    (size,) = HEADER.unpack(header)
    return pickle.loads(_recv_exactly(sock, size))


def _recv_exactly(sock: socket.socket, size: int) -> bytearray:
    data = bytearray(size)
    view = memoryview(data)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("the other end of the channel closed")
        got += n
    return data


def _wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def _expire(future: asyncio.Future) -> None:
    if not future.done():
        future.set_exception(TimeoutError("no message within the time limit"))


class Channel:
    """The server's end of a worker's socket pair. Not thread-safe: one holder at a time (the
    executor hands a worker to one caller). Deadlines are `time.monotonic` instants."""

    def __init__(self, sock: socket.socket):
        sock.setblocking(False)
        self._sock = sock
        self._fd = sock.fileno()
        self._buffer = bytearray()
        self._scratch = bytearray(CHUNK)  # what each read lands in (no buffer allocated per read)
        self._poll = select.poll()
        self._poll.register(self._fd, select.POLLIN)

    def close(self) -> None:
        if self._fd != -1:
            self._poll.unregister(self._fd)
            self._fd = -1
        self._sock.close()

    # -- reading ---------------------------------------------------------------------------

    def _take(self) -> tuple[bool, Any]:
        """The first whole message of the buffer, if there is one."""
        if len(self._buffer) < HEADER.size:
            return False, None
        (size,) = HEADER.unpack_from(self._buffer)
        end = HEADER.size + size
        if len(self._buffer) < end:
            return False, None
        with memoryview(self._buffer) as view:
            obj = pickle.loads(view[HEADER.size:end])
        del self._buffer[:end]
        return True, obj

    def _fill(self) -> bool:
        """Read what the socket holds into the buffer; False when it holds nothing now."""
        read = False
        while True:
            try:
                n = self._sock.recv_into(self._scratch)
            except (BlockingIOError, InterruptedError):
                return read
            if not n:
                raise EOFError("the other end of the channel closed")
            with memoryview(self._scratch) as view:
                self._buffer += view[:n]
            read = True
            if n < CHUNK:
                return True

    def recv(self, deadline: float) -> Any:
        """The next message, waiting on this thread until ``deadline``."""
        while True:
            found, obj = self._take()
            if found:
                return obj
            if self._fill():
                continue
            left_ms = (deadline - time.monotonic()) * 1000
            if left_ms <= 0 or not self._poll.poll(max(left_ms, 1)):
                raise TimeoutError("no message within the time limit")

    async def recv_async(self, deadline: float) -> Any:
        """The next message, awaiting the socket on the running event loop until ``deadline``."""
        while True:
            found, obj = self._take()
            if found:
                return obj
            if self._fill():
                continue
            await self._ready(deadline, reading=True)

    # -- writing ---------------------------------------------------------------------------

    def send(self, obj: Any, deadline: float) -> None:
        """Write ``obj``, waiting on this thread (until ``deadline``) while the socket is full."""
        frame = encode(obj)
        for part in (frame,) if isinstance(frame, bytes) else frame:
            view = memoryview(part)
            while view:
                try:
                    view = view[self._sock.send(view):]
                except (BlockingIOError, InterruptedError):
                    left_ms = (deadline - time.monotonic()) * 1000
                    writable = select.poll()
                    writable.register(self._fd, select.POLLOUT)
                    if left_ms <= 0 or not writable.poll(max(left_ms, 1)):
                        raise TimeoutError("the worker did not read its job within the time limit") from None

    async def send_async(self, obj: Any, deadline: float) -> None:
        """Write ``obj``, awaiting the socket on the running event loop while it is full."""
        frame = encode(obj)
        for part in (frame,) if isinstance(frame, bytes) else frame:
            view = memoryview(part)
            while view:
                try:
                    view = view[self._sock.send(view):]
                except (BlockingIOError, InterruptedError):
                    await self._ready(deadline, reading=False)

    async def _ready(self, deadline: float, *, reading: bool) -> None:
        """Return once the socket can be read (or written), or raise `TimeoutError` at ``deadline``."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if reading:
            loop.add_reader(self._fd, _wake, future)
        else:
            loop.add_writer(self._fd, _wake, future)
        timer = loop.call_later(max(deadline - time.monotonic(), 0), _expire, future)
        try:
            await future
        finally:
            timer.cancel()
            if reading:
                loop.remove_reader(self._fd)
            else:
                loop.remove_writer(self._fd)
