"""A question's place noun says which places answer it: "which city?" is not answered
by a state, "which country?" not by a city. Made-up sentences."""

from __future__ import annotations

import pytest

from retrieval.answer_select import answer_candidates
from retrieval.models import Excerpt, Hit
from retrieval.places import fits_place_noun


@pytest.mark.parametrize(
    ("place", "noun", "fits"),
    [
        ("California", "city", False),
        ("San Francisco", "city", True),
        ("New York", "city", True),  # a state and a city
        ("Texas", "country", False),
        ("Japan's", "country", True),
        ("Australia", "countries", True),
        ("Paris", "nations", False),
        ("France", "state", True),  # a nation state
        ("Europe", "state", False),
        ("Port Alder", "city", True),  # not in the gazetteer: could be anything
        ("Crimea", "region", True),
        ("China", "region", False),
        ("Greenland", "country", True),
        ("California", "area", True),  # no rule for the noun
    ],
)
def test_fits_place_noun(place: str, noun: str, fits: bool) -> None:
    assert fits_place_noun(place, noun) is fits


def test_a_state_does_not_answer_which_city() -> None:
    q = "A tsunami warning was issued for which major city this week?"
    text = ("Tsunami warnings were issued along the California coast on Thursday. "
            "The warning, which covered San Francisco, was lifted within the hour.")
    ex = Excerpt("a", 1, text, 0, len(text), 1)
    hit = Hit("a", None, "2031-03-03", None, None, 1.0, (ex,))
    found = sorted(answer_candidates(q, q, [hit], {"a": text}, {1: 1.0}),
                   key=lambda c: -c.score)
    assert found[0].text.startswith("The warning, which covered San Francisco")
    assert found[0].names_answer and not found[1].names_answer
