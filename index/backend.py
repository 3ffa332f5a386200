"""The storage seam: everything retrieval/ and the indexer need from an index, as data.

retrieval/ and bot/ talk to an index only through `Backend` (no SQL, no FAISS above
index/). Two implementations: ``local`` (SQLite + FAISS directory, index/local/, the
default) and ``milvus`` (index/milvus.py, pymilvus ``MilvusClient``). Pick one with
``NEWSDESK_BACKEND=local|milvus`` (``NEWSDESK_MILVUS_URI`` for Milvus) through
`open_backend`.

Contract shared by every backend:
- Filters are data (`ArticleFilter`), applied *before* ranking, never by cutting a top-k.
- `ArticleFilter.scope` hides other Discord servers' articles from every read that takes
  a filter or a scope; a hidden article is indistinguishable from a missing one.
- Ranking (fusion, grouping, recency) stays in retrieval/: backends return candidate
  lists with raw scores (cosine; BM25 higher-is-better), so both backends rank alike.
- Offsets are exact: ``article.text[start:end] == text`` for every passage and quote.
- Writes: `BackendWriter.write` commits one batch atomically and returns the new
  generation; `generation()` changes after every committed change (readers refresh).
- The writer's callers: index/ingest.py's ``Indexer(location).add(paths)`` (files and
  JSONL, read by index/readers.py) and ``Indexer.add_articles(articles, owner=...)``
  (feeds, uploads, Ray) prepare `PreparedArticle`s (passages, hashes, quotes, vectors
  of unseen text) and hand them to `BackendWriter.write`. An article id stored under
  another owner is refused (skipped with a reason), never replaced.

CHANGELOG (keep short; the Milvus backend reads this file from branch ``seam``)
- v1 (2026-11-30): first version.
- v1.1: documented the optional ``prepare_for_serving()`` hook (no protocol change):
  `Engine.open` calls it when a backend has it (the local one loads its FAISS file).
- v1.2: `IndexReader.prune_feedback(keep_days, user_id)` (privacy retention, from main).
- v1.3: `IndexReader.passage_vectors(ids)` (topic alerts score stored vectors; copying).
- v1.4: `record_feedback(..., guild_id=None)`: votes are kept per server.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from index.errors import ArticleNotFoundError, NewsdeskError
from index.models import Article, IndexStats, Passage, Quote
from index.settings import NewsdeskSettings

BACKEND_ENV = "NEWSDESK_BACKEND"  # local | milvus
MILVUS_URI_ENV = "NEWSDESK_MILVUS_URI"  # a milvus-lite path or http://host:19530
BACKENDS = ("local", "milvus")

OPERATOR = "operator"  # owner of CLI-added and bundled articles: shared by every server


# ----- who may see what --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose articles a viewer sees. The operator (CLI) sees everything; a Discord server
    sees the shared (operator) articles plus its own; a DM sees the shared ones only.

    Build one with `Scope.operator()`, `Scope.for_guild(interaction.guild_id)` (None, as
    in a DM, gives the shared-only scope) or `Scope.direct_message()`.
    """

    guild_id: str | None = None  # the server whose own articles are visible
    everything: bool = True  # operator: no owner restriction at all
    # A DM only, when the operator allows it: the servers the user shares with the bot.
    member_of: tuple[str, ...] = ()

    @classmethod
    def operator(cls) -> Scope:
        return cls()

    @classmethod
    def for_guild(cls, guild_id: int | str | None) -> Scope:
        if guild_id is None or str(guild_id).strip() == "":
            return cls.direct_message()
        return cls(guild_id=str(guild_id).strip(), everything=False)

    @classmethod
    def direct_message(cls, member_of: Iterable[int | str] = ()) -> Scope:
        """A DM: the shared archive, plus the articles of ``member_of`` (the servers the
        user shares with the bot, given only when the operator enables it)."""
        servers = tuple(sorted({str(g).strip() for g in member_of} - {"", OPERATOR}))
        return cls(guild_id=None, everything=False, member_of=servers)

    def owners(self) -> tuple[str, ...] | None:
        """The owners whose articles are visible; None means all of them."""
        if self.everything:
            return None
        return (OPERATOR, *self.member_of) if self.guild_id is None else (OPERATOR, self.guild_id)

    def can_see(self, owner: str) -> bool:
        visible = self.owners()
        return visible is None or owner in visible


