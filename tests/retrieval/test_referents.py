"""What "it" and "they" stand for: the pronoun rules and the noun phrases of questions."""

from __future__ import annotations

import pytest

from retrieval.referents import bare_question, substitute_thing, thing_pronoun, topic_phrase


@pytest.mark.parametrize(("question", "phrase"), [
    ("tell me about the old cannery", "the old cannery"),
    ("what about the library?", "the library"),
    ("any news on Brexit?", "Brexit"),
    ("what happened to the Windsor framework?", "the Windsor framework"),
    ("who won the Iowa caucus?", "the Iowa caucus"),
    ("why was the Gull Island crossing closed?", "the Gull Island crossing"),
    ("when was the vaccine approved by the FDA?", "the vaccine"),
    ("how much will the electric ferry cost?", "the electric ferry"),
    ("when will the library open?", "the library"),
])
def test_a_question_shaped_around_a_thing_names_it(question: str, phrase: str) -> None:
    assert topic_phrase(question) == phrase


@pytest.mark.parametrize("question", [
    "what did the council approve?",  # about its answer, not its words
    "why did the council raise harbour fees?",  # the council or the fees: no rule tells
    "who is Wang Wenbin?",
    "what happened this week?",
    "tell me about " + "x" * 200,  # one "word" too long to stand for "it"
])
def test_no_phrase_when_the_shape_does_not_show_one(question: str) -> None:
    assert topic_phrase(question) is None


@pytest.mark.parametrize(("message", "pronoun"), [
    ("how much will it cost?", "it"), ("why did they raise them?", "they"),
    ("what is its budget?", "its"), ("who approved that?", "that"),
])
def test_thing_pronouns(message: str, pronoun: str) -> None:
    assert thing_pronoun(message) == pronoun


@pytest.mark.parametrize("message", [
    "is it true that the ferry was cancelled?",  # "it" stands for nothing
    "it's time to vote: who leads?",
    "what did they say?",  # a speaker: the quote rules' business
    "what happened this week?",  # a determiner, not a pronoun
    "who leads the council?",
    "What did Apple announce about its new iPhone?",  # Apple's: bound in the question
    "why did the company cut its forecast?",
])
def test_not_a_thing_pronoun(message: str) -> None:
    assert thing_pronoun(message) is None


@pytest.mark.parametrize(("message", "phrase", "expected"), [
    ("how much will it cost?", "the old cannery", "how much will the old cannery cost?"),
    ("what is its budget?", "the library", "what is the library's budget?"),
    ("who approved that?", "the plan", "who approved the plan?"),
    ("why did she object to them?", "harbour fees", "why did she object to harbour fees?"),
    ("When did it start?", "the United States", "When did the United States start?"),
])
def test_substitution(message: str, phrase: str, expected: str) -> None:
    assert substitute_thing(message, phrase) == expected


@pytest.mark.parametrize(("message", "phrase"), [
    ("why did they raise them?", "harbour fees"),  # "they": the council, not the fees
    ("how much will it cost?", "harbour fees"),  # "it" does not fit a plural
    ("who approved those?", "the plan"),
    ("who leads the council?", "the plan"),  # nothing to replace
])
def test_no_substitution_when_the_pronoun_does_not_fit(message: str, phrase: str) -> None:
    assert substitute_thing(message, phrase) is None


@pytest.mark.parametrize(("message", "bare"), [
    ("why?", True), ("for how long?", True), ("who objected?", True), ("how much?", True),
    ("what happened?", True),
    ("who won the election?", False),  # words enough to stand alone
    ("who visited China?", False),  # a name
    ("what happened in 2021?", False),  # a date: the date rules'
    ("what's new?", False), ("thanks!", False),
])
def test_a_bare_question(message: str, bare: bool) -> None:
    assert bare_question(message) is bare
