"""Recognise "what did X say (about Y)?" and its variants, to route them to quotes.

Pure text matching: no index access. The engine sends a match to the quote
lookup and falls back to ordinary search when the speaker has no quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The speaker: up to six words, letters, dots, hyphens and apostrophes ("Xi Jinping",
# "Lavrov", "the foreign ministry spokesman", "O'Neill").
_X = r"(?P<speaker>[\w.\-'’ ]{2,80}?)"
_Y = r"(?P<about>.+?)"
_ABOUT = r"(?:about|on|regarding|concerning|of|over|in relation to|with respect to)"
_END = r"\s*[?.!]*\s*$"
_NOUNS = r"(?:comments?|remarks?|statements?|quotes?|words|views?|position|reaction|response)"

_PATTERNS = [
    # what did / has / have / does / do / had X say(ing) / said (about Y)
    rf"^(?:so\s+)?what\s+(?:did|has|have|had|does|do|is|was|would)\s+{_X}\s+"
    rf"(?:say|said|saying|stated|state|told|tell|telling)(?:\s+(?:publicly|so far|recently))?"
    rf"(?:\s+{_ABOUT}\s+{_Y})?{_END}",
    # show me / tell me / list what X said (about Y)
    rf"^(?:(?:please\s+)?(?:show|tell|give|list|find)(?:\s+me)?\s+)?what\s+{_X}\s+"
    rf"(?:said|says|has said|had said|stated)(?:\s+{_ABOUT}\s+{_Y})?{_END}",
    # did X say anything about Y
    rf"^(?:did|has)\s+{_X}\s+(?:say|said)\s+anything(?:\s+{_ABOUT}\s+{_Y})?{_END}",
    # quotes from / by X (about Y)
    rf"^(?:(?:show|list|find|give)(?:\s+me)?\s+)?(?:all\s+|any\s+)?(?:the\s+)?"
    rf"(?:quotes|quotations|statements|comments|remarks)\s+(?:from|by)\s+{_X}"
    rf"(?:\s+{_ABOUT}\s+{_Y})?{_END}",
    # X's comments on Y / what were X's remarks about Y
    rf"^(?:what\s+(?:are|were|is|was)\s+)?{_X}['’]s?\s+{_NOUNS}(?:\s+{_ABOUT}\s+{_Y})?{_END}",
    # X quotes (about Y)
    rf"^{_X}\s+(?:quotes|quotations)(?:\s+{_ABOUT}\s+{_Y})?{_END}",
]
_COMPILED = [re.compile(p, re.I) for p in _PATTERNS]

# Words that make "X" not a speaker ("what did you say", "what did it say about...").
_NOT_SPEAKERS = {
    "i", "you", "we", "they", "it", "he", "she", "that", "this", "these", "those", "people",
    "anyone", "someone", "everyone", "somebody", "anybody", "the article", "the report",
    "the news", "the study", "the poll", "the survey", "the data", "the law", "the bill",
}

# "what was said about Y" is a topic question, not a speaker called "was".
_AUX = {"was", "were", "is", "are", "has", "have", "had", "been", "be", "being", "else"}


@dataclass(frozen=True)
class QuoteRoute:
    """A question asking for someone's statements."""

    speaker: str
    about: str | None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip(" \t\"'“”‘’?.!,")
    return text or None


def route_quotes(question: str) -> QuoteRoute | None:
    """Return the speaker (and topic) when the question asks what someone said."""
    q = " ".join(question.split())
    for pattern in _COMPILED:
        m = pattern.match(q)
        if not m:
            continue
        speaker = _clean(m["speaker"])
        if not speaker or speaker.lower() in _NOT_SPEAKERS or len(speaker.split()) > 6:
            continue
        if not any(ch.isalpha() for ch in speaker) or speaker.split()[0].lower() in _AUX:
            continue
        about = _clean(m.groupdict().get("about"))
        return QuoteRoute(speaker=speaker, about=about)
    return None
