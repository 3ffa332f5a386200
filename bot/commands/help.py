"""/help: every command of the registry, with an example (only the asker sees it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import embeds
from bot.commands.spec import Card, Command, CommandContext, Reply

# Slash commands that cogs still define outside the registry (bot/cogs/feeds.py, follows.py,
# charts.py).
COG_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("/follow", "Alerts here (or in your DMs) when a person is quoted or a topic moves; "
     "/following, /unfollow.", "/follow speaker: Wang Wenbin"),
    ("/feeds", "This server's news feeds (Manage Server only).", "/feeds add url: https://…"),
    ("/trend", "A chart of how many articles match a topic per period, by source.",
     "/trend query: ferry strike by: week"),
    ("/timeline", "A chart of a person's quoted statements per period.",
     "/timeline speaker: Wang Wenbin"),
    ("/compare", "Two to four people or topics on one chart.",
     "/compare first: Wang Wenbin second: Wang Yi"),
)


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    from bot.commands import registry

    lines = tuple(
        (f"/{c.name}", c.help or c.description, c.example or f"/{c.name}") for c in registry()
    ) + COG_COMMANDS
    return Card.of(embeds.help_embed(ctx.bot_name, lines))


COMMAND = Command(
    name="help",
    description="How to use the bot, with examples.",
    help="This message.",
    example="/help",
    run=run,
    ephemeral=True,
    defer=False,
    cooldown=False,
)
