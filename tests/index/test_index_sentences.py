"""Sentence and paragraph spans: boundaries and exact offsets."""

from __future__ import annotations

import pytest

from index.sentences import _split_paragraph, paragraph_spans, sentence_spans


def split(text: str) -> list[str]:
    spans = sentence_spans(text)
    for s, e in spans:
        assert text[s:e] == text[s:e].strip() and e > s
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones in Washington. They talked.",
            ["Mr. Smith met Dr. Jones in Washington.", "They talked."],
        ),
        (
            "The U.S. Senate voted on Jan. 5 to pass it. Prices rose 3.5 percent.",
            ["The U.S. Senate voted on Jan. 5 to pass it.", "Prices rose 3.5 percent."],
        ),
        ("George W. Bush spoke. J. K. Rowling wrote.", ["George W. Bush spoke.", "J. K. Rowling wrote."]),
        (
            'He said "it is over." Then he left.',
            ['He said "it is over."', "Then he left."],
        ),
        (
            "“We will win,” he said. “We will.” She nodded.",
            ["“We will win,” he said.", "“We will.”", "She nodded."],
        ),
        ('"Is it?" she asked. Yes!', ['"Is it?" she asked.', "Yes!"]),
        ("Sanctions hit the U.S. The market fell.", ["Sanctions hit the U.S.", "The market fell."]),
        ("It ended at 9 p.m. Tuesday in Kyiv. Then rain.", ["It ended at 9 p.m. Tuesday in Kyiv.", "Then rain."]),
        ("See No. 10 Downing St. today. He said no. Then left.", ["See No. 10 Downing St. today.", "He said no.", "Then left."]),
        ("Wait... What happened? Nobody knows", ["Wait...", "What happened?", "Nobody knows"]),
        ("Кремль заявил. Пекин ответил.", ["Кремль заявил.", "Пекин ответил."]),
        # A dateline's state abbreviation, then a dash: one sentence.
        ("SALEM, Ore. – Oregon Gov. Kate Brown will commute them. She said so.",
         ["SALEM, Ore. – Oregon Gov. Kate Brown will commute them.", "She said so."]),
        ("He won. — Then the crowd left.", ["He won.", "— Then the crowd left."]),
        # A gallery caption after its photo credit, with no full stop between them.
        ("Jo Lee/AFP/Getty Images Crowds line the river. A Reuters/Ipsos poll found it.",
         ["Jo Lee/AFP/Getty Images", "Crowds line the river.", "A Reuters/Ipsos poll found it."]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_paragraph_breaks_end_sentences_and_numbering() -> None:
    text = "  First para no stop\n\nSecond para. Still second.\n \n\nThird\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "First para no stop",
        "Second para. Still second.",
        "Third",
    ]
    assert split(text) == ["First para no stop", "Second para.", "Still second.", "Third"]


def test_single_newlines_are_paragraphs_only_without_blank_lines() -> None:
    wrapped = "A long sentence wrapped\nover two lines. Next one.\n\nNew para."
    assert split(wrapped) == ["A long sentence wrapped\nover two lines.", "Next one.", "New para."]
    lines = "Line one\nLine two. More."
    assert [lines[s:e] for s, e in paragraph_spans(lines)] == ["Line one", "Line two. More."]


def test_range_arguments_give_absolute_offsets() -> None:
    text = "Intro. One two. Three four.\n\nLast."
    start = text.index("One")
    spans = sentence_spans(text, start, text.index("\n"))
    assert [text[s:e] for s, e in spans] == ["One two.", "Three four."]
    assert spans[0][0] == start


def test_empty_and_whitespace() -> None:
    assert sentence_spans("") == [] and paragraph_spans(" \n\n ") == []


def test_markers_stay_with_their_sentence() -> None:
    text = "Wang said ties have no limits. [1] [2] Lavrov agreed [3]. He left."
    spans = sentence_spans(text, markers=True)
    assert [text[s:e] for s, e in spans] == [
        "Wang said ties have no limits. [1] [2]", "Lavrov agreed [3].", "He left."]
    assert [text[s:e] for s, e in sentence_spans(text)][1].startswith("[1] [2] Lavrov")


REGION_TEXTS = (
    "First one. Second one.\n\n  Third, with Mr. Smith. Fourth!\n \n\nFifth? Sixth.",
    "No blank lines here. Just lines.\nAnother line. And more.\n   Indented one.",
    "\n\nLeading blank lines. Then text.\n\n\n",
    "A. B. C.\n\nD.\nE.",
)


@pytest.mark.parametrize("text", REGION_TEXTS)
def test_a_region_splits_as_the_whole_text_does_there(text: str) -> None:
    """Any stretch (a passage) gives the sentences the whole text's paragraphs give
    there, though only that stretch is scanned: cut anywhere, even inside whitespace."""
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            assert sentence_spans(text, start, end) == _regionless(text, start, end)


def _regionless(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The old way: the whole text's (cached) paragraphs, clipped to the region."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text):
        lo, hi = max(p_start, start), min(p_end, end)
        if lo < hi:
            _split_paragraph(text, lo, hi, spans)
    return spans
