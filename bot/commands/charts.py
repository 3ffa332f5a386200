"""/trend, /timeline and /compare: a chart as one PNG shown in the embed (Discord), or
written to a file with the chart in words (terminal: ``png: FILE``, else the system's
temporary folder). Computing and drawing happen in ``bot/chart_reply.py``."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot import chart_reply
from bot.chart_text import alt_text, chart_text
from bot.commands.spec import Card, Command, CommandContext, Option, Reply, ReplyFile
from bot.settings import MAX_QUERY_CHARS

PERIODS = ("day", "week", "month", "year")
_NAME_SEPARATOR = re.compile(r"\s*(?:,|;|\bvs\.?(?=\s))\s*", re.I)
_SLUG = re.compile(r"[^a-z0-9]+")
DATE_OPTIONS = (
    Option("from", "earliest date, e.g. 2022-03-01 (or 2022-03, or 2022)", max=10),
    Option("to", "latest date, e.g. 2022-03-31", max=10),
    Option("by", "one bar per day, week, month or year (default: 6-60 bars)", choices=PERIODS),
    Option("png", "write the chart to this file (terminal only)", slash=False),
)


def split_names(text: str) -> list[str]:
    """``"Wang Wenbin, Wang Yi"`` or ``"ferry vs strike"`` -> the names."""
    return [n for n in _NAME_SEPARATOR.split(text.strip()) if n]


def default_png_path(rendered: chart_reply.RenderedChart) -> Path:
    slug = _SLUG.sub("-", "-".join(rendered.chart.subjects).casefold()).strip("-")[:60]
    return Path(tempfile.gettempdir()) / "newsdesk-charts" / f"{rendered.chart.kind}-{slug}.png"


def chart_card(rendered: chart_reply.RenderedChart, png: str | None) -> Card:
    """The chart's embed with its PNG attached; ``png``: where the terminal writes it."""
    path = Path(png).expanduser() if png else default_png_path(rendered)
    file = ReplyFile(rendered.filename, rendered.png, description=alt_text(rendered.chart),
                     kind="Chart", path=path)
    return Card.of(chart_reply.chart_embed(rendered), files=(file,),
                   text=chart_text(rendered.chart))


async def speaker_names(ctx: CommandContext, current: str) -> list[str]:
    return await ctx.core.speakers(current, 25, scope=ctx.scope)


async def trend(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    rendered = await chart_reply.trend(ctx.core, args["query"], args["from"], args["to"],
                                       args["by"], scope=ctx.scope)
    return chart_card(rendered, args.get("png"))


async def timeline(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    rendered = await chart_reply.timeline(ctx.core, args["speaker"], args["from"], args["to"],
                                          args["by"], scope=ctx.scope)
    return chart_card(rendered, args.get("png"))


async def compare(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    names = [args["first"], args["second"], args["third"], args["fourth"]]
    if not args["second"] and args["first"]:  # the terminal: "/compare Wang Wenbin, Wang Yi"
        names = [*split_names(args["first"]), *names[1:]]
    rendered = await chart_reply.compare(ctx.core, names, args["of"], args["from"], args["to"],
                                         args["by"], scope=ctx.scope)
    return chart_card(rendered, args.get("png"))


def _name(label: str, required: bool = False) -> Option:
    return Option(label, "a person or a topic" if required else "optional", required=required,
                  min=1, max=100, autocomplete=speaker_names)


COMMANDS = (
    Command(
        name="trend", description="How much a topic was covered over time, as a chart.",
        help="A chart of how many articles match a topic per period, by source.",
        example="/trend query: ferry strike by: week", run=trend,
        options=(Option("query", "the topic, e.g. ferry strike", required=True, min=1,
                        max=MAX_QUERY_CHARS), *DATE_OPTIONS),
    ),
    Command(
        name="timeline", description="How often a person was quoted over time, as a chart.",
        help="A chart of a person's quoted statements per period.",
        example="/timeline speaker: Wang Wenbin", run=timeline,
        options=(Option("speaker", "who (suggestions come from the archive)", required=True,
                        min=1, max=100, autocomplete=speaker_names), *DATE_OPTIONS),
    ),
    Command(
        name="compare", description="Two to four people or topics on one chart.",
        help="Two to four people or topics on one chart (terminal: names separated by commas).",
        example="/compare first: Wang Wenbin second: Wang Yi", run=compare,
        options=(_name("first", True), _name("second", True), _name("third"), _name("fourth"),
                 Option("of", "people (their statements), topics (matching articles), or auto",
                        choices=("auto", "topics", "speakers")),
                 *DATE_OPTIONS),
    ),
)
