"""Meta's indicator files (facebook/threat-research), read one row at a time with the csv module.

An indicator file has the columns ``Tactic, Technique, Procedure, Indicator, Note``: the first
three name a step of Meta's Online Operations Kill Chain, the indicator is a count of assets
("7,704 Facebook accounts"), a defanged link (``https://twitter[.]com/...``), a post title or a
sentence, and the note is Meta's (a translation of a title, where given). The kill-chain file has
``Tactic, Technique, Procedure``.

>>> count_of("7,704 Facebook accounts")
(7704, 'Facebook accounts', 'removedAccountCount')
>>> count_of("954 Facebook Pages")
(954, 'Facebook Pages', 'removedPageCount')
>>> count_of("https://twitter[.]com/x") is None
True
>>> is_link("https://medium[.]com/@x"), is_link("Chen Pokong: Fake monk")
(True, False)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

INDICATOR_COLUMNS = ("Tactic", "Technique", "Procedure", "Indicator", "Note")
KILLCHAIN_COLUMNS = ("Tactic", "Technique", "Procedure")

#: The assets Meta counts, and the claim property each count is recorded with.
COUNTED_ASSETS = {
    "Facebook accounts": "removedAccountCount",
    "Facebook Pages": "removedPageCount",
    "Facebook Groups": "removedGroupCount",
    "Instagram accounts": "removedInstagramAccountCount",
}

_COUNT = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+) ([A-Z][A-Za-z /]+)$")
_LINK = re.compile(r"^(?:https?|hxxps?)://|\[\.\]")
_DEFANGED = re.compile(r"^hxxps?://|\[\.\]")


class FormatError(ValueError):
    """A file or row that is not in Meta's format; ``line`` is its line in the file."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def count_of(indicator: str) -> tuple[int, str, str | None] | None:
    """(number, asset, claim property or None) when the indicator is a count of assets, else None."""
    m = _COUNT.match(indicator.strip())
    if not m:
        return None
    asset = m.group(2)
    return int(m.group(1).replace(",", "")), asset, COUNTED_ASSETS.get(asset)


def is_link(indicator: str) -> bool:
    """A link or handle as Meta writes it (defanged: ``[.]`` for the dots)."""
    return bool(_LINK.search(indicator))


def is_defanged(indicator: str) -> bool:
    """The link is written so that nothing turns it into a live one (``[.]``, ``hxxp``).

    >>> is_defanged("https://twitter[.]com/x"), is_defanged("https://twitter.com/x")
    (True, False)
    """
    return bool(_DEFANGED.search(indicator))


def rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line where the row starts, row) for each non-blank row; `FormatError` on a wrong header."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise FormatError(1, "the file is empty") from None
        if tuple(h.strip().lstrip("\ufeff") for h in header) != columns:
            raise FormatError(1, f"the header is {', '.join(header)}; Meta's format has {', '.join(columns)}")
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise FormatError(start, f"not CSV: {e}") from None
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise FormatError(start, f"{len(row)} cells; Meta's format has {len(columns)}")
            yield start, dict(zip(columns, row))