OPERATOR_SCOPE = Scope.operator()


def owner_for_guild(guild_id: int | str | None) -> str:
    """The owner recorded for an article a server uploads (None: the operator)."""
    return OPERATOR if guild_id is None else str(guild_id).strip()


@dataclass(frozen=True)
class ArticleFilter:
    """Restrictions on articles, applied before ranking. None / empty = no restriction.

    ``source`` matches case-insensitively, and also the domain form ("cnn" matches
    "cnn.com"). ``article_ids`` None = any id; an empty tuple = nothing.
    """

    date_from: str | None = None  # inclusive ISO date (compared as text on YYYY-MM-DD)
    date_to: str | None = None  # inclusive ISO date
    source: str | None = None
    article_ids: tuple[str, ...] | None = None
    scope: Scope = field(default_factory=Scope)

    @property
    def restricts(self) -> bool:
        """True when anything at all is filtered out (the scope included)."""
        return bool(self.date_from or self.date_to or self.source
                    or self.article_ids is not None or not self.scope.everything)


NO_FILTER = ArticleFilter()


# ----- what reads return -------------------------------------------------------------------


class PassageCandidate(NamedTuple):
    """A passage found by dense or lexical search, with its raw score (higher is better:
    cosine for dense, BM25 for lexical) and its article's date (for the recency prior).
    Immutable like the frozen dataclasses here, but built twice as fast: a search makes
    ~400 of them (issue 13)."""

    passage_id: int
    article_id: str
    score: float
    date: str | None = None


class TitleCandidate(NamedTuple):
    """An article whose title matched a lexical query (BM25, higher is better)."""

    article_id: str
    score: float
    date: str | None = None


@dataclass(frozen=True)
class SpeakerCount:
    """How often one spelling (``name``) of one speaker key was quoted."""

    key: str
    name: str
    count: int


@dataclass(frozen=True)
class QuoteRecord:
    """A stored quote with the metadata of its article, for citing it."""

    quote: Quote
    title: str | None
    date: str | None
    source: str | None
    url: str | None


# ----- what the writer takes ---------------------------------------------------------------


@dataclass(frozen=True)
class PreparedPassage:
    """A passage ready to store: ``text_hash`` keys the embedding cache."""

    ordinal: int
    start: int
    end: int
    text: str
    paragraph_start: int
    paragraph_end: int
    text_hash: str


@dataclass(frozen=True)
class PreparedArticle:
    """An article with everything derived from it, written in one batch by `BackendWriter`."""

    article: Article
    content_hash: str
    passages: tuple[PreparedPassage, ...]
    quotes: tuple[Quote, ...] = ()
    owner: str = OPERATOR


@dataclass(frozen=True)
class StoredVersion:
    """What the index holds for one article id: its content hash and its owner."""

    content_hash: str
    owner: str


# ----- the interfaces ----------------------------------------------------------------------


