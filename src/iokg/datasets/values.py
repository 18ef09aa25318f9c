"""Reading one value of a release: times (UTC), counts, booleans, list columns, hashed ids.

Each parser returns the typed value (None for an empty field) or raises `BadValue` with a message
that says what the value should have been.

>>> parse_time("2019-08-15 02:43")
'2019-08-15 02:43:00+00:00'
>>> parse_time("2019-08-15T10:43:00+08:00")
'2019-08-15 02:43:00+00:00'
>>> parse_list("[HongKong, 香港]"), parse_list("['a', 'b']"), parse_list("[]")
(['HongKong', '香港'], ['a', 'b'], [])
>>> is_hashed("1234567890"), is_hashed("Ul+6dbzSn2wt1Jj0Ct8XOJeN8qZPlRvo56mwh5n4=")
(False, True)
>>> parse_count("twelve")
Traceback (most recent call last):
...
iokg.datasets.values.BadValue: 'twelve' is not a count (a whole number, 0 or more)
"""

from __future__ import annotations

import ast
import datetime as dt
import re


class BadValue(ValueError):
    """A value that is not what its column holds; the message says what it should be."""


def parse_time(text: str, *, date_only: bool = False) -> str | None:
    """A release time (UTC unless it says otherwise) as ``YYYY-MM-DD HH:MM:SS+00:00``, or a date
    as ``YYYY-MM-DD`` with ``date_only``; None for an empty value; `BadValue` otherwise."""
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or len(text) < 10 or not text[:4].isdigit():
        want = "a date (YYYY-MM-DD)" if date_only else "a UTC time (YYYY-MM-DD HH:MM[:SS])"
        raise BadValue(f"'{short(text)}' is not {want}")
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if date_only:
        return value.date().isoformat()
    if len(text) == 10:
        raise BadValue(f"'{text}' has no time of day (YYYY-MM-DD HH:MM[:SS], UTC)")
    return value.replace(microsecond=0).isoformat(sep=" ") + "+00:00"


_INTEGER = re.compile(r"^\d+(?:\.0*)?$")


def parse_count(text: str) -> int | None:
    """A non-negative count (``12``, or ``12.0`` as some releases write it); None if empty."""
    text = text.strip()
    if not text:
        return None
    if not _INTEGER.match(text):
        raise BadValue(f"'{short(text)}' is not a count (a whole number, 0 or more)")
    return int(text.split(".", 1)[0])


_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


def parse_bool(text: str) -> bool | None:
    text = text.strip()
    if not text:
        return None
    try:
        return _BOOLEANS[text.lower()]
    except KeyError:
        raise BadValue(f"'{short(text)}' is not True or False") from None


def parse_list(text: str) -> list[str]:
    """A list column: ``[a, b]``, ``['a', 'b']``, ``[]`` or empty."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        if inner[:1] in ("'", '"'):
            try:
                value = ast.literal_eval(text)
                if isinstance(value, list):
                    return [str(v) for v in value if str(v)]
            except (ValueError, SyntaxError):
                pass
        text = inner
    return [item for item in (part.strip().strip("'\"").strip() for part in text.split(",")) if item]


def is_hashed(userid: str) -> bool:
    """Whether a user id is one of the release's hashes: Twitter's own ids are decimal numbers."""
    return not userid.isdigit()


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
