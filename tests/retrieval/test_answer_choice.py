"""Question-aware answers on a small corpus written for these tests: the answer names
what was asked (not only describes it), a quiz sentence restating the question is not
an answer, and a relative date whose window is empty falls back to the whole archive."""

from __future__ import annotations

import re

import pytest

from index.embedder import Embedder
from retrieval.engine import Engine
from retrieval.models import Answer
from tests.retrieval.inline_corpus import index_articles

SHOW = (
    "Seoul (Newswire) —\n\n“Squid Game” is officially returning.\n\n"
    "The streaming service confirmed on Sunday that the wildly popular South Korean show "
    "has been green lit for a new season.\n\n"
    "Its creator wrote in a note to viewers that familiar faces and new players will appear."
)
QUIZ = (
    "Think you kept up with the headlines? Try our weekly news quiz.\n\n"
    "Which company is being accused of turning off the AC in its stores to save money as "
    "its sales plummet? Which city hosted the marathon? Which team won the cup?"
)
RETAIL = (
    "Shoppers have noticed warmer aisles this summer.\n\n"
    "Bed Bath & Beyond is reportedly dealing with cooled sales and heated customers. "
    "A report from bank analysts claims the company has cut air conditioning in its stores "
    "to lower expenses as sales slump.\n\n"
    "A spokesperson said no stores had been told to adjust their thermostats."
)
LEAK = (
    "A database holding the personal records of up to one billion people was left open "
    "online for more than a year, until a user of a hacker forum offered to sell it.\n\n"
    "The leak could be one of the biggest ever recorded, security experts say, especially "
    "in a country where authorities have broad access to such data.\n\n"
    "“We are talking about most of the population, given the breadth of the impact in "
    "China,” said one researcher."
)
FERRY = (
    "The harbour board voted to keep the island ferry running through the winter storms. "
    "The ferry will sail twice a day until March, the board said."
)
ARTICLES = [
    {"id": "show", "title": "Streaming hit returns", "date": "2022-06-12", "text": SHOW},
    {"id": "quiz", "title": "Weekly news quiz", "date": "2022-06-30", "text": QUIZ},
    {"id": "retail", "title": "Retailer under pressure", "date": "2022-06-28", "text": RETAIL},
    {"id": "leak", "title": "Huge database exposed", "date": "2022-07-05", "text": LEAK},
    {"id": "ferry", "title": "Ferry keeps sailing", "date": "2021-11-02", "text": FERRY},
    {"id": "bridge-day", "title": "Footbridge collapses over the canal", "date": "2021-05-04",
     "text": "The old canal footbridge came down on Tuesday, and police closed the towpath. "
             "Nobody was hurt."},
    {"id": "bridge-inquiry", "title": "Inquiry blames rusted bolts for footbridge collapse",
     "date": "2022-03-10",
     "text": "The inquiry found that rusted bolts caused the footbridge collapse on the "
             "canal. Inspectors had missed the corrosion for twelve years, the report said."},
    {"id": "bakery", "title": "Bakery chain tries a new treat on younger shoppers",
     "date": "2022-07-18",
     "text": "Crumbly is trying out a new kind of pastry in an effort to win younger "
             "customers. Starting Monday, the bakery chain is selling Maple Cronut Bites in "
             "its Leeds shops for a limited time. The chain already sells croissants, "
             "scones and doughnuts."},
    {"id": "newest", "title": "Garden show opens", "date": "2024-06-28",
     "text": "The spring garden show opened with roses, tulips and a hedge maze."},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    index = index_articles(tmp_path_factory.mktemp("answers"), "answers", ARTICLES, embedder)
    return Engine.open(index, embedder)


def _verbatim(engine: Engine, answer: Answer) -> None:
    """Every shown sentence is a highlighted span of a cited excerpt, offsets exact."""
    cited = {c.marker: c for c in answer.citations}
    body = answer.text.split("\n")[-1]
    for sentence, marker in re.findall(r"(.+?) \[(\d+)\]\s*", body):
        c = cited[int(marker)]
        assert engine.article(c.article_id).text[c.start:c.end] == c.text
        assert any(c.text[s - c.start:e - c.start] == sentence.strip() for s, e in c.highlights)


def test_the_show_is_named_not_only_described(engine: Engine) -> None:
    answer = engine.answer("Which wildly popular show was recently green lit for a new season?")
    assert answer.kind == "answer"
    assert "Squid Game" in answer.text
    # The describing sentence comes with the one before it, whole, in reading order.
    assert answer.text.index("Squid Game") < answer.text.index("green lit")
    _verbatim(engine, answer)


def test_a_lede_naming_nothing_asked_is_followed_by_its_specifics(engine: Engine) -> None:
    answer = engine.answer("Which menu item did Crumbly roll out to attract younger customers?")
    assert answer.kind == "answer"
    lede = answer.text.index("Crumbly is trying out a new kind of pastry")
    # The next sentence of the same passage names the pastry: it follows, whole, cited
    # with the lede under one marker.
    assert answer.text.index("Maple Cronut Bites") > lede
    assert answer.text.count("[1]") >= 2 and answer.citations[0].article_id == "bakery"
    _verbatim(engine, answer)


def test_a_sentence_naming_the_answer_gets_no_follower(engine: Engine) -> None:
    # "Starting Monday" is the asked-for date: the sentence stands alone.
    answer = engine.answer("When did Crumbly start selling Maple Cronut Bites in Leeds?")
    assert answer.text == ("Starting Monday, the bakery chain is selling Maple Cronut Bites "
                           "in its Leeds shops for a limited time. [1]")
    _verbatim(engine, answer)


def test_a_sentence_restating_the_question_is_not_the_answer(engine: Engine) -> None:
    question = ("Which company is being accused of turning off the AC in its stores to save "
                "money as its sales plummet?")
    answer = engine.answer(question)
    assert answer.kind == "answer"
    assert question not in answer.text
    assert "Bed Bath & Beyond" in answer.text
    _verbatim(engine, answer)


def test_where_asks_for_a_place_the_question_does_not_name(engine: Engine) -> None:
    answer = engine.answer(
        "Approximately 1 billion people had their personal data leaked in what could be one "
        "of the biggest breaches ever recorded. Where did the massive data leak occur?")
    assert answer.kind == "answer"
    assert "China" in answer.text
    _verbatim(engine, answer)


def test_an_empty_relative_window_falls_back_to_the_whole_archive(engine: Engine) -> None:
    # "this week" counts back from the newest article (2024-06-28): no ferry news then.
    answer = engine.answer("Will the island ferry keep running through the winter this week?")
    assert answer.kind == "answer"
    first, _, rest = answer.text.partition("\n")
    assert first == ("Nothing from the week before 2024-06-28, the newest article; "
                     "best matches from any date:")
    assert answer.citations[0].article_id == "ferry"
    assert "ferry" in rest
    _verbatim(engine, answer)


def test_a_window_holding_an_answer_does_not_fall_back(engine: Engine) -> None:
    answer = engine.answer("Which garden show opened with roses this week?")
    assert answer.kind == "answer" and not answer.text.startswith("Nothing from")
    assert answer.citations[0].article_id == "newest"


def test_a_date_of_the_background_gives_way_to_a_clearly_closer_match(engine: Engine) -> None:
    # The date is when the bridge fell, not when the inquiry reported: that day's news
    # matches the question less well than the inquiry's, and the answer says so.
    answer = engine.answer("What did the inquiry find caused the footbridge collapse on "
                           "May 4, 2021?")
    first, _, rest = answer.text.partition("\n")
    assert first == "Closer matches from other dates than 2021-05-04:"
    assert answer.citations[0].article_id == "bridge-inquiry"
    assert "rusted bolts" in rest
    _verbatim(engine, answer)
    # Asked about that day's own news, the date stands, with no note.
    day = engine.answer("What happened to the footbridge over the canal on May 4, 2021?")
    assert day.kind == "answer" and not day.text.startswith(("Nothing", "Closer"))
    assert day.citations[0].article_id == "bridge-day"


def test_off_topic_questions_still_get_no_answer(engine: Engine) -> None:
    for question in ("How long should sourdough bread proof before baking?",
                     "What is the derivative of x squared this week?"):
        assert engine.answer(question).kind == "no_answer"


def test_an_archive_answer_from_inside_the_window_does_not_say_nothing_was_there() -> None:
    """The window's ranking found its article too weak alone; the whole archive's answer
    stood on it anyway: no "Nothing from the week before ..." over a source from that
    week. A source from outside the window keeps the note."""
    from retrieval.engine import window_or_archive
    from retrieval.models import Citation
    from retrieval.plan import make_plan

    plan = make_plan("Which show won the award this week?", None, None, "2022-06-16")
    assert plan.question_window is not None and plan.question_window.relative
    assert plan.filters.date_from is not None

    def answered(day: str) -> Answer:
        cite = Citation(marker=1, article_id="a", title="t", date=day, source=None,
                        url=None, text="The show won. [1]", start=0, end=13, paragraph=1)
        return Answer(question=plan.original, text="The show won. [1]",
                      citations=(cite,), kind="answer", filters=plan.filters)

    window = Answer(question=plan.original, text="no", citations=(), kind="no_answer",
                    filters=plan.filters)
    inside = window_or_archive(plan, window, 0.4, answered("2022-06-12"), 0.5)
    assert inside.text == "The show won. [1]"
    outside = window_or_archive(plan, window, 0.4, answered("2021-01-05"), 0.5)
    assert outside.text.startswith("Nothing from the week before 2022-06-16")
    stands = answered("2022-06-14")
    assert window_or_archive(plan, stands, 0.6, answered("2021-01-05"), 0.62) is stands
    weaker = window_or_archive(plan, stands, 0.5, answered("2021-01-05"), 0.62)
    assert weaker.text.startswith("Closer matches from other dates than the week before "
                                  "2022-06-16, the newest article:\n")
    # The asker's own date gives way only to a match closer by ASKED_DATE_MARGIN (0.15).
    asked = make_plan("Which show won the award in June 2022?", None, None, "2022-06-16")
    assert asked.question_window is not None and not asked.question_window.relative
    june = answered("2022-06-14")
    assert window_or_archive(asked, june, 0.5, answered("2021-01-05"), 0.62) is june
    assert window_or_archive(asked, june, 0.5, answered("2021-01-05"), 0.7).text.startswith(
        "Closer matches from other dates than June 2022:\n")
