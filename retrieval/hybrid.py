"""Hybrid candidate generation: dense (FAISS) + lexical (FTS5 passages and titles).

Filters become an allowed-id set *before* either index is searched, so a
restrictive filter never empties a top-k that was cut first. Candidates from
both indexes are grouped by article and fused (see fusion.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from index.store import IndexStore
from index.text.fts import fts_query
from index.vectors import VectorIndex
from retrieval.catalog import Catalog
from retrieval.fusion import DEFAULT_WEIGHTS, MISSING, Weights, fuse, recency_prior
from retrieval.grouping import ArticleGroup
from retrieval.models import Filters

Mode = Literal["hybrid", "dense", "bm25"]
CANDIDATES = 200  # passages taken from each index per query
PASSAGES_PER_ARTICLE = 3


@dataclass
class _PassageScore:
    row: int  # catalog article row
    cosine: float = 0.0  # 0 when only the lexical index found it
    lexical: float = 0.0  # bm25 / the query's best bm25


def _allowed(store: IndexStore, filters: Filters) -> np.ndarray | None:
    if not (filters.date_from or filters.date_to or filters.source or filters.article_ids is not None):
        return None
    return store.passage_ids(filters.date_from, filters.date_to, filters.source, filters.article_ids)


def _filter_kwargs(filters: Filters) -> dict[str, object]:
    return {"date_from": filters.date_from, "date_to": filters.date_to,
            "source": filters.source, "article_ids": filters.article_ids}


class HybridRanker:
    """Ranks articles for a query over one catalog snapshot. Thread-safe (read-only)."""

    def __init__(self, store: IndexStore, vectors: VectorIndex, catalog: Catalog,
                 weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.store, self.vectors, self.catalog, self.weights = store, vectors, catalog, weights

    def rank(self, text: str, qvec: np.ndarray, filters: Filters, k: int,
             as_of: date | None = None, mode: Mode = "hybrid") -> list[ArticleGroup]:
        cat = self.catalog
        n = len(cat)
        if n == 0:
            return []
        allowed = _allowed(self.store, filters)
        if allowed is not None and allowed.size == 0:
            return []
        passages: dict[int, _PassageScore] = {}
        dense = dense_extra = lexical = title_lex = None
        if mode in ("hybrid", "dense"):
            dense, dense_extra = self._dense(qvec, allowed, n, passages)
        if mode in ("hybrid", "bm25"):
            lexical = self._lexical(text, filters, n, passages)
        if mode == "hybrid":
            title_lex = self._titles(text, allowed, n)
        prior = None
        if as_of is not None and mode == "hybrid":
            prior = recency_prior(cat.day, as_of.toordinal(), self.weights.recency_days)
        score = fuse(n, dense, dense_extra, lexical, title_lex, prior, self.weights)
        candidates = self._candidate_rows(dense, lexical, title_lex, allowed)
        if as_of is not None:  # an article published after the question cannot answer it
            candidates = candidates[(cat.day[candidates] <= as_of.toordinal())
                                    | (cat.day[candidates] == 0)]
        if candidates.size == 0:
            return []
        order = candidates[np.argsort(-score[candidates], kind="stable")][:k]
        by_article: dict[int, list[tuple[int, float]]] = {}
        best_cos: dict[int, float] = {}
        for pid, ps in passages.items():
            best_cos[ps.row] = max(best_cos.get(ps.row, -1.0), ps.cosine)
            # Within an article, the same blend picks the excerpt as ranks the articles.
            score_p = self.weights.dense * ps.cosine + self.weights.lexical * ps.lexical
            by_article.setdefault(ps.row, []).append((pid, score_p))
        groups = []
        for row in order:
            best = sorted(by_article.get(int(row), []), key=lambda p: -p[1])
            groups.append(ArticleGroup(cat.articles[row].id, float(score[row]), best,
                                       cosine=best_cos.get(int(row), -1.0)))
        return groups

    def _dense(self, qvec: np.ndarray, allowed: np.ndarray | None, n: int,
               passages: dict[int, _PassageScore]) -> tuple[np.ndarray, np.ndarray]:
        scores, ids = self.vectors.search(qvec.reshape(1, -1), CANDIDATES, allowed_ids=allowed)
        keep = ids[0] >= 0
        pids, cos = ids[0][keep], scores[0][keep]
        rows = self.catalog.article_rows(pids)
        best = np.full(n, MISSING, dtype=np.float64)
        extra = np.zeros(n, dtype=np.float64)
        seen = np.zeros(n, dtype=np.int64)
        for pid, row, c in zip(pids.tolist(), rows.tolist(), cos.tolist(), strict=True):
            if row < 0:
                continue  # passage added after this snapshot was taken
            passages[pid] = _PassageScore(row, c)
            seen[row] += 1
            if seen[row] == 1:
                best[row] = c
            elif seen[row] <= PASSAGES_PER_ARTICLE:
                extra[row] += max(c, 0.0)
        return best, extra

    def _lexical(self, text: str, filters: Filters, n: int,
                 passages: dict[int, _PassageScore]) -> np.ndarray:
        hits = self.store.lexical_search(text, CANDIDATES, **_filter_kwargs(filters))  # type: ignore[arg-type]
        out = np.zeros(n, dtype=np.float64)
        if not hits:
            return out
        pids = np.array([h[0] for h in hits], dtype=np.int64)
        rows = self.catalog.article_rows(pids)
        top = max(s for _, s in hits) or 1.0
        for (pid, s), row in zip(hits, rows.tolist(), strict=True):
            if row < 0:
                continue
            out[row] = max(out[row], s)
            passages.setdefault(pid, _PassageScore(row, 0.0)).lexical = max(s, 0.0) / top
        return out

    def _titles(self, text: str, allowed: np.ndarray | None, n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.float64)
        match = fts_query(text)
        if match is None:
            return out
        rows = None
        if allowed is not None:
            rows = np.unique(self.catalog.article_rows(allowed))
            rows = rows[rows >= 0]
        for row, s in self.catalog.title_search(match, CANDIDATES, rows):
            out[row] = s
        return out

    def _candidate_rows(self, dense: np.ndarray | None, lexical: np.ndarray | None,
                        title_lex: np.ndarray | None, allowed: np.ndarray | None) -> np.ndarray:
        mask = np.zeros(len(self.catalog), dtype=bool)
        if dense is not None:
            mask |= dense > MISSING
        if lexical is not None:
            mask |= lexical > 0
        if title_lex is not None:
            mask |= title_lex > 0
        return np.flatnonzero(mask)
