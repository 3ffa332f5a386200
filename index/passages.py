"""Split an article into passages of ~100-200 words made of whole sentences.

Passages prefer to end at a paragraph end once they hold ``MIN_WORDS``; they
never cut a sentence unless one sentence alone is longer than ``MAX_WORDS``
(lists, tables, unpunctuated text), which is then cut at whitespace.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from index.models import Article
from index.sentences import paragraph_spans, sentence_spans

MIN_WORDS = 100
MAX_WORDS = 200
# A trailing passage shorter than this is merged into the previous one if it fits.
TAIL_WORDS = 40

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class PassageSpan:
    """A passage before it is stored: ``article.text[start:end] == text``."""

    ordinal: int
    start: int
    end: int
    text: str
    paragraph_start: int  # 1-based
    paragraph_end: int  # 1-based
    words: int


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    words: int
    paragraph: int  # 1-based
    ends_paragraph: bool


def split_passages(article: Article) -> list[PassageSpan]:
    """Passages of ``article.text`` in reading order (empty text -> no passages)."""
    text = article.text
    units = _units(text)
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    words = 0
    for unit in units:
        if current and words + unit.words > MAX_WORDS:
            groups.append(current)
            current, words = [], 0
        current.append(unit)
        words += unit.words
        if words >= MIN_WORDS and unit.ends_paragraph:
            groups.append(current)
            current, words = [], 0
    if current:
        tail = sum(u.words for u in current)
        if groups and tail < TAIL_WORDS and sum(u.words for u in groups[-1]) + tail <= MAX_WORDS:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [
        PassageSpan(
            ordinal=i,
            start=g[0].start,
            end=g[-1].end,
            text=text[g[0].start : g[-1].end],
            paragraph_start=g[0].paragraph,
            paragraph_end=g[-1].paragraph,
            words=sum(u.words for u in g),
        )
        for i, g in enumerate(groups)
    ]


def _units(text: str) -> list[_Unit]:
    """Sentences tagged with paragraph numbers; over-long sentences cut into pieces."""
    paragraphs = paragraph_spans(text)
    starts = [s for s, _ in paragraphs]
    sentences = sentence_spans(text)
    units: list[_Unit] = []
    for idx, (s, e) in enumerate(sentences):
        para = bisect.bisect_right(starts, s)  # 1-based number of the containing paragraph
        para_end = paragraphs[para - 1][1]
        last_in_para = idx + 1 == len(sentences) or sentences[idx + 1][0] >= para_end
        pieces = _cut_long(text, s, e)
        for j, (ps, pe, n) in enumerate(pieces):
            units.append(_Unit(ps, pe, n, para, last_in_para and j == len(pieces) - 1))
    return units


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """``[(start, end, words)]``: the sentence itself, or <= MAX_WORDS-word pieces of it."""
    words = [m.span() for m in _WORD.finditer(text, start, end)]
    if len(words) <= MAX_WORDS:
        return [(start, end, len(words))]
    pieces = []
    for i in range(0, len(words), MAX_WORDS):
        chunk = words[i : i + MAX_WORDS]
        pieces.append((chunk[0][0], chunk[-1][1], len(chunk)))
    return pieces
