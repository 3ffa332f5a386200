"""One cog per command group. Cogs are thin: read the interaction, call the core,
build the reply with :mod:`bot.embeds` / :mod:`bot.views`."""

from __future__ import annotations

import discord

from bot.errors import NONE
from bot.views import BaseView


async def send_reply(
    interaction: discord.Interaction,
    embed: discord.Embed,
    view: BaseView | None = None,
    *,
    ephemeral: bool = False,
) -> None:
    """The follow-up to a deferred interaction; never pings anyone."""
    if view is None:
        await interaction.followup.send(
            embed=embed, ephemeral=ephemeral, allowed_mentions=NONE, wait=True
        )
        return
    message = await interaction.followup.send(
        embed=embed, view=view, ephemeral=ephemeral, allowed_mentions=NONE, wait=True
    )
    view.message = message
