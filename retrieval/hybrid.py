"""Hybrid ranking: dense + lexical (passages and titles) candidates from the backend,
fused per article by Newsdesk's own weights (see fusion.py).

Filters travel to the backend as data (`ArticleFilter`) and restrict *before* either
search, so a restrictive filter never empties a top-k that was cut first. Fusion and
grouping run here on the candidate lists, so every backend ranks alike.
"""

from __future__ import annotations

import functools
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

from index.backend import ArticleFilter, IndexReader, PassageCandidate, TitleCandidate
from index.text.fts import MAX_QUERY_TERMS
from index.text.words import FTS_STOPWORDS, STOPWORDS, content_words
from retrieval.fusion import (
    DEFAULT_WEIGHTS,
    MISSING,
    Weights,
    best_first,
    fuse,
    recency_prior,
)
from retrieval.grouping import ArticleGroup

Mode = Literal["hybrid", "dense", "bm25"]
CANDIDATES = 200  # passages taken from each index per query
PASSAGES_PER_ARTICLE = 3
LEXICAL_WORKERS = 4  # lexical searches running beside query encodes, per process

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _lexical_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(LEXICAL_WORKERS, thread_name_prefix="newsdesk-lexical")
        return _pool


@dataclass(frozen=True)
class LexicalLists:
    """Passage and title BM25 candidates of one query (None: that signal is off)."""

    passages: list[PassageCandidate] | None
    titles: list[TitleCandidate] | None


def passage_terms(text: str) -> list[str]:
    """Words of a passage BM25 query: the text toolkit's FTS words (only the short
    function-word list dropped; BM25's IDF discounts the rest), at most MAX_QUERY_TERMS."""
    return content_words(text, FTS_STOPWORDS)[:MAX_QUERY_TERMS]


def title_terms(text: str) -> list[str]:
    """Words of a title BM25 query: content words minus the long stopword list."""
    words = (w.replace('"', "") for w in content_words(text, STOPWORDS)[:MAX_QUERY_TERMS])
    return [w for w in words if w]


@dataclass
class _PassageScores:
    """Each candidate passage's article row, cosine (absent: only the lexical index found
    it, 0) and BM25 over the query's best (absent: 0). Plain dicts, not an object per
    passage: ~400 a query, and building them was a tenth of the fusion (issue 13)."""

    row: dict[int, int] = field(default_factory=dict)
    cosine: dict[int, float] = field(default_factory=dict)
    lexical: dict[int, float] = field(default_factory=dict)


