"""User text -> a query we can search, or a `BadQueryError` that says why not.

Discord markup (mentions, spoilers, code fences, emphasis) and pasted HTML (inline
tags, entities) are reduced to their words: people paste text as they see it. Search
syntax needs no escaping here; the FTS layer quotes every term.
"""

from __future__ import annotations

import html
import re
import unicodedata

from index.errors import BadQueryError

MAX_QUERY_CHARS = 1000

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_FENCE = re.compile(r"```(?:[\w+-]*\n)?|`")
_MARKUP = re.compile(r"\|\||\*\*|__|~~")
_SPACE = re.compile(r"\s+")
# Pasted web text: HTML tags of inline markup and their attributes go, words stay
# ('<a href="...">Dubai</a> chocolate' -> "Dubai chocolate"). Named tags only, so that
# "x<y and y>z" is left alone (index.feeds.text.html_to_text, a parser for feed
# fragments, reads it as a tag and leaves "xz").
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|blockquote|br|cite|code|div|em|font|h[1-6]|i|img|li|mark|ol|p|q|s|"
    r"small|span|strong|sub|sup|u|ul)\b(?:\s+[\w:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|"
    r"[^\s\"'<>]+))?)*\s*/?>", re.I)


def clean_query(text: str | None) -> str:
    """The searchable form of ``text``; raises BadQueryError when nothing is left."""
    if text is None or not text.strip():
        raise BadQueryError("The query is empty.", hint="Ask a question or type some keywords.")
    if len(text) > MAX_QUERY_CHARS:
        raise BadQueryError(
            f"The query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}).",
            hint="Shorten it to the key words or one question.",
        )
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t")
    text = _MENTION.sub(" ", text)
    text = html.unescape(_HTML_TAG.sub(" ", text)) if "<" in text or "&" in text else text
    text = _CUSTOM_EMOJI.sub(r" \1 ", text)
    text = _FENCE.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    if not any(ch.isalnum() for ch in text):
        raise BadQueryError(
            "The query has no words to search for.",
            hint="Mentions, punctuation and formatting are ignored; add some words.",
        )
    return text
