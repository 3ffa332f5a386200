"""One pass over the due feeds: fetch, parse, fetch new entries' pages, extract, index.

Feeds are taken in batches; within a batch everything is fetched concurrently (the
fetcher caps requests per host and overall), CPU work (parsing, extraction, indexing)
runs through ``run_blocking`` (a worker thread), and the batch's articles go to the
indexer in one call per owner. A stop request is honoured between batches. One feed's
failure is recorded on that feed (with backoff) and never stops the others.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from index.feeds.extract import PAGE_ACCEPT, PAGE_TYPES, Extracted, decode_page, extract_page
from index.feeds.guard import BlockedURL
from index.feeds.http import Fetcher, FetchError
from index.feeds.models import Entry, FeedConfig, FeedOutcome, PollReport
from index.feeds.parse import FEED_ACCEPT, FEED_TYPES, FeedParseError, ParsedFeed, parse_feed
from index.feeds.store import Feed, FeedStore
from index.feeds.urls import article_id
from index.models import Article, IngestSummary

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH_FEEDS = 50
Sink = Callable[[Sequence[Article], str], IngestSummary]
RunBlocking = Callable[..., Awaitable[Any]]


@dataclass
class _Collected:
    """One feed's harvest before indexing."""

    feed: Feed
    status: str = "ok"
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    items: list[tuple[Entry, Article, bool, bool]] = field(default_factory=list)  # (entry, article, partial, new)
    problems: list[str] = field(default_factory=list)


