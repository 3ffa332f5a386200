"""The bot's door to ``retrieval.Engine``: input checks, limits and a bounded thread pool.

Every engine call runs in a :class:`~concurrent.futures.ThreadPoolExecutor` of
``settings.workers`` threads, behind a :class:`~bot.limits.ConcurrencyLimiter`,
so model inference and searches never block the event loop (and with it the
gateway heartbeat). Cogs, views, the mention handler and the terminal session
all go through this class. No discord imports here.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot import metrics
from bot.limits import ConcurrencyLimiter, Cooldown, RetryLater
from bot.settings import MAX_QUERY_CHARS, Settings
from bot.state import AnswerMemory
from index.backend import OPERATOR, OPERATOR_SCOPE, Scope
from index.errors import ArticleNotFoundError, BadQueryError
from index.gate import QueryGate
from index.ids import id_problem, normalise_id
from index.models import Article, IndexStats, IngestSummary
from index.text.dates import parse_date_range
from retrieval.models import Answer, Excerpt, Filters, Hit, QuoteLookup
from retrieval.topics import TopicScore

log = logging.getLogger(__name__)
T = TypeVar("T")

FEEDBACK_PRUNE_EVERY_S = 86400.0
LIVE_RECHECK_SECONDS = 30.0  # how often Core looks whether the archive has feeds


class EngineLike(Protocol):
    """The part of ``retrieval.engine.Engine`` the bot uses (see ARCHITECTURE.md)."""

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *,
               scope: Scope = ...) -> list[Hit]: ...
    def answer(self, question: str, filters: Filters | None = None, *,
               scope: Scope = ...) -> Answer: ...
    def quotes(
        self, speaker: str, about: str | None = None, filters: Filters | None = None, *,
        scope: Scope = ...,
    ) -> QuoteLookup: ...
    def speakers(self, prefix: str = "", limit: int = 25, *, scope: Scope = ...) -> list[str]: ...
    def article(self, article_id: str, *, scope: Scope = ...) -> Article: ...
    def context(self, article_id: str, start: int, end: int, *, scope: Scope = ...) -> Excerpt: ...
    def stats(self, *, scope: Scope = ...) -> IndexStats: ...
    def ingest(self, paths: Sequence[Path], *, owner: str = ...) -> IngestSummary: ...
    def record_feedback(
        self,
        question: str,
        answer_kind: str,
        vote: int,
        user_id: str | None = None,
        article_ids: Sequence[str] = (),
        guild_id: str | None = None,
    ) -> None: ...
    def ingest_articles(self, articles: Sequence[Article], owner: str = ...) -> IngestSummary: ...
    def topic_scores(self, topic: str, article_ids: Sequence[str]) -> list[TopicScore]: ...


def open_engine(settings: Settings) -> EngineLike:
    """Open the real engine (imported lazily: it loads torch and the model)."""
    from retrieval.engine import Engine, freeze_startup_objects

    engine: EngineLike = Engine.open(settings.index_dir, settings=settings)
    freeze_startup_objects()  # a long-running process: no full-collection pauses
    return engine


def _has_feeds(index_dir: Path) -> bool:
    from index.feeds.store import FeedStore

    if not FeedStore.exists_for(index_dir):
        return False
    store = FeedStore.for_index(index_dir)
    try:
        return store.has_feeds()
    finally:
        store.close()


# ---------------------------------------------------------------- input checks


def clean_text(value: str | None, what: str, *, required: bool = True) -> str | None:
    """Strip, drop control characters, enforce the length bound Discord can't be trusted to."""
    if value is None:
        if required:
            raise BadQueryError(f"Please give a {what}.")
        return None
    text = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" or ch in "\u200d\u200c" else " "
        for ch in value
    ).strip()
    if not text:
        if required:
            raise BadQueryError(
                f"The {what} is empty.",
                hint="Type a few words, e.g. /ask question: what did Lavrov say?",
            )
        return None
    if len(text) > MAX_QUERY_CHARS:
        raise BadQueryError(
            f"The {what} is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}.",
            hint="Shorten it to the words that matter.",
        )
    return text


