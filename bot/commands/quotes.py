"""/quotes: what a person said, verbatim; a name several people share offers a pick."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import embeds
from bot.commands.spec import Card, Command, CommandContext, Option, Reply
from bot.core import make_filters
from retrieval.models import Filters


async def quotes_card(
    ctx: CommandContext, speaker: str, about: str | None, filters: Filters | None
) -> Card:
    """One speaker's quotes, paged; or, for a shared name, everyone's with a pick."""
    lookup = await ctx.core.quotes(speaker, about, filters, scope=ctx.scope)
    if lookup.ambiguous:

        async def choose(ctx: CommandContext, name: str) -> Reply:
            return await quotes_card(ctx, name, about, filters)

        return Card.of(
            embeds.quotes_embed(lookup, about),
            choices=tuple(lookup.candidates[:25]),
            choose=choose,
            placeholder="Which speaker?",
        )
    per = embeds.QUOTES_PER_EMBED
    return Card(
        lambda page: embeds.quotes_embed(lookup, about, offset=page * per),
        max(1, -(-len(lookup.quotes) // per)),
    )


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    filters = make_filters(args.get("from"), args.get("to"))
    return await quotes_card(ctx, args["speaker"], args.get("about"), filters)


async def speaker_names(ctx: CommandContext, current: str) -> list[str]:
    return await ctx.core.speakers(current, 25, scope=ctx.scope)


COMMAND = Command(
    name="quotes",
    description="What a person said, verbatim, with sources.",
    help="What a person said, verbatim. A name several people share shows each one's quotes "
    "under their own name, with a menu to pick one.",
    example="/quotes speaker: Wang Yi about: Russia",
    run=run,
    options=(
        Option("speaker", "who (suggestions come from the archive)", required=True, min=1,
               max=100, autocomplete=speaker_names),
        Option("about", "only quotes about this topic", min=1, max=200),
        Option("from", "earliest date, e.g. 2022-03-01", max=10),
        Option("to", "latest date, e.g. 2022-03-31", max=10),
    ),
)
