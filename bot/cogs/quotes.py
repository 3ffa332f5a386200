"""/quotes: who said what, with speaker autocomplete and a menu for ambiguous names."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Newsdesk, begin
from bot.cogs import send_reply
from bot.core import make_filters
from bot.views import quotes_reply


class Quotes(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @app_commands.command(name="quotes", description="What a person said, verbatim, with sources.")
    @app_commands.describe(
        speaker="who (suggestions come from the archive)",
        about="only quotes about this topic",
        date_from="earliest date, e.g. 2022-03-01",
        date_to="latest date, e.g. 2022-03-31",
    )
    @app_commands.rename(date_from="from", date_to="to")
    async def quotes(
        self,
        interaction: discord.Interaction,
        speaker: app_commands.Range[str, 1, 100],
        about: app_commands.Range[str, 1, 200] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> None:
        core = await begin(interaction)
        filters = make_filters(date_from, date_to)
        lookup = await core.quotes(speaker, about, filters)
        embed, view = quotes_reply(core, lookup, about, filters, interaction.user.id)
        await send_reply(interaction, embed, view)

    @quotes.autocomplete("speaker")
    async def speaker_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await self.bot.core.speakers(current, 25)
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Quotes(bot))
