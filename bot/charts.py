"""Charts as PNG bytes: matplotlib's object API on the Agg canvas (no pyplot, so figures
are private to the thread that draws them: the bot renders in its thread pool).

One opaque dark card, sized for a Discord embed, that reads on Discord's dark and light
themes alike: light text on the card, and the Okabe-Ito colour-blind-safe palette, every
colour at least 3:1 against the card. Tick labels are thinned to steps that suit the
period (7 days, 3 months...) so they never overlap from 1 to 60 periods and beyond.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from retrieval.periods import Period
from retrieval.trend_models import OTHER, ChartData

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100  # 800 x 450 px: an embed shows it without scaling much
SIZE_PX = (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
MAX_LEGEND_CHARS = 22
GROUPED_BARS_MAX = 40  # compared series: grouped bars up to this many bars, lines beyond
MIN_SLOTS = 6  # the x axis is at least this many bars wide


@dataclass(frozen=True)
class Theme:
    background: str
    text: str
    muted: str
    grid: str
    palette: tuple[str, ...]
    other: str  # the "other sources" series


CARD = Theme(
    background="#232428",
    text="#F2F3F5",
    muted="#B5BAC1",
    grid="#3F4147",
    # Okabe-Ito, reordered so neighbours in a stack differ in hue and lightness.
    palette=("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#D55E00"),
    other="#8E9297",
)

# Tick steps that read naturally for each period; the smallest that leaves room is used.
STEPS: dict[Period, tuple[int, ...]] = {
    "day": (1, 2, 3, 7, 14, 28, 56, 91, 182),
    "week": (1, 2, 4, 8, 13, 26, 52),
    "month": (1, 2, 3, 4, 6, 12, 24),
    "year": (1, 2, 5, 10, 20, 50),
}
AXIS_LABELS: dict[Period, str] = {
    "day": "day", "week": "week starting", "month": "month", "year": "year",
}
TICK_FONT = 10
LABEL_EM = 0.62  # average glyph width of DejaVu Sans, in font sizes
LABEL_GAP_PX = 14


def series_colours(chart: ChartData, theme: Theme = CARD) -> list[str]:
    colours = []
    for i, s in enumerate(chart.series):
        colours.append(theme.other if s.name == OTHER else theme.palette[i % len(theme.palette)])
    return colours


def render_png(chart: ChartData, theme: Theme = CARD) -> bytes:
    """The chart as PNG bytes, SIZE_PX pixels."""
    fig = draw(chart, theme)
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def draw(chart: ChartData, theme: Theme = CARD) -> Figure:
    """The figure itself (tests read the drawn bar heights back from it)."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=theme.background)
    FigureCanvasAgg(fig)
    legend = len(chart.series) > 1
    ax = fig.add_axes((0.08, 0.17, 0.66 if legend else 0.89, 0.64))
    _style(ax, theme)
    fig.text(0.02, 0.94, _fit(chart.title, 70), color=theme.text, fontsize=15,
             fontweight="bold", va="center")
    fig.text(0.02, 0.875, _subtitle(chart), color=theme.muted, fontsize=10, va="center")
    n = len(chart.periods)
    if chart.empty:
        ax.text(0.5, 0.5, _empty_message(chart), transform=ax.transAxes, ha="center",
                va="center", color=theme.muted, fontsize=12, wrap=True)
    if n == 0:
        ax.set_xticks([])
        ax.set_yticks([])
        return fig
    colours = series_colours(chart, theme)
    if not chart.series:
        pass  # nothing to draw: the axes and the message say so
    elif chart.stacked or len(chart.series) == 1:
        _stacked_bars(ax, chart, colours, theme)
    elif n * len(chart.series) <= GROUPED_BARS_MAX:
        _grouped_bars(ax, chart, colours)
    else:
        _lines(ax, chart, colours)
    top = max([*chart.totals, 0]) if chart.stacked else max(
        (c for s in chart.series for c in s.counts), default=0)
    ax.set_ylim(0, max(1, top) * 1.28)
    pad = max(0.0, (MIN_SLOTS - n) / 2)  # one or two bars stay bar-shaped, centred
    ax.set_xlim(-0.6 - pad, n - 0.4 + pad)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylabel(f"{chart.unit} per {chart.by}", color=theme.muted, fontsize=10)
    ax.set_xlabel(AXIS_LABELS[chart.by], color=theme.muted, fontsize=10)
    _ticks(ax, chart, fig.get_figwidth() * DPI * ax.get_position().width)
    if chart.stacked or len(chart.series) == 1:
        _mark_peaks(ax, chart, theme)
    if legend:
        handles = _legend_handles(ax, chart, colours)
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
                  labelcolor=theme.text, fontsize=10, handlelength=1.2, borderaxespad=0)
    return fig


def _style(ax: Axes, theme: Theme) -> None:
    ax.set_facecolor(theme.background)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(theme.grid)
    ax.tick_params(colors=theme.muted, labelsize=TICK_FONT, length=3)
    ax.grid(axis="y", color=theme.grid, linewidth=0.8)
    ax.set_axisbelow(True)


