"""/article: an article's metadata and text, page by page."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.app import Newsdesk, begin
from bot.cogs import send_reply
from bot.views import Pager


class Articles(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @app_commands.command(name="article", description="Read an article from the archive.")
    @app_commands.describe(id="the article id (shown under each source)")
    async def article(
        self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 200]
    ) -> None:
        core = await begin(interaction)
        article = await core.article(id)
        pages = len(embeds.article_pages(article))
        if pages <= 1:
            await send_reply(interaction, embeds.article_embed(article))
            return
        pager = Pager(
            lambda page: embeds.article_embed(article, page),
            pages,
            owner_id=interaction.user.id,
            timeout=core.settings.view_timeout,
        )
        await send_reply(interaction, pager.first_embed(), pager)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Articles(bot))
