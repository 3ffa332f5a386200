"""A passage a little under the no-answer cosine bar still answers a dated question when
its best sentence names a thing of the asked-for kind next to the question's words, in
an article of that week. Without a date, or from an older article (another story with
a similar name), or for a number or a date (found anywhere by chance), it does not.
Made-up sentences."""

from __future__ import annotations

from datetime import date

import pytest

from index.embedder import Embedder
from retrieval.answer import Candidate
from retrieval.answer_select import answer_candidates, names_answer_this_week
from retrieval.engine import Engine
from retrieval.models import Excerpt, Hit
from tests.retrieval.inline_corpus import index_articles

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


# The article that best matches a dated question's words, meaning and days at once
# answers it even a little under the cosine bar (a long question embeds weakly); asked
# months later, the same match is only a weak one.
AIDS = [
    {"id": "aids", "title": "Hearing aids: what to know about buying them over the counter",
     "date": "2031-03-02", "source": "Wire",
     "text": "Millions of people with mild to moderate hearing loss can now walk into a "
             "pharmacy and buy hearing aids off the shelf.\n\nA federal rule that took effect "
             "on Monday lets stores sell the devices without a fitting by an audiologist."},
    {"id": "ferry", "title": "Ferry keeps sailing", "date": "2031-02-20", "source": "Wire",
     "text": "The harbour board voted to keep the island ferry running through the winter."},
]
ASKED = "Which product can people now purchase without first seeing a health professional?"


@pytest.fixture(scope="module")
def aids_engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    return Engine.open(index_articles(tmp_path_factory.mktemp("aids"), "aids", AIDS, embedder),
                       embedder)


def test_a_clear_match_of_that_week_answers_under_the_bar(aids_engine: Engine) -> None:
    answer = aids_engine.answer(ASKED, as_of="2031-03-04")
    assert answer.kind == "answer" and "hearing aids" in answer.text
    assert answer.citations[0].article_id == "aids"


def test_without_the_clear_ranking_it_would_be_no_answer(
        aids_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retrieval.engine.CLEAR_RANK_SCORE", 99.0)
    assert aids_engine.answer(ASKED, as_of="2031-03-04").kind == "no_answer"
    monkeypatch.undo()
    # Months after the article, or with no date at all, the match is weak: no answer.
    assert aids_engine.answer(ASKED, as_of="2031-09-01").kind == "no_answer"
    assert aids_engine.answer(ASKED).kind == "no_answer"