class Poller:
    def __init__(self, store: FeedStore, config: FeedConfig, sink: Sink,
                 run_blocking: RunBlocking | None = None) -> None:
        self.store = store
        self.config = config
        self.sink = sink
        self.run_blocking: RunBlocking = run_blocking or _to_thread
        self.extract_seconds = 0.0
        self.index_seconds = 0.0
        self.requests = 0

    async def poll(self, *, due_only: bool = True, stop: asyncio.Event | None = None,
                   on_batch: Callable[[PollReport], Awaitable[None]] | None = None) -> PollReport:
        """Poll the due feeds (or all); ``on_batch`` sees each batch's report as it lands."""
        started = time.monotonic()
        self.extract_seconds = self.index_seconds = 0.0
        now = time.time()
        feeds = await self.run_blocking(self.store.due if due_only else _all(self.store), now)
        if feeds:  # the extractor's first import takes a second: never on the event loop
            await self.run_blocking(_import_extractor)
        outcomes: list[FeedOutcome] = []
        ids: list[str] = []
        owners: list[tuple[str, str]] = []
        warnings: list[str] = []
        async with Fetcher(self.config) as fetcher:
            for n in range(0, len(feeds), BATCH_FEEDS):
                if stop is not None and stop.is_set():
                    break
                batch = await self._batch(fetcher, feeds[n : n + BATCH_FEEDS])
                outcomes += batch.outcomes
                ids += batch.article_ids
                owners += batch.owners
                warnings += batch.warnings
                if on_batch is not None:
                    await on_batch(batch)
            self.requests += fetcher.requests
        return PollReport(tuple(outcomes), tuple(ids), tuple(owners), time.monotonic() - started,
                          self.extract_seconds, self.index_seconds, tuple(warnings))

    async def _batch(self, fetcher: Fetcher, feeds: Sequence[Feed]) -> PollReport:
        collected = await asyncio.gather(*(self._collect(fetcher, f) for f in feeds))
        by_owner: dict[str, dict[str, Article]] = {}
        for c in collected:
            for _, art, _, _ in c.items:  # one article in several feeds is indexed once
                by_owner.setdefault(c.feed.owner, {}).setdefault(art.id, art)
        warnings: list[str] = []
        failed_owners: dict[str, str] = {}
        for owner, articles in by_owner.items():
            started = time.monotonic()
            try:
                summary = await self.run_blocking(self.sink, list(articles.values()), owner)
            except Exception as err:  # the index refused the batch: each feed says so
                log.exception("indexing feed articles failed")
                failed_owners[owner] = f"indexing failed: {type(err).__name__}: {err}"
                continue
            finally:
                self.index_seconds += time.monotonic() - started
            warnings += [f"{s.source}: {s.reason}" for s in summary.skipped]
            warnings += list(summary.warnings)
        now = time.time()
        outcomes = []
        ids: list[str] = []
        owners: list[tuple[str, str]] = []
        for c in collected:
            if c.status != "failed" and c.feed.owner in failed_owners:
                c.status, c.error = "failed", failed_owners[c.feed.owner]
            outcomes.append(await self._record(c, now))
            if c.status == "ok":
                for _, art, _, _ in c.items:
                    if art.id not in ids:
                        ids.append(art.id)
                        owners.append((art.id, c.feed.owner))
        return PollReport(tuple(outcomes), tuple(ids), tuple(owners), warnings=tuple(warnings))

    async def _record(self, c: _Collected, now: float) -> FeedOutcome:
        feed = c.feed
        if c.status == "failed":
            assert c.error is not None
            await self.run_blocking(functools.partial(
                self.store.record_failure, feed, now=now, error=c.error,
                max_backoff=self.config.max_backoff))
            log.warning("feed %s failed: %s", feed.url, c.error)
            return FeedOutcome(feed.id, feed.url, "failed", error=c.error,
                               problems=tuple(c.problems))
        added = sum(1 for *_, new in c.items if new)
        await self.run_blocking(functools.partial(
            self.store.record_entries, feed.id,
            [(e.key, a.id, e.digest, p) for e, a, p, _ in c.items], now))
        await self.run_blocking(functools.partial(
            self.store.record_success, feed, now=now, etag=c.etag,
            last_modified=c.last_modified, added=added, title=c.title))
        return FeedOutcome(feed.id, feed.url, c.status, added=added,
                           updated=len(c.items) - added,
                           partial=sum(1 for _, _, p, _ in c.items if p),
                           problems=tuple(c.problems))

    async def _collect(self, fetcher: Fetcher, feed: Feed) -> _Collected:
        c = _Collected(feed, etag=feed.etag, last_modified=feed.last_modified)
        try:
            resp = await fetcher.get(feed.url, accept=FEED_ACCEPT, allowed_types=FEED_TYPES,
                                     max_bytes=self.config.max_feed_bytes, etag=feed.etag,
                                     last_modified=feed.last_modified)
            if resp.not_modified:
                c.status = "not_modified"
                return c
            parsed: ParsedFeed = await self.run_blocking(
                parse_feed, resp.body, resp.url, resp.content_type, resp.charset,
                self.config.max_entries)
        except (FetchError, BlockedURL, FeedParseError) as err:
            c.status, c.error = "failed", str(err)
            return c
        except Exception as err:  # a bug on one feed must not stop the others
            log.exception("unexpected failure polling %s", feed.url)
            c.status, c.error = "failed", f"{type(err).__name__}: {err}"
            return c
        c.etag, c.last_modified, c.title = resp.etag, resp.last_modified, parsed.title
        if parsed.warning:
            c.problems.append(parsed.warning)
        known = await self.run_blocking(self.store.entry_digests, feed.id)
        first: dict[str, Entry] = {}
        for entry in parsed.entries:  # a feed listing one story twice: its first listing
            first.setdefault(entry.key, entry)
        fresh = {k: e for k, e in first.items() if known.get(k) != e.digest}
        source = feed.source or parsed.title or None
        made = await asyncio.gather(*(self._article(fetcher, e, source) for e in fresh.values()))
        for entry, (article, partial, problem) in zip(fresh.values(), made, strict=True):
            if problem:
                c.problems.append(problem)
            if article is not None:
                c.items.append((entry, article, partial, entry.key not in known))
        return c

    async def _article(self, fetcher: Fetcher, entry: Entry,
                       source: str | None) -> tuple[Article | None, bool, str | None]:
        """(article, partial, problem) for one new or changed entry."""
        extracted = None
        problem = None
        if entry.link:
            try:
                resp = await fetcher.get(entry.link, accept=PAGE_ACCEPT, allowed_types=PAGE_TYPES,
                                         max_bytes=self.config.max_page_bytes)
                extracted, seconds = await self.run_blocking(_extract, resp.body, resp.charset,
                                                             resp.url)
                self.extract_seconds += seconds
            except (FetchError, BlockedURL) as err:
                problem = f"{entry.link}: {err}"
            except Exception as err:  # an extractor bug on one page: use the entry's text
                log.exception("extracting %s failed", entry.link)
                problem = f"{entry.link}: extraction failed ({type(err).__name__})"
        full = extracted is not None and len(extracted.text) >= self.config.min_text_chars
        if extracted is not None and not full and problem is None:
            problem = f"{entry.link}: too little text on the page; indexed the feed's summary"
        text = extracted.text if full and extracted else entry.text
        if not text.strip():
            return None, False, problem or f"{entry.link or entry.key}: no text to index"
        title = (extracted.title if full and extracted else None) or entry.title
        author = (extracted.author if full and extracted else None) or entry.author
        date = (extracted.date if full and extracted else None) or entry.date
        art = Article(id=article_id(entry.key, entry.link), text=text, title=title, date=date,
                      source=source, url=entry.link, author=author)
        return art, not full, problem


def _extract(body: bytes, charset: str | None, url: str) -> tuple[Extracted | None, float]:
    """Decode and extract one page (in a worker thread), timed where it runs."""
    started = time.perf_counter()
    extracted = extract_page(decode_page(body, charset), url)
    return extracted, time.perf_counter() - started


def _import_extractor() -> None:
    import htmldate  # noqa: F401
    import trafilatura  # noqa: F401


def _all(store: FeedStore) -> Callable[[float], list[Feed]]:
    return lambda now: store.feeds()


async def _to_thread(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(fn, *args)
