"""The terminal session's background feed service: feeds are polled while the session
runs, and alerts for follows made here print into it. The commands (/feeds, /follow,
/following, /unfollow) are the registry's (bot/commands/), as on Discord."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core import Core
from bot.terminal_text import strip_controls

if TYPE_CHECKING:
    from bot.feeds import FeedService


class LiveFeeds:
    def __init__(self, core: Core, write: Callable[[str], None]) -> None:
        self.core = core
        self.write = write
        self.service: FeedService | None = None

    async def start(self) -> None:
        settings = self.core.settings
        if not (settings.feeds_poll and settings.index_dir.is_dir()):
            return
        from bot.feeds import FeedService

        async def show(target: str, content: str) -> None:
            # Feed text (titles, URLs) printed without terminal escape sequences.
            self.write(strip_controls(f"\n[alert] {content}\n"))

        self.service = FeedService(self.core, show)
        self.service.start()

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.stop()
