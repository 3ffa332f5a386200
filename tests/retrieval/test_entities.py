"""Typed mentions found for one kind are exactly the full typing's mentions of that kind
(the answer path types ~75 sentences for one kind only, issue 13)."""

from __future__ import annotations

import pytest

from retrieval.answer_type import Kind
from retrieval.entities import clear_mention_cache, mentions, new_mentions

KINDS: tuple[Kind, ...] = ("person", "place", "quantity", "date", "name", "reason")

SENTENCES = (
    "UK Prime Minister Boris Johnson announced his resignation on Thursday, July 7, 2022.",
    "The Washington-based group said 3.2 million US lives were saved, about 60% more.",
    "Hong Kong (CNN) — Officials in New York City’s Times Square banned guns last week.",
    "The concert was cancelled because of the ongoing drought in the West.",
    "Netflix said its “Squid Game” would return in spring 2024 for a second season.",
    "Two-thirds of the $400 million fine was paid in March, six months after the ruling.",
    "Prices rose by 8.6 per cent for the year ended in May, the highest in 40 years.",
    "The firm was sued over the ad and fined £12,000 by the regulator in Paris, France.",
    "no capital letters here, and no numbers either.",
    "",
)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_one_kind_is_the_full_typing_filtered(sentence: str) -> None:
    full = mentions(sentence)
    for kind in KINDS:
        assert mentions(sentence, kind) == [m for m in full if kind in m.kinds]


def test_each_kind_is_found_in_its_sentence() -> None:
    found = {kind: [m.text for m in mentions(SENTENCES[0], kind)] for kind in KINDS}
    assert "Boris Johnson" in " ".join(found["person"])
    assert any("July 7" in t for t in found["date"])
    assert "3.2 million" in [m.text for m in mentions(SENTENCES[1], "quantity")]
    assert "60%" in [m.text for m in mentions(SENTENCES[1], "quantity")]
    assert [m.text for m in mentions(SENTENCES[3], "reason")] == \
        ["because of the ongoing drought in the West"]
    # A number inside a date is not a quantity; a year alone is not one either.
    assert "2022" not in [m.text for m in mentions(SENTENCES[0], "quantity")]
    assert mentions(SENTENCES[8], "person") == [] and mentions(SENTENCES[8], "quantity") == []
    assert mentions(SENTENCES[0], "other") == []


def test_cached_and_fresh_typing_agree() -> None:
    first = {kind: mentions(SENTENCES[5], kind) for kind in KINDS}
    clear_mention_cache()
    assert {kind: mentions(SENTENCES[5], kind) for kind in KINDS} == first
    assert [m.text for m in new_mentions(SENTENCES[5], "how big was the fine?", "quantity",
                                         amounts_only=True)] == ["$400 million"]


def test_a_place_between_connectors_is_a_place() -> None:
    """A run joined by a connector ("San Francisco and the Bay Area") still yields the
    places among its words, as one-word places inside a longer name always did."""
    places = [m.text for m in mentions("Sirens sounded across San Francisco and the Bay Area "
                                       "after the quake.", "place")]
    assert "San Francisco" in places
    both = [m.text for m in mentions("The airline adds flights between New York and "
                                     "Los Angeles next month.", "place")]
    assert "New York" in both and "Los Angeles" in both
    # The whole run is a name, not a place; a plain name gains no place.
    assert mentions("Sirens sounded across San Francisco and the Bay Area.", "name")
    assert mentions("Shares of Harbour Holdings and Quayside Group fell.", "place") == []


@pytest.mark.parametrize("sentence", (
    "Sirens sounded across San Francisco and the Bay Area after the quake.",
    "The Port of Los Angeles and Long Beach reopened on Friday.",
))
def test_places_between_connectors_agree_with_the_full_typing(sentence: str) -> None:
    full = mentions(sentence)
    for kind in KINDS:
        assert mentions(sentence, kind) == [m for m in full if kind in m.kinds]
    for m in full:
        assert sentence[m.start:m.end] == m.text


def test_a_place_between_connectors_is_found_where_it_is() -> None:
    sentence = "Storms hit New Jersey and New York overnight."
    found = [(m.text, m.start) for m in mentions(sentence, "place")]
    assert ("New Jersey", sentence.index("New Jersey")) in found
    assert ("New York", sentence.index("New York")) in found


def test_every_mention_sits_where_its_text_is() -> None:
    """``sentence[m.start:m.end] == m.text``, also for a word that repeats inside a run
    and a quoted name with spaces inside its quote marks."""
    sentence = "Fans of the Texas Rangers and Texas Longhorns chanted “ Project Aurora ” twice."
    found = mentions(sentence)
    assert all(sentence[m.start:m.end] == m.text for m in found)
    texas = sorted(m.start for m in found if m.text == "Texas")
    assert texas == [sentence.index("Texas"), sentence.rindex("Texas")]
    assert any(m.text == "Project Aurora" for m in found)


def test_a_count_opening_a_sentence_is_no_name() -> None:
    for sentence in ("Millions of people can now buy hearing aids off the shelf.",
                     "Dozens were hurt when the stand collapsed."):
        assert mentions(sentence, "name") == []
    assert [m.text for m in mentions("Dozens of Harbour Hawks fans waited.", "name")] == \
        ["Harbour Hawks"]
