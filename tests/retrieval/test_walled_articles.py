"""An article whose body is a registration wall (the same text under many headlines, as
33 of the realtimeqa archive's are) is found by the words of its headline, and is not
folded into the other walled articles as a copy of one story."""

from __future__ import annotations

import pytest

from index.embedder import Embedder
from retrieval.answer import HEADLINE_NOTE
from retrieval.engine import Engine
from retrieval.fusion import Weights
from retrieval.hybrid import HybridRanker
from tests.retrieval.inline_corpus import index_articles

WALL = (
    "We will use the details you have shared to manage your registration. You agree to "
    "the processing, storage, sharing and use of this information as described in our "
    "Privacy Policy.\n\nWould you like to receive our daily newsletter?\n\n"
    "If you wish to object to the use of your data in this way, please tick here."
)
WALLED = [
    ("lion", "Residents told to stay indoors after lion seen on outskirts of Berlin"),
    ("kiwi", "US zoo's treatment of kiwi bird ruffles diplomatic feathers"),
    ("pound", "Why the pound fell to a record low against the dollar"),
    ("budget", "Council budget vote delayed for a third time"),
]
ARTICLES = [
    {"id": f"walled-{key}", "title": title, "date": "2023-07-20", "source": "Weekly",
     "text": WALL} for key, title in WALLED
] + [
    {"id": "sydney-zoo", "title": "Lions escape enclosure at Sydney zoo", "date": "2023-07-19",
     "source": "Wire", "text": "Five lions escaped their enclosure at a zoo in Sydney early on "
     "Wednesday, prompting staff to sound an alert. Guests were moved to safety and the "
     "animals were back inside within the hour."},
    {"id": "berlin-traffic", "title": "Berlin closes roads for marathon", "date": "2023-07-18",
     "source": "Wire", "text": "Police in Berlin closed roads on the outskirts of the city for "
     "the marathon on Sunday and asked residents to stay indoors during the race."},
    {"id": "sydney-zoo-copy", "title": "", "date": "2023-07-19", "source": "Other Wire",
     "text": "Five lions escaped their enclosure at a zoo in Sydney early on Wednesday, "
     "prompting staff to sound an alert. Guests were moved to safety and the animals were "
     "back inside within the hour."},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    index = index_articles(tmp_path_factory.mktemp("walled"), "walled", ARTICLES, embedder)
    return Engine.open(index, embedder)


QUERIES = [("lion seen on the outskirts of Berlin", "walled-lion"),
           ("Which country did a US zoo upset over a kiwi bird?", "walled-kiwi")]


@pytest.mark.parametrize(("query", "walled"), QUERIES)
def test_a_walled_article_is_found_by_its_headline(engine: Engine, query: str,
                                                   walled: str) -> None:
    assert walled in [h.article_id for h in engine.search(query, k=2)]


def test_without_the_headline_standing_in_the_wall_hides_it(engine: Engine) -> None:
    plain = Engine(engine.backend, engine._embedder)
    plain.ranker = HybridRanker(engine.backend, Weights(title_stands_in=0.0))
    query, walled = QUERIES[0]
    assert walled not in [h.article_id for h in plain.search(query, k=2)]


def test_walled_articles_are_not_copies_of_one_story(engine: Engine) -> None:
    hits = engine.search("lion seen on the outskirts of Berlin", k=8)
    walled = [h for h in hits if h.article_id.startswith("walled-")]
    assert len(walled) == len(WALLED) and all(not h.also_in for h in walled)
    # A copy without a headline still folds into the story it copies.
    zoo = next(h for h in hits if h.article_id.startswith("sydney-zoo"))
    assert set(zoo.also_in) | {zoo.article_id} == {"sydney-zoo", "sydney-zoo-copy"}


def test_a_headline_does_not_outrank_a_body_that_answers(engine: Engine) -> None:
    hits = engine.search("lions escaped their enclosure at a zoo in Sydney", k=3)
    assert hits[0].article_id in ("sydney-zoo", "sydney-zoo-copy")


def test_a_walled_headline_answers_when_no_sentence_does(engine: Engine) -> None:
    answer = engine.answer("Why did the pound fall to a record low against the dollar?")
    assert answer.kind == "answer"
    assert answer.text == (f"{HEADLINE_NOTE}\nWhy the pound fell to a record low against "
                           "the dollar [1]")
    cited = answer.citations[0]
    assert cited.article_id == "walled-pound" and WALL.startswith(cited.text)


def test_a_headline_does_not_answer_for_a_page_that_was_read(engine: Engine) -> None:
    # The marathon page's headline holds "Berlin", "closes" and "roads", and its text is
    # close to the question: its sentence answers, not a headline.
    answer = engine.answer("Which roads did Berlin close for the marathon?")
    assert answer.text.startswith("Police in Berlin closed roads")
    # Too few of the question's words in any headline: no answer, as before.
    assert engine.answer("How do I fold a fitted sheet?").kind == "no_answer"


def test_only_a_page_far_from_the_question_lends_its_headline(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # Counted as read (any cosine is at least -1), the walled page's headline is no
    # answer either: the wall's distance from the question is what lets it stand in.
    monkeypatch.setattr("retrieval.engine.SILENT_BODY_COSINE", -1.0)
    answer = engine.answer("Why did the pound fall to a record low against the dollar?")
    assert answer.kind == "no_answer"
