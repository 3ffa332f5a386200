"""Passages -> articles, and near-duplicate articles (one wire story, many outlets) -> one.

Article score = best passage + a small share of the next ones: a long article
with one strong passage beats neither a short one with an equally strong passage
nor loses to many weak passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

SECOND_WEIGHT = 0.15  # share of the 2nd and 3rd best passage scores added to the best
SHINGLE = 5  # words per shingle for near-duplicate detection
SHINGLE_WORDS = 400  # compare the leading words only: wire copies diverge at the tail
DUPLICATE_JACCARD = 0.6

_WORD = re.compile(r"\w+")


@dataclass
class ArticleGroup:
    """One article's passages in a ranking, best first."""

    article_id: str
    score: float
    passages: list[tuple[int, float]] = field(default_factory=list)  # (passage id, score)
    also_in: list[str] = field(default_factory=list)
    cosine: float = -1.0  # best dense cosine of its passages (the no-answer test uses it)


def group_passages(scored: Iterable[tuple[int, str, float]], extra: int = 2) -> list[ArticleGroup]:
    """(passage id, article id, score) -> articles ranked by aggregated score."""
    groups: dict[str, ArticleGroup] = {}
    for pid, aid, score in scored:
        groups.setdefault(aid, ArticleGroup(aid, 0.0)).passages.append((pid, score))
    for g in groups.values():
        g.passages.sort(key=lambda p: -p[1])
        top = [s for _, s in g.passages[: 1 + extra]]
        g.score = top[0] + SECOND_WEIGHT * sum(max(s, 0.0) for s in top[1:])
    return sorted(groups.values(), key=lambda g: (-g.score, g.article_id))


def shingles(text: str) -> frozenset[int]:
    words = [w.lower() for w in _WORD.findall(text)][:SHINGLE_WORDS]
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