class _Rows:
    """Candidate articles numbered in order of first sight, with their day ordinals."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.day: list[int] = []
        self.row_of: dict[str, int] = {}

    def row(self, article_id: str, iso: str | None) -> int:
        row = self.row_of.get(article_id)
        if row is None:
            row = self.row_of[article_id] = len(self.ids)
            self.ids.append(article_id)
            self.day.append(_ordinal(iso))
        return row


class HybridRanker:
    """Ranks articles for a query through a backend. Thread-safe (no state)."""

    def __init__(self, backend: IndexReader, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.backend, self.weights = backend, weights

    def lexical_lists(self, text: str, flt: ArticleFilter, mode: Mode = "hybrid") -> LexicalLists:
        """The BM25 candidate lists (they need no query vector)."""
        return LexicalLists(
            self.backend.lexical_search(passage_terms(text), CANDIDATES, flt)
            if mode in ("hybrid", "bm25") else None,
            self.backend.title_search(title_terms(text), CANDIDATES, flt)
            if mode == "hybrid" else None)

    def start_lexical(self, text: str, flt: ArticleFilter,
                      mode: Mode = "hybrid") -> Future[LexicalLists]:
        """`lexical_lists` on a helper thread, to run while the caller encodes the query
        (the encoder releases the GIL in its matrix products)."""
        return _lexical_pool().submit(self.lexical_lists, text, flt, mode)

    def rank(self, text: str, qvec: np.ndarray, flt: ArticleFilter, k: int,
             as_of: date | None = None, mode: Mode = "hybrid",
             pending: Future[LexicalLists] | None = None,
             weights: Weights | None = None) -> list[ArticleGroup]:
        """``pending``: the lists `start_lexical` is computing (else computed here);
        ``weights``: instead of the ranker's own."""
        w = weights or self.weights
        rows = _Rows()
        passages = _PassageScores()
        dense_hits = self.backend.dense_search(qvec, CANDIDATES, flt) \
            if mode in ("hybrid", "dense") else None
        lists = pending.result() if pending is not None else self.lexical_lists(text, flt, mode)
        lexical_hits, title_hits = lists.passages, lists.titles
        for hit in (dense_hits or []) + (lexical_hits or []):
            rows.row(hit.article_id, hit.date)
        for t in title_hits or []:
            rows.row(t.article_id, t.date)
        n = len(rows.ids)
        if n == 0:
            return []
        day = np.array(rows.day, dtype=np.int64)
        dense = dense_extra = lexical = title_lex = None
        if dense_hits is not None:
            dense, dense_extra = self._dense(dense_hits, rows, n, passages)
        if lexical_hits is not None:
            lexical = self._lexical(lexical_hits, rows, n, passages)
        if title_hits is not None:
            title_lex = np.zeros(n, dtype=np.float64)
            for t in title_hits:
                title_lex[rows.row_of[t.article_id]] = t.score
        prior = None
        if as_of is not None and mode == "hybrid":
            prior = recency_prior(day, as_of.toordinal(), w.recency_days)
        score = fuse(n, dense, dense_extra, lexical, title_lex, prior, w)
        candidates = _candidate_rows(n, dense, lexical, title_lex)
        if as_of is not None:  # an article published after the question cannot answer it
            candidates = candidates[(day[candidates] <= as_of.toordinal())
                                    | (day[candidates] == 0)]
        if candidates.size == 0:
            return []
        order = best_first(score, candidates, rows.ids, k).tolist()
        # Passages of the k articles returned only (not of all ~400 candidates).
        by_article: dict[int, list[tuple[int, float]]] = {row: [] for row in order}
        best_cos: dict[int, float] = {}
        w_dense, w_lexical = w.dense, w.lexical
        cosine_of, lexical_of = passages.cosine, passages.lexical
        for pid, row in passages.row.items():
            mine = by_article.get(row)
            if mine is None:
                continue
            cosine = cosine_of.get(pid, 0.0)
            best_cos[row] = max(best_cos.get(row, -1.0), cosine)
            # Within an article, the same blend picks the excerpt as ranks the articles.
            mine.append((pid, w_dense * cosine + w_lexical * lexical_of.get(pid, 0.0)))
        score_of = score.tolist()
        return [ArticleGroup(rows.ids[row], score_of[row],
                             sorted(by_article[row], key=lambda p: -p[1]),
                             cosine=best_cos.get(row, -1.0))
                for row in order]

    def _dense(self, hits: list[PassageCandidate], rows: _Rows, n: int,
               passages: _PassageScores) -> tuple[np.ndarray, np.ndarray]:
        best = np.full(n, MISSING, dtype=np.float64)
        extra = np.zeros(n, dtype=np.float64)
        seen = np.zeros(n, dtype=np.int64)
        row_of, passage_row, passage_cosine = rows.row_of, passages.row, passages.cosine
        for hit in hits:
            row = row_of[hit.article_id]
            passage_row[hit.passage_id] = row
            passage_cosine[hit.passage_id] = hit.score
            seen[row] += 1
            if seen[row] == 1:
                best[row] = hit.score
            elif seen[row] <= PASSAGES_PER_ARTICLE:
                extra[row] += max(hit.score, 0.0)
        return best, extra

    def _lexical(self, hits: list[PassageCandidate], rows: _Rows, n: int,
                 passages: _PassageScores) -> np.ndarray:
        out = np.zeros(n, dtype=np.float64)
        if not hits:
            return out
        top = max(h.score for h in hits) or 1.0
        row_of, passage_row, passage_lexical = rows.row_of, passages.row, passages.lexical
        for hit in hits:
            row = row_of[hit.article_id]
            out[row] = max(out[row], hit.score)
            passage_row.setdefault(hit.passage_id, row)
            passage_lexical[hit.passage_id] = max(hit.score, 0.0) / top
        return out


def _candidate_rows(n: int, dense: np.ndarray | None, lexical: np.ndarray | None,
                    title_lex: np.ndarray | None) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if dense is not None:
        mask |= dense > MISSING
    if lexical is not None:
        mask |= lexical > 0
    if title_lex is not None:
        mask |= title_lex > 0
    return np.flatnonzero(mask)


@functools.lru_cache(maxsize=4096)  # a few hundred candidate articles a query, few dates
def _ordinal(iso: str | None) -> int:
    if not iso:
        return 0
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return 0
