"""/stats: what the archive holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import embeds
from bot.commands.spec import Card, Command, CommandContext, Reply
from bot.feed_report import health_summary


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    embed = embeds.stats_embed(await ctx.core.stats(scope=ctx.scope))
    if ctx.feeds is not None:  # feed health: the shared feeds and this server's own
        owners = {"operator", str(ctx.guild_id)}
        feeds = [f for f in await ctx.core.run_blocking(ctx.feeds.feeds.feeds) if f.owner in owners]
        embed.add_field(name="Feeds", value=embeds.escape(health_summary(feeds)), inline=False)
    return Card.of(embed)


COMMAND = Command(
    name="stats",
    description="What the archive holds.",
    help="Articles, passages, quotes and speakers, date range, sources, model.",
    example="/stats",
    run=run,
)
