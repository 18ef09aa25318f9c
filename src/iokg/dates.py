"""Dates as precise as they are known, and ``as_of``: what was known by the end of a year, month or day.

The data dates a source or a statement by year, month or day (``2019``, ``2019-09``,
``2019-09-14``); a partial date stands for every day from its first to its last. ``as_of`` takes
the same three forms and counts up to the **last** day it can stand for: ``as_of=2020`` is what was
known by 2020-12-31, ``as_of=2020-02`` by 2020-02-29, as `iokg.ingest.rdf.date_bounds` bounds the
data's dates. A request's ``as_of`` is parsed once, where it enters (a page, a JSON route, a named
query parameter), into an `AsOf`; the core compares its `AsOf.last_day` with each statement's
latest possible day.

>>> AsOf.parse("2020").last_day
datetime.date(2020, 12, 31)
>>> AsOf.parse(" 2024-02 ").last_day, AsOf.parse("2024-02").precision
(datetime.date(2024, 2, 29), 'month')
>>> AsOf.parse("2020-06-01").text
'2020-06-01'
>>> AsOf.parse("2020-13")
Traceback (most recent call last):
...
iokg.errors.InvalidQuery: `as_of` takes a year, a month or a day: YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2020, 2020-06 or 2020-06-01); got '2020-13'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from iokg.errors import InvalidQuery

#: How the accepted forms are named in messages, help texts and docs.
FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
EXAMPLES = "2020, 2020-06 or 2020-06-01"
#: An HTML ``pattern`` for form fields taking a partial date.
HTML_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

Precision = Literal["year", "month", "day"]


def bounds(text: str) -> tuple[dt.date, dt.date]:
    """First and last day a partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) can stand for;
    `ValueError` if it is none of them.

    >>> bounds("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    m = _PARTIAL.match(text)
    if not m:
        raise ValueError(f"not a date {FORMS}: {text!r}")
    year, month, day = (int(g) if g else None for g in m.groups())
    if year < 1:
        raise ValueError(f"no year 0: {text!r}")
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if day is None:
        if not 1 <= month <= 12:
            raise ValueError(f"no month {month}: {text!r}")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    d = dt.date(year, month, day)  # ValueError for 2023-02-30
    return d, d


@dataclass(frozen=True)
class AsOf:
    """An ``as_of`` value: the text as given (trimmed), its precision and the days it spans."""

    text: str
    precision: Precision
    first_day: dt.date
    last_day: dt.date

    @classmethod
    def parse(cls, value: str | dt.date, name: str = "as_of") -> AsOf:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or take a `datetime.date`);
        `InvalidQuery` naming the accepted forms otherwise."""
        if isinstance(value, dt.date):
            return cls(value.isoformat(), "day", value, value)
        text = str(value).strip()
        try:
            first, last = bounds(text)
        except ValueError:
            raise InvalidQuery(f"`{name}` takes a year, a month or a day: {FORMS} (e.g. {EXAMPLES}); "
                               f"got '{text[:40]}'") from None
        precision: Precision = {4: "year", 7: "month", 10: "day"}[len(text)]
        return cls(text, precision, first, last)

    @classmethod
    def optional(cls, value: str | dt.date | None, name: str = "as_of") -> AsOf | None:
        """`parse`, with ``None`` and empty text meaning no ``as_of`` at all."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return cls.parse(value, name)

    def describe(self) -> str:
        """In words, for pages: ``2020 (to 31 December 2020)``, ``2020-06-01``."""
        if self.precision == "day":
            return self.text
        return f"{self.text} (to {self.last_day.day} {self.last_day:%B %Y})"