def make_filters(
    date_from: str | None = None, date_to: str | None = None, source: str | None = None
) -> Filters | None:
    start, stop = parse_date_range(date_from, date_to)
    src = clean_text(source, "source", required=False)
    if not (start or stop or src):
        return None
    return Filters(date_from=start, date_to=stop, source=src)


def check_article_id(value: str) -> str:
    """An article id is a database key, never a path: the ingest rules (index/ids.py)."""
    text = normalise_id(value or "")
    if not text:
        raise BadQueryError(
            "Please give an article id.", hint="Article ids are shown under each source."
        )
    if id_problem(text) is not None:
        raise ArticleNotFoundError(
            "That is not an article id.",
            hint="Article ids are shown under each source, e.g. in /search.",
        )
    return text


def prune_feedback(settings: Settings) -> int:
    """Drop votes older than NEWSDESK_KEEP_FEEDBACK_DAYS from the index (0 without one)."""
    from index.backend import open_backend

    if not (settings.index_dir / "newsdesk.sqlite").is_file():
        return 0
    try:
        store = open_backend(settings.index_dir)
        try:
            return store.prune_feedback(keep_days=settings.keep_feedback_days)
        finally:
            store.close()
    except Exception as err:  # a read-only or damaged index still serves questions
        log.warning("Could not prune old feedback in %s: %s", settings.index_dir, err)
        return 0


# ---------------------------------------------------------------- the core


def _marked(gate: QueryGate | None, call: Callable[[], T]) -> Callable[[], T]:
    """``call`` counted as a query in flight while it runs (None: no gate to tell)."""
    if gate is None:
        return call

    def run() -> T:
        with gate.query():
            return call()

    return run


