"""Excerpts with the sentences that best match a question highlighted (by offsets).

Scoring is lexical (shared stemmed terms, rarer-looking words weigh more) so it
costs microseconds; callers may blend in dense sentence scores when they have them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from index.models import Passage
from index.sentences import sentence_spans
from index.text.stems import content_terms
from retrieval.furniture import is_furniture
from retrieval.models import Excerpt

Span = tuple[int, int]


def term_weights(question: str) -> dict[str, float]:
    """Weight per stemmed query term: longer words are usually rarer and more telling."""
    return {t: 1.0 + min(len(t), 12) / 6.0 for t in content_terms(question)}


def lexical_score(sentence: str, weights: Mapping[str, float]) -> float:
    """Share of the query's term weight that the sentence covers (0..1)."""
    total = sum(weights.values())
    if not total:
        return 0.0
    present = set(content_terms(sentence))
    return sum(w for t, w in weights.items() if t in present) / total


def score_sentences(
    text: str, spans: Sequence[Span], weights: Mapping[str, float],
    dense: Mapping[Span, float] | None = None,
) -> list[tuple[float, Span]]:
    """(score, span) per sentence; dense cosine, when given, is averaged with lexical."""
    out = []
    for span in spans:
        score = lexical_score(text[span[0]:span[1]], weights)
        if dense is not None and span in dense:
            score = 0.5 * score + 0.5 * max(dense[span], 0.0)
        out.append((score, span))
    return out


def best_sentences(
    text: str, start: int, end: int, weights: Mapping[str, float],
    dense: Mapping[Span, float] | None = None, limit: int = 2, min_score: float = 0.05,
) -> tuple[Span, ...]:
    """Up to ``limit`` best sentence spans of ``text[start:end]``, in reading order; page
    furniture (a link to another story, a photo credit) is never one of them."""
    spans = [sp for sp in sentence_spans(text, start, end) if not is_furniture(text[sp[0]:sp[1]])]
    scored = score_sentences(text, spans, weights, dense)
    top = sorted((s for s in scored if s[0] >= min_score), key=lambda s: -s[0])[:limit]
    return tuple(sorted(span for _, span in top))


def make_excerpt(
    article_text: str, passage: Passage, weights: Mapping[str, float],
    dense: Mapping[Span, float] | None = None, limit: int = 2,
) -> Excerpt:
    """The passage as an `Excerpt`, its best sentences highlighted.

    Offsets come from the article text itself, so ``article_text[start:end] == text``
    holds even if the stored passage text were stale.
    """
    start, end = passage.start, passage.end
    return Excerpt(
        article_id=passage.article_id,
        passage_id=passage.id,
        text=article_text[start:end],
        start=start,
        end=end,
        paragraph=passage.paragraph_start,
        highlights=best_sentences(article_text, start, end, weights, dense, limit),
    )
