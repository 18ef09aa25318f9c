"""The limits a request can run into, named by the setting that sets them.

>>> error = attach_limit(ValueError("too slow"), "IOKG_QUERY_TIMEOUT_MS", 500)
>>> error.limit
Limit(setting='IOKG_QUERY_TIMEOUT_MS', value=500)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """A limit: the environment name of its setting and its value (units are in the name)."""

    setting: str
    value: int


def attach_limit(error: Exception, setting: str, value: int) -> Exception:
    """Record on ``error`` the limit it reports; the API layer shows it as ``error.limit``."""
    error.limit = Limit(setting, value)  # type: ignore[attr-defined]
    return error
