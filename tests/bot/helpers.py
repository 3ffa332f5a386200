"""Helpers for the bot tests: a small fake engine and a context manager running the real bot
against :class:`tests.bot.fake_discord.FakeDiscord`."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from bot.app import Newsdesk, configure_endpoints
from bot.core import Core, EngineLike
from bot.feeds import FeedService
from bot.settings import Settings
from index.backend import OPERATOR, OPERATOR_SCOPE, Scope
from index.errors import ArticleNotFoundError, BadQueryError
from index.models import Article, IndexStats, IngestSummary
from retrieval.models import Answer, Citation, Excerpt, Filters, Hit, QuoteHit, QuoteLookup
from retrieval.topics import TopicScore
from tests.bot.fake_discord import GUILD_ID, FakeDiscord

REPO = Path(__file__).resolve().parents[2]
SEED_FILE = REPO / "sample_corpus" / "lavrov_china_2022-03-31.txt"
SEED_ID = SEED_FILE.stem
SENTINEL_TOKEN = "MTAxNDk0.SENTINEL-TOKEN.do-not-leak-8c1f3e"


def seed_article() -> Article:
    text = SEED_FILE.read_text(encoding="utf-8")
    return Article(id=SEED_ID, text=text, title=None, date="2022-03-31")


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


class _LiveMethods:
    """The feed side of the engine protocol, for fakes that never see a feed."""

    def ingest_articles(self, articles: Sequence[Article], owner: str = "operator") -> IngestSummary:
        raise NotImplementedError("this fake engine has no feeds")

    def topic_scores(self, topic: str, article_ids: Sequence[str]) -> list[TopicScore]:
        return []


class FakeEngine(_LiveMethods):
    """Canned answers over the seed article, with the engine's API and typed results.

    ``delay`` seconds of (GIL-releasing) sleep per call mimic model inference.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.article_ = seed_article()
        self.delay = delay
        self.calls: list[tuple[str, Any]] = []
        self.feedback: list[tuple[Any, ...]] = []
        self.feedback_guilds: list[str | None] = []  # the server of each vote
        self.ingested: list[list[Path]] = []
        self.ingested_bytes: list[bytes] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()
        self.active = 0
        self.peak_active = 0

    def _enter(self, name: str, arg: Any) -> None:
        with self._lock:
            self.calls.append((name, arg))
            self.threads.add(threading.current_thread().name)
            self.active += 1
            self.peak_active = max(self.peak_active, self.active)
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.active -= 1

    def _citation(self, marker: int, needle: str) -> Citation:
        start, end = _span(self.article_.text, needle)
        return Citation(
            marker=marker,
            article_id=SEED_ID,
            title=None,
            date="2022-03-31",
            source=None,
            url=None,
            text=needle,
            start=start,
            end=end,
            paragraph=6,
            highlights=((start, end),),
        )

    def answer(self, question: str, filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE,
               background: str = "") -> Answer:
        self._enter("answer", question)
        if "6000" in question:
            raise BadQueryError("That question is too long.")
        if "crash" in question:
            raise RuntimeError(f"engine exploded on {question!r}")
        if question.strip().lower() in ("what did wang say?", "wang"):
            return Answer(question, "", (), kind="ambiguous", candidates=("Wang Wenbin", "Wang Yi"))
        needle = "China-Russia cooperation has no limits"
        cite = self._citation(1, needle)
        return Answer(
            question,
            f"Wang Wenbin said “{needle}” [1].",
            (cite,),
            kind="quotes",
            speaker="Wang Wenbin",
        )

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE) -> list[Hit]:
        self._enter("search", query)
        start, end = _span(self.article_.text, "Lavrov painted a picture of a new world order")
        ex = Excerpt(SEED_ID, 1, self.article_.text[start:end], start, end, 3, ((start, end),))
        return [
            Hit(
                f"{SEED_ID}-{i}" if i else SEED_ID,
                f"Result {i}",
                "2022-03-31",
                "Source",
                None,
                1.0 - i / 10,
                (ex,),
            )
            for i in range(k)
        ]

    def quotes(
        self, speaker: str, about: str | None = None, filters: Filters | None = None, *,
        scope: Scope = OPERATOR_SCOPE,
    ) -> QuoteLookup:
        self._enter("quotes", speaker)
        if speaker.lower() == "wang":
            return QuoteLookup(speaker, None, (), candidates=("Wang Wenbin", "Wang Yi"))
        needle = (
            "China-Russia cooperation has no limits"
            if speaker == "Wang Wenbin"
            else "China-Russia relations have withstood the new test of the changing international situation"
        )
        start, end = _span(self.article_.text, needle)
        q = QuoteHit(
            SEED_ID, speaker, needle, start, end, "said", True, 6, None, "2022-03-31", None, None
        )
        return QuoteLookup(speaker, speaker, (q,))

    def speakers(self, prefix: str = "", limit: int = 25, *, scope: Scope = OPERATOR_SCOPE) -> list[str]:
        self._enter("speakers", prefix)
        names = ["Sergei Lavrov", "Wang Wenbin", "Wang Yi"]
        return [n for n in names if n.lower().startswith(prefix.lower()) or not prefix][:limit]

    def article(self, article_id: str, *, scope: Scope = OPERATOR_SCOPE) -> Article:
        self._enter("article", article_id)
        if article_id != SEED_ID:
            raise ArticleNotFoundError(f"No article with id {article_id!r}.")
        return self.article_

    def context(self, article_id: str, start: int, end: int, *, scope: Scope = OPERATOR_SCOPE) -> Excerpt:
        self._enter("context", (article_id, start, end))
        text = self.article_.text
        p0 = text.rfind("\n", 0, start) + 1
        p1 = text.find("\n", end)
        p1 = len(text) if p1 == -1 else p1
        return Excerpt(article_id, 0, text[p0:p1], p0, p1, 6)

    def stats(self, *, scope: Scope = OPERATOR_SCOPE) -> IndexStats:
        self._enter("stats", None)
        return IndexStats(
            1,
            3,
            4,
            3,
            "2022-03-31",
            "2022-03-31",
            (("unknown", 1),),
            "all-MiniLM-L6-v2",
            384,
            "flat",
            12345,
        )

    def ingest(self, paths: Sequence[Path], *, owner: str = OPERATOR) -> IngestSummary:
        self._enter("ingest", list(paths))
        self.ingested.append(list(paths))
        self.ingested_bytes += [Path(p).read_bytes() for p in paths]
        return IngestSummary(added=len(paths), passages_embedded=2)

    def record_feedback(
        self,
        question: str,
        answer_kind: str,
        vote: int,
        user_id: str | None = None,
        article_ids: Sequence[str] = (),
        guild_id: str | None = None,
    ) -> None:
        self._enter("feedback", question)
        self.feedback.append((question, answer_kind, vote, user_id, tuple(article_ids)))
        self.feedback_guilds.append(guild_id)


