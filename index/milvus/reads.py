"""What retrieval reads from Milvus: articles, passages, candidates, quotes.

Search returns candidate lists with raw scores; ranking stays in retrieval/ (as for the
local backend). Milvus cannot sort a query, so ``newest_articles`` sorts the filtered
articles' dates here (fine to millions of articles; see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from index.backend import (
    OPERATOR_SCOPE,
    ArticleFilter,
    PassageCandidate,
    QuoteRecord,
    Scope,
    SpeakerCount,
    TitleCandidate,
    found_or_missing,
)
from index.milvus.analysis import passage_query, title_query
from index.milvus.client import MAX_WINDOW, filter_expr, lit, query_in, scan, scope_expr
from index.milvus.rows import (
    ARTICLE_FIELDS,
    ARTICLE_META,
    PASSAGE_FIELDS,
    QUOTE_FIELDS,
    to_article,
    to_passage,
    to_quote,
)
from index.milvus.schema import Collections
from index.models import Article, Passage, Quote


def _and(*parts: str) -> str:
    return " and ".join(f"({p})" for p in parts if p)


class MilvusReads:
    client: Any
    names: Collections

    def generation(self) -> int:
        raise NotImplementedError  # MilvusBackend's

    # ----- articles and passages -----------------------------------------------------------

    def get_article(self, article_id: str, scope: Scope = OPERATOR_SCOPE) -> Article:
        return found_or_missing(self.get_articles([article_id], scope), article_id)

    def get_articles(self, ids: Iterable[str], scope: Scope = OPERATOR_SCOPE) -> dict[str, Article]:
        rows = query_in(self.client, self.names.articles, "id", list(ids), ARTICLE_FIELDS,
                        scope_expr(scope), unique=True)
        texts = self._texts({str(r["id"]): str(r["content_hash"]) for r in rows})
        return {str(r["id"]): to_article(r, texts.get(str(r["id"]), "")) for r in rows}

    def _texts(self, versions: dict[str, str]) -> dict[str, str]:
        """Article id -> its text, for the articles' current versions (content hashes)."""
        chunks = query_in(self.client, self.names.texts, "article_id", list(versions),
                          ("article_id", "content_hash", "n", "text"))
        parts: dict[str, list[tuple[int, str]]] = {}
        for c in chunks:
            if versions.get(str(c["article_id"])) == c["content_hash"]:
                parts.setdefault(str(c["article_id"]), []).append((int(c["n"]), str(c["text"])))
        return {aid: "".join(t for _, t in sorted(p)) for aid, p in parts.items()}

    def passages_for(self, article_id: str) -> list[Passage]:
        current = self._current_versions([article_id])
        if article_id not in current:
            return []
        expr = _and(f"article_id == {lit(article_id)}",
                    f"content_hash == {lit(current[article_id][0])}")
        rows = list(scan(self.client, self.names.passages, expr, PASSAGE_FIELDS))
        return sorted((to_passage(r) for r in rows), key=lambda p: p.ordinal)

    def get_passages(self, ids: Iterable[int]) -> list[Passage]:
        id_list = [int(i) for i in ids]
        rows = query_in(self.client, self.names.passages, "id", id_list, PASSAGE_FIELDS)
        by_id = {int(r["id"]): to_passage(r) for r in rows}
        return [by_id[i] for i in id_list if i in by_id]

    def passage_vectors(self, ids: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, stored normalised vectors) of these passages (all when None), by id."""
        fields = ("id", "vector")
        rows = (list(scan(self.client, self.names.passages, "", fields)) if ids is None
                else query_in(self.client, self.names.passages, "id", [int(i) for i in ids],
                              fields))
        rows.sort(key=lambda r: int(r["id"]))
        out_ids = np.array([int(r["id"]) for r in rows], dtype=np.int64)
        if not rows:
            return out_ids, np.zeros((0, 0), dtype=np.float32)
        return out_ids, np.array([r["vector"] for r in rows], dtype=np.float32)

    def newest_articles(self, flt: ArticleFilter, limit: int) -> list[Article]:
        expr = filter_expr(flt, id_field="id")
        if expr is None or limit <= 0:
            return []
        rows = list(scan(self.client, self.names.articles, expr, ("id", "date_text", "nulls")))
        # As SQL's ORDER BY coalesce(date, '') DESC, id DESC.
        rows.sort(key=lambda r: (r["date_text"] if "date" not in r["nulls"].split(",") else "",
                                 str(r["id"])), reverse=True)
        wanted = [str(r["id"]) for r in rows[:limit]]
        found = self.get_articles(wanted)
        return [found[i] for i in wanted if i in found]

    def _current_versions(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """article id -> (content hash, quote tag): which derived rows are current."""
        rows = query_in(self.client, self.names.articles, "id", list(ids),
                        ("id", "content_hash", "quote_tag"))
        return {str(r["id"]): (str(r["content_hash"]), str(r["quote_tag"])) for r in rows}

    # ----- search ---------------------------------------------------------------------------

    def dense_search(self, vector: np.ndarray, k: int,
                     flt: ArticleFilter) -> list[PassageCandidate]:
        expr = filter_expr(flt)
        if expr is None or k <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        found = self.client.search(
            self.names.passages, data=[query], anns_field="vector", limit=min(k, MAX_WINDOW),
            filter=expr, output_fields=["article_id", "date_text"],
            search_params={"metric_type": "IP"})
        return [_candidate(h) for h in found[0]]

    def lexical_search(self, terms: Sequence[str], k: int,
                       flt: ArticleFilter) -> list[PassageCandidate]:
        text = passage_query(terms)
        expr = filter_expr(flt)
        if not text or expr is None or k <= 0:
            return []
        found = self.client.search(
            self.names.passages, data=[text], anns_field="sparse", limit=min(k, MAX_WINDOW),
            filter=expr, output_fields=["article_id", "date_text"],
            search_params={"metric_type": "BM25"})
        return [_candidate(h) for h in found[0]]

    def title_search(self, terms: Sequence[str], k: int,
                     flt: ArticleFilter) -> list[TitleCandidate]:
        text = title_query(terms)
        expr = filter_expr(flt, id_field="id")
        if not text or expr is None or k <= 0:
            return []
        found = self.client.search(
            self.names.articles, data=[text], anns_field="title_sparse",
            limit=min(k, MAX_WINDOW), filter=expr, output_fields=["id", "date_text"],
            search_params={"metric_type": "BM25"})
        return [TitleCandidate(str(h["entity"]["id"]), float(h["distance"]),
                               h["entity"].get("date_text") or None) for h in found[0]]

    # ----- quotes ---------------------------------------------------------------------------

    def speaker_counts(self, words: Sequence[str], flt: ArticleFilter, *,
                       prefix: bool = False) -> list[SpeakerCount]:
        expr = filter_expr(flt)
        if expr is None:
            return []
        words = [w for w in words if w]
        coarse = [f"speaker_key like {lit('%' + w + '%')}" for w in words
                  if "%" not in w and "_" not in w and '"' not in w]
        if words and len(coarse) == len(words):
            expr = _and(expr, " or ".join(coarse))
        counts: dict[tuple[str, str], int] = {}
        for r in scan(self.client, self.names.quotes, expr, ("speaker_key", "speaker")):
            key = str(r["speaker_key"] or "")
            if words and not any(_key_matches(key, w, prefix) for w in words):
                continue
            pair = (key, str(r["speaker"] or ""))
            counts[pair] = counts.get(pair, 0) + 1
        return [SpeakerCount(k, n, c) for (k, n), c in counts.items()]

    def quote_article_count(self, keys: Sequence[str], flt: ArticleFilter) -> int:
        expr = filter_expr(flt)
        if not keys or expr is None:
            return 0
        rows = query_in(self.client, self.names.quotes, "speaker_key", list(keys),
                        ("article_id",), expr)
        return len({r["article_id"] for r in rows})

    def quotes_by_speakers(self, keys: Sequence[str], flt: ArticleFilter) -> list[QuoteRecord]:
        expr = filter_expr(flt)
        if not keys or expr is None:
            return []
        rows = query_in(self.client, self.names.quotes, "speaker_key", list(keys),
                        QUOTE_FIELDS, expr)
        metas = {str(r["id"]): r for r in query_in(
            self.client, self.names.articles, "id", list({r["article_id"] for r in rows}),
            ARTICLE_META)}
        current = [r for r in rows if r["article_id"] in metas
                   and metas[r["article_id"]]["quote_tag"] == r["quote_tag"]]
        # Dated newest first, undated last, then article id and start offset.
        current.sort(key=lambda r: (r["article_id"], int(r["start"])))
        current.sort(key=lambda r: str(r["date_text"] or ""), reverse=True)
        out = []
        for r in current:
            art = to_article(metas[r["article_id"]])
            out.append(QuoteRecord(to_quote(r), art.title, art.date, art.source, art.url))
        return out

    def quotes_for(self, article_id: str) -> list[Quote]:
        current = self._current_versions([article_id])
        if article_id not in current:
            return []
        expr = _and(f"article_id == {lit(article_id)}",
                    f"quote_tag == {lit(current[article_id][1])}")
        rows = scan(self.client, self.names.quotes, expr, QUOTE_FIELDS)
        return sorted((to_quote(r) for r in rows), key=lambda q: q.start)


def _candidate(hit: dict[str, Any]) -> PassageCandidate:
    entity = hit["entity"]
    return PassageCandidate(int(hit["id"]), str(entity["article_id"]), float(hit["distance"]),
                            entity.get("date_text") or None)


def _key_matches(key: str, word: str, prefix: bool) -> bool:
    """As the local backend's LIKE: a word of ``key`` equal to ``word`` or, with
    ``prefix``, a position in ``key`` where a word starts and ``word`` begins."""
    padded = " " + key
    if prefix:
        return f" {word}" in padded
    return f" {word} " in padded + " "
