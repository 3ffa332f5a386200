"""Near-duplicate articles (one wire story, many outlets) -> one. ``ArticleGroup`` is an
article's passages in a ranking; the hybrid ranker (retrieval/hybrid.py) builds them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from index.text.stems import content_terms
from index.text.words import tokens

SHINGLE = 5  # words per shingle for near-duplicate detection
SHINGLE_WORDS = 400  # compare the leading words only: wire copies diverge at the tail
DUPLICATE_JACCARD = 0.6
# Tokenise only this much of a long article: news prose averages ~6 characters a word
# (spaces included): 7 a word holds SHINGLE_WORDS tokens in 99% of the RealTime QA
# articles (the 401st token ends by character 2,418 at the median, 2,643 at the 99th
# percentile), 10 a word nearly always; a prefix holding fewer falls back to the next.
PREFIX_CHARS_PER_WORD = (7, 10)
SHINGLE_CACHE = 512  # articles' shingle sets kept (~4 KB prefix + ~20 KB set each)
_MIX = np.uint64(1_000_003)


@dataclass
class ArticleGroup:
    """One article's passages in a ranking, best first."""

    article_id: str
    score: float
    passages: list[tuple[int, float]] = field(default_factory=list)  # (passage id, score)
    also_in: list[str] = field(default_factory=list)
    cosine: float = -1.0  # best dense cosine of its passages (the no-answer test uses it)


def shingles(text: str) -> frozenset[int]:
    """Hashes of the 5-word shingles of the leading words (cached: the same articles come
    back query after query, and building the set cost ~1 ms an article, profiled)."""
    for per_word in PREFIX_CHARS_PER_WORD:
        cut = SHINGLE_WORDS * per_word
        if len(text) <= cut:
            break
        found = _prefix_shingles(text[:cut])
        if found is not None:
            return found
    return _shingles(text)


@functools.lru_cache(maxsize=SHINGLE_CACHE)
def _prefix_shingles(prefix: str) -> frozenset[int] | None:
    """Shingles from a prefix that holds more than SHINGLE_WORDS tokens; None otherwise."""
    words = tokens(prefix)
    return _hash_shingles(words[:SHINGLE_WORDS]) if len(words) > SHINGLE_WORDS else None


@functools.lru_cache(maxsize=SHINGLE_CACHE)
def _shingles(text: str) -> frozenset[int]:
    return _hash_shingles(tokens(text)[:SHINGLE_WORDS])


def _hash_shingles(words: list[str]) -> frozenset[int]:
    if len(words) < SHINGLE:
        return frozenset([hash(" ".join(words))]) if words else frozenset()
    # A polynomial of the word hashes over each window of SHINGLE words (uint64 wraps).
    codes = np.array([hash(w) for w in words], dtype=np.int64).view(np.uint64)
    n = codes.size - SHINGLE + 1
    mixed = np.zeros(n, dtype=np.uint64)
    for i in range(SHINGLE):
        mixed = mixed * _MIX + codes[i:i + n]
    return frozenset(mixed.tolist())


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)  # the union's size, without building it


def collapse_duplicates(
    groups: Iterable[ArticleGroup], text_of: Callable[[str], str], limit: int,
    title_of: Callable[[str], str | None] = lambda _: None,
) -> list[ArticleGroup]:
    """Fold each article into a better-ranked near-duplicate, until ``limit`` remain.

    Two bodies alike are one story unless both have headlines that share no word: the
    same registration wall under "Lion seen near Berlin" and "Pound hits record low" is
    two stories whose pages hid their text. Only the groups needed to fill ``limit``
    results are compared, so cost stays proportional to k (texts are fetched lazily
    through ``text_of``).
    """
    kept: list[tuple[ArticleGroup, frozenset[int]]] = []
    for g in groups:
        sig = shingles(text_of(g.article_id))
        for leader, leader_sig in kept:
            if jaccard(sig, leader_sig) >= DUPLICATE_JACCARD and \
                    _same_story(title_of(g.article_id), title_of(leader.article_id)):
                leader.also_in.append(g.article_id)
                break
        else:
            if len(kept) >= limit:
                break
            kept.append((g, sig))
    return [g for g, _ in kept]


def _same_story(title: str | None, other: str | None) -> bool:
    """Headlines that could be one story's: one is missing, or they share a word."""
    if not title or not other:
        return True
    return not set(content_terms(title)).isdisjoint(content_terms(other))
