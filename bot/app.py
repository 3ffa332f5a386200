"""The Discord client: a ``commands.Bot`` (a ``discord.Client`` with a ``CommandTree``)
holding the :class:`~bot.core.Core`, one cog per command group, and the error handler.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.core import Core
from bot.errors import NONE, on_tree_error
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.feeds import FeedService

log = logging.getLogger(__name__)

# Slash commands come from the command registry (bot/commands/); the admin cog adds what
# Discord's /ingest needs beyond it; mentions have their cog.
COGS: tuple[str, ...] = (
    "bot.cogs.slash",
    "bot.cogs.admin",
    "bot.cogs.mentions",
)

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at ``DISCORD_API_BASE_URL`` / ``DISCORD_GATEWAY_URL`` (a self-hosted
    Discord-compatible server or a test double), or back at Discord itself."""
    base = settings.api_base_url or DISCORD_API_BASE
    if "/api/v" not in base:
        base = base.rstrip("/") + "/api/v10"
    # discord.webhook.async_ imports the same Route class, so this covers webhooks too.
    discord.http.Route.BASE = base
    gateway = settings.gateway_url or DISCORD_GATEWAY
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def make_intents(settings: Settings) -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    # Privileged: needed to read follow-ups in threads (mentions and DMs carry content anyway).
    intents.message_content = settings.message_content
    # Privileged: DMs see the user's servers' articles only when the bot knows its members.
    intents.members = settings.dm_server_articles
    return intents


class NewsdeskTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await on_tree_error(interaction, error)


# The bot has no voice features: no warning about voice libraries at every start.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class Newsdesk(commands.Bot):
    """The bot. ``core`` does the work; cogs only read interactions and build replies."""

    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        cogs: Sequence[str] = COGS,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=make_intents(settings),
            allowed_mentions=NONE,
            tree_cls=NewsdeskTree,
            max_messages=200,
            member_cache_flags=discord.MemberCacheFlags.from_intents(make_intents(settings))
            if settings.dm_server_articles else discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=settings.dm_server_articles,  # who shares which server
            guild_ready_timeout=guild_ready_timeout,
        )
        self.settings = settings
        self.core = core
        self.cog_modules = tuple(cogs)
        self.synced: list[app_commands.AppCommand] = []
        self.feed_service: FeedService | None = None

    async def setup_hook(self) -> None:
        from bot.views import AnswerButton

        self.add_dynamic_items(AnswerButton)  # answer buttons work on messages sent before a restart
        for name in self.cog_modules:
            await self.load_extension(name)
        await self.sync_commands()
        # Feeds and alerts in the background (bot/feeds.py), beside an existing index.
        if self.settings.feeds_poll and self.settings.index_dir.is_dir():
            from bot.discord_alerts import discord_send
            from bot.feeds import FeedService

            self.feed_service = FeedService(self.core, functools.partial(discord_send, self))
            self.feed_service.start()

    async def sync_commands(self) -> list[app_commands.AppCommand]:
        """Guild-scoped (instant) when NEWSDESK_GUILD_ID is set, else global."""
        if self.settings.guild_id:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            self.synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to guild %s", len(self.synced), self.settings.guild_id)
        else:
            self.synced = await self.tree.sync()
            log.info(
                "Synced %d global commands (they may take a while to appear)", len(self.synced)
            )
        return self.synced

    async def on_ready(self) -> None:
        log.info(
            "Ready as %s (%s) in %d guild(s)",
            self.user,
            getattr(self.user, "id", "?"),
            len(self.guilds),
        )

    async def on_message(self, message: discord.Message) -> None:
        """Mentions are handled by the mentions cog; there are no prefix commands."""

    async def close(self) -> None:
        try:
            if self.feed_service is not None:
                await self.feed_service.stop()
            await super().close()
        finally:
            self.core.close()


async def run_bot(settings: Settings, core: Core) -> None:
    """Connect and serve until closed. Raises discord.LoginFailure on a bad token."""
    token = settings.token()
    if not token:
        raise ValueError("DISCORD_TOKEN is not set")
    configure_endpoints(settings)
    bot = Newsdesk(settings, core)
    async with bot:
        await bot.start(token)