class Core:
    """Async, limited access to the engine, shared by every front end."""

    def __init__(self, engine: EngineLike, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.cooldown = Cooldown(settings.cooldown_rate, settings.cooldown_per)
        self.limiter = ConcurrencyLimiter(settings.max_concurrency, settings.max_waiting)
        self._pool = ThreadPoolExecutor(
            max_workers=settings.workers, thread_name_prefix="newsdesk-engine"
        )
        # Ingestion is long and CPU-bound: its own thread, so queries keep their workers.
        self._ingest_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-ingest")
        self._feed_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsdesk-feeds")
        self.memory = AnswerMemory(
            settings.answer_store_path(), keep_days=settings.keep_answers_days
        )
        self._feedback_pruned_at = float("-inf")
        # Engine calls count as queries: ingestion in this process yields to them.
        gate = getattr(engine, "query_gate", None)
        self._gate = gate if isinstance(gate, QueryGate) else None
        self._live = False
        self._live_checked = -LIVE_RECHECK_SECONDS - 1.0

    @classmethod
    async def open(
        cls, settings: Settings, opener: Callable[[Settings], EngineLike] | None = None
    ) -> Core:
        """Open the engine off the event loop (loading the model takes seconds)."""
        engine = await asyncio.to_thread(opener or open_engine, settings)
        core = cls(engine, settings)
        core._feedback_pruned_at = time.monotonic()
        await asyncio.to_thread(prune_feedback, settings)  # retention applies from the start
        return core

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._ingest_pool.shutdown(wait=False, cancel_futures=True)
        self._feed_pool.shutdown(wait=False, cancel_futures=True)
        self.memory.close()

    def check_cooldown(self, user_id: int | str | None) -> None:
        """Raise :class:`RetryLater` when this user asks too often."""
        if user_id is not None:
            self.cooldown.check(str(user_id))

    async def _run(
        self, fn: Callable[..., T], *args: Any, limited: bool = True, **kwargs: Any
    ) -> T:
        loop = asyncio.get_running_loop()
        call = _marked(self._gate, functools.partial(fn, *args, **kwargs))
        if not limited:
            return await loop.run_in_executor(self._pool, call)
        async with self.limiter.slot():
            try:
                return await asyncio.wait_for(
                    loop.run_in_executor(self._pool, call), self.settings.engine_timeout
                )
            except TimeoutError:
                raise RetryLater("That took too long.", 5.0) from None

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run any engine call like the built-in ones: in the pool, limited, with a timeout.
        New commands use this instead of calling the engine on the event loop."""
        return await self._run(fn, *args, **kwargs)

    # -- queries ---------------------------------------------------------------

    def as_of(self) -> dict[str, Any]:
        """``{"as_of": today}`` once the archive is live (it has feeds): today's stories
        rank first and "last week" means last week. A static archive passes nothing, so
        relative dates count back from its newest article."""
        now = time.monotonic()
        if now - self._live_checked > LIVE_RECHECK_SECONDS:
            self._live = _has_feeds(self.settings.index_dir)
            self._live_checked = now
        return {"as_of": date.today().isoformat()} if self._live else {}

    # Every read takes the viewer's ``scope`` (`Scope.for_guild(guild_id)` on Discord; the
    # default, the operator's, is the terminal's and the CLI's): another server's articles
    # are filtered out in the engine, before ranking.

    async def answer(self, question: str, filters: Filters | None = None, *,
                     scope: Scope = OPERATOR_SCOPE, background: str = "") -> Answer:
        text = clean_text(question, "question")
        assert text is not None
        with metrics.question("answer"):
            return await self._run(self.engine.answer, text, filters, scope=scope,
                                   background=background, **self.as_of())

    async def search(self, query: str, k: int = 5, filters: Filters | None = None, *,
                     scope: Scope = OPERATOR_SCOPE) -> list[Hit]:
        text = clean_text(query, "query")
        if not 1 <= k <= 10:
            raise BadQueryError("k must be between 1 and 10.")
        with metrics.question("search"):
            return await self._run(self.engine.search, text, k, filters, scope=scope,
                                   **self.as_of())

    async def quotes(
        self, speaker: str, about: str | None = None, filters: Filters | None = None, *,
        scope: Scope = OPERATOR_SCOPE,
    ) -> QuoteLookup:
        name = clean_text(speaker, "speaker name")
        topic = clean_text(about, "topic", required=False)
        assert name is not None
        with metrics.question("quotes"):
            return await self._run(self.engine.quotes, name, topic, filters, scope=scope)

    async def speakers(self, prefix: str = "", limit: int = 25, *,
                       scope: Scope = OPERATOR_SCOPE) -> list[str]:
        """Autocomplete: never limited or queued, but given at most 2 s."""
        text = (prefix or "")[:100]
        try:
            names = await asyncio.wait_for(
                self._run(self.engine.speakers, text, limit, scope=scope, limited=False), 2.0
            )
        except TimeoutError:
            return []
        return list(names)[:limit]

    async def article(self, article_id: str, *, scope: Scope = OPERATOR_SCOPE) -> Article:
        return await self._run(self.engine.article, check_article_id(article_id), scope=scope)

    async def context(self, article_id: str, start: int, end: int, *,
                      scope: Scope = OPERATOR_SCOPE) -> Excerpt:
        return await self._run(self.engine.context, check_article_id(article_id), start, end,
                               scope=scope)

    async def stats(self, *, scope: Scope = OPERATOR_SCOPE) -> IndexStats:
        return await self._run(self.engine.stats, scope=scope)

    async def ingest(self, paths: Iterable[Path], *, owner: str = OPERATOR) -> IngestSummary:
        """One ingestion at a time, in its own thread, outside the query limiter.
        ``owner``: `index.backend.owner_for_guild(guild_id)` for a server's upload."""
        loop = asyncio.get_running_loop()
        call = functools.partial(self.engine.ingest, list(paths), owner=owner)
        return await loop.run_in_executor(self._ingest_pool, call)

    @contextlib.asynccontextmanager
    async def ingest_session(self) -> AsyncIterator[None]:
        """The `ingest` calls inside share one writer session (see
        `retrieval.engine.Engine.open_ingest_session`): bot/uploads.FairIngest holds one
        while its queue has chunks, so a large upload is one session, not one per part."""
        loop = asyncio.get_running_loop()
        begin = getattr(self.engine, "open_ingest_session", None)
        end = getattr(self.engine, "close_ingest_session", None)
        if begin is None or end is None:
            yield
            return
        await loop.run_in_executor(self._ingest_pool, begin)
        try:
            yield
        finally:
            await loop.run_in_executor(self._ingest_pool, end)

    # -- live feeds (bot/feeds.py) ----------------------------------------------

    async def ingest_articles(self, articles: Sequence[Article], owner: str) -> IngestSummary:
        """Feed articles into the index on the ingestion thread (queries keep theirs)."""
        loop = asyncio.get_running_loop()
        call = functools.partial(self.engine.ingest_articles, list(articles), owner)
        return await loop.run_in_executor(self._ingest_pool, call)

    async def topic_scores(self, topic: str, article_ids: Sequence[str]) -> list[TopicScore]:
        return await self._run(self.engine.topic_scores, topic, list(article_ids), limited=False)

    async def run_blocking(self, fn: Callable[..., T], *args: Any) -> T:
        """Feed work (parsing, extraction, small SQLite calls) on its own threads, so a
        large poll never takes the query workers."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._feed_pool, functools.partial(fn, *args))

    # -- what the buttons act on (bot/state.py) ----------------------------------

    async def remember(self, answer: Answer, user_id: int | str | None = None) -> str:
        asker = None if user_id is None else str(user_id)
        return await self._run(self.memory.remember, answer, asker, limited=False)

    async def recall(self, key: str) -> Answer | None:
        return await self._run(self.memory.recall, key, limited=False)

    async def add_vote(self, key: str, user_id: str) -> bool:
        return await self._run(self.memory.add_vote, key, user_id, limited=False)

    async def record_feedback(
        self,
        question: str,
        answer_kind: str,
        vote: int,
        user_id: str | None = None,
        article_ids: Sequence[str] = (),
        guild_id: int | str | None = None,
    ) -> None:
        """Store a vote; ``guild_id`` is the server it was given in (None: DM, terminal)."""
        if time.monotonic() - self._feedback_pruned_at > FEEDBACK_PRUNE_EVERY_S:
            self._feedback_pruned_at = time.monotonic()
            await self._run(prune_feedback, self.settings, limited=False)
        await self._run(
            self.engine.record_feedback,
            question,
            answer_kind,
            vote,
            user_id=user_id,
            article_ids=tuple(article_ids),
            guild_id=None if guild_id is None else str(guild_id),
            limited=False,
        )


class ScopedCore:
    """The core's reads as one viewer sees them (a server, a DM): what a conversation
    (`retrieval.dialogue.Dialogue`) talks to, so it never reaches another server's articles."""

    def __init__(self, core: Core, scope: Scope) -> None:
        self.core = core
        self.scope = scope

    async def answer(self, question: str, filters: Filters | None = None, *,
                     background: str = "") -> Answer:
        return await self.core.answer(question, filters, scope=self.scope,
                                      background=background)

    async def quotes(self, speaker: str, about: str | None = None,
                     filters: Filters | None = None) -> QuoteLookup:
        return await self.core.quotes(speaker, about, filters, scope=self.scope)

    async def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        return await self.core.search(query, k, filters, scope=self.scope)

    async def context(self, article_id: str, start: int, end: int) -> Excerpt:
        return await self.core.context(article_id, start, end, scope=self.scope)

    async def article(self, article_id: str) -> Article:
        return await self.core.article(article_id, scope=self.scope)

    async def speakers(self, prefix: str = "", limit: int = 25) -> list[str]:
        return await self.core.speakers(prefix, limit, scope=self.scope)

    async def stats(self) -> IndexStats:
        return await self.core.stats(scope=self.scope)
