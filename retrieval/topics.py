"""Does a new article match a followed topic? The answers' two signals, per article:
the best passage cosine to the topic, and the share of the topic's terms that passage
(or any passage) covers.

An article alerts when its best cosine clears ``TOPIC_COSINE``, or clears the weaker
``TOPIC_WEAK_COSINE`` while covering at least ``TOPIC_COVERAGE`` of the topic's terms.
The thresholds were calibrated on RealTime QA dev (questions as topics, each question's
gold article as the match, other corpus articles as non-matches): see
benchmarks/results/topic-alerts.md and ``python -m benchmarks.topic_alerts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from retrieval.excerpts import lexical_score, term_weights

if TYPE_CHECKING:
    from retrieval.engine import Engine

LEAD_PASSAGES = 6  # an article is "about" what its opening passages are about
TOPIC_COSINE = 0.725
TOPIC_WEAK_COSINE = 0.6
TOPIC_COVERAGE = 0.9


@dataclass(frozen=True)
class TopicScore:
    article_id: str
    cosine: float  # best passage cosine to the topic
    coverage: float  # best share of the topic's terms found in one passage

    def matches(self, cosine: float = TOPIC_COSINE, weak: float = TOPIC_WEAK_COSINE,
                coverage: float = TOPIC_COVERAGE) -> bool:
        return self.cosine >= cosine or (self.cosine >= weak and self.coverage >= coverage)


def score_article(article_id: str, topic: str, topic_vec: np.ndarray,
                  passages: Sequence[str], vectors: np.ndarray,
                  terms: Sequence[frozenset[str]] | None = None) -> TopicScore:
    """The two signals of one article from its lead passages' texts and (normalised)
    vectors; ``terms`` (each passage's content terms) may be given precomputed."""
    passages = passages[:LEAD_PASSAGES]
    if not len(passages):
        return TopicScore(article_id, -1.0, 0.0)
    cos = np.asarray(vectors[: len(passages)], dtype=np.float32) @ np.asarray(topic_vec, dtype=np.float32)
    weights = term_weights(topic)
    total = sum(weights.values())
    if terms is None:
        cover = max(lexical_score(p, weights) for p in passages)
    else:
        cover = max((sum(w for t, w in weights.items() if t in ts) / total if total else 0.0)
                    for ts in terms[: len(passages)])
    return TopicScore(article_id, float(cos.max()), float(cover))


def topic_scores(engine: Engine, topic: str, article_ids: Sequence[str]) -> list[TopicScore]:
    """Scores of stored articles against ``topic``, from their stored passage vectors."""
    topic_vec = engine.embedder.encode([topic])[0]
    out = []
    for aid in article_ids:
        passages = engine.backend.passages_for(aid)[:LEAD_PASSAGES]  # in article order
        if not passages:
            continue
        ids, vecs = engine.backend.passage_vectors([p.id for p in passages])
        text = {p.id: p.text for p in passages}
        out.append(score_article(aid, topic, topic_vec, [text[int(i)] for i in ids], vecs))
    return out
