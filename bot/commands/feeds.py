"""/feeds add|list|remove (Manage Server): a server's own feeds. Their articles belong to
that server; the operator's feeds (CLI, terminal) are shared by every server. The
terminal also has /feeds check (poll now and report), and its /feeds add polls at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from bot.commands.spec import Command, CommandContext, Option, Reply, Text
from bot.feed_report import feed_health, parse_every, report_text
from index.errors import BadQueryError
from index.feeds.guard import BlockedURL, check_url
from index.feeds.models import OPERATOR
from index.feeds.store import FeedStore

MAX_FEEDS_PER_SERVER = 50
CHECK_TIMEOUT = 600.0


def _block(text: str) -> str:
    """Feed text (URLs, titles, errors) shown verbatim and inert on Discord."""
    return "```\n" + text.replace("```", "ʼʼʼ")[:1800] + "\n```"


def _store(ctx: CommandContext) -> FeedStore:
    if ctx.feeds is not None:
        store: FeedStore = ctx.feeds.feeds
        return store
    if ctx.operator or not ctx.settings.index_dir.is_dir():
        raise BadQueryError("Feeds are off in this session (NEWSDESK_FEEDS_POLL=false, "
                            "or no index yet).")
    return FeedStore.for_index(ctx.settings.index_dir)


def _owner(ctx: CommandContext) -> str | None:
    """Whose feeds a command sees: this server's, or (the operator) every one."""
    return None if ctx.operator else ctx.owner


async def _check(ctx: CommandContext) -> str:
    """Poll every feed now; what happened, in words (the terminal)."""
    service = ctx.feeds
    if service is None:
        raise BadQueryError("Feeds are off in this session (NEWSDESK_FEEDS_POLL=false, "
                            "or no index yet).")
    # Wait for a pass that began after this wake: one already running may have read the
    # feed before the caller's change, and its report would say nothing was added.
    wanted = service.started + 1
    service.wake()
    deadline = time.monotonic() + CHECK_TIMEOUT
    while service.polls < wanted and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if service.last_report is not None and service.polls >= wanted:
        return report_text(service.last_report)
    return "The poll did not finish in time; /feeds list shows each feed's state."


async def add(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    url = args["url"].strip()
    settings = ctx.settings
    interval = parse_every(args["every"], settings.feeds_every)
    try:
        await check_url(url, settings.feed_config())
    except BlockedURL as err:
        raise BadQueryError(f"That feed cannot be added: {err}.") from None
    store, owner = _store(ctx), ctx.owner
    if not ctx.operator and len(await ctx.core.run_blocking(store.feeds, owner)) \
            >= MAX_FEEDS_PER_SERVER:
        raise BadQueryError(f"This server already follows {MAX_FEEDS_PER_SERVER} feeds.")
    feed, created = await ctx.core.run_blocking(
        lambda: store.add(url, owner=owner, source=args["source"] or None, every=interval))
    verb = "Added" if created else "Updated"
    if ctx.operator:
        report = await _check(ctx)
        return Text(f"{verb} feed #{feed.id}.\n{_block(feed.url)}\n{_block(report)}",
                    f"{verb} feed #{feed.id} {feed.url}; polled it now.\n{report}")
    if ctx.feeds is not None:
        ctx.feeds.wake()
    return Text(f"{verb} feed #{feed.id}; its articles will be answerable in this server after "
                f"the next poll.\n{_block(feed.url)}")


async def list_feeds(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    store = _store(ctx)
    mine = await ctx.core.run_blocking(store.feeds, _owner(ctx))
    health = "\n".join(feed_health(f) for f in mine)
    if ctx.operator:
        return Text(_block(health), health) if mine else Text("No feeds yet: /feeds add <url>")
    shared = len(await ctx.core.run_blocking(store.feeds, OPERATOR))
    text = _block(health) if mine else "This server follows no feeds. Add one with /feeds add."
    return Text(text + f"\n{shared} shared feed(s) run by the operator.")


async def remove(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    number: int = args["feed"]
    if not await ctx.core.run_blocking(_store(ctx).remove, number, _owner(ctx)):
        raise BadQueryError(f"There is no feed #{number} here.", hint="See /feeds list.")
    return Text(f"Removed feed #{number} (its articles stay).")


async def check(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    report = await _check(ctx)
    return Text(_block(report), report)


def _feeds(name: str, description: str, run: Any, *options: Option, **kwargs: Any) -> Command:
    return Command(name=name, description=description, run=run, options=options, group="feeds",
                   admin=True, ephemeral=True, **kwargs)


COMMANDS = (
    _feeds("add", "Follow an RSS, Atom or JSON feed (Manage Server).", add,
           Option("url", "the feed's http(s) URL", required=True, min=1, max=500),
           Option("source", "source name shown in citations", min=1, max=80),
           Option("every", "poll interval, e.g. 15m or 1h", min=1, max=20),
           help="Follow a news feed here (Manage Server only); /feeds list, /feeds remove.",
           example="/feeds add url: https://…"),
    _feeds("list", "This server's feeds and their health.", list_feeds, example="/feeds list"),
    _feeds("remove", "Stop following a feed (its articles stay).", remove,
           Option("feed", "the feed number shown by /feeds list", type="integer", required=True),
           free="feed", example="/feeds remove feed: 1"),
    _feeds("check", "Poll every feed now and say what happened (terminal).", check,
           slash=False, example="/feeds check"),
)
