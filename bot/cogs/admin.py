"""What Discord needs beyond the registry's /ingest (bot/commands/ingest.py): chunked
ingestion with servers taking turns (:class:`bot.uploads.FairIngest`), progress edits of
the deferred reply, and (in bot/cogs/slash.py) a channel post when a reply outlives the
15-minute interaction token. Temporary upload folders left by a killed run are removed
when the cog loads. The slash command itself is built from the registry like every other.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from pathlib import Path

import discord
from discord.ext import commands

from bot import embeds
from bot.app import Newsdesk
from bot.commands.ingest import UPLOAD_DIR
from bot.errors import NONE
from bot.uploads import FairIngest, JobProgress, clean_leftovers, split_upload
from index.backend import owner_for_guild
from index.models import IngestSummary

log = logging.getLogger(__name__)

# Discord accepts follow-ups for 15 minutes after an interaction; keep a margin.
REPLY_WINDOW_S = 14 * 60.0
PROGRESS_EVERY_S = 5.0


class Admin(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot
        # Each chunk belongs to the server that uploaded it: shown there (and in no other).
        # ... and the chunks queued back to back share one writer session.
        self.uploads = FairIngest(self._ingest_chunk, lambda: self.bot.core.ingest_session())
        self.reply_window_s = REPLY_WINDOW_S
        self.progress_every_s = PROGRESS_EVERY_S

    async def _ingest_chunk(self, paths: list[Path], guild_id: Hashable) -> IngestSummary:
        # /ingest is guild-only: the key is the server id, never None.
        return await self.bot.core.ingest(paths, owner=owner_for_guild(str(guild_id)))

    async def cog_load(self) -> None:
        removed = clean_leftovers(self.bot.settings.index_dir / UPLOAD_DIR)
        if removed:
            log.info("Removed %d leftover upload folder(s) of an interrupted run", removed)

    def ingest_for(self, interaction: discord.Interaction,
                   started: float) -> Callable[[Path, str], Awaitable[IngestSummary]]:
        """How /ingest adds a file for this interaction: in chunks, taking turns with
        other servers, editing the deferred reply with its progress."""

        async def ingest(path: Path, name: str) -> IngestSummary:
            progress = _Progress(interaction, started, self.reply_window_s,
                                 self.progress_every_s)
            return await self.uploads.submit(interaction.guild_id, name,
                                             split_upload(path, name), progress)

        return ingest

    def expired(self, started: float) -> bool:
        """Whether the interaction token begun at ``started`` can no longer be used."""
        return time.monotonic() - started >= self.reply_window_s


class _Progress:
    """Edits the deferred reply with the job's progress, at most every few seconds and only
    while the interaction token is valid."""

    def __init__(
        self, interaction: discord.Interaction, started: float, window: float, every: float
    ) -> None:
        self.interaction = interaction
        self.started = started
        self.window = window
        self.every = every
        self.last = float("-inf")

    async def __call__(self, p: JobProgress) -> None:
        now = time.monotonic()
        if now - self.started >= self.window or now - self.last < self.every:
            return
        self.last = now
        if p.done == 0:
            text = f"{embeds.escape(p.name)}: queued behind {p.ahead} upload(s)."
        else:
            s = p.summary
            text = (
                f"{embeds.escape(p.name)}: part {p.done} of {p.total} done "
                f"({s.added} added, {s.updated} updated, {len(s.skipped)} skipped so far)..."
            )
        await self.interaction.edit_original_response(content=text, allowed_mentions=NONE)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Admin(bot))
