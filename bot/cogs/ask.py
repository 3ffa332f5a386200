"""/ask: a cited answer."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Newsdesk, begin
from bot.cogs import send_reply
from bot.settings import MAX_QUERY_CHARS
from bot.views import answer_reply


class Ask(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @app_commands.command(
        name="ask", description="Ask the news archive; the answer cites verbatim excerpts."
    )
    @app_commands.describe(question='e.g. "what did Wang Wenbin say?"')
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUERY_CHARS],
    ) -> None:
        core = await begin(interaction)
        answer = await core.answer(question)
        embed, view = await answer_reply(core, answer, interaction.user.id)
        await send_reply(interaction, embed, view)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Ask(bot))
