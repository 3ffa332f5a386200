"""Charts for the front ends: computed and drawn in the core's thread pool, then an embed
that shows the PNG through ``attachment://`` (Discord), or a file and text (terminal).

Compute and render run as one pool job: matplotlib takes tens of milliseconds, which
must not block the event loop (and with it the gateway heartbeat).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import discord

from bot import embeds
from bot.chart_text import alt_text
from bot.charts import render_png
from bot.core import Core, clean_text, make_filters
from index.backend import OPERATOR_SCOPE, Scope
from index.errors import BadQueryError
from retrieval.models import Filters
from retrieval.periods import Period, parse_period
from retrieval.trend_models import ChartData, CompareKind

CHART_COLOUR = discord.Colour.from_str("#56B4E9")  # the charts' first series colour
COMPARE_KINDS: tuple[CompareKind, ...] = ("auto", "topics", "speakers")


class ChartEngine(Protocol):
    """The chart part of ``retrieval.engine.Engine``."""

    def trend(self, query: str, filters: Filters | None = None,
              by: Period | None = None, *, scope: Scope = ...) -> ChartData: ...
    def timeline(self, speaker: str, filters: Filters | None = None,
                 by: Period | None = None, *, scope: Scope = ...) -> ChartData: ...
    def compare(self, names: Sequence[str], kind: CompareKind = "auto",
                filters: Filters | None = None, by: Period | None = None, *,
                scope: Scope = ...) -> ChartData: ...


@dataclass(frozen=True)
class RenderedChart:
    chart: ChartData
    png: bytes

    @property
    def filename(self) -> str:
        return f"{self.chart.kind}.png"


def _render(compute: Callable[[ChartEngine], ChartData], engine: ChartEngine) -> RenderedChart:
    chart = compute(engine)
    return RenderedChart(chart, render_png(chart))


async def _make(core: Core, compute: Callable[[ChartEngine], ChartData]) -> RenderedChart:
    if not all(hasattr(core.engine, name) for name in ("trend", "timeline", "compare")):
        raise BadQueryError("Charts are not available with this engine.")
    # Core._run: the same limiter, timeout and pool as every other engine call.
    return await core._run(_render, compute, cast(ChartEngine, core.engine))


# ``scope``: whose articles are counted (`Scope.for_guild(guild_id)` on Discord; the
# terminal is the operator's and counts everything).


async def _one(core: Core, kind: str, subject: str, what: str, date_from: str | None,
               date_to: str | None, by: str | None, scope: Scope) -> RenderedChart:
    """A trend (a topic) or a timeline (a speaker): one subject's counts per period."""
    text = clean_text(subject, what) or ""
    filters, period = make_filters(date_from, date_to), parse_period(by)
    return await _make(core, lambda e: (e.trend if kind == "trend" else e.timeline)(
        text, filters, period, scope=scope))


async def trend(core: Core, query: str, date_from: str | None = None,
                date_to: str | None = None, by: str | None = None, *,
                scope: Scope = OPERATOR_SCOPE) -> RenderedChart:
    return await _one(core, "trend", query, "query", date_from, date_to, by, scope)


async def timeline(core: Core, speaker: str, date_from: str | None = None,
                   date_to: str | None = None, by: str | None = None, *,
                   scope: Scope = OPERATOR_SCOPE) -> RenderedChart:
    return await _one(core, "timeline", speaker, "speaker name", date_from, date_to, by, scope)


async def compare(core: Core, names: Sequence[str | None], kind: str | None = None,
                  date_from: str | None = None, date_to: str | None = None,
                  by: str | None = None, *, scope: Scope = OPERATOR_SCOPE) -> RenderedChart:
    cleaned = [n for n in (clean_text(n, "name or topic", required=False) for n in names) if n]
    of = cast(CompareKind, (kind or "auto").strip().lower())
    if of not in COMPARE_KINDS:
        raise BadQueryError(f"of must be one of {', '.join(COMPARE_KINDS)}.")
    filters, period = make_filters(date_from, date_to), parse_period(by)
    return await _make(core, lambda e: e.compare(cleaned, of, filters, period, scope=scope))


# ----- Discord -------------------------------------------------------------------------


def chart_file(rendered: RenderedChart) -> discord.File:
    """The PNG as an upload, with the chart in words as its alt text."""
    return discord.File(io.BytesIO(rendered.png), filename=rendered.filename,
                        description=alt_text(rendered.chart))


def chart_embed(rendered: RenderedChart) -> discord.Embed:
    """Summary in words, the picture, then the peak's top articles or the newest statements."""
    chart = rendered.chart
    description = "\n".join([embeds.escape(chart.summary),
                             *(embeds.escape(n) for n in chart.notes)])
    embed = discord.Embed(title=embeds.truncate(embeds.escape(chart.title), embeds.TITLE_LIMIT),
                          description=embeds.truncate(description, embeds.DESCRIPTION_LIMIT),
                          colour=CHART_COLOUR)
    embed.set_image(url=f"attachment://{rendered.filename}")
    if chart.quotes:
        for i, q in enumerate(chart.quotes, start=1):
            embed.add_field(name=embeds.quote_name(i, q), value=embeds.quote_value(q, 400),
                            inline=False)
    else:
        for c in chart.items:
            embed.add_field(name=embeds.citation_name(c), value=embeds.citation_value(c, 500),
                            inline=False)
    if chart.items_title and embed.fields:
        embed.description = (embed.description or "") + f"\n\n**{chart.items_title}**"
    embed.set_footer(text=chart.caption)
    return embeds.fit_embed(embed)
