"""/help: every command of the registry, with an example (only the asker sees it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import embeds
from bot.commands.spec import Card, Command, CommandContext, Reply


def help_lines(ctx: CommandContext) -> tuple[tuple[str, str, str], ...]:
    """(how it is typed, what it does, example) for each command offered here (the
    terminal-only ones in the terminal only)."""
    from bot.commands import registry

    return tuple((c.path, c.help or c.description, c.example or c.path)
                 for c in registry() if c.slash or ctx.operator)


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    return Card.of(embeds.help_embed(ctx.bot_name, help_lines(ctx)))


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
