"""Word tokens and the one stopword list."""

from __future__ import annotations

import re

# Letters and digits of any script; an apostrophe inside a word keeps it whole ("Russia's").
TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

# Function words dropped from FTS queries. Kept short on purpose: BM25's IDF already
# discounts common words, and dropping the longer list below from FTS queries lost 4 of
# 123 RealTime QA questions from bm25's top 5 (benchmarks/results/2026-11-30-text-toolkit.md).
_FTS_STOPWORD_TEXT = """
    a an and are as at be by for from has have he her his i in is it its of on or she
    that the their they this to was were what when where which who why will with
    """
FTS_STOPWORDS = frozenset(_FTS_STOPWORD_TEXT.split())

# For term overlap (highlighting, answer sentences, quote topics, checks of generated text):
# the FTS list plus more function words and words every news question carries ("said",
# "news", "week"), which would otherwise match everything.
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
STOPWORDS = FTS_STOPWORDS | frozenset(_STOPWORD_TEXT.split())


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, in order."""
    return [t.lower() for t in TOKEN.findall(text)]


def content_words(text: str, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Tokens minus ``stopwords``, first occurrences only, in order; all tokens when every
    word is a stopword (a question such as "who said what?" still has words)."""
    words = list(dict.fromkeys(tokens(text)))
    return [t for t in words if t not in stopwords] or words
