"""Milvus collections of one Newsdesk index (see docs/ARCHITECTURE.md, "Milvus backend").

Every collection name starts with a prefix (default ``newsdesk``) so several indexes
can share one Milvus server. Milvus requires a vector field in every collection: the
tables that have none of their own (texts, quotes, meta, feedback) carry a 2-d
placeholder ``_v`` that is never searched.

Written against the subset that behaves alike on milvus-lite and a Milvus server
(../shared/ENVIRONMENT.md): AUTOINDEX/FLAT, a BM25 Function on an analyzer-enabled
VARCHAR, scalar filter fields (never partitions), literal filter strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.milvus.analysis import TERMS_ANALYZER

# 2: BM25 over the terms Newsdesk's analyzers make (index/milvus/analysis.py) instead of
# Milvus's "english" analyzer over the text. Collections of version 1 are refused with
# a hint to copy the index again (their fields differ).
SCHEMA_VERSION = "2"
MAX_VARCHAR = 65_535  # Milvus's limit, in bytes
TEXT_CHUNK_CHARS = 16_000  # article text is stored in chunks: 4 UTF-8 bytes a char at most
PLACEHOLDER_DIM = 2
PLACEHOLDER = [0.0, 0.0]


@dataclass(frozen=True)
class Collections:
    """The collection names of one index."""

    prefix: str = "newsdesk"

    @property
    def passages(self) -> str:
        return f"{self.prefix}_passages"

    @property
    def articles(self) -> str:
        return f"{self.prefix}_articles"

    @property
    def texts(self) -> str:
        return f"{self.prefix}_texts"

    @property
    def quotes(self) -> str:
        return f"{self.prefix}_quotes"

    @property
    def meta(self) -> str:
        return f"{self.prefix}_meta"

    @property
    def feedback(self) -> str:
        return f"{self.prefix}_votes"  # with the server of each vote (index/milvus/votes.py)

    def all(self) -> tuple[str, ...]:
        return (self.passages, self.articles, self.texts, self.quotes, self.meta, self.feedback)


def create_collections(client: Any, names: Collections, dim: int) -> None:
    """Create what is missing (idempotent: a crash during creation is repaired by the
    next open). ``dim`` is the embedding dimension of the passages' dense vectors."""
    from pymilvus import DataType, Function, FunctionType

    def varchar(schema: Any, name: str, length: int = 1024, **kw: Any) -> None:
        schema.add_field(name, DataType.VARCHAR, max_length=length, **kw)

    def ints(schema: Any, *fields: str) -> None:
        for f in fields:
            schema.add_field(f, DataType.INT64)

    def make(name: str, schema: Any, index: Any) -> None:
        if not client.has_collection(name):
            client.create_collection(name, schema=schema, index_params=index,
                                     consistency_level="Strong")
        client.load_collection(name)

    def placeholder(schema: Any) -> Any:
        schema.add_field("_v", DataType.FLOAT_VECTOR, dim=PLACEHOLDER_DIM)
        index = client.prepare_index_params()
        index.add_index("_v", index_type="FLAT", metric_type="L2")
        return index

    # passages: the searchable unit (dense + BM25) with the article's filter fields copied in
    p = client.create_schema(auto_id=False, enable_dynamic_field=False)
    p.add_field("id", DataType.INT64, is_primary=True)
    varchar(p, "article_id", 512)
    ints(p, "ordinal", "start", "end", "paragraph_start", "paragraph_end")
    varchar(p, "text", MAX_VARCHAR)
    # BM25 runs on the terms Newsdesk's analyzer made of the text (analysis.py).
    varchar(p, "terms", MAX_VARCHAR, enable_analyzer=True, analyzer_params=TERMS_ANALYZER)
    varchar(p, "text_hash", 64)
    varchar(p, "content_hash", 64)  # the article version these rows belong to
    ints(p, "date")  # YYYYMMDD, 0 when unknown
    varchar(p, "date_text", 64)  # as the article gives it
    varchar(p, "source", 512)  # lower-cased
    varchar(p, "owner", 256)
    p.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    p.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    p.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                            input_field_names=["terms"], output_field_names=["sparse"]))
    pi = client.prepare_index_params()
    pi.add_index("vector", index_type="AUTOINDEX", metric_type="IP")
    pi.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    make(names.passages, p, pi)

    # An INT64 key (`row_key` of the id): query_iterator loops forever on VARCHAR keys
    # holding quote marks (pymilvus 2.5.18).
    a = client.create_schema(auto_id=False, enable_dynamic_field=False)
    a.add_field("pk", DataType.INT64, is_primary=True)
    varchar(a, "id", 512)
    varchar(a, "title", 8192)
    varchar(a, "title_terms", 8192, enable_analyzer=True, analyzer_params=TERMS_ANALYZER)
    for f in ("date_text", "source_text", "url", "author", "indexed_at"):
        varchar(a, f, 4096 if f != "url" else 8192)
    varchar(a, "source", 512)
    varchar(a, "owner", 256)
    varchar(a, "content_hash", 64)
    varchar(a, "nulls", 256)  # comma-separated names of the fields that are None
    varchar(a, "quote_tag", 64)  # which stored quote rows are this article's current ones
    ints(a, "date", "passages")
    a.add_field("title_sparse", DataType.SPARSE_FLOAT_VECTOR)
    a.add_function(Function(name="title_bm25", function_type=FunctionType.BM25,
                            input_field_names=["title_terms"],
                            output_field_names=["title_sparse"]))
    ai = client.prepare_index_params()
    ai.add_index("title_sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    make(names.articles, a, ai)

    # Article texts, in chunks that each fit a VARCHAR (an ARRAY field would do, but
    # pymilvus 2.5.18's query_iterator fails on any collection holding one).
    t = client.create_schema(auto_id=False, enable_dynamic_field=False)
    t.add_field("id", DataType.INT64, is_primary=True)
    varchar(t, "article_id", 512)
    varchar(t, "content_hash", 64)
    ints(t, "n")
    varchar(t, "text", MAX_VARCHAR)
    make(names.texts, t, placeholder(t))

    q = client.create_schema(auto_id=False, enable_dynamic_field=False)
    q.add_field("id", DataType.INT64, is_primary=True)
    varchar(q, "article_id", 512)
    varchar(q, "content_hash", 64)
    varchar(q, "quote_tag", 64)
    for f in ("speaker", "speaker_key", "speaker_lc", "mention", "cue"):
        varchar(q, f, 1024)
    varchar(q, "text", MAX_VARCHAR)
    q.add_field("direct", DataType.BOOL)
    ints(q, "start", "end", "paragraph", "date")
    varchar(q, "date_text", 64)
    varchar(q, "source", 512)
    varchar(q, "owner", 256)
    make(names.quotes, q, placeholder(q))

    m = client.create_schema(auto_id=False, enable_dynamic_field=False)
    varchar(m, "key", 256, is_primary=True)
    varchar(m, "value", MAX_VARCHAR)
    make(names.meta, m, placeholder(m))

    f = client.create_schema(auto_id=False, enable_dynamic_field=False)
    f.add_field("id", DataType.INT64, is_primary=True)
    for name in ("created_at", "user_id", "answer_kind"):
        varchar(f, name, 256)
    varchar(f, "guild_id", 64)  # the server the vote was given in; "" for none
    varchar(f, "question", 8192)
    varchar(f, "article_ids", MAX_VARCHAR)
    ints(f, "vote")
    make(names.feedback, f, placeholder(f))


def chunk_text(text: str) -> list[str]:
    """Article text as chunks that each fit a VARCHAR."""
    return [text[i : i + TEXT_CHUNK_CHARS] for i in range(0, len(text), TEXT_CHUNK_CHARS)] or [""]


def date_int(iso: str | None) -> int:
    """"2024-01-03" -> 20240103; 0 when unknown or malformed (matches no date range,
    as a NULL date matches none in SQL)."""
    if not iso or len(iso) < 10:
        return 0
    digits = iso[:4] + iso[5:7] + iso[8:10]
    return int(digits) if digits.isdigit() else 0


def row_key(*parts: object) -> int:
    """A stable positive int64 key from ``parts`` (ids are derived, never allocated, so a
    re-run after a crash writes the same rows again instead of new ones)."""
    import hashlib

    digest = hashlib.blake2b("\x00".join(map(str, parts)).encode("utf-8"), digest_size=8)
    return int.from_bytes(digest.digest(), "big") & 0x7FFF_FFFF_FFFF_FFFF
