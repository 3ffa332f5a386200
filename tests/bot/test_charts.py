"""Chart rendering: the PNG decodes at its size, the bars drawn are the counts computed,
labels never overlap from 1 to 60 periods, colours contrast with the card, and the
embed shows the attached file."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image

from bot.chart_reply import RenderedChart, chart_embed, chart_file
from bot.chart_text import ALT_TEXT_LIMIT, alt_text, chart_text
from bot.charts import CARD, SIZE_PX, draw, render_png
from index.embedder import Embedder
from retrieval.engine import Engine
from retrieval.periods import PERIODS, Period, next_start
from retrieval.trend_models import OTHER, ChartData, Series
from retrieval.trend_summary import find_peaks
from tests.retrieval.trend_corpus import trend_index  # noqa: F401


@pytest.fixture(scope="module")
def engine(trend_index: Path, embedder: Embedder) -> Engine:  # noqa: F811
    return Engine.open(trend_index, embedder)


def synthetic(n: int, by: Period, series: int = 1, stacked: bool = True,
              first: date = date(2021, 11, 29)) -> ChartData:
    """n periods of made-up counts (a bump in the middle), for layout checks."""
    starts = [first]
    for _ in range(n - 1):
        starts.append(next_start(starts[-1], by))
    names = [f"Source number {i}" for i in range(series - 1)] + ([OTHER] if series > 1 else
                                                                 ["Harbor Gazette"])
    rows = tuple(Series(name, tuple((i * 7 + j * 3) % 5 + (12 if i == n // 2 else 0)
                                    for i in range(n))) for j, name in enumerate(names))
    totals = [sum(c) for c in zip(*(s.counts for s in rows), strict=True)]
    return ChartData(kind="trend", title="Coverage of “$38 million ferry”", subjects=("x",),
                     unit="articles", by=by, periods=tuple(s.isoformat() for s in starts),
                     series=rows, stacked=stacked, peaks=tuple(find_peaks(totals)),
                     summary="made up", caption="made up", date_from=starts[0].isoformat(),
                     date_to=starts[-1].isoformat())


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def drawn_counts(fig: Figure) -> dict[str, list[int]]:
    """The height of every bar drawn, per period, per series (read back from the axes)."""
    ax = fig.axes[0]
    n = round(ax.get_xlim()[1] + 0.4)  # periods 0..n-1 (no padding above 5 periods)
    out = {}
    for bars in ax.collections:
        assert isinstance(bars, PolyCollection)
        counts = [0] * n
        for path in bars.get_paths():
            corners = np.asarray(path.vertices, dtype=float)
            xs, ys = corners[:, 0], corners[:, 1]
            counts[round(float(xs.mean()))] += round(float(ys.max() - ys.min()))
        out[str(bars.get_label())] = counts
    return out


# ----- what is drawn is what was computed ------------------------------------------------


def test_bars_drawn_equal_the_counts_computed(engine: Engine) -> None:
    chart = engine.trend("ferry strike")
    fig = draw(chart)
    drawn = drawn_counts(fig)
    assert drawn == {s.name: list(s.counts) for s in chart.series}
    png = render_png(chart)
    assert decode(png).size == SIZE_PX == (800, 450)
    assert decode(png).format == "PNG"


@pytest.mark.parametrize("make", [
    lambda e: e.trend("ferry strike"),
    lambda e: e.trend("quantum chromodynamics"),  # empty
    lambda e: e.trend("football cup"),  # one period, one source
    lambda e: e.timeline("Wang Wenbin"),
    lambda e: e.timeline("Wang"),  # ambiguous: each person apart
    lambda e: e.timeline("Nobody Anywhere"),
    lambda e: e.compare(["Wang Wenbin", "Wang Yi"]),
    lambda e: e.compare(["ferry strike", "football cup"], by="day"),  # lines: many periods
])
def test_every_kind_of_chart_renders(engine: Engine, make: object) -> None:
    chart = make(engine)  # type: ignore[operator]
    image = decode(render_png(chart))
    assert image.size == SIZE_PX
    # Not blank: the card plus text and bars make many colours.
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or []) > 20


def test_a_chart_with_no_periods_renders() -> None:
    chart = ChartData(kind="trend", title="Coverage of “x”", subjects=("x",), unit="articles",
                      by="day", periods=(), series=(), stacked=True, peaks=(),
                      summary="No articles match “x”.", caption="c")
    assert decode(render_png(chart)).size == SIZE_PX
    assert "No articles match" in chart_text(chart)


# ----- readable ---------------------------------------------------------------------------


def _overlaps(boxes: list[Bbox]) -> list[tuple[int, int]]:
    return [(i, j) for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
            if a.x1 > b.x0 and b.x1 > a.x0 and a.y1 > b.y0 and b.y1 > a.y0]


@pytest.mark.parametrize("by", PERIODS)
@pytest.mark.parametrize("series", [1, 6])
def test_labels_never_overlap_from_1_to_60_periods(by: Period, series: int) -> None:
    # Every count of periods with one series; the legend's effect on width with six.
    for n in range(1, 61) if series == 1 else [1, 2, 3, 5, 8, 13, 21, 34, 45, 55, 60]:
        fig = draw(synthetic(n, by, series))
        renderer = FigureCanvasAgg(fig).get_renderer()
        ax = fig.axes[0]
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        assert ticks, (by, n)
        assert not _overlaps(ticks), (by, n, [t.get_text() for t in ax.get_xticklabels()])
        peaks = [t.get_window_extent(renderer) for t in ax.texts]
        assert not _overlaps(peaks), (by, n)
        width, height = SIZE_PX
        for box in ticks + peaks:  # nothing drawn off the picture
            assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height, (by, n)
        legend = ax.get_legend()
        if legend is not None:  # beside the plot, clear of bars and peak labels
            lbox = legend.get_window_extent(renderer)
            assert lbox.x0 >= ax.get_window_extent(renderer).x1
            assert lbox.x1 <= width and all(p.x1 <= lbox.x0 for p in peaks)


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("discord_background", ["#313338", "#FFFFFF"])  # dark, light themes
def test_colours_contrast_with_the_card_and_the_card_with_either_theme(
    discord_background: str,
) -> None:
    for colour in (*CARD.palette, CARD.other):
        assert _contrast(colour, CARD.background) >= 3.0, colour  # WCAG for graphics
    assert _contrast(CARD.text, CARD.background) >= 7.0
    assert _contrast(CARD.muted, CARD.background) >= 4.5
    # The opaque card never takes the theme's colour: what is on it reads on both.
    card = decode(render_png(synthetic(10, "week", 3))).convert("RGBA")
    assert card.getpixel((2, 2)) == (0x23, 0x24, 0x28, 255)
    assert _contrast(CARD.background, discord_background) > 1.0


# ----- words around the picture ----------------------------------------------------------


def test_embed_shows_the_attached_file_and_alt_text_fits(engine: Engine) -> None:
    chart = engine.trend("ferry strike")
    rendered = RenderedChart(chart, render_png(chart))
    embed = chart_embed(rendered)
    upload = chart_file(rendered)
    assert embed.image.url == f"attachment://{upload.filename}" == "attachment://trend.png"
    assert chart.summary.split(";")[0] in (embed.description or "")
    assert len(embed.fields) == len(chart.items) and embed.footer.text == chart.caption
    assert upload.description == alt_text(chart) and len(upload.description) <= ALT_TEXT_LIMIT
    assert "week of 2022-03-14: 5" in upload.description


def test_timeline_embed_lists_newest_statements(engine: Engine) -> None:
    chart = engine.timeline("Wang Wenbin")
    embed = chart_embed(RenderedChart(chart, b""))
    values = "\n".join(f.value or "" for f in embed.fields)
    assert "The door to dialogue remains open" in values  # the newest
    assert "withstood" not in values  # Wang Yi's words


def test_alt_text_is_cut_at_a_period_boundary() -> None:
    chart = synthetic(60, "day", 6)
    text = alt_text(chart)
    assert len(text) <= ALT_TEXT_LIMIT and text.endswith("…")


def test_terminal_text_has_the_table() -> None:
    chart = synthetic(3, "month", 1)
    text = chart_text(chart)
    assert "November 2021" in text and "January 2022" in text and "made up" in text


def test_synthetic_periods_are_consecutive() -> None:
    chart = synthetic(5, "week")
    days = [date.fromisoformat(p) for p in chart.periods]
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(days))
