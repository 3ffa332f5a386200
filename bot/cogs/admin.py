"""/ingest (Manage Server only): add a .txt or .jsonl attachment to the index.

The one slash command not built from the registry: its spec (bot/commands/ingest.py,
``slash=False``) serves the terminal and /help, while on Discord this cog adds what only
Discord needs: progress edits of the deferred reply and a channel post when the job
outlives the 15-minute interaction token.

Uploads go through :class:`bot.uploads.FairIngest` (chunks, servers taking turns). A
long job reports its progress in the deferred reply; when it ends after the
interaction token has expired (Discord keeps it 15 minutes), the result is posted in
the channel instead. Temporary upload folders left by a killed run are removed when
the cog loads.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Hashable
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds, views
from bot.app import Newsdesk, begin
from bot.commands.ingest import UPLOAD_DIR, safe_upload_name, upload_path
from bot.commands.spec import Card
from bot.errors import NONE
from bot.uploads import FairIngest, JobProgress, clean_leftovers, split_upload
from index.backend import owner_for_guild
from index.errors import BadQueryError
from index.models import IngestSummary

log = logging.getLogger(__name__)

# Discord accepts follow-ups for 15 minutes after an interaction; keep a margin.
REPLY_WINDOW_S = 14 * 60.0
PROGRESS_EVERY_S = 5.0


async def send_reply(interaction: discord.Interaction, embed: discord.Embed, *,
                     ephemeral: bool = False) -> None:
    await views.send_reply(interaction, views.context_of(interaction), Card.of(embed),
                           ephemeral=ephemeral)


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

    @app_commands.command(
        name="ingest", description="Add a .txt or .jsonl file to the archive (Manage Server)."
    )
    @app_commands.describe(file="a seed-format .txt or a .jsonl of articles")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ingest(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        limit = self.bot.settings.ingest_max_bytes
        name = safe_upload_name(file.filename)
        if file.size > limit:
            raise BadQueryError(f"{name} is {file.size:,} bytes; the limit is {limit:,}.")
        started = time.monotonic()
        core = await begin(interaction, ephemeral=True)
        data = await file.read()
        if len(data) > limit:  # the declared size is the client's word; check what arrived
            raise BadQueryError(f"{name} is larger than the {limit:,}-byte limit.")
        index_dir = core.settings.index_dir
        root = index_dir / UPLOAD_DIR
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            path = upload_path(index_dir, Path(tmp), name)
            path.write_bytes(data)
            log.info("User %s ingests %s (%d bytes)", interaction.user.id, name, len(data))
            chunks = split_upload(path, name)
            progress = _Progress(
                interaction, started, self.reply_window_s, self.progress_every_s
            )
            summary = await self.uploads.submit(interaction.guild_id, name, chunks, progress)
        embed = embeds.ingest_embed(summary, name)
        if time.monotonic() - started < self.reply_window_s:
            await send_reply(interaction, embed, ephemeral=True)
            return
        # The interaction token has expired: tell the channel instead.
        channel = interaction.channel
        if isinstance(channel, discord.abc.Messageable):
            embed.set_footer(text=f"/ingest by {interaction.user.display_name}: took over 14 minutes")
            await channel.send(embed=embed, allowed_mentions=NONE)
        else:
            log.warning("Ingest of %s finished after the reply window, no channel to tell", name)


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
