"""/follow, /following, /unfollow: alerts when a followed person is quoted or a followed
topic moves. Channel follows need Manage Channels; ``personal: true`` sends alerts to
the follower's DMs and needs no permission."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Newsdesk, begin
from bot.embeds import escape
from bot.errors import NONE
from bot.follows import Follow, FollowStore, SendFailed
from index.backend import Scope
from index.errors import BadQueryError

log = logging.getLogger(__name__)

MAX_FOLLOWS_PER_SERVER = 100


def describe(f: Follow) -> str:
    where = "your DMs" if f.personal else f"<#{f.channel}>"
    what = "quotes by" if f.kind == "speaker" else "news on"
    return f"#{f.id}: {what} **{escape(f.value)}** → {where}"


async def resolve_speaker(bot: Newsdesk, name: str, guild_id: int | None) -> str:
    """The person /quotes would show for ``name`` in this server; an ambiguous name is refused."""
    lookup = await bot.core.quotes(name, scope=Scope.for_guild(guild_id))
    if lookup.ambiguous:
        names = ", ".join(lookup.candidates[:8])
        raise BadQueryError(f"{name!r} names several people: {names}.",
                            hint="Follow one of them by full name.")
    return lookup.speaker or name.strip()


async def discord_send(bot: Newsdesk, target: str, content: str) -> None:
    """Deliver one alert; SendFailed says whether retrying can help."""
    kind, _, ident = target.partition(":")
    try:
        if kind == "channel":
            channel = bot.get_channel(int(ident)) or await bot.fetch_channel(int(ident))
            if not isinstance(channel, discord.abc.Messageable):
                raise SendFailed(f"{target} is not a text channel", permanent=True)
            await channel.send(content, allowed_mentions=NONE)
        elif kind == "user":
            user = bot.get_user(int(ident)) or await bot.fetch_user(int(ident))
            await user.send(content, allowed_mentions=NONE)
        else:
            raise SendFailed(f"unknown alert target {target}", permanent=True)
    except (discord.Forbidden, discord.NotFound) as err:
        raise SendFailed(str(err), permanent=True) from None
    except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as err:
        raise SendFailed(f"{type(err).__name__}: {err}") from None


class Follows(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @property
    def store(self) -> FollowStore:
        service = getattr(self.bot, "feed_service", None)
        if service is None:
            raise BadQueryError("Alerts are off on this bot (NEWSDESK_FEEDS_POLL=false).")
        store: FollowStore = service.follows
        return store

    @app_commands.command(name="follow", description="Get alerts when a person is quoted or a topic moves.")
    @app_commands.describe(speaker="a person (suggestions come from the archive)",
                           topic="a topic in a few words", personal="send alerts to your DMs")
    @app_commands.guild_only()
    async def follow(self, interaction: discord.Interaction,
                     speaker: app_commands.Range[str, 1, 100] | None = None,
                     topic: app_commands.Range[str, 1, 100] | None = None,
                     personal: bool = False) -> None:
        if bool(speaker) == bool(topic):
            raise BadQueryError("Give either speaker: or topic:.")
        perms = interaction.permissions
        if not personal and not perms.manage_channels:
            raise app_commands.MissingPermissions(["manage_channels"])
        await begin(interaction, ephemeral=True)
        store = self.store
        guild = str(interaction.guild_id)
        if len(await asyncio.to_thread(store.follows, guild)) >= MAX_FOLLOWS_PER_SERVER:
            raise BadQueryError(f"This server already has {MAX_FOLLOWS_PER_SERVER} follows.")
        kind, value = ("speaker", await resolve_speaker(self.bot, speaker, interaction.guild_id)) if speaker else \
            ("topic", (topic or "").strip())
        made, created = await asyncio.to_thread(
            store.add, guild=guild, channel=str(interaction.channel_id),
            user=str(interaction.user.id), personal=personal, kind=kind, value=value)
        note = "Following" if created else "Already following"
        await interaction.followup.send(f"{note}: {describe(made)}", ephemeral=True,
                                        allowed_mentions=NONE)

    @follow.autocomplete("speaker")
    async def speaker_names(self, interaction: discord.Interaction,
                            current: str) -> list[app_commands.Choice[str]]:
        names = await self.bot.core.speakers(current, 25,
                                             scope=Scope.for_guild(interaction.guild_id))
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]

    @app_commands.command(name="following", description="This server's follows.")
    @app_commands.guild_only()
    async def following(self, interaction: discord.Interaction) -> None:
        await begin(interaction, ephemeral=True)
        follows = await asyncio.to_thread(self.store.follows, str(interaction.guild_id))
        mine = [f for f in follows if not f.personal or f.user == str(interaction.user.id)]
        text = "\n".join(describe(f) for f in mine) or "No follows yet: try /follow speaker:"
        await interaction.followup.send(text[:1900], ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="unfollow", description="Stop a follow (number from /following).")
    @app_commands.guild_only()
    async def unfollow(self, interaction: discord.Interaction, follow: int) -> None:
        await begin(interaction, ephemeral=True)
        store = self.store
        guild = str(interaction.guild_id)
        found = next((f for f in await asyncio.to_thread(store.follows, guild)
                      if f.id == follow), None)
        allowed = found is not None and (
            (found.personal and found.user == str(interaction.user.id))
            or (not found.personal and interaction.permissions.manage_channels))
        if found is None or not allowed:
            raise BadQueryError(f"You have no follow #{follow} here.", hint="See /following.")
        await asyncio.to_thread(store.remove, follow, guild)
        await interaction.followup.send(f"Stopped: {describe(found)}", ephemeral=True,
                                        allowed_mentions=NONE)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Follows(bot))
