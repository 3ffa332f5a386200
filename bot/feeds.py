"""The bot's background feed poller and alert sender.

One asyncio task: poll the due feeds (fetching on the event loop with aiohttp; parsing
and extraction on the core's feed threads; indexing on its ingestion thread), match each
batch's new articles against the follows, queue the alerts, send them. Nothing here
blocks the event loop, so the gateway heartbeat keeps its rhythm during a large poll.
Used by the Discord bot and the terminal session alike (``send`` differs).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from bot import metrics
from bot.alerts import match_alerts
from bot.core import Core
from bot.follows import FlushResult, FollowStore, Send, flush
from index.feeds.models import PollReport
from index.feeds.poller import Poller
from index.feeds.store import FeedStore
from index.models import Article, IngestSummary

log = logging.getLogger(__name__)

IDLE_MAX = 30.0  # seconds between looks at the feed list and the alert queue


class FeedService:
    def __init__(self, core: Core, send: Send, *, follows: FollowStore | None = None,
                 feeds: FeedStore | None = None) -> None:
        self.core = core
        self.settings = core.settings
        self.send = send
        self.feeds = feeds or FeedStore.for_index(core.settings.index_dir)
        self.follows = follows or FollowStore(core.settings.answer_store_path())
        self.poller = Poller(self.feeds, core.settings.feed_config(), self._sink,
                             core.run_blocking)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._every_feed = False
        self.polls = 0  # completed passes (tests wait on it)
        self.started = 0  # passes begun; passes run one at a time, so pass n ends as polls == n
        self.last_report: PollReport | None = None

    def _sink(self, articles: Sequence[Article], owner: str) -> IngestSummary:
        # Runs on a feed thread; the engine serialises ingestion with its own lock.
        return self.core.engine.ingest_articles(list(articles), owner)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="newsdesk-feeds")

    def wake(self, *, every_feed: bool = True) -> None:
        """Poll now (a feed was added; tests): every feed, or only the due ones."""
        self._every_feed = self._every_feed or every_feed
        self._wake.set()

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, 30)
            self._task = None
        self.feeds.close()
        self.follows.close()

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.once()
            except Exception:  # the service outlives any one failure
                log.exception("feed poll failed")
                metrics.ERRORS.labels("feeds").inc()
            nxt = await self.core.run_blocking(self.feeds.next_due)
            wait = IDLE_MAX if nxt is None else min(max(nxt - time.time(), 0.5), IDLE_MAX)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            self._wake.clear()

    async def once(self) -> PollReport:
        """One pass: poll the due feeds, alert on each batch, send what is queued."""
        self.started += 1
        every_feed, self._every_feed = self._every_feed, False
        report = await self.poller.poll(due_only=not every_feed, stop=self._stop,
                                        on_batch=self._alert)
        for o in report.outcomes:
            metrics.FEED_POLLS.labels(o.status).inc()
            if o.status == "failed":
                metrics.FEED_FAILURES.inc()
        metrics.ARTICLES_ADDED.inc(len(report.article_ids))
        await self.deliver()  # also retries what an outage left queued
        self.polls += 1
        self.last_report = report
        if report.article_ids:
            stats = await self.core.stats()
            metrics.INDEX_ARTICLES.set(stats.articles)
            metrics.INDEX_BYTES.set(stats.size_bytes)
        return report

    async def _alert(self, batch: PollReport) -> None:
        if not batch.owners:
            return
        follows = await self.core.run_blocking(lambda: self.follows.follows(every=True))
        if not follows:
            return
        alerts = await match_alerts(self.core, follows, batch.owners)
        if alerts:
            new = await self.core.run_blocking(self.follows.enqueue, alerts)
            log.info("%d new alert(s) queued", new)
        await self.deliver()

    async def deliver(self) -> FlushResult:
        result = await flush(self.follows, self.send, self.settings.alerts_per_poll,
                             self.core.run_blocking)
        metrics.ALERTS_SENT.inc(result.sent)
        metrics.ALERTS_QUEUED.set(await self.core.run_blocking(self.follows.queued_count))
        return result
