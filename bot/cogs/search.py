"""/search: ranked articles, paginated."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.app import Newsdesk, begin
from bot.cogs import send_reply
from bot.core import make_filters
from bot.settings import MAX_QUERY_CHARS
from bot.views import Pager


class Search(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @app_commands.command(
        name="search", description="Find articles; results show their best excerpts."
    )
    @app_commands.describe(
        query="words to look for",
        date_from="earliest date, e.g. 2022-03-01 (or 2022-03, or 2022)",
        date_to="latest date, e.g. 2022-03-31",
        source="only this source, e.g. CNN",
        k="how many articles (1-10, default 5)",
    )
    @app_commands.rename(date_from="from", date_to="to")
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        k: app_commands.Range[int, 1, 10] = 5,
    ) -> None:
        core = await begin(interaction)
        filters = make_filters(date_from, date_to, source)
        hits = await core.search(query, k=k, filters=filters)
        pages = embeds.search_pages(hits)
        if pages <= 1:
            await send_reply(interaction, embeds.search_embed(query, hits))
            return
        pager = Pager(
            lambda page: embeds.search_embed(query, hits, page),
            pages,
            owner_id=interaction.user.id,
            timeout=core.settings.view_timeout,
        )
        await send_reply(interaction, pager.first_embed(), pager)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Search(bot))