def _bars(ax: Axes, x: list[float], heights: Sequence[int], bottoms: Sequence[int],
          width: float, colour: str, name: str, edge: str | None = None) -> None:
    """One series of bars as a single collection (an artist per bar costs ~1 ms each in
    axis-limit updates: a 6-source, 60-period chart took most of its time there). Empty
    bars are not drawn; the collection's label names the series for the legend."""
    verts = [[(xi - width / 2, b), (xi - width / 2, b + h), (xi + width / 2, b + h),
              (xi + width / 2, b)]
             for xi, h, b in zip(x, heights, bottoms, strict=True) if h > 0]
    bars = PolyCollection(verts, facecolors=colour, edgecolors=edge or colour,
                          linewidths=0.6 if edge else 0, label=name)
    ax.add_collection(bars, autolim=False)


def _legend_handles(ax: Axes, chart: ChartData, colours: list[str]) -> list[Artist]:
    """Lines are their own handles; bar collections get a plain patch of their colour."""
    if ax.get_lines():
        return list(ax.get_lines())
    return [Patch(facecolor=colour, label=_fit(s.name, MAX_LEGEND_CHARS))
            for s, colour in zip(chart.series, colours, strict=True)]


def _stacked_bars(ax: Axes, chart: ChartData, colours: list[str], theme: Theme) -> None:
    x = [float(i) for i in range(len(chart.periods))]
    bottom = [0] * len(x)
    edge = theme.background if len(chart.series) > 1 else None
    for s, colour in zip(chart.series, colours, strict=True):
        _bars(ax, x, s.counts, bottom, 0.78, colour, _fit(s.name, MAX_LEGEND_CHARS), edge)
        bottom = [b + c for b, c in zip(bottom, s.counts, strict=True)]


def _grouped_bars(ax: Axes, chart: ChartData, colours: list[str]) -> None:
    k = len(chart.series)
    width = 0.8 / k
    for j, (s, colour) in enumerate(zip(chart.series, colours, strict=True)):
        x = [i - 0.4 + width * (j + 0.5) for i in range(len(chart.periods))]
        _bars(ax, x, s.counts, [0] * len(x), width * 0.92, colour,
              _fit(s.name, MAX_LEGEND_CHARS))


def _lines(ax: Axes, chart: ChartData, colours: list[str]) -> None:
    x = list(range(len(chart.periods)))
    marker = 4 if len(x) <= 40 else 0
    for s, colour in zip(chart.series, colours, strict=True):
        ax.plot(x, s.counts, color=colour, linewidth=2, marker="o", markersize=marker,
                label=_fit(s.name, MAX_LEGEND_CHARS))


def _mark_peaks(ax: Axes, chart: ChartData, theme: Theme) -> None:
    """Each peak: its count and period above the bar; the highest in bold."""
    totals = chart.totals
    n = len(totals)
    for rank, i in enumerate(chart.peaks):
        start = date.fromisoformat(chart.periods[i])
        ha = "left" if i < n * 0.12 and n > 3 else "right" if i > n * 0.88 and n > 3 else "center"
        x = i - 0.39 if ha == "left" else i + 0.39 if ha == "right" else i
        ax.annotate(f"{totals[i]:,} · {_short(start, chart.by)}", (x, totals[i]),
                    xytext=(0, 5), textcoords="offset points", ha=ha, va="bottom",
                    color=theme.text, fontsize=10, fontweight="bold" if rank == 0 else "normal")


def _ticks(ax: Axes, chart: ChartData, axis_px: float) -> None:
    starts = [date.fromisoformat(p) for p in chart.periods]
    widest = max(len(_short(s, chart.by)) for s in starts)
    per_label = widest * TICK_FONT * LABEL_EM * DPI / 72 + LABEL_GAP_PX
    room = max(1, int(axis_px // per_label))
    needed = math.ceil(len(starts) / room)
    step = next((s for s in STEPS[chart.by] if s >= needed), needed)
    positions = list(range(0, len(starts), step))
    labels = []
    previous_year = None
    for i in positions:
        label = _short(starts[i], chart.by)
        if chart.by != "year" and starts[i].year != previous_year:
            label += f"\n{starts[i].year}"
        previous_year = starts[i].year
        labels.append(label)
    ax.set_xticks(positions, labels)


def _short(start: date, by: Period) -> str:
    """A tick label: "Mar 7" (days, weeks), "Mar" (months), "2022" (years)."""
    if by in ("day", "week"):
        return f"{start:%b} {start.day}"
    if by == "month":
        return f"{start:%b}"
    return str(start.year)


def _subtitle(chart: ChartData) -> str:
    span = ""
    if chart.date_from and chart.date_to:
        span = chart.date_from if chart.date_from == chart.date_to else \
            f"{chart.date_from} to {chart.date_to}"
    unit = chart.unit if chart.total != 1 else chart.unit.rstrip("s")
    parts = [f"{chart.total:,} {unit}", span, f"by {chart.by}"]
    if chart.undated:
        parts.append(f"{chart.undated:,} undated not shown")
    return " · ".join(p for p in parts if p)


def _empty_message(chart: ChartData) -> str:
    if chart.kind == "timeline":
        return _fit(f"No statements by {', '.join(chart.subjects)} in this period", 80)
    return f"No {chart.unit} match in this period"


def _fit(text: str, limit: int) -> str:
    """Shortened to ``limit`` characters, with "$" escaped: matplotlib would read text
    between two dollar signs as mathematics ("$38 million and $2 million")."""
    short = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return short.replace("$", r"\$")
