"""Stemming: the Porter algorithm from PyStemmer (Snowball's C implementation), the same
algorithm SQLite FTS5's ``porter`` tokenizer applies to the index, so query-side terms,
excerpt highlighting and quote topics meet the indexed words in one form.

Measured agreement with FTS5 ``porter unicode61`` over the RealTime QA corpus
vocabulary: see benchmarks/results/2026-11-30-text-toolkit.md.
"""

from __future__ import annotations

import functools
import threading
import unicodedata

import Stemmer

from index.text.cache import TextCache
from index.text.words import STOPWORDS, tokens

_local = threading.local()  # a PyStemmer object is not documented as thread-safe


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("porter")
    return stemmer


def _fold(word: str) -> str:
    """What FTS5's unicode61 tokenizer does before stemming: diacritics removed."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem of one word ("sanctions", "sanctioned" -> "sanction")."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = _fold(w)
    if len(w) < 3:  # FTS5's porter passes short tokens through ("as", "is", "5s")
        return w
    return str(_stemmer().stemWord(w))


# Sentence-sized texts are cached: one answer asks for the terms of the same question,
# sentences and excerpts many times over (the highlight, the sentence score, the
# restatement test), ~500 calls an answer (profiled, issue 13). Long texts are not kept.
TERMS_CACHE = 8192
TERMS_CACHE_MAX_CHARS = 2000


def content_terms(text: str) -> list[str]:
    """Stemmed tokens minus stopwords, in order, duplicates kept. Numbers under four
    digits are dropped (years and similar stay)."""
    return _TERMS(text)


def _terms(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)
            if t not in STOPWORDS and (not t.isdigit() or len(t) >= 4)]


_TERMS = TextCache(_terms, TERMS_CACHE, TERMS_CACHE_MAX_CHARS)


def clear_term_cache() -> None:
    _TERMS.clear()
