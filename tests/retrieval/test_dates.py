"""Date expressions in questions resolve against a reference day."""

from datetime import date

import pytest

from index.errors import BadQueryError
from retrieval.dates import parse_dates

REF = date(2022, 10, 15)


@pytest.mark.parametrize(
    ("question", "start", "end", "rest"),
    [
        ("What happened in March 2022?", "2022-03-01", "2022-03-31", "What happened?"),
        ("floods in March", "2022-03-01", "2022-03-31", "floods"),
        ("storms in December", "2021-12-01", "2021-12-31", "storms"),  # latest past December
        ("elections in 2021", "2021-01-01", "2021-12-31", "elections"),
        ("Ukraine last week", "2022-10-08", "2022-10-15", "Ukraine"),
        ("what did Biden say yesterday", "2022-10-14", "2022-10-14", "what did Biden say"),
        ("markets today", "2022-10-15", "2022-10-15", "markets"),
        ("news this month", "2022-10-01", "2022-10-15", "news"),
        ("inflation last month", "2022-09-01", "2022-09-30", "inflation"),
        ("budget last year", "2021-01-01", "2021-12-31", "budget"),
        ("fires in the past 3 days", "2022-10-12", "2022-10-15", "fires"),
        ("on March 3, 2022 Kyiv", "2022-03-03", "2022-03-03", "Kyiv"),
        ("3rd of June 2022 vote", "2022-06-03", "2022-06-03", "vote"),
        ("2022-03-31 Lavrov", "2022-03-31", "2022-03-31", "Lavrov"),
        ("since May 2022 inflation", "2022-05-01", None, "inflation"),
        ("after 2021 elections", "2022-01-01", None, "elections"),
        ("before 2022-03-01 covid", None, "2022-02-28", "covid"),
        ("until June 2022 talks", None, "2022-06-30", "talks"),
        # REF is a Saturday: "on Tuesday" is the 11th, news of it from the 10th on.
        ("Which states voted on Tuesday?", "2022-10-10", "2022-10-15", "Which states voted?"),
        ("what did Macron say last Sunday", "2022-10-08", "2022-10-15", "what did Macron say"),
        ("summit this weekend", "2022-10-09", "2022-10-15", "summit"),
        ("protests this past weekend", "2022-10-09", "2022-10-15", "protests"),
        ("storms last weekend", "2022-10-07", "2022-10-15", "storms"),
        ("floods earlier this month", "2022-10-01", "2022-10-15", "floods"),
        ("As of this week, which item can adults buy?", "2022-10-09", "2022-10-15",
         "which item can adults buy?"),
        # A relative phrase dates the news; a range it does not overlap, the background.
        ("Eliminated in 2000, a case was found this week where?", "2022-10-09", "2022-10-15",
         "Eliminated in 2000, a case was found where?"),
        ("Which network aired the January 6, 2021, riot this week?", "2022-10-09",
         "2022-10-15", "Which network aired the January 6, 2021, riot?"),
        # Ranges that overlap: the first pattern (the more specific) stands.
        ("prices since May 2022 this week", "2022-05-01", None, "prices this week"),
    ],
)
def test_expressions(question: str, start: str | None, end: str | None, rest: str) -> None:
    found, left = parse_dates(question, REF)
    assert found is not None
    assert found.iso() == (start, end)
    assert left == rest


@pytest.mark.parametrize(
    "question",
    ["the 2020 election result", "the march on Washington", "what may happen", "Covid-19 cases",
     # weekdays in names, and a weekday with no "on" / "last" before it
     "Black Friday sales", "Super Tuesday results", "a game on Monday Night Football",
     "the Sunday Times review", "Tuesday's vote",
     # a day of a year no archive holds is not the latest such day
     "On July 4, 1776, Congress adopted the Declaration", "the 4th of July 1776 party"],
)
def test_not_dates(question: str) -> None:
    assert parse_dates(question, REF) == (None, question)


def test_impossible_date_is_a_clear_error() -> None:
    with pytest.raises(BadQueryError, match="not a real date"):
        parse_dates("what happened on February 30, 2022", REF)


def test_relative_phrases_are_marked_and_described() -> None:
    from retrieval.dates import describe_window

    week, _ = parse_dates("ferry news this week", REF)
    assert week is not None and week.relative
    assert describe_window(week, REF) == "the week before 2022-10-15"
    month, _ = parse_dates("floods in the past 30 days", REF)
    assert month is not None and describe_window(month, REF) == "the month before 2022-10-15"
    day, _ = parse_dates("what did Biden say yesterday", REF)
    assert day is not None and describe_window(day, REF) == "2022-10-14"
    absolute, _ = parse_dates("floods in March 2022", REF)
    assert absolute is not None and not absolute.relative
    assert describe_window(absolute, REF) == "March 2022"
    year, _ = parse_dates("elections in 2021", REF)
    assert year is not None and describe_window(year, REF) == "2021"
    days, _ = parse_dates("fires in the past 3 days", REF)
    assert days is not None and describe_window(days, REF) == "2022-10-12 to 2022-10-15"
    tuesday, _ = parse_dates("who resigned on Tuesday", REF)
    assert tuesday is not None
    assert describe_window(tuesday, REF) == "Tuesday 2022-10-11 to 2022-10-15"


def test_a_range_holds_the_days_between_its_ends() -> None:
    from datetime import date

    from retrieval.dates import DateRange

    week = DateRange(date(2022, 6, 10), date(2022, 6, 16), "this week", relative=True)
    assert week.holds("2022-06-10") and week.holds("2022-06-16T09:30:00")
    assert not week.holds("2022-06-09") and not week.holds("2022-06-17")
    assert not week.holds(None) and not week.holds("")
    assert DateRange(None, date(2022, 6, 16), "before").holds("1999-01-01")
    assert DateRange(date(2022, 6, 10), None, "since").holds("2030-01-01")


def test_the_archive_fallback_searches_a_weekday_but_not_a_week() -> None:
    from retrieval.plan import make_plan

    # Articles write "announced his retirement Tuesday"; none writes "this week".
    weekday = make_plan("Which star announced his retirement on Tuesday?", None, None,
                        "2022-10-15")
    assert weekday.text == "Which star announced his retirement?"
    wide = weekday.without_question_dates()
    assert wide.text == "Which star announced his retirement on Tuesday?"
    assert wide.filters.date_from is None and wide.question_window is None
    week = make_plan("Which star retired this week?", None, None, "2022-10-15")
    assert week.without_question_dates().text == "Which star retired?"


def test_describe_span_names_whole_months_and_years_and_open_ends() -> None:
    from retrieval.dates import describe_span

    assert describe_span(date(2016, 4, 1), date(2016, 4, 30)) == "April 2016"
    assert describe_span(date(2016, 1, 1), date(2016, 12, 31)) == "2016"
    assert describe_span(date(2016, 4, 2), date(2016, 4, 2)) == "2016-04-02"
    assert describe_span(date(2016, 4, 2), date(2016, 5, 1)) == "2016-04-02 to 2016-05-01"
    assert describe_span(date(2016, 4, 2), None) == "2016-04-02 on"
    # A filter's last day is inclusive; "before" names the first day left out.
    assert describe_span(None, date(2016, 3, 31)) == "before 2016-04-01"
    assert describe_span(None, None) == ""
