"""The terminal session's live commands: /feeds, /follow, /following, /unfollow, and the
background feed service whose alerts (for follows made here) print into the session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.feed_report import feed_health, parse_every, report_text
from bot.follows import TERMINAL, Follow
from bot.terminal_text import strip_controls
from index.errors import BadQueryError
from index.feeds.guard import BlockedURL, check_url
from index.feeds.models import OPERATOR

if TYPE_CHECKING:
    from bot.feeds import FeedService
    from bot.terminal import TerminalSession

Handler = Callable[[str, dict[str, str]], Awaitable[None]]
CHECK_TIMEOUT = 600.0


def describe(f: Follow) -> str:
    return f"#{f.id}: {'quotes by' if f.kind == 'speaker' else 'news on'} {f.value}"


class LiveCommands:
    def __init__(self, session: TerminalSession) -> None:
        self.session = session
        self.service: FeedService | None = None

    def commands(self) -> dict[str, Handler]:
        return {"feeds": self.feeds, "follow": self.follow, "following": self.following,
                "unfollow": self.unfollow}

    async def start(self) -> None:
        settings = self.session.core.settings
        if not (settings.feeds_poll and settings.index_dir.is_dir()):
            return
        from bot.feeds import FeedService

        async def show(target: str, content: str) -> None:
            self._say(f"\n[alert] {content}\n")

        self.service = FeedService(self.session.core, show)
        self.service.start()

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.stop()

    def _say(self, text: str) -> None:
        """Feed text (titles, URLs, errors) printed without terminal escape sequences."""
        self.session.write(strip_controls(text))

    def _service(self) -> FeedService:
        if self.service is None:
            raise BadQueryError("Feeds are off in this session (NEWSDESK_FEEDS_POLL=false, "
                                "or no index yet).")
        return self.service

    async def feeds(self, free: str, options: dict[str, str]) -> None:
        service = self._service()
        action, _, rest = free.strip().partition(" ")
        action = action.lower() or "list"
        run = self.session.core.run_blocking
        if action == "list":
            feeds = await run(service.feeds.feeds)
            self._say("\n".join(feed_health(f) for f in feeds) + "\n" if feeds else
                               "No feeds yet: /feeds add <url>\n")
        elif action == "add":
            url = rest.strip()
            if not url:
                raise BadQueryError("Give the feed's URL: /feeds add https://example.org/rss.xml")
            settings = self.session.core.settings
            every = parse_every(options.get("every"), settings.feeds_every)
            try:
                await check_url(url, settings.feed_config())
            except BlockedURL as err:
                raise BadQueryError(f"That feed cannot be added: {err}.") from None
            feed, _ = await run(lambda: service.feeds.add(
                url, owner=OPERATOR, source=options.get("source") or None, every=every))
            self._say(f"Added feed #{feed.id} {feed.url}; polling it now.\n")
            await self._check(service)
        elif action == "remove":
            number = rest.strip().lstrip("#")
            if not number.isdigit() or not await run(service.feeds.remove, int(number)):
                raise BadQueryError(f"No feed {rest.strip()!r}.", hint="/feeds list shows them.")
            self._say(f"Removed feed #{number} (its articles stay).\n")
        elif action == "check":
            await self._check(service)
        else:
            raise BadQueryError(f"Unknown /feeds {action}.", hint="list, add, remove or check")

    async def _check(self, service: FeedService) -> None:
        """Poll every feed now and print what happened."""
        # Wait for a pass that began after this wake: one already running may have read the
        # feed before the caller's change, and its report would say nothing was added.
        wanted = service.started + 1
        service.wake()
        deadline = time.monotonic() + CHECK_TIMEOUT
        while service.polls < wanted and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if service.last_report is not None and service.polls >= wanted:
            self._say(report_text(service.last_report) + "\n")

    async def follow(self, free: str, options: dict[str, str]) -> None:
        service = self._service()
        speaker, topic = options.get("speaker"), options.get("topic")
        if not speaker and not topic and free.strip():
            speaker = free.strip()
        if bool(speaker) == bool(topic):
            raise BadQueryError("Type /follow speaker: <name> or /follow topic: <words>.")
        if speaker:
            lookup = await self.session.core.quotes(speaker)
            if lookup.ambiguous:
                raise BadQueryError(f"{speaker!r} names several people: "
                                    f"{', '.join(lookup.candidates[:8])}.",
                                    hint="Follow one of them by full name.")
            kind, value = "speaker", lookup.speaker or speaker.strip()
        else:
            kind, value = "topic", (topic or "").strip()
        made, created = await self.session.core.run_blocking(lambda: service.follows.add(
            guild=None, channel=TERMINAL, user=TERMINAL, personal=False, kind=kind, value=value))
        self._say(f"{'Following' if created else 'Already following'}: "
                           f"{describe(made)} (alerts print here)\n")

    async def following(self, free: str, options: dict[str, str]) -> None:
        service = self._service()
        follows = await self.session.core.run_blocking(service.follows.follows, None)
        self._say("\n".join(describe(f) for f in follows) + "\n" if follows else
                           "No follows yet: /follow speaker: <name>\n")

    async def unfollow(self, free: str, options: dict[str, str]) -> None:
        service = self._service()
        number = (options.get("id") or free).strip().lstrip("#")
        gone = await self.session.core.run_blocking(
            service.follows.remove, int(number) if number.isdigit() else -1, None)
        if gone is None:
            raise BadQueryError(f"No follow {number!r}.", hint="/following shows them.")
        self._say(f"Stopped: {describe(gone)}\n")
