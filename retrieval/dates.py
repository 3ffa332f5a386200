"""Date expressions in questions ("in March 2022", "last week", "yesterday").

Relative expressions are resolved against a reference day: the question's own
context when the caller knows it (``as_of``), else the corpus's latest date, so
"last week" over an archive means the archive's last week, not the calendar's.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from index.errors import BadQueryError

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "a": 1, "a couple of": 2, "a few": 3}


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days; either end may be open."""

    start: date | None
    end: date | None
    phrase: str  # the words matched in the question
    relative: bool = False  # counted back from a reference day ("this week", "3 days ago")
    weekday: bool = False  # "on Tuesday": a word articles write too

    def iso(self) -> tuple[str | None, str | None]:
        return (self.start.isoformat() if self.start else None,
                self.end.isoformat() if self.end else None)

    def holds(self, day: str | None) -> bool:
        """Whether an ISO date ("2022-06-12", a timestamp's first ten characters) falls
        in the range; an undated thing never does."""
        if not day:
            return False
        lo, hi = self.iso()
        return (lo is None or day[:10] >= lo) and (hi is None or day[:10] <= hi)


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int, phrase: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as err:
        raise BadQueryError(f"{phrase!r} is not a real date.") from err


def _latest_year_for(month: int, ref: date) -> int:
    # "in March" with no year: the latest March not after the reference day.
    return ref.year if month <= ref.month else ref.year - 1


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUM_WORDS.get(word.lower(), 1)


# Resolvers get the match and the reference day and return (start, end).
_Resolver = Callable[[re.Match[str], date], tuple[date | None, date | None]]


def _abs_day(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    month = MONTHS[m["month"].lower()]
    year = int(m["year"]) if m["year"] else _latest_year_for(month, ref)
    d = _safe_date(year, month, int(m["day"]), m.group(0))
    return d, d


def _iso_day(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]), m.group(0))
    return d, d


