"""Tokens, paragraphs, sentences and quote-mark pairs, all with offsets into the text."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from index import sentences as shared

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:['’\-]\w+)*|[^\w\s]")
OPEN_MARKS = "“„«"
CLOSE_MARKS = "”»"
MARKS = '"' + OPEN_MARKS + CLOSE_MARKS
_MARK_RE = re.compile('["“”„«»]')


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"

    @property
    def is_cap(self) -> bool:
        return self.text[0].isupper()


@dataclass(frozen=True)
class QuotedSpan:
    """Words between quote marks (marks excluded); may run over several paragraphs."""

    open: int  # offset of the opening mark
    close: int | None  # offset of the closing mark, None when the paragraph ended first
    start: int  # content start
    end: int  # content end (trailing spaces and commas trimmed)


# Two apostrophes as a double quote mark (''like this'', common in NYT archive text).
_EDGE = r"(?:(?<=^)|(?<=[\s(\[—–]))"
_TRIPLE_OPEN = re.compile(_EDGE + r"'{3}(?=\S)")
_TRIPLE_CLOSE = re.compile(r"(?<=\S)'{3}(?!')")
_DOUBLE_OPEN = re.compile(_EDGE + r"'{2}(?=[^\s'])")
_DOUBLE_CLOSE = re.compile(r"(?<=[^\s'])'{2}(?!')")


def normalise_marks(text: str) -> str:
    """Rewrite doubled apostrophes used as quote marks into '"', keeping every offset:
    an opening two-apostrophe mark before "We" becomes a space and '"', a closing one
    after "story," becomes '"' and a space; three apostrophes (a nested single quote
    at the edge) keep one apostrophe."""
    if "''" not in text:
        return text
    text = _TRIPLE_OPEN.sub(" \"'", text)
    text = _TRIPLE_CLOSE.sub("'\" ", text)
    text = _DOUBLE_OPEN.sub(' "', text)
    return _DOUBLE_CLOSE.sub('" ', text)


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty lines, trimmed: news text marks paragraphs with one or two newlines."""
    return _lines(text, 0, len(text))


def _split_lines(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut sentences at every line break too: a news line is a paragraph."""
    return [line for s, e in spans for line in _lines(text, s, e)]


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines of text[start:end], with surrounding spaces trimmed."""
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def quoted_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[QuotedSpan]:
    """Pair quote marks paragraph by paragraph; a quote left open at a paragraph's end
    continues when the next paragraph opens with a quote mark (news convention)."""
    raw: list[tuple[int, int | None, int]] = []  # (open, close, paragraph end)
    for n, (ps, pe) in enumerate(paragraphs):
        # A straight quote goes on after curly marks only when a straight mark closes
        # it here or reopens the next paragraph ('"... “Equal Justice” anymore.')
        next_open = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else len(text)
        nests = text[next_open : next_open + 1] == '"'
        nested = _nested_pairs(text, ps, pe)
        if nested is not None:
            raw += [(o, c, pe) for o, c in nested]
            continue
        open_at: int | None = None
        inner = 0  # curly pairs nested inside a straight-quoted span
        for m in _MARK_RE.finditer(text, ps, pe):
            pos, ch = m.start(), m.group()
            if open_at is None:
                if ch in CLOSE_MARKS and not _looks_opening(text, pos):
                    continue  # stray closing mark
                open_at, inner = pos, 0
            elif (
                text[open_at] == '"'
                and ch in OPEN_MARKS
                and _looks_opening(text, pos)
                and (nests or '"' in text[pos:pe])
            ):
                inner += 1  # '"... isn't about “Equal Justice” anymore."': a nested pair
            elif inner and ch in CLOSE_MARKS:
                inner -= 1
            elif ch in OPEN_MARKS and _looks_opening(text, pos):
                # The earlier mark never closed: end it at a mismatched closing single
                # mark ('“Let’s go.’ Schumer was ...'), or drop it; restart here.
                single = _single_close(text, open_at, pos)
                if single is not None:
                    raw.append((open_at, single, pe))
                open_at, inner = pos, 0
            else:
                raw.append((open_at, pos, pe))
                open_at = None
        if open_at is not None:
            single = _single_close(text, open_at, pe)
            raw.append((open_at, single, pe))
    merged: list[tuple[int, int | None, int]] = []
    for item in raw:
        if merged and merged[-1][1] is None and _only_space(text, merged[-1][2], item[0]):
            merged[-1] = (merged[-1][0], item[1], item[2])
        else:
            merged.append(item)
    spans = []
    for open_, close, pend in merged:
        s = open_ + 1
        e = close if close is not None else pend
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1
        if s < e:
            spans.append(QuotedSpan(open_, close, s, e))
    return spans


def _nested_pairs(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Outermost pairs of a paragraph whose curly marks nest ('“... “Equal Justice”
    anymore.”'); None when the paragraph has straight marks, no nesting, or
    unbalanced marks (then marks pair left to right)."""
    marks = [(m.start(), m.group()) for m in _MARK_RE.finditer(text, start, end)]
    if not marks or any(ch not in "“”" for _, ch in marks):
        return None
    pairs, depth, deepest, open_at = [], 0, 0, 0
    for pos, ch in marks:
        if ch == "“":
            if depth == 0:
                open_at = pos
            depth += 1
            deepest = max(deepest, depth)
        else:
            if depth == 0:
                return None
            depth -= 1
            if depth == 0:
                pairs.append((open_at, pos))
    return pairs if depth == 0 and deepest > 1 else None


_SINGLE_CLOSE = re.compile(r"[.!?,]’(?=\s)")


def _single_close(text: str, open_at: int, end: int) -> int | None:
    """A curly quote left open, closed by mistake with a single mark after sentence
    punctuation ('“Let’s go.’ Schumer ...'): the offset of that mark, or None. The
    mark must be followed by more text in the paragraph, else the quote simply runs
    to the paragraph's end."""
    if text[open_at] != "“":
        return None
    for m in _SINGLE_CLOSE.finditer(text, open_at + 1, end):
        if "‘" in text[open_at : m.start()]:
            return None  # a nested single-quoted phrase ends here, not the quote
        return m.end() - 1 if text[m.end() : end].strip() else None
    return None


def _looks_opening(text: str, pos: int) -> bool:
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-") and not after.isspace()


def _only_space(text: str, start: int, end: int) -> bool:
    return start <= end and not text[start:end].strip()


class Locator:
    """Maps offsets to lines ("paragraphs" for quote pairing), sentences, and the
    1-based paragraph numbers the passages use (index.sentences)."""

    def __init__(self, text: str) -> None:
        self.paragraphs = paragraph_spans(text)
        self.sentences = _split_lines(text, shared.sentence_spans(text))
        self._pstarts = [s for s, _ in self.paragraphs]
        self._sstarts = [s for s, _ in self.sentences]
        self._numbered = [s for s, _ in shared.paragraph_spans(text)]

    def paragraph(self, pos: int) -> int:
        """0-based line index of an offset."""
        return max(0, bisect_right(self._pstarts, pos) - 1)

    def paragraph_number(self, pos: int) -> int:
        """1-based paragraph number, as in `Passage.paragraph_start`."""
        return max(1, bisect_right(self._numbered, pos))

    def sentence(self, pos: int) -> int:
        return max(0, bisect_right(self._sstarts, pos) - 1)
