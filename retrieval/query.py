"""User text -> a query we can search, or a `BadQueryError` that says why not.

Discord markup (mentions, spoilers, code fences, emphasis) is reduced to its
words: people paste messages as they see them. Search syntax needs no escaping
here; the FTS layer quotes every term.
"""

from __future__ import annotations

import re
import unicodedata

from index.errors import BadQueryError

MAX_QUERY_CHARS = 1000

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_FENCE = re.compile(r"```(?:[\w+-]*\n)?|`")
_MARKUP = re.compile(r"\|\||\*\*|__|~~")
_SPACE = re.compile(r"\s+")


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
