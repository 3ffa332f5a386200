"""Calendar periods for charts: days, ISO weeks (Monday first), months, years.

A period is named by its first day. ``choose_period`` picks the coarsest period that
gives 6-60 points over a date range (fewer only when the range is shorter than six days).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, get_args

from index.errors import BadQueryError

Period = Literal["day", "week", "month", "year"]
PERIODS: tuple[Period, ...] = get_args(Period)
MIN_AUTO_POINTS, MAX_AUTO_POINTS = 6, 60
# An explicit ``by`` may ask for more points than the automatic choice, up to a year of
# days; beyond that the bars are thinner than a pixel in a Discord embed.
MAX_POINTS = 370


def parse_period(value: str | None) -> Period | None:
    """``"week"`` -> "week"; None or "" -> None (choose automatically)."""
    if value is None or not value.strip():
        return None
    word = value.strip().lower().rstrip("s")  # "days", "weeks" read as well
    for period in PERIODS:
        if word in (period, period[0]):
            return period
    raise BadQueryError(f"by must be one of {', '.join(PERIODS)} (not {value!r}).")


def period_start(day: date, by: Period) -> date:
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_start(start: date, by: Period) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_starts(first: date, last: date, by: Period) -> list[date]:
    """The first day of every period from the one holding ``first`` to the one holding ``last``."""
    out: list[date] = []
    current = period_start(first, by)
    while current <= last:
        out.append(current)
        current = next_start(current, by)
    return out


def count_points(first: date, last: date, by: Period) -> int:
    lo, hi = period_start(first, by), period_start(last, by)
    if by == "day":
        return (hi - lo).days + 1
    if by == "week":
        return (hi - lo).days // 7 + 1
    if by == "month":
        return (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    return hi.year - lo.year + 1


def choose_period(first: date, last: date) -> Period:
    """The coarsest period giving MIN_AUTO_POINTS to MAX_AUTO_POINTS points (fewer, fuller
    bars read better than many thin ones); days for a short range, years for a long one."""
    for by in reversed(PERIODS):
        if MIN_AUTO_POINTS <= count_points(first, last, by) <= MAX_AUTO_POINTS:
            return by
    return "day" if count_points(first, last, "day") < MIN_AUTO_POINTS else "year"


def check_points(first: date, last: date, by: Period) -> None:
    n = count_points(first, last, by)
    if n > MAX_POINTS:
        coarser = [p for p in PERIODS if count_points(first, last, p) <= MAX_POINTS]
        raise BadQueryError(
            f"By {by}, {first} to {last} is {n:,} points; a chart holds at most {MAX_POINTS}.",
            hint=f"Use by: {coarser[0] if coarser else 'year'}, or a shorter date range.",
        )


def period_label(start: date, by: Period) -> str:
    """How a period is named in summaries: "2022-03-31", "week of 2022-03-28",
    "March 2022", "2022"."""
    if by == "day":
        return start.isoformat()
    if by == "week":
        return f"week of {start.isoformat()}"
    if by == "month":
        return start.strftime("%B %Y")
    return str(start.year)