def make_settings(
    fake: FakeDiscord | None = None, index_dir: Path | None = None, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "index_dir": index_dir or Path("/nonexistent-index"),
        "guild_id": GUILD_ID,
        "cooldown_rate": 1000,
        "cooldown_per": 1.0,
    }
    if fake is not None:
        values.update(
            discord_token=fake.token, api_base_url=fake.api_base, gateway_url=fake.gateway_url
        )
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, engine: EngineLike, settings: Settings, *, timeout: float = 20.0
) -> AsyncIterator[Newsdesk]:
    """Start the real bot against ``fake``; yield it once ready with commands synced."""
    configure_endpoints(settings)
    core = Core(engine, settings)
    bot = Newsdesk(settings, core, guild_ready_timeout=0.05)
    token = settings.token()
    assert token
    task = asyncio.create_task(bot.start(token), name="newsdesk-bot")
    try:
        deadline = time.monotonic() + timeout
        while not bot.is_ready() or not fake.commands:
            if task.done():
                task.result()  # re-raise the start-up failure
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not become ready")
            await asyncio.sleep(0.02)
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 10)


def allowed_mentions_ok(payload: dict[str, Any]) -> bool:
    mentions = payload.get("allowed_mentions")
    return (
        isinstance(mentions, dict)
        and mentions.get("parse") == []
        and not mentions.get("users")
        and not mentions.get("roles")
        and not mentions.get("replied_user")
    )


async def wait_polls(service: FeedService, count: int, timeout: float = 120.0) -> None:
    """Wake the feed service and wait until it has finished ``count`` polls in all."""
    deadline = time.monotonic() + timeout
    service.wake()
    while service.polls < count:
        assert time.monotonic() < deadline, "the feed service did not poll"
        await asyncio.sleep(0.05)
