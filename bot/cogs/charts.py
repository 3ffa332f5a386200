"""/trend, /timeline and /compare: a chart as one attached PNG, shown in the embed."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import chart_reply
from bot.app import Newsdesk, begin
from bot.errors import NONE
from bot.scopes import viewer_scope
from bot.settings import MAX_QUERY_CHARS
from index.backend import Scope

By = Literal["day", "week", "month", "year"]
Of = Literal["auto", "topics", "speakers"]
DATES = {"date_from": "earliest date, e.g. 2022-03-01 (or 2022-03, or 2022)",
         "date_to": "latest date, e.g. 2022-03-31",
         "by": "one bar per day, week, month or year (default: 6-60 bars)"}


def _scope(interaction: discord.Interaction) -> Scope:
    """A chart counts the shared archive plus this server's own articles."""
    return viewer_scope(interaction.client.settings,  # type: ignore[attr-defined]
                        interaction.guild_id, interaction.user)


async def _send(interaction: discord.Interaction, rendered: chart_reply.RenderedChart) -> None:
    await interaction.followup.send(
        embed=chart_reply.chart_embed(rendered), file=chart_reply.chart_file(rendered),
        allowed_mentions=NONE, wait=True,
    )


class Charts(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @app_commands.command(name="trend", description="How much a topic was covered over time, as a chart.")
    @app_commands.describe(query="the topic, e.g. ferry strike", **DATES)
    @app_commands.rename(date_from="from", date_to="to")
    async def trend(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        date_from: str | None = None,
        date_to: str | None = None,
        by: By | None = None,
    ) -> None:
        core = await begin(interaction)
        await _send(interaction, await chart_reply.trend(core, query, date_from, date_to, by,
                                                               scope=_scope(interaction)))

    @app_commands.command(name="timeline", description="How often a person was quoted over time, as a chart.")
    @app_commands.describe(speaker="who (suggestions come from the archive)", **DATES)
    @app_commands.rename(date_from="from", date_to="to")
    async def timeline(
        self,
        interaction: discord.Interaction,
        speaker: app_commands.Range[str, 1, 100],
        date_from: str | None = None,
        date_to: str | None = None,
        by: By | None = None,
    ) -> None:
        core = await begin(interaction)
        await _send(interaction, await chart_reply.timeline(
            core, speaker, date_from, date_to, by, scope=_scope(interaction)))

    @app_commands.command(name="compare", description="Two to four people or topics on one chart.")
    @app_commands.describe(
        first="a person or a topic", second="a person or a topic", third="optional",
        fourth="optional", of="people (their statements), topics (matching articles), or auto",
        **DATES,
    )
    @app_commands.rename(date_from="from", date_to="to")
    async def compare(
        self,
        interaction: discord.Interaction,
        first: app_commands.Range[str, 1, 100],
        second: app_commands.Range[str, 1, 100],
        third: app_commands.Range[str, 1, 100] | None = None,
        fourth: app_commands.Range[str, 1, 100] | None = None,
        of: Of | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        by: By | None = None,
    ) -> None:
        core = await begin(interaction)
        names = [first, second, third, fourth]
        await _send(interaction,
                    await chart_reply.compare(core, names, of, date_from, date_to, by,
                                              scope=_scope(interaction)))

    @timeline.autocomplete("speaker")
    @compare.autocomplete("first")
    @compare.autocomplete("second")
    @compare.autocomplete("third")
    @compare.autocomplete("fourth")
    async def speaker_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await self.bot.core.speakers(current, 25, scope=_scope(interaction))
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Charts(bot))
