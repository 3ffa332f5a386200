"""Typed records shared by every layer: what the index stores and returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One news article, its text exactly as read (line endings normalised to \\n)."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO "YYYY-MM-DD"; None when unknown
    source: str | None = None
    url: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences from one article: ``article.text[start:end] == text``."""

    id: int  # SQLite rowid, also the FAISS vector id
    article_id: str
    ordinal: int  # 0-based position within the article
    start: int
    end: int
    text: str
    paragraph_start: int  # 1-based paragraph number of the first character
    paragraph_end: int  # 1-based paragraph number of the last character


@dataclass(frozen=True)
class Quote:
    """Words attributed to a speaker: ``article.text[start:end] == text``."""

    article_id: str
    speaker: str  # resolved full name ("Wang Wenbin"), as written in the article
    text: str  # the quoted / reported words, verbatim
    start: int
    end: int
    cue: str  # "said", "told reporters", "according to", ...
    direct: bool  # True for words inside quote marks
    mention: str = ""  # the surface form at the cue ("Wang", "he", "the spokesman")
    speaker_key: str = ""  # corpus-wide group key for name variants
    paragraph: int = 0  # 1-based paragraph number
    id: int = 0  # SQLite rowid once stored


@dataclass(frozen=True)
class Skipped:
    """An input that was not indexed, and why (shown to the user verbatim)."""

    source: str  # file path, or "path:line" for a JSONL line
    reason: str


@dataclass(frozen=True)
class IngestSummary:
    """What one `index add` run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    passages_embedded: int = 0
    quotes_refreshed: int = 0  # unchanged articles whose quotes new rules re-extracted
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class IndexStats:
    """What an index holds (for `newsdesk index stats` and `/stats`)."""

    articles: int
    passages: int
    quotes: int
    speakers: int
    date_min: str | None
    date_max: str | None
    sources: tuple[tuple[str, int], ...]  # (source, article count), most first
    model: str
    dimension: int
    vector_index: str  # e.g. "flat", "ivf1024", "hnsw32"
    size_bytes: int
    # (owner, article count): "operator" (shared) and each server id; operator scope only.
    owners: tuple[tuple[str, int], ...] = ()
