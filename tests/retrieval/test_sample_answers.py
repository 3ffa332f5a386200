"""Answers over the bundled sample corpus (seed article + fictional Port Alder news)."""

from __future__ import annotations

from index.local import LocalBackend
from retrieval.engine import Engine, _a_title_holds
from retrieval.excerpts import term_weights
from retrieval.models import Filters


def _verbatim(engine: Engine, answer_citations) -> None:
    for c in answer_citations:
        assert engine.article(c.article_id).text[c.start:c.end] == c.text


def test_a_date_without_a_topic_lists_that_periods_articles(seed_engine: Engine) -> None:
    answer = seed_engine.answer("What happened in March 2022?")
    assert answer.kind == "answer"
    cited = [c.article_id for c in answer.citations]
    assert cited == ["lavrov_china_2022-03-31", "port-alder-library-2022-03-22"]  # newest first
    assert answer.filters.date_from == "2022-03-01" and answer.filters.date_to == "2022-03-31"
    _verbatim(seed_engine, answer.citations)


def test_a_date_range_with_no_articles_is_no_answer(seed_engine: Engine) -> None:
    assert seed_engine.answer("What happened in 1999?").kind == "no_answer"


def test_a_topic_with_nothing_in_its_dates_is_answered_from_any_date(seed_engine: Engine) -> None:
    # The phrase may date the background, not the news: "during November" asked in
    # April 2022 is November 2021, when the archive holds nothing. Said, not hidden.
    answer = seed_engine.answer("How much will the new library in the old cannery cost "
                                "during November?", as_of="2022-04-20")
    assert answer.kind == "answer"
    assert answer.text.startswith("Nothing from November 2021; best matches from any date:\n")
    assert answer.citations[0].article_id == "port-alder-library-2022-03-22"
    _verbatim(seed_engine, answer.citations)
    # Dates that hold an answer stand, with no note.
    march = seed_engine.answer("How much will the new library cost in March 2022?")
    assert march.kind == "answer" and not march.text.startswith("Nothing from")
    assert march.filters.date_from == "2022-03-01"


def test_a_question_answered_by_a_passage_not_one_sentence(seed_engine: Engine) -> None:
    # No single sentence holds "library" and "cost": the passage as a whole does.
    answer = seed_engine.answer("How much will the new library cost?")
    assert answer.kind == "answer"
    assert answer.citations[0].article_id == "port-alder-library-2022-03-22"
    _verbatim(seed_engine, answer.citations)


def test_wire_copies_collapse_into_one_result(seed_engine: Engine) -> None:
    [hit, *_] = seed_engine.search("storm closes the Gull Island ferry crossing", k=3)
    ids = {hit.article_id, *hit.also_in}
    assert ids == {"port-alder-storm-2022-02-03", "port-alder-storm-2022-02-03-gazette"}


def test_source_filter_applies_before_ranking(seed_engine: Engine, seed_index) -> None:
    from retrieval.models import Filters

    hits = seed_engine.search("ferry", k=10, filters=Filters(source="valley wire"))
    assert hits and {h.source for h in hits} == {"Valley Wire"}
    store = LocalBackend.open(seed_index)
    assert all(store.get_article(h.article_id).source == "Valley Wire" for h in hits)


def test_source_filter_applies_to_quotes_before_wire_copies_collapse(seed_engine: Engine) -> None:
    from retrieval.models import Filters

    lookup = seed_engine.quotes("Priya Nand", filters=Filters(source="Harbor Gazette"))
    ids = {q.article_id for q in lookup.quotes}
    # The storm quotes survive through the Gazette's copy of the wire story.
    assert ids == {"port-alder-storm-2022-02-03-gazette", "port-alder-ferry-2022-01-14"}
    assert all(q.source == "Harbor Gazette" and not q.also_in for q in lookup.quotes)


def test_a_cost_question_is_answered_with_the_amount_of_money_first(seed_engine: Engine) -> None:
    # Its lead sentence covers the question's words better, but "7-2" is a vote, not money.
    answer = seed_engine.answer("How much will the electric ferry cost?")
    assert answer.kind == "answer"
    first = answer.citations[0]
    assert "$38 million" in first.text and first.article_id == "port-alder-ferry-2022-01-14"
    _verbatim(seed_engine, answer.citations)


def test_background_finds_what_a_follow_up_leans_on(seed_engine: Engine) -> None:
    # "how much will it cost?" alone names nothing the archive could answer ...
    assert seed_engine.answer("how much will it cost?").kind == "no_answer"
    # ... searched beside the earlier question and its article's title, it is the ferry's
    # cost, chosen for the follow-up's own words.
    answer = seed_engine.answer(
        "how much will it cost?",
        background="who approved the electric ferry plan "
                   "Port Alder council approves electric ferry plan")
    assert answer.kind == "answer" and answer.question == "how much will it cost?"
    assert "$38 million" in answer.citations[0].text
    objected = seed_engine.answer(
        "who objected to it?",
        background="what did the council decide about harbour fees "
                   "Council passes budget with higher harbour fees")
    assert objected.text.startswith("The fishing co-operative objected.")
    # A bare "how much?" asks what it costs: the $38 million, not the 80 percent cut in
    # emissions or another article's 6 percent fee rise.
    bare = seed_engine.answer(
        "how much?", background="tell me about the electric ferry plan "
                                "Port Alder council approves electric ferry plan")
    assert bare.text.startswith("The new boats are expected to enter service in the spring "
                                "of 2024 and will cost about $38 million")
    _verbatim(seed_engine, answer.citations + objected.citations + bare.citations)


def test_no_answer_within_given_dates_names_them(seed_engine: Engine) -> None:
    # Dates given as filters (a conversation's "and in 2023?", /ask's from/to) stand;
    # the answer says what it searched, so a narrow search shows as one.
    answer = seed_engine.answer("How much will the electric ferry plan cost?",
                                Filters("2023-01-01", "2023-12-31", "Valley Wire"))
    assert answer.kind == "no_answer"
    assert answer.text == "I couldn't find anything in 2023 in Valley Wire that answers this."


def test_a_short_question_its_headline_holds_is_answered(seed_engine: Engine) -> None:
    # Five words sit far from every passage (cosine 0.27), but one title holds them all.
    answer = seed_engine.answer("what did the council approve?")
    assert answer.kind == "answer"
    assert answer.citations[0].article_id == "port-alder-ferry-2022-01-14"
    assert seed_engine.answer("who won the cricket world cup?").kind == "no_answer"
    # One word a title holds says little; every content word of the question must be there.
    hit = seed_engine.search("council approves electric ferry plan", k=1)[0]
    assert _a_title_holds([hit], term_weights("what did the council approve?"))
    assert not _a_title_holds([hit], term_weights("council?"))
    assert not _a_title_holds([hit], term_weights("what did the council cancel?"))
    _verbatim(seed_engine, answer.citations)


def test_when_will_it_open_is_answered_with_the_date_ahead(seed_engine: Engine) -> None:
    answer = seed_engine.answer("when will the old cannery open?")
    assert "Construction is due to begin in September" in answer.text
