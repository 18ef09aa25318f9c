r"""Query results as JSON values and as CSV text (no HTTP here).

>>> import datetime as dt
>>> jsonable([dt.datetime(2020, 1, 1, 8, tzinfo=dt.timezone.utc), None, 1.5])
['2020-01-01T08:00:00+00:00', None, 1.5]
>>> csv_text(["a", "tags"], [[1, ["x", "y"]], [None, []]])
'a,tags\r\n1,"[""x"", ""y""]"\r\n,[]\r\n'
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def jsonable(value: Any) -> Any:
    """A DuckDB value as JSON can carry it: times as ISO 8601 (UTC), lists and structs as such."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value) if value == value.to_integral_value() or abs(value) < 1e15 else str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for NULL, ``true``/``false``, times in ISO 8601, lists and structs as JSON."""
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A header line and one line per row (RFC 4180: CRLF line ends, quotes doubled)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()
