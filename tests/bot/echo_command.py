"""A command that exists only in the tests: registering it must be all it takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot.commands.spec import Card, Command, CommandContext, Option, Reply


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    text = " ".join([args["words"]] * (args.get("times") or 1))
    if args.get("style") == "loud":
        text = text.upper()
    where = "a server" if ctx.guild_id else "no server"
    return Card.of(discord.Embed(title="Echo", description=f"{text} (from {where})"))


COMMAND = Command(
    name="echo",
    description="Say it again.",
    example="/echo words: hello times: 2",
    run=run,
    options=(
        Option("words", "what to repeat", required=True, max=100),
        Option("times", "how often (1-3)", type="integer", min=1, max=3),
        Option("style", "how to say it", choices=("plain", "loud")),
    ),
)
