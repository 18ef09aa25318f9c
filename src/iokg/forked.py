"""Work a build hands to a forked process of its own, so it runs on the other core while the build
goes on: ``job = ForkedJob(work, "what it does")`` starts ``work()`` in a child forked from this
process (it shares what is in memory, the quads and the in-memory store, without copying them);
``job.wait()`` returns what ``work()`` returned, or raises the exception it raised (an `OSError`
stays an `OSError`, errno and all, so a full disk reads the same from a child as from the
parent); ``job.cancel()`` stops it. A child dies with the process that forked it (Linux:
``PR_SET_PDEATHSIG``), so a killed build leaves no writer behind. Where ``fork`` is missing the
work runs in `wait`.

>>> job = ForkedJob(lambda: 6 * 7, "the answer")
>>> job.wait()
42
>>> ForkedJob(lambda: open("/nonexistent/x"), "opening").wait()
Traceback (most recent call last):
...
FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/x'
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable
from typing import Any

from iokg.errors import IokgError

_PR_SET_PDEATHSIG = 1


class ForkedJob:
    """``work()`` run by a forked child; `wait` for its result, `cancel` to stop it."""

    def __init__(self, work: Callable[[], Any], what: str):
        self.work, self.what = work, what
        self.process = None
        #: wall-clock and CPU seconds ``work()`` took in the child, once `wait` has returned
        self.seconds = self.cpu_seconds = 0.0
        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:
            return
        self.reader, writer = ctx.Pipe(duplex=False)
        parent = os.getpid()
        self.process = ctx.Process(target=self._run, args=(writer, parent), daemon=True)
        self.process.start()
        writer.close()

    def _run(self, writer, parent: int) -> None:  # in the child
        _die_with(parent)
        start, cpu = time.perf_counter(), time.process_time()
        try:
            outcome = ("done", self.work(), time.perf_counter() - start, time.process_time() - cpu)
        except BaseException as e:  # sent back, raised by the parent
            outcome = ("failed", e, traceback.format_exc())
        try:
            writer.send(outcome)
        except BaseException:  # an exception that does not pickle: its text goes instead
            writer.send(("failed", IokgError(f"{self.what} failed: {_last_line(outcome[-1])}"), ""))
        writer.close()
        os._exit(0)

    def wait(self) -> Any:
        """What ``work()`` returned; the exception it raised is raised here."""
        if self.process is None:
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return self.work()
            finally:
                self.seconds, self.cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        try:
            outcome = self.reader.recv()
        except EOFError:  # the child died before it could say
            self.process.join()
            raise IokgError(f"{self.what} failed: its process ended with exit code {self.process.exitcode}") from None
        finally:
            self.reader.close()
        self.process.join()
        if outcome[0] == "done":
            self.seconds, self.cpu_seconds = outcome[2], outcome[3]
            return outcome[1]
        raise outcome[1]

    def cancel(self) -> None:
        """Stop the child (a build with problems), if it still runs."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.reader.close()


def _die_with(parent: int) -> None:
    """Ask the kernel to kill this child when the process that forked it dies (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(1)


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "unknown error"
