"""A passage a little under the no-answer cosine bar still answers a dated question when
its best sentence names a thing of the asked-for kind next to the question's words, in
an article of that week. Without a date, or from an older article (another story with
a similar name), or for a number or a date (found anywhere by chance), it does not.
Made-up sentences."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.answer import Candidate
from retrieval.answer_select import answer_candidates, names_answer_this_week
from retrieval.models import Excerpt, Hit

QUESTION = "Which head of state announced his resignation this week?"
TEXT = ("Prime Minister Tomas Varga announced his resignation on Thursday. "
        "The weather in the capital was mild.")


def _candidates(question: str, text: str, day: str) -> list[Candidate]:
    ex = Excerpt("a", 1, text, 0, len(text), 1)
    hit = Hit("a", None, day, None, None, 1.0, (ex,))
    return answer_candidates(question, question, [hit], {"a": text}, {1: 1.0})


def test_a_named_person_next_to_the_question_words_names_the_answer() -> None:
    found = _candidates(QUESTION, TEXT, "2031-05-08")
    assert [c.names_answer for c in found] == [True, False]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2031, 5, 9), True),  # the article is from the day before
        (date(2031, 5, 8), True),  # ... or the same day
        (date(2031, 6, 20), False),  # six weeks later: likely another story
        (date(2031, 5, 1), False),  # the article is newer than the question
        (None, False),  # an undated question keeps the bar
    ],
)
def test_only_that_weeks_news(as_of: date | None, expected: bool) -> None:
    assert names_answer_this_week(_candidates(QUESTION, TEXT, "2031-05-08"), as_of) is expected


def test_a_number_or_a_place_for_a_person_does_not_count() -> None:
    q = "How many hours of sleep does a teenager need this week?"
    text = "Teenagers need about nine hours of sleep, doctors say."
    assert not names_answer_this_week(_candidates(q, text, "2031-05-08"), date(2031, 5, 9))
    text = "The resignation was announced in Lisbon on Thursday."
    assert not names_answer_this_week(_candidates(QUESTION, text, "2031-05-08"),
                                      date(2031, 5, 9))


def test_no_candidates() -> None:
    assert not names_answer_this_week([], date(2031, 5, 9))
