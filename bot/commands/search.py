"""/search: ranked articles with their best excerpts, paged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import embeds
from bot.commands.spec import Card, Command, CommandContext, Option, Reply
from bot.core import make_filters
from bot.settings import MAX_QUERY_CHARS


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    query: str = args["query"]
    filters = make_filters(args.get("from"), args.get("to"), args.get("source"))
    hits = await ctx.core.search(query, k=args.get("k") or 5, filters=filters, scope=ctx.scope)
    return Card(lambda page: embeds.search_embed(query, hits, page), embeds.search_pages(hits))


COMMAND = Command(
    name="search",
    description="Find articles; results show their best excerpts.",
    help="Ranked articles with their best excerpts, 3 per page. Dates: 2022-03-31, 2022-03 or 2022.",
    example="/search query: Lavrov visit to China from: 2022-03 k: 5",
    run=run,
    options=(
        Option("query", "words to look for", required=True, min=1, max=MAX_QUERY_CHARS),
        Option("from", "earliest date, e.g. 2022-03-01 (or 2022-03, or 2022)", max=10),
        Option("to", "latest date, e.g. 2022-03-31", max=10),
        Option("source", "only this source, e.g. CNN", max=100),
        Option("k", "how many articles (1-10, default 5)", type="integer", min=1, max=10),
    ),
)
