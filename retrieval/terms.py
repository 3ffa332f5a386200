"""Query terms: tokenising, a light stemmer and stopwords, for highlighting and FTS queries.

No dependency beyond the standard library (PyStemmer is a dev-only package).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would
    you your yours yourself according said says say tell told recently new news
    week weeks year years month day days last this which what's who's
    much many
    """
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Suffixes stripped in order; keeps stems at least 3 characters long.
_SUFFIXES = ("ational", "ization", "fulness", "iveness", "ements", "ement", "ments", "ment",
             "ingly", "ings", "ing", "edly", "ies", "ied", "ers", "er", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match "sanctions"/"sanctioned"/"sanctioning"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if suffix in ("ies", "ied"):
                w += "y"
            break
    return w


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, any script)."""
    return [t.lower() for t in _TOKEN.findall(text)]


def content_terms(text: str) -> list[str]:
    """Stemmed tokens minus stopwords, in order, duplicates kept."""
    # Digits are noise except years and similar 4+ digit numbers.
    return [stem(t) for t in tokens(text)
            if t not in STOPWORDS and (not t.isdigit() or len(t) >= 4)]


def fts_query(text: str, max_terms: int = 32) -> str | None:
    """A safe FTS5 MATCH expression: each word quoted, OR-ed (BM25 ranks by overlap).

    Quoting neutralises FTS syntax (``NEAR(``, ``*``, ``"``, ``AND``); None when the
    text has no searchable word.
    """
    seen: list[str] = []
    for t in tokens(text):
        if t in STOPWORDS or t in seen:
            continue
        seen.append(t)
    if not seen:
        seen = list(dict.fromkeys(tokens(text)))
    if not seen:
        return None
    words = [t.replace('"', "") for t in seen[:max_terms]]
    return " OR ".join(f'"{w}"' for w in words if w)