@runtime_checkable
class IndexReader(Protocol):
    """Everything retrieval reads. Thread-safe; every method sees committed data only."""

    location: str  # a directory path or a URI, for messages

    def generation(self) -> int:
        """Changes after every committed write (readers rebuild caches when it moves)."""

    def model(self) -> tuple[str, int] | None:
        """(embedding model name, dimension) the index was built with; None when empty."""

    def check_model(self, name: str, dim: int | None, record: bool = False) -> None:
        """Raise `ModelMismatchError` for another model (``dim`` None: compare names);
        with ``record``, an index without a model is claimed for this one."""

    def quote_rules(self) -> str | None:
        """The quote-extractor version the stored quotes come from."""

    # articles and passages
    def get_article(self, article_id: str, scope: Scope = OPERATOR_SCOPE) -> Article:
        """Raises `ArticleNotFoundError` for a missing id *and* for one the scope hides."""

    def get_articles(self, ids: Iterable[str],
                     scope: Scope = OPERATOR_SCOPE) -> dict[str, Article]:
        """The visible articles among ``ids``, keyed by id."""

    def passages_for(self, article_id: str) -> list[Passage]:
        """An article's passages by ordinal (callers check visibility via the article)."""

    def get_passages(self, ids: Iterable[int]) -> list[Passage]:
        """Passages in the order of ``ids``; unknown ids are left out."""

    def passage_vectors(self, ids: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, stored normalised vectors) of these passages (all when None), by id."""

    def newest_articles(self, flt: ArticleFilter, limit: int) -> list[Article]:
        """Up to ``limit`` articles passing ``flt``, newest first (undated last, then id
        descending)."""

    def latest_date(self, scope: Scope = OPERATOR_SCOPE) -> str | None:
        """The newest article date the scope can see."""

    # search: candidates for retrieval's own fusion
    def dense_search(self, vector: np.ndarray, k: int,
                     flt: ArticleFilter) -> list[PassageCandidate]:
        """Top-``k`` passages by cosine to ``vector`` (normalised, shape (dim,)), best first,
        among passages whose article passes ``flt`` (filtered before ranking)."""

    def lexical_search(self, terms: Sequence[str], k: int,
                       flt: ArticleFilter) -> list[PassageCandidate]:
        """Top-``k`` passages by BM25 over their text for the OR of ``terms`` (already
        tokenised by retrieval; any text in a term is plain text, never query syntax)."""

    def title_search(self, terms: Sequence[str], k: int,
                     flt: ArticleFilter) -> list[TitleCandidate]:
        """Top-``k`` articles by BM25 over their titles for the OR of ``terms``."""

    # quotes
    def speaker_counts(self, words: Sequence[str], flt: ArticleFilter, *,
                       prefix: bool = False) -> list[SpeakerCount]:
        """Counts per (speaker key, spelling) of quotes in visible articles whose key has a
        word equal to one of ``words`` (``prefix``: a word *starting with* one of them; a
        "word" may then span spaces: "wang we" matches "wang wenbin"). No words: all."""

    def quote_article_count(self, keys: Sequence[str], flt: ArticleFilter) -> int:
        """Distinct visible articles quoting any of the speaker ``keys``."""

    def quotes_by_speakers(self, keys: Sequence[str], flt: ArticleFilter) -> list[QuoteRecord]:
        """Quotes of the speaker ``keys`` in articles passing ``flt``: dated newest first,
        undated last, then by article id and start offset."""

    def quotes_for(self, article_id: str) -> list[Quote]:
        """An article's quotes by start offset."""

    # the rest
    def stats(self, scope: Scope = OPERATOR_SCOPE) -> IndexStats:
        """Counts over what the scope sees; the operator also gets the per-owner split."""

    def record_feedback(self, question: str, answer_kind: str, vote: int,
                        user_id: str | None = None, article_ids: Sequence[str] = (),
                        guild_id: str | None = None) -> int:
        """Store one vote (+1/-1) given in server ``guild_id`` (None: a DM or the
        terminal); returns its id."""

    def prune_feedback(self, keep_days: float | None = None, user_id: str | None = None) -> int:
        """Delete votes older than ``keep_days`` or given by ``user_id``; how many."""

    def close(self) -> None: ...


