"""/stats and /help."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.app import Newsdesk, begin
from bot.cogs import send_reply
from bot.errors import NONE
from bot.feed_report import health_summary


class Info(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @app_commands.command(name="stats", description="What the archive holds.")
    async def stats(self, interaction: discord.Interaction) -> None:
        core = await begin(interaction)
        embed = embeds.stats_embed(await core.stats())
        service = self.bot.feed_service
        if service is not None:  # feed health: the shared feeds and this server's own
            owners = {"operator", str(interaction.guild_id)}
            feeds = [f for f in await core.run_blocking(service.feeds.feeds) if f.owner in owners]
            embed.add_field(name="Feeds", value=embeds.escape(health_summary(feeds)), inline=False)
        await send_reply(interaction, embed)

    @app_commands.command(name="help", description="How to use the bot, with examples.")
    async def help(self, interaction: discord.Interaction) -> None:
        name = self.bot.user.name if self.bot.user else "Newsdesk"
        await interaction.response.send_message(
            embed=embeds.help_embed(name), ephemeral=True, allowed_mentions=NONE
        )


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Info(bot))
