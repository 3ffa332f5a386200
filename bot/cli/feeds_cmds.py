"""`newsdesk feeds add|list|remove|check` and `newsdesk watch`: live feeds into the index.

Feeds added here belong to the operator (shared by every Discord server). The bot polls
the same list (feeds.sqlite in the index directory) while it serves.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.options import add_index_option
from bot.feed_report import feed_health, parse_every, report_text
from index.errors import BadQueryError
from index.feeds.guard import BlockedURL, check_scheme
from index.feeds.models import OPERATOR, PollReport
from index.feeds.store import FeedStore
from index.models import Article, IngestSummary

if TYPE_CHECKING:
    from bot.settings import Settings
    from index.feeds.poller import Poller

WATCH_IDLE_MAX = 60.0  # seconds `watch` sleeps at most before looking at the list again


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("feeds", help="RSS, Atom and JSON feeds that flow into the index")
    commands = parser.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="follow a feed (polled by `watch` and the bot)")
    add.add_argument("url", metavar="URL")
    add.add_argument("--source", metavar="NAME", help="source name shown in citations")
    add.add_argument("--every", metavar="DURATION", help="poll interval, e.g. 15m, 1h (default 15m)")
    add_index_option(add)
    add.set_defaults(func=_add)

    ls = commands.add_parser("list", help="feeds and their health")
    add_index_option(ls)
    ls.set_defaults(func=_list)

    rm = commands.add_parser("remove", help="stop following a feed (its articles stay)")
    rm.add_argument("feed", metavar="ID|URL")
    add_index_option(rm)
    rm.set_defaults(func=_remove)

    check = commands.add_parser("check", help="poll feeds once, now, and say what happened")
    check.add_argument("feeds", nargs="*", metavar="ID", type=int, help="only these feeds")
    add_index_option(check)
    check.set_defaults(func=_check)

    watch = sub.add_parser("watch", help="poll the feeds until Ctrl-C")
    add_index_option(watch)
    watch.set_defaults(func=_watch)


def _settings(args: argparse.Namespace) -> Settings:
    from bot.settings import Settings

    return Settings() if args.index is None else Settings(index_dir=args.index)


def _store(index_dir: Path) -> FeedStore:
    return FeedStore.for_index(index_dir)


def _add(args: argparse.Namespace) -> int:
    settings = _settings(args)
    url = args.url.strip()
    try:
        check_scheme(url)
    except BlockedURL as err:
        raise BadQueryError(f"{url}: {err}") from None
    every = parse_every(args.every, settings.feeds_every)
    store = _store(settings.index_dir)
    feed, created = store.add(url, owner=OPERATOR, source=args.source, every=every)
    verb = "Added" if created else "Updated"
    print(f"{verb} feed #{feed.id} {feed.url}. `newsdesk feeds check` polls it now; "
          "`newsdesk watch` or the bot keep polling it.")
    return 0


def _list(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not FeedStore.exists_for(settings.index_dir):
        print("No feeds yet. Add one: newsdesk feeds add https://example.org/rss.xml")
        return 0
    feeds = _store(settings.index_dir).feeds()
    if not feeds:
        print("No feeds yet. Add one: newsdesk feeds add https://example.org/rss.xml")
    for feed in feeds:
        owner = "" if feed.owner == OPERATOR else f"  [server {feed.owner}]"
        print(feed_health(feed) + owner)
    return 0


def _remove(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _store(settings.index_dir)
    wanted = args.feed.strip().lstrip("#")
    matches = [f for f in store.feeds() if str(f.id) == wanted or f.url == wanted]
    if not matches:
        raise BadQueryError(f"No feed {args.feed!r}.", hint="`newsdesk feeds list` shows them.")
    for feed in matches:
        store.remove(feed.id)
        print(f"Removed feed #{feed.id} {feed.url} (its articles stay in the index).")
    return 0


def make_poller(settings: Settings, store: FeedStore) -> Poller:
    """A poller writing through the sink into ``settings.index_dir``."""
    from index.feeds.poller import Poller
    from index.feeds.sink import index_articles

    def sink(articles: Sequence[Article], owner: str) -> IngestSummary:
        return index_articles(settings.index_dir, articles, owner)

    return Poller(store, settings.feed_config(), sink)


def _check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _store(settings.index_dir)
    if not store.has_feeds():
        print("No feeds yet. Add one: newsdesk feeds add https://example.org/rss.xml")
        return 0
    store.poll_now(args.feeds or None)
    report: PollReport = asyncio.run(make_poller(settings, store).poll())
    print(report_text(report))
    return 1 if report.outcomes and len(report.failed) == len(report.outcomes) else 0


def _watch(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _store(settings.index_dir)
    poller = make_poller(settings, store)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def interrupted() -> None:
            print("\nStopping after the current batch (Ctrl-C again to quit at once) ...",
                  file=sys.stderr)
            stop.set()
            loop.remove_signal_handler(signal.SIGINT)  # a second Ctrl-C interrupts

        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGINT, interrupted)
        print(f"Watching the feeds of {settings.index_dir} (Ctrl-C stops).", file=sys.stderr)
        while not stop.is_set():
            report = await poller.poll(stop=stop)
            if report.outcomes:
                print(report_text(report), flush=True)
            nxt = store.next_due()
            wait = WATCH_IDLE_MAX if nxt is None else min(max(nxt - time.time(), 1.0), WATCH_IDLE_MAX)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)

    asyncio.run(main())
    print("Stopped.", file=sys.stderr)
    return 0
