"""Near-duplicate articles (one wire story, many outlets) -> one. ``ArticleGroup`` is an
article's passages in a ranking; the hybrid ranker (retrieval/hybrid.py) builds them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from index.text.words import tokens

SHINGLE = 5  # words per shingle for near-duplicate detection
SHINGLE_WORDS = 400  # compare the leading words only: wire copies diverge at the tail
DUPLICATE_JACCARD = 0.6


@dataclass
class ArticleGroup:
    """One article's passages in a ranking, best first."""

    article_id: str
    score: float
    passages: list[tuple[int, float]] = field(default_factory=list)  # (passage id, score)
    also_in: list[str] = field(default_factory=list)
    cosine: float = -1.0  # best dense cosine of its passages (the no-answer test uses it)


def shingles(text: str) -> frozenset[int]:
    words = tokens(text)[:SHINGLE_WORDS]
    if len(words) < SHINGLE:
        return frozenset([hash(" ".join(words))]) if words else frozenset()
    return frozenset(hash(" ".join(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def collapse_duplicates(
    groups: Sequence[ArticleGroup], text_of: Callable[[str], str], limit: int,
) -> list[ArticleGroup]:
    """Fold each article into a better-ranked near-duplicate, until ``limit`` remain.

    Only the groups needed to fill ``limit`` results are compared, so cost stays
    proportional to k (texts are fetched lazily through ``text_of``).
    """
    kept: list[tuple[ArticleGroup, frozenset[int]]] = []
    for g in groups:
        sig = shingles(text_of(g.article_id))
        for leader, leader_sig in kept:
            if jaccard(sig, leader_sig) >= DUPLICATE_JACCARD:
                leader.also_in.append(g.article_id)
                break
        else:
            if len(kept) >= limit:
                break
            kept.append((g, sig))
    return [g for g, _ in kept]
