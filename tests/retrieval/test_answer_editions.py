"""A sentence about another edition of what the question names ("the 2024 season" for
a question about the 2025 one, "the 95th awards" for the 97th) answers a different
question: it is not a candidate. Made-up sentences."""

from __future__ import annotations

import pytest

from retrieval.answer_select import answer_candidates, other_edition
from retrieval.models import Excerpt, Hit


@pytest.mark.parametrize(
    ("sentence", "question", "other"),
    [
        ("Zelda was the first named storm of the 2030 Atlantic hurricane season.",
         "Which was the first named storm of the 2031 Atlantic hurricane season?", True),
        ("The musical won six prizes at the 95th Lantern Awards last spring.",
         "Which film took home five trophies at the 97th Lantern Awards?", True),
        ("Yara became the first named storm of the 2031 Atlantic hurricane season.",
         "Which was the first named storm of the 2031 Atlantic hurricane season?", False),
        # Another year elsewhere in the sentence is no other edition.
        ("Yara, the first storm of the 2031 season, was stronger than any since 2024 storms.",
         "Which was the first storm of the 2031 season?", False),
        ("The 2030 Atlantic season was calm.", "Which storm hit the coast this week?", False),
        # The year before, under another word: last year's awards, not this year's list.
        ("The nominees were announced for the 2030 Lantern Awards last winter.",
         "Which award show announced its 2031 nominees?", True),
        ("The 2031 list follows the 2030 Lantern Awards.",
         "Which award show announced its 2031 nominees?", False),
        # A year further off is history, not another edition.
        ("Flooding was the worst since 2024 records began.",
         "How many homes flooded in the 2031 storms?", False),
    ],
)
def test_other_edition(sentence: str, question: str, other: bool) -> None:
    assert other_edition(sentence, question) is other


def test_a_sentence_about_another_edition_is_not_chosen() -> None:
    q = "Which film took home five trophies at the 97th Lantern Awards?"
    text = ("The comedy took home five trophies at the 95th Lantern Awards. "
            "Independent film Marrow Lane came out on top for the night.")
    ex = Excerpt("a", 1, text, 0, len(text), 1)
    hit = Hit("a", None, "2031-03-03", None, None, 1.0, (ex,))
    found = answer_candidates(q, q, [hit], {"a": text}, {1: 1.0})
    assert [c.text for c in found] == ["Independent film Marrow Lane came out on top for the night."]
