"""The date bounds users type: ``2022``, ``2022-03`` or ``2022-03-31``, the same in the CLI
(``--from``/``--to``/``--as-of``), the slash commands and the terminal."""

from __future__ import annotations

import calendar
import re
from datetime import date

from index.errors import BadQueryError

_BOUND = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date_bound(value: str | None, *, end: bool, what: str) -> str | None:
    """An inclusive ISO day: the first day of a year or month for a start (``end=False``),
    the last for an end. None or blank passes through as None."""
    if value is None or not value.strip():
        return None
    m = _BOUND.match(value.strip())
    if not m:
        raise BadQueryError(
            f"{what} must be a date like 2022-03-31 (or 2022-03, or 2022); got {value.strip()!r}."
        )
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return date(year, 12 if end else 1, 31 if end else 1).isoformat()
        mon = int(month)
        if day is None:
            last = calendar.monthrange(year, mon)[1] if 1 <= mon <= 12 else 0
            return date(year, mon, last if end else 1).isoformat()
        return date(year, mon, int(day)).isoformat()
    except ValueError:
        raise BadQueryError(f"{what}: {value.strip()!r} is not a real date.") from None


def parse_date_range(
    date_from: str | None, date_to: str | None, *, names: tuple[str, str] = ("from", "to")
) -> tuple[str | None, str | None]:
    """Both bounds, checked for order."""
    start = parse_date_bound(date_from, end=False, what=names[0])
    stop = parse_date_bound(date_to, end=True, what=names[1])
    if start and stop and start > stop:
        raise BadQueryError(f"{names[0]} ({start}) is after {names[1]} ({stop}).")
    return start, stop
