"""Sentence and paragraph spans with exact character offsets.

Shared by passage splitting, quote extraction and answer highlighting, so it is
a pure function of the text: spans are ``(start, end)`` into the given string,
trimmed of surrounding whitespace, never empty.

Rules (tuned for English news copy):
- paragraphs are separated by blank lines; a text without any blank line uses
  single newlines instead (one paragraph per line);
- a sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes/brackets)
  followed by whitespace and a character that is not lower-case;
- not after abbreviations ("Mr.", "Jan.", "Gov."), initials ("George W. Bush")
  or dotted acronyms ("U.S.", unless a typical sentence opener follows);
- decimals ("3.5") never split because a boundary needs whitespace after it.
"""

from __future__ import annotations

import re

from index.text.cache import TextCache

# Blank line(s), possibly holding spaces/tabs: the paragraph separator.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_NEWLINE = re.compile(r"\n\s*")

# Terminal punctuation, optional closers, then whitespace (not consumed).
# The agencies and libraries a photo credit ends with ("John Moore/Getty Images",
# "Aaron Chown/Pool/AFP/Getty Images"): a gallery caption follows it with no full stop.
PHOTO_CREDITS = (r"(?:Getty Images|AFP|AP|Reuters|EPA|Shutterstock|Bloomberg|Sipa USA|"
                 r"ZUMA Wire|Handout|Pool|PA Images|Corbis)")
_TERMINAL = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|"
                       rf"/{PHOTO_CREDITS}(?=\s+[A-Z“\"‘])")
_MARKERS = re.compile(r"(?:\s*\[\d+\])+")



def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Lower-cased, without the final dot. Titles, months, corporate suffixes...
_ABBREVIATIONS = _wordset(
    """
    mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm maj cpl pvt st jr sr rev
    hon pres supt det insp messrs mme mlle
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues thu thur thurs fri
    inc corp co ltd llc plc bros dept univ assn approx vs v etc al
    ed eds op cit ibid mt ft ave blvd rd hwy
    ariz calif colo conn fla ga kan ky md mich minn mont neb nev okla tenn tex wis wyo
    """
)
# Abbreviations only when a number follows ("No. 10", "pp. 4"); "said no." ends a sentence.
_NUMBER_ABBREVIATIONS = _wordset("no nos vol vols pp p fig figs art")

# After a dotted acronym ("U.S.") or "a.m."/"p.m.", only these words start a new sentence.
_OPENERS = _wordset(
    """
    the a an this that these those he she it they we i you his her its their our my
    but and or so yet in on at for as if when while after before since there here
    what who why how mr mrs ms dr
    """
)

_WORD = re.compile(r"[\w']+")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")


# Paragraphs of the last few texts: every excerpt and answer sentence of an article asks
# for them again (sentence_spans of a passage needs the whole text's paragraph breaks).
PARAGRAPH_CACHE = 64
PARAGRAPH_CACHE_MAX_CHARS = 200_000  # the cache keeps its texts alive: bounded, ~13 MB


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Trimmed, non-empty paragraphs of ``text``; their 1-based index is the paragraph number."""
    return _PARAGRAPHS(text)


def clear_paragraph_cache() -> None:
    _PARAGRAPHS.clear()


def _paragraphs_between(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The trimmed paragraphs of ``text[start:end]``, from a scan of that stretch alone
    (the separator kind is the whole text's): over the whole text, `paragraph_spans`;
    over a passage, those paragraphs clipped to it (a paragraph is trimmed either way, so
    a cut inside a separator's whitespace changes nothing)."""
    sep = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    spans: list[tuple[int, int]] = []
    pos = start
    for m in sep.finditer(text, start, end):
        _append_trimmed(text, pos, m.start(), spans)
        pos = m.end()
    _append_trimmed(text, pos, end, spans)
    return spans


_PARAGRAPHS = TextCache(lambda text: _paragraphs_between(text, 0, len(text)),
                        PARAGRAPH_CACHE, PARAGRAPH_CACHE_MAX_CHARS)


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, *, markers: bool = False
) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as absolute ``(start, end)`` offsets into ``text``.

    Paragraph breaks of the whole text always end a sentence. With ``markers``, citation
    markers right after a sentence end ("... limits. [1] [2] Next") stay with that sentence
    (answers and generated text carry them).
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    # A passage's excerpt needs its own paragraphs only, not the whole article's: splitting
    # a cold article cost more than the passage's sentences (profiled, issue 13).
    whole = start <= 0 and end >= len(text)
    paragraphs = _PARAGRAPHS.shared(text) if whole else _paragraphs_between(text, start, end)
    for p_start, p_end in paragraphs:
        lo, hi = max(p_start, start), min(p_end, end)
        if lo < hi:
            _split_paragraph(text, lo, hi, spans, markers)
    return spans


def _split_paragraph(
    text: str, start: int, end: int, out: list[tuple[int, int]], markers: bool = False
) -> None:
    pos = start
    for m in _TERMINAL.finditer(text, start, end):
        cut = m.end()
        if cut <= pos or not _is_boundary(text, m.start(), cut, end):
            continue
        if markers:
            trailing = _MARKERS.match(text, cut, end)
            if trailing:
                cut = trailing.end()
        _append_trimmed(text, pos, cut, out)
        pos = cut
    _append_trimmed(text, pos, end, out)


def _is_boundary(text: str, punct: int, cut: int, end: int) -> bool:
    # The next visible character must not be lower-case (", he said." continues).
    nxt = cut
    while nxt < end and text[nxt].isspace():
        nxt += 1
    if nxt >= end:
        return True
    if text[nxt].islower():
        return False
    if text[punct] != ".":
        return True
    # "Mr." / "Jan." / "W." / "U.S." : the token that the dot closes.
    begin = punct
    while begin > 0 and punct - begin < 40 and not text[begin - 1].isspace():
        begin -= 1
    token = text[begin:punct].lstrip("\"'“‘([")
    if not token:
        return True
    if len(token) == 1 and token.isalpha() and token.isupper():
        return False  # an initial
    if token.lower() in _ABBREVIATIONS:
        return False
    if text[nxt] in "–—" and token[:1].isupper() and len(token) <= 5:
        return False  # a dateline: "SALEM, Ore. – Oregon Gov. Kate Brown will ..."
    if token.lower() in _NUMBER_ABBREVIATIONS and text[nxt].isdigit():
        return False
    if _DOTTED.match(token) or token.lower() in ("a.m", "p.m"):
        next_word = _WORD.match(text, nxt, min(end, nxt + 30))
        return next_word is not None and next_word.group(0).lower() in _OPENERS
    return True


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))
