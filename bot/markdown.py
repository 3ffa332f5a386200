"""Untrusted text -> Discord markdown that renders exactly as written.

The one rendering path for everything an article, an upload or a user brings
(ids, titles, sources, authors, urls, excerpts, questions): no link, mention,
spoiler, code, heading or emphasis of theirs can survive.

How it cannot be split: :func:`escape_with_positions` escapes the *whole* text at
once and says where each original character landed, and :func:`bold_spans` inserts
its ``**`` markers at those positions, between escape sequences, never inside one
(the bug of escaping each highlighted piece separately). Every escape is a backslash
before one character, so a cut made by :func:`safe_cut` keeps the text escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Characters Discord's markdown gives a meaning to anywhere in a line: emphasis,
# strike, spoiler, code, masked links (`[text](url)` needs the `(`, so `[n]` markers
# stay readable), mentions/emoji/timestamps (`<`), `@everyone`.
_ALWAYS = frozenset("\\*_~`|()<@")
# `https://x` autolinks: a backslash before the colon stops it and still shows ":".
_SCHEME = re.compile(r":(?=//)")
# What means something only at a line start: headings, subtext, block quotes, lists
# (the escape goes before the last character: "#", "-", ">", "+" or the "." of "1.").
_LINE_START = re.compile(r"(?m)^[^\S\n]*(?:[#>+-]|\d+\.)")
# A URL we are willing to put inside ``[link](...)``: no brackets, quotes, spaces or
# markdown; anything else is shown as escaped text instead.
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?(?:/[A-Za-z0-9._~!$&'*+,;=:@%/?#-]*)?")
_UNESCAPE = re.compile(r"\\(.)", re.S)


def escape_with_positions(text: str) -> tuple[str, list[int]]:
    """``(escaped, where)``: ``where[i]`` is the index in ``escaped`` where ``text[i]``'s
    rendering starts (``where[len(text)] == len(escaped)``)."""
    extra = {m.start() for m in _SCHEME.finditer(text)}
    extra.update(m.end() - 1 for m in _LINE_START.finditer(text))
    out: list[str] = []
    where: list[int] = []
    size = 0
    for i, ch in enumerate(text):
        where.append(size)
        if ch in _ALWAYS or i in extra:
            out.append("\\")
            size += 1
        out.append(ch)
        size += 1
    where.append(size)
    return "".join(out), where


def escape(text: str | None) -> str:
    """Untrusted text shown verbatim: every markdown-significant character escaped."""
    return escape_with_positions(text or "")[0]


def unescape(text: str) -> str:
    """The inverse of :func:`escape` (for plain-text renderings of an embed)."""
    return _UNESCAPE.sub(r"\1", text)


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def bold_spans(text: str, offset: int, spans: Sequence[tuple[int, int]]) -> str:
    """Escape ``text`` (which starts at ``offset`` in its article) and bold ``spans``
    (article offsets, clipped to the text; blanks at their edges stay outside)."""
    escaped, where = escape_with_positions(text)
    cuts: list[int] = []
    for start, end in _merge(spans):
        s, e = max(start - offset, 0), min(end - offset, len(text))
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            cuts += [where[s], where[e]]
    pieces: list[str] = []
    pos = 0
    for cut in cuts:
        pieces += [escaped[pos:cut], "**"]
        pos = cut
    pieces.append(escaped[pos:])
    return "".join(pieces)


def plain(text: str | None) -> str:
    """Metadata (a title, a source, an author) on one line, escaped."""
    return escape(" ".join((text or "").split()))


def code(text: str) -> str:
    """An id as inline code when that is safe (no backtick, one line), else escaped text.

    Inside inline code nothing can be escaped, so a backtick would end it early.
    """
    if text and "`" not in text and "\n" not in text and "\r" not in text:
        return f"`{text}`"
    return plain(text)


def link(url: str | None, label: str = "link") -> str | None:
    """``[label](url)`` for a plain http(s) URL; None for anything that could break out."""
    if url and _SAFE_URL.fullmatch(url):
        return f"[{label}]({url})"
    return None


def safe_url(url: str | None) -> str | None:
    """``url`` when :func:`link` would accept it (e.g. for an embed's own url)."""
    return url if url and _SAFE_URL.fullmatch(url) else None


def safe_cut(text: str, cut: int) -> int:
    """``cut`` moved back so it never separates a backslash from the character it escapes."""
    run = 0
    while run < cut and text[cut - 1 - run] == "\\":
        run += 1
    return cut - 1 if run % 2 else cut


def unescaped_bold_markers(text: str) -> int:
    """How many ``**`` markers of ours ``text`` holds (escaped stars are not counted)."""
    count = 0
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith("**", i):
            count += 1
            i += 2
            continue
        i += 1
    return count