@runtime_checkable
class BackendWriter(Protocol):
    """The one writer: index/ingest.py's `Indexer` drives it for files, JSONL, feeds and
    Ray alike. Only one indexing run per index at a time (`ingest_lock`)."""

    def ingest_lock(self) -> AbstractContextManager[None]:
        """Held for a whole add/remove run, across processes."""

    def stored_versions(self, ids: Iterable[str] | None = None) -> dict[str, StoredVersion]:
        """Content hash and owner of the stored articles among ``ids`` (all when None)."""

    def cached_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The passage text hashes that already have a stored vector (never re-embedded)."""

    def write(self, items: Sequence[PreparedArticle],
              embeddings: Mapping[str, np.ndarray]) -> int:
        """Insert or replace ``items`` (their passages, vectors, quotes, owner) in ONE atomic
        commit; ``embeddings`` holds the vectors of the new text hashes. Returns the new
        generation. A crash leaves either the whole batch or none of it."""

    def delete(self, ids: Iterable[str]) -> list[str]:
        """Delete articles (and everything derived); returns the ids that existed."""

    def article_ids(self, owner: str | None = None) -> list[str]:
        """Stored article ids (of one owner when given), sorted."""

    def set_owner(self, ids: Iterable[str], owner: str) -> int:
        """Give articles to ``owner`` (OPERATOR = shared); returns how many changed."""

    def replace_quotes(self, quotes: Mapping[str, Sequence[Quote]],
                       rules: str | None = None) -> None:
        """Swap the quotes of these articles; with ``rules`` record the extractor version."""

    def prune_embeddings(self) -> int:
        """Drop stored vectors no passage uses; returns how many."""

    def flush(self) -> None:
        """Persist derived structures (the local backend's FAISS file). Safe to skip: a
        crash before it only costs a rebuild on the next open."""


@runtime_checkable
class Backend(IndexReader, BackendWriter, Protocol):
    """A whole index: reads and the writer."""


# ----- choosing one ------------------------------------------------------------------------


class BackendUnavailableError(NewsdeskError):
    """The selected backend cannot be used here (unknown name, missing module)."""


def backend_kind(kind: str | None = None, settings: NewsdeskSettings | None = None) -> str:
    """``kind``, else $NEWSDESK_BACKEND, else ``local``; validated."""
    # Read when a backend is chosen, not at import: entry points set the environment first.
    chosen = (kind or (settings or NewsdeskSettings()).backend or "local").strip().lower()
    if chosen not in BACKENDS:
        raise BackendUnavailableError(
            f"Unknown index backend {chosen!r}.",
            hint=f"Set {BACKEND_ENV} to one of: {', '.join(BACKENDS)}.",
        )
    return chosen


def open_backend(
    location: str | Path | None = None,
    *,
    kind: str | None = None,
    create: bool = False,
    read_only: bool = False,
    settings: NewsdeskSettings | None = None,
) -> Backend:
    """Open an index. ``local``: ``location`` is the index directory (default
    $NEWSDESK_INDEX, else the XDG data dir). ``milvus``: ``location`` is the URI (default
    $NEWSDESK_MILVUS_URI). ``read_only`` opens for reading only (no write, no repair);
    ``create`` makes a missing index. Missing/damaged indexes raise `NewsdeskError`s
    naming the command that fixes them.

    A milvus module provides ``open_backend(uri, *, create, read_only) -> Backend``.
    """
    settings = settings or NewsdeskSettings()
    chosen = backend_kind(kind, settings)
    if chosen == "milvus":
        uri = str(location) if location is not None else (settings.milvus_uri or "")
        if not uri:
            raise BackendUnavailableError(
                "NEWSDESK_BACKEND=milvus needs a Milvus URI.",
                hint=f"Set {MILVUS_URI_ENV} to a local file (milvus-lite) or http://host:19530.",
            )
        try:
            module = importlib.import_module("index.milvus")
        except ImportError as err:
            raise BackendUnavailableError(
                f"The Milvus backend is not available: {err}.",
                hint="Install it with `pip install newsdesk[milvus]`, or set "
                f"{BACKEND_ENV}=local.",
            ) from err
        backend: Backend = module.open_backend(uri, create=create, read_only=read_only,
                                               settings=settings)
        return backend
    from index.local import LocalBackend

    directory = Path(location).expanduser() if location is not None else settings.index_dir
    return LocalBackend.open(directory, create=create, read_only=read_only)


def found_or_missing(found: Mapping[str, Article], article_id: str) -> Article:
    """The article from a scoped lookup, or the one "not found" error every backend raises:
    the same words for a missing id and for one the scope hides."""
    if article_id not in found:
        raise ArticleNotFoundError(
            f"No article with id {article_id!r}.", hint="Article ids appear in search results."
        )
    return found[article_id]
