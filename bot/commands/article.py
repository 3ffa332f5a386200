"""/article: an article's metadata and text, page by page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import embeds
from bot.commands.spec import Card, Command, CommandContext, Option, Reply


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    article = await ctx.core.article(args["id"], scope=ctx.scope)
    pages = len(embeds.article_pages(article))
    page = min(max(0, (args.get("page") or 1) - 1), pages - 1)
    return Card(lambda p: embeds.article_embed(article, p), pages, page)


COMMAND = Command(
    name="article",
    description="Read an article from the archive.",
    help="An article's metadata and text, page by page (ids are shown under every source).",
    example="/article id: lavrov_china_2022-03-31",
    run=run,
    options=(
        Option("id", "the article id (shown under each source)", required=True, min=1, max=200),
        Option("page", "start at this page (default 1)", type="integer", min=1, max=1000),
    ),
)
