"""/feeds add|list|remove (Manage Server): a server's own feeds. Their articles belong to
that server; the operator's feeds (CLI) are shared by every server."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Newsdesk, begin
from bot.errors import NONE
from bot.feed_report import feed_health, parse_every
from index.errors import BadQueryError
from index.feeds.guard import BlockedURL, check_url
from index.feeds.models import OPERATOR
from index.feeds.store import FeedStore

MAX_FEEDS_PER_SERVER = 50


def _store(bot: Newsdesk) -> FeedStore:
    service = getattr(bot, "feed_service", None)
    return service.feeds if service is not None else FeedStore.for_index(bot.settings.index_dir)


def _block(text: str) -> str:
    """Feed text (URLs, titles, errors) shown verbatim and inert."""
    return "```\n" + text.replace("```", "ʼʼʼ")[:1800] + "\n```"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Feeds(commands.GroupCog, group_name="feeds", group_description="This server's news feeds"):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Manage Server, checked here too: default permissions can be changed by admins."""
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @app_commands.command(name="add", description="Follow an RSS, Atom or JSON feed (Manage Server).")
    @app_commands.describe(url="the feed's http(s) URL", source="source name shown in citations",
                           every="poll interval, e.g. 15m or 1h")
    async def add(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 500],
                  source: app_commands.Range[str, 1, 80] | None = None,
                  every: app_commands.Range[str, 1, 20] | None = None) -> None:
        await begin(interaction, ephemeral=True)
        assert interaction.guild_id is not None
        owner = str(interaction.guild_id)
        settings = self.bot.settings
        interval = parse_every(every, settings.feeds_every)
        try:
            await check_url(url.strip(), settings.feed_config())
        except BlockedURL as err:
            raise BadQueryError(f"That feed cannot be added: {err}.") from None
        store = _store(self.bot)
        if len(store.feeds(owner)) >= MAX_FEEDS_PER_SERVER:
            raise BadQueryError(f"This server already follows {MAX_FEEDS_PER_SERVER} feeds.")
        feed, created = await asyncio.to_thread(store.add, url.strip(), owner=owner,
                                                source=source, every=interval)
        service = getattr(self.bot, "feed_service", None)
        if service is not None:
            service.wake()
        verb = "Added" if created else "Updated"
        await interaction.followup.send(
            f"{verb} feed #{feed.id}; its articles will be answerable in this server after "
            f"the next poll.\n{_block(feed.url)}", ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="list", description="This server's feeds and their health.")
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        await begin(interaction, ephemeral=True)
        store = _store(self.bot)
        mine = await asyncio.to_thread(store.feeds, str(interaction.guild_id))
        shared = len(await asyncio.to_thread(store.feeds, OPERATOR))
        if not mine:
            text = "This server follows no feeds. Add one with /feeds add."
        else:
            text = _block("\n".join(feed_health(f) for f in mine))
        text += f"\n{shared} shared feed(s) run by the operator."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="remove", description="Stop following a feed (its articles stay).")
    @app_commands.describe(feed="the feed number shown by /feeds list")
    async def remove(self, interaction: discord.Interaction, feed: int) -> None:
        await begin(interaction, ephemeral=True)
        removed = await asyncio.to_thread(_store(self.bot).remove, feed, str(interaction.guild_id))
        if not removed:
            raise BadQueryError(f"This server has no feed #{feed}.", hint="See /feeds list.")
        await interaction.followup.send(f"Removed feed #{feed}.", ephemeral=True,
                                        allowed_mentions=NONE)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Feeds(bot))


