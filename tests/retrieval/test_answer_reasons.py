"""Patterns found among held-out misses, each on made-up sentences: "why ...?" asks for a
reason, and a sentence giving one ("due to the drought") outranks one that only shares
the question's words; more head nouns say what a question wants ("which tech giant")."""

from __future__ import annotations

import pytest

from retrieval.answer_select import answer_candidates
from retrieval.answer_type import expected_type
from retrieval.entities import new_mentions
from retrieval.models import Excerpt, Hit


@pytest.mark.parametrize(
    "question",
    [
        "Why did some towns cancel their fireworks displays this year?",
        "Fruitco recalled 40,000 scooters this week. Why were they recalled?",
        "The mayor, who took office in May, resigned. Why did she step down?",
    ],
)
def test_why_asks_for_a_reason(question: str) -> None:
    assert expected_type(question).kind == "reason"


def test_a_reason_is_a_cause_or_a_purpose_the_question_lacks() -> None:
    q = "Why did some towns cancel their fireworks displays this year?"
    found = new_mentions("Water limits due to the long drought led towns to cancel.", q,
                         "reason")
    assert [m.text for m in found] == ["due to the long drought led towns to cancel"]
    assert new_mentions("Towns cancelled fireworks because of the fire danger.", q,
                        "reason")[0].text == "because of the fire danger"
    assert new_mentions("Towns across the west cancelled their fireworks displays.", q,
                        "reason") == []
    # "due to" + a verb schedules, it does not explain.
    assert new_mentions("The displays are due to resume in September.", q, "reason") == []


def test_a_sentence_giving_the_reason_is_chosen() -> None:
    q = "Why did some towns cancel their fireworks displays this year?"
    text = ("Springfield hosts the biggest fireworks displays in the state this year. "
            "Several towns cancelled the shows due to the long drought.")
    ex = Excerpt("a", 1, text, 0, len(text), 1)
    hit = Hit("a", None, "2022-07-01", None, None, 1.0, (ex,))
    best = max(answer_candidates(q, q, [hit], {"a": text}, {1: 1.0}), key=lambda c: c.score)
    assert best.text.startswith("Several towns cancelled")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("The value of which tech giant fell below $2tn this week?", "name"),
        ("Which Supreme Court justice announced her retirement?", "person"),
        ("Which popular US tourist attraction closed for repairs?", "name"),
        ("Which London borough has the most parks?", "place"),
        ("Which news presenter has left the channel?", "person"),
    ],
)
def test_more_head_nouns_type_the_question(question: str, kind: str) -> None:
    assert expected_type(question).kind == kind


@pytest.mark.parametrize(
    ("question", "kind", "head"),
    [
        ("What is the official dish of the coronation?", "other", None),
        ("Which official resigned this week?", "person", "official"),
        ("Which state agency was sued?", "name", "agency"),
        ("Which team owner was fined?", "person", "owner"),
        ("Which team won the cup?", "name", "team"),
    ],
)
def test_a_noun_modifying_the_next_is_not_the_head(question: str, kind: str,
                                                    head: str | None) -> None:
    expected = expected_type(question)
    assert (expected.kind, expected.head) == (kind, head)


def test_a_compound_adjective_is_not_a_name() -> None:
    q = "Which tech giant passed Fruitco in value?"
    described = "The Springfield-based tech company's value passed that of Fruitco."
    assert new_mentions(described, q, "name") == []
    named = "Shelbyco's value has risen by more than $1 trillion."
    assert [m.text for m in new_mentions(named, q, "name")] == ["Shelbyco's"]


def test_a_past_verb_and_over_gives_a_reason() -> None:
    q = "Why were some Fruitco scooters recalled this week?"
    found = new_mentions("Scooters that were recalled over fire risks should be parked outside.",
                         q, "reason")
    assert [m.text for m in found] == ["recalled over fire risks should be parked outside"]
    assert new_mentions("A rider jumped over the fence.", q, "reason") == []
