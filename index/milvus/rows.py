"""Rows of the Milvus collections <-> Newsdesk records."""

from __future__ import annotations

from typing import Any

import numpy as np

from index.backend import PreparedArticle
from index.milvus.analysis import passage_terms, title_terms
from index.milvus.schema import PLACEHOLDER, chunk_text, date_int, row_key
from index.models import Article, Passage, Quote

ARTICLE_FIELDS = ("pk", "id", "title", "title_terms", "date_text", "source_text", "url",
                  "author", "nulls", "content_hash", "quote_tag", "owner", "date", "source", "passages",
                  "indexed_at")
ARTICLE_META = ("id", "title", "date_text", "source_text", "url", "nulls", "content_hash",
                "quote_tag", "owner")
PASSAGE_FIELDS = ("id", "article_id", "ordinal", "start", "end", "text", "paragraph_start",
                  "paragraph_end")
PASSAGE_ALL = (*PASSAGE_FIELDS, "terms", "text_hash", "content_hash", "date", "date_text",
               "source", "owner", "vector")
QUOTE_FIELDS = ("id", "article_id", "speaker", "speaker_key", "mention", "cue", "text", "start",
                "end", "direct", "paragraph", "date_text", "quote_tag")
QUOTE_ALL = (*QUOTE_FIELDS, "speaker_lc", "content_hash", "date", "source", "owner")
_NULLABLE = ("title", "date", "source", "url", "author")


def article_key(article_id: str) -> int:
    return row_key("article", article_id)


def passage_id(article_id: str, content_hash: str, ordinal: int) -> int:
    return row_key("passage", article_id, content_hash, ordinal)


def quote_id(article_id: str, tag: str, n: int) -> int:
    return row_key("quote", article_id, tag, n)


def article_row(item: PreparedArticle, quote_tag: str, indexed_at: str) -> dict[str, Any]:
    a = item.article
    return {
        "pk": article_key(a.id), "id": a.id,
        "title": a.title or "", "title_terms": title_terms(a.title or ""),
        "date_text": a.date or "", "source_text": a.source or "",
        "url": a.url or "", "author": a.author or "",
        "nulls": ",".join(f for f in _NULLABLE if getattr(a, f) is None),
        "content_hash": item.content_hash, "quote_tag": quote_tag, "owner": item.owner,
        "date": date_int(a.date), "source": (a.source or "").strip().lower(),
        "passages": len(item.passages), "indexed_at": indexed_at,
    }


def text_rows(item: PreparedArticle) -> list[dict[str, Any]]:
    a = item.article
    return [{"id": row_key("text", a.id, item.content_hash, n), "article_id": a.id,
             "content_hash": item.content_hash, "n": n, "text": chunk, "_v": PLACEHOLDER}
            for n, chunk in enumerate(chunk_text(a.text))]


def to_article(row: dict[str, Any], text: str = "") -> Article:
    nulls = set(str(row.get("nulls") or "").split(","))

    def value(field: str, column: str) -> str | None:
        return None if field in nulls else str(row.get(column) or "")

    return Article(
        id=str(row["id"]), text=text,
        title=value("title", "title"), date=value("date", "date_text"),
        source=value("source", "source_text"), url=value("url", "url"),
        author=value("author", "author"),
    )


def passage_rows(item: PreparedArticle, vectors: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    a = item.article
    common = {"article_id": a.id, "content_hash": item.content_hash, "date": date_int(a.date),
              "date_text": a.date or "", "source": (a.source or "").strip().lower(),
              "owner": item.owner}
    return [
        {**common, "id": passage_id(a.id, item.content_hash, p.ordinal), "ordinal": p.ordinal,
         "start": p.start, "end": p.end, "text": p.text, "terms": passage_terms(p.text),
         "paragraph_start": p.paragraph_start,
         "paragraph_end": p.paragraph_end, "text_hash": p.text_hash,
         "vector": np.asarray(vectors[p.text_hash], dtype=np.float32).tolist()}
        for p in item.passages
    ]


def to_passage(row: dict[str, Any]) -> Passage:
    return Passage(id=int(row["id"]), article_id=str(row["article_id"]),
                   ordinal=int(row["ordinal"]), start=int(row["start"]), end=int(row["end"]),
                   text=str(row["text"]), paragraph_start=int(row["paragraph_start"]),
                   paragraph_end=int(row["paragraph_end"]))


def quote_rows(article: dict[str, Any], quotes: Any, tag: str) -> list[dict[str, Any]]:
    """``article``: the article's row (for the filter fields every quote carries)."""
    aid = str(article["id"])
    return [
        {"id": quote_id(aid, tag, n), "article_id": aid, "content_hash": article["content_hash"],
         "quote_tag": tag, "speaker": q.speaker, "speaker_key": q.speaker_key,
         "speaker_lc": q.speaker.lower(), "mention": q.mention, "cue": q.cue, "text": q.text,
         "direct": bool(q.direct), "start": q.start, "end": q.end, "paragraph": q.paragraph,
         "date": article["date"], "date_text": article["date_text"], "source": article["source"],
         "owner": article["owner"], "_v": PLACEHOLDER}
        for n, q in enumerate(quotes)
    ]


def to_quote(row: dict[str, Any]) -> Quote:
    return Quote(
        article_id=str(row["article_id"]), speaker=str(row["speaker"]), text=str(row["text"]),
        start=int(row["start"]), end=int(row["end"]), cue=str(row["cue"] or ""),
        direct=bool(row["direct"]), mention=str(row["mention"] or ""),
        speaker_key=str(row["speaker_key"] or ""), paragraph=int(row["paragraph"] or 0),
        id=int(row["id"]),
    )
