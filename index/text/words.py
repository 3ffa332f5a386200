"""Word tokens and the one stopword list."""

from __future__ import annotations

import re

# Letters and digits of any script; an apostrophe inside a word keeps it whole ("Russia's").
TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

# Function words, plus words every news question carries ("said", "news", "week"):
# they match everything, so they are dropped from queries and term overlaps.
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would
    you your yours yourself according said says say tell told recently new news
    week weeks year years month day days last what's who's much many
    """
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, in order."""
    return [t.lower() for t in TOKEN.findall(text)]


def content_words(text: str) -> list[str]:
    """Tokens minus stopwords, first occurrences only, in order; all tokens when every
    word is a stopword (a question such as "who said what?" still has words)."""
    words = list(dict.fromkeys(tokens(text)))
    return [t for t in words if t not in STOPWORDS] or words