def _month(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    month = MONTHS[m["month"].lower()]
    year = int(m["year"]) if m["year"] else _latest_year_for(month, ref)
    return _month_range(year, month)


def _year(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    y = int(m["year"])
    return date(y, 1, 1), date(y, 12, 31)


def _relative(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    word = m["rel"].lower()
    if word == "today":
        return ref, ref
    if word == "yesterday":
        return ref - timedelta(days=1), ref - timedelta(days=1)
    if word in ("this week", "past week", "this past week", "earlier this week",
                "this weekend", "this past weekend", "past weekend", "the weekend"):
        # A question asked on a Friday about "this weekend" is about news already out.
        return ref - timedelta(days=6), ref
    if word == "last week":
        return ref - timedelta(days=7), ref
    if word == "last weekend":  # asked on a Sunday, the weekend before is 7-8 days back
        return ref - timedelta(days=8), ref
    if word == "earlier this month":
        word = "this month"
    if word == "earlier this year":
        word = "this year"
    if word in ("this month", "past month"):
        return ref.replace(day=1) if word == "this month" else ref - timedelta(days=30), ref
    if word == "last month":
        prev = ref.replace(day=1) - timedelta(days=1)
        return _month_range(prev.year, prev.month)
    if word == "this year":
        return date(ref.year, 1, 1), ref
    if word == "last year":
        return date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31)
    if word == "past year":
        return ref - timedelta(days=365), ref
    raise AssertionError(word)


WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}


def _weekday(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    """A weekday ("on Tuesday"): the latest such day up to the reference day, to that
    day (the news of it), from the day before (what was announced for it)."""
    day = ref - timedelta(days=(ref.weekday() - WEEKDAYS[m["weekday"].lower()]) % 7)
    return day - timedelta(days=1), ref


def _last_n(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    n = _count(m["n"])
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[m["unit"].lower().rstrip("s")]
    return ref - timedelta(days=n * days), ref


def _ago(m: re.Match[str], ref: date) -> tuple[date | None, date | None]:
    lo, _ = _last_n(m, ref)
    assert lo is not None
    span = {"day": 0, "week": 3, "month": 15, "year": 182}[m["unit"].lower().rstrip("s")]
    return lo - timedelta(days=span), lo + timedelta(days=span)


_NO_YEAR_AFTER = r"(?!,?\s+\d{3,4}\b)"
_N = r"(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)"
_UNIT = r"(?P<unit>days?|weeks?|months?|years?)"
# Tried in order, first match wins: specific before general.
_PATTERNS: list[tuple[re.Pattern[str], _Resolver]] = [
    (re.compile(r"\b(?:on\s+)?(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"), _iso_day),
    # "July 4, 1776" names a day the archive cannot hold: no date filter, and never the
    # latest July 4 (the year after the comma is part of the phrase).
    (re.compile(rf"\b(?:on\s+)?{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b{_NO_YEAR_AFTER}", re.I),
     _abs_day),
    (re.compile(rf"\b(?:on\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"
                rf"{_NO_YEAR_AFTER}", re.I), _abs_day),
    (re.compile(rf"\b(?:(?:in|during|of)\s+)?{_MONTH},?\s+{_YEAR}\b", re.I), _month),
    # A bare month needs a preposition: "may" and "march" are also ordinary words.
    (re.compile(rf"\b(?:in|during)\s+(?:early\s+|late\s+|mid-?)?{_MONTH}(?P<year>)\b", re.I),
     _month),
    # A bare year needs a preposition: "the 2020 election" is not a date filter.
    (re.compile(rf"(?:\b(?:in|during)\s+|(?<=since )|(?<=after )|(?<=before )|(?<=until ))"
                rf"{_YEAR}\b", re.I), _year),
    (re.compile(rf"\b(?:in\s+|over\s+)?the\s+(?:last|past)\s+{_N}\s+{_UNIT}\b", re.I), _last_n),
    (re.compile(rf"\b(?:in\s+|over\s+)?(?:the\s+)?(?:last|past)\s+(?P<n>\d{{1,3}})\s+{_UNIT}\b",
                re.I), _last_n),
    (re.compile(rf"\b{_N}\s+{_UNIT}\s+ago\b", re.I), _ago),
    (re.compile(r"\b(?:(?:in|during|over|as\s+of)\s+)?(?:the\s+)?"
                r"(?P<rel>today|yesterday|(?:this|last|past|this\s+past|earlier\s+this)\s+"
                r"(?:week|month|year|weekend)|the\s+weekend)\b", re.I),
     _relative),
    # A weekday is a date only after "on" / "last" / "this past": "Black Friday",
    # "Super Tuesday" and "Sunday Times" are names.
    (re.compile(r"\b(?:on|last|this\s+past)\s+(?P<weekday>"
                + "|".join(WEEKDAYS) + r")\b(?!\s+(?-i:[A-Z]))", re.I), _weekday),
]
_RELATIVE = (_relative, _last_n, _ago, _weekday)
_OPEN = re.compile(r"\b(?P<op>since|after|before|until|till)\s+$", re.I)


def parse_dates(question: str, ref: date) -> tuple[DateRange | None, str]:
    """Find the question's date expression; return its range and the question without it.

    The first pattern that matches wins, but for a relative phrase whose window the
    other range does not overlap: "a case was reported this week, after measles was
    eliminated in 2000" dates the news by "this week" and its background by "in 2000".
    "since"/"after" and "before"/"until" in front of it open one end of the range.
    Raises BadQueryError for impossible dates ("February 30").
    """
    matches = ((m, resolve) for pattern, resolve in _PATTERNS
               if (m := pattern.search(question)))
    first = next(matches, None)
    if first is None:
        return None, question
    found = _resolved(question, *first, ref)
    if not found[0].relative:  # relative patterns come after every absolute one
        later = next(((m, r) for m, r in matches if r in _RELATIVE), None)
        if later is not None:
            relative = _resolved(question, *later, ref)
            if not _overlap(found[0], relative[0]):
                return relative
    return found


def _overlap(a: DateRange, b: DateRange) -> bool:
    return (a.end is None or b.start is None or a.end >= b.start) and \
        (b.end is None or a.start is None or b.end >= a.start)


def _resolved(question: str, m: re.Match[str], resolve: _Resolver,
              ref: date) -> tuple[DateRange, str]:
    start, end = resolve(m, ref)
    lo = m.start()
    op = _OPEN.search(question[: m.start()])
    if op and start is not None and end is not None:
        lo = op.start()
        word = op["op"].lower()
        if word == "since":
            end = None
        elif word == "after":
            start, end = end + timedelta(days=1), None
        elif word in ("until", "till"):
            start = None
        else:  # before
            end = start - timedelta(days=1)
            start = None
    phrase = question[lo : m.end()]
    rest = re.sub(r"\s{2,}", " ", question[:lo] + question[m.end():])
    rest = re.sub(r"\s+([?.!,])", r"\1", rest).strip(" ,")
    return DateRange(start, end, phrase.strip(), resolve in _RELATIVE,
                     weekday=resolve is _weekday), rest


def describe_window(found: DateRange, ref: date) -> str:
    """The days a date phrase stood for, in words: "the week before 2024-06-28"."""
    lo, hi = found.start, found.end
    if found.weekday and lo is not None and hi is not None:
        day = lo + timedelta(days=1)  # the window opens the day before the weekday
        return f"{calendar.day_name[day.weekday()]} {day.isoformat()} to {hi.isoformat()}"
    if lo is not None and hi is not None:
        days = (hi - lo).days
        if hi == ref and days in (6, 7):
            return f"the week before {ref.isoformat()}"
        if hi == ref and 28 <= days <= 31:
            return f"the month before {ref.isoformat()}"
        if hi == ref and 364 <= days <= 366:
            return f"the year before {ref.isoformat()}"
    return describe_span(lo, hi) or found.phrase


def describe_span(lo: date | None, hi: date | None) -> str:
    """Days from ``lo`` to ``hi`` (either open) in words: "April 2016", "2016",
    "2016-04-02", "2016-04-02 to 2016-05-01", "2016-04-02 on", "before 2016-04-02"."""
    if lo is not None and hi is not None:
        if hi == lo:
            return lo.isoformat()
        if (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31) and lo.year == hi.year:
            return str(lo.year)
        if lo.day == 1 and (lo.year, lo.month) == (hi.year, hi.month) \
                and hi.day == calendar.monthrange(hi.year, hi.month)[1]:
            return f"{calendar.month_name[lo.month]} {lo.year}"
        return f"{lo.isoformat()} to {hi.isoformat()}"
    if lo is not None:
        return f"{lo.isoformat()} on"
    # The day before: a filter's date_to is inclusive, "before" is not.
    return f"before {(hi + timedelta(days=1)).isoformat()}" if hi is not None else ""
