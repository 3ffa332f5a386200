"""Feed benchmarks against the local test site (aiohttp on 127.0.0.1), written to
benchmarks/results/feeds.md:

1. articles/s through fetch + extract + index (a first poll of N feeds x M new entries),
   with extraction's and indexing's share of the time; baseline: indexing the same
   `Article`s directly (no fetching, no extraction).
2. one poll cycle over N unchanged feeds (every answer a 304); baseline: the same N
   conditional GETs with a bare aiohttp client.
3. event-loop gap while the big poll runs (a 50 ms ticker standing in for the gateway
   heartbeat); baseline: the same ticker on an idle loop.

    .venv/bin/python -m benchmarks.feeds [--feeds 200] [--entries 1]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp

from index.backend import open_backend
from index.embedder import load_embedder
from index.feeds.models import FeedConfig
from index.feeds.poller import Poller
from index.feeds.sink import index_articles
from index.feeds.store import FeedStore
from index.ingest import Indexer
from index.models import Article, IngestSummary

RESULTS = Path(__file__).with_name("results") / "feeds.md"
REPO = Path(__file__).resolve().parents[1]
TICK = 0.05


class Ticker:
    """Measures how late a 50 ms timer fires: a blocked loop shows up as a long gap."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    def summary(self) -> str:
        g = sorted(self.gaps) or [0.0]
        p99 = g[min(len(g) - 1, int(0.99 * len(g)))]
        return f"{len(g)} ticks, median {statistics.median(g) * 1000:.0f} ms, " \
               f"p99 {p99 * 1000:.0f} ms, max {g[-1] * 1000:.0f} ms"


async def bench(feeds: int, entries: int) -> list[str]:
    from tests.index.feed_server import FeedServer

    site = FeedServer().start()
    site.state["per_feed"] = entries
    scratch = Path(tempfile.mkdtemp(prefix="newsdesk-feeds-bench-"))
    embedder = load_embedder()
    try:
        base = scratch / "base"
        Indexer(base, embedder).add([REPO / "sample_corpus"])
        live = scratch / "live"
        shutil.copytree(base, live)
        store = FeedStore.for_index(live)
        for n in range(feeds):
            store.add(site.url(f"f/{n}.xml"))
        config = FeedConfig(allow_hosts=frozenset({"127.0.0.1"}))

        def sink(articles: Sequence[Article], owner: str) -> IngestSummary:
            return index_articles(live, articles, owner, embedder)

        poller = Poller(store, config, sink)
        with Ticker() as idle:
            await asyncio.sleep(3.0)
        with Ticker() as busy:
            started = time.perf_counter()
            report = await poller.poll()
            first = time.perf_counter() - started
        n_articles = len(report.article_ids)
        # Baseline: the same articles straight into a fresh copy of the index.
        ist = open_backend(live, read_only=True)
        articles = list(ist.get_articles(report.article_ids).values())
        ist.close()
        direct_dir = scratch / "direct"
        shutil.copytree(base, direct_dir)
        started = time.perf_counter()
        Indexer(direct_dir, embedder).add_articles(articles)
        direct = time.perf_counter() - started
        # Unchanged feeds: every feed answers 304.
        store.poll_now()
        requests_before = poller.requests
        started = time.perf_counter()
        again = await poller.poll()
        cycle = time.perf_counter() - started
        not_modified = sum(o.status == "not_modified" for o in again.outcomes)
        cycle_requests = poller.requests - requests_before
        etags = {f.url: f.etag for f in store.feeds()}
        started = time.perf_counter()
        async with aiohttp.ClientSession() as session:
            sem = asyncio.Semaphore(config.concurrency)

            async def get(url: str) -> int:
                async with sem, session.get(url, headers={"If-None-Match": etags[url] or ""}) as r:
                    await r.read()
                    return r.status

            statuses = await asyncio.gather(*(get(u) for u in etags))
        bare = time.perf_counter() - started
        assert all(s == 304 for s in statuses)
    finally:
        site.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return [
        f"# Feed benchmarks ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"Local site on 127.0.0.1, {feeds} feeds x {entries} new entr{'y' if entries == 1 else 'ies'} "
        "(short article pages, one passage each), real model, 2-core shared machine; one run "
        "each (absolute times drift with the machine's load; compare ratios). Extraction and "
        "indexing shares are thread seconds over the poll's wall time: extraction runs on two "
        "feed threads while the indexer works, so the shares overlap.",
        "",
        "| measure | Newsdesk | baseline (same run) |",
        "|---|---|---|",
        f"| first poll: fetch + extract + index | {n_articles} articles in {first:.1f} s = "
        f"**{n_articles / first:.1f} articles/s**; extraction {report.extract_seconds:.1f} s "
        f"({100 * report.extract_seconds / first:.0f}%), indexing {report.index_seconds:.1f} s "
        f"({100 * report.index_seconds / first:.0f}%) | `Indexer.add_articles` of the same "
        f"articles: {direct:.1f} s = {n_articles / direct:.1f} articles/s |",
        f"| poll cycle, {feeds} unchanged feeds | {cycle:.2f} s, {cycle_requests} requests, "
        f"{not_modified} answered 304, 0 pages fetched | bare aiohttp, same {len(statuses)} "
        f"conditional GETs: {bare:.2f} s |",
        f"| event-loop gap during the first poll (heartbeat proxy) | {busy.summary()} | "
        f"idle loop: {idle.summary()} |",
        "",
        f"Command: `.venv/bin/python -m benchmarks.feeds --feeds {feeds} --entries {entries}`",
        "",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=1)
    args = ap.parse_args()
    lines = asyncio.run(bench(args.feeds, args.entries))
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
