"""/ask: a cited answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands.spec import AnswerReply, Command, CommandContext, Option, Reply
from bot.settings import MAX_QUERY_CHARS


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    return AnswerReply(await ctx.core.answer(args["question"], scope=ctx.scope))


COMMAND = Command(
    name="ask",
    description="Ask the news archive; the answer cites verbatim excerpts.",
    help="A cited answer: verbatim sentences with [n] markers and their sources.",
    example="/ask question: what did Wang Wenbin say?",
    run=run,
    options=(
        Option("question", 'e.g. "what did Wang Wenbin say?"', required=True, min=1,
               max=MAX_QUERY_CHARS),
    ),
)
