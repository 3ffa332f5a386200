"""Typed results of the chart computations (retrieval/trends.py), and their JSON form.

One ``ChartData`` feeds the PNG (bot/charts.py), the embed, the terminal text and the
CLI's ``--json``: every front end draws or prints the same counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from retrieval.models import Citation, QuoteHit
from retrieval.periods import Period

ChartKind = Literal["trend", "timeline", "compare"]
CompareKind = Literal["auto", "topics", "speakers"]
OTHER = "other"  # the series holding every source after the top five


@dataclass(frozen=True)
class Series:
    """One coloured series: counts per period, aligned with ``ChartData.periods``."""

    name: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ChartData:
    """Counts per period for one chart, with the words that go around it.

    ``stacked``: the series are parts of one whole (a topic's articles by source) and
    are drawn stacked; otherwise they are compared side by side (people or topics).
    ``peaks``: indexes of the marked peak periods, highest first.
    ``items``: the peak's top articles (trend) or the newest statements as citations;
    ``quotes``: the same statements as quote hits (a renderer needs ``direct`` to know
    whether quote marks are allowed).
    """

    kind: ChartKind
    title: str
    subjects: tuple[str, ...]  # the query, the speaker, or the compared names
    unit: str  # "articles" or "statements"
    by: Period
    periods: tuple[str, ...]  # ISO first day of each period, oldest first
    series: tuple[Series, ...]
    stacked: bool
    peaks: tuple[int, ...]
    summary: str  # one line in words: total, peak, trend
    caption: str  # what was counted, and how
    items_title: str = ""
    items: tuple[Citation, ...] = ()
    quotes: tuple[QuoteHit, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    undated: int = 0  # matches without a date: counted in no period, said in the summary
    candidates: tuple[str, ...] = ()  # an ambiguous speaker name: the people it fits
    notes: tuple[str, ...] = ()

    @property
    def totals(self) -> tuple[int, ...]:
        """Per period, every series added up (the bar height of a stacked chart)."""
        return tuple(sum(col) for col in zip(*(s.counts for s in self.series), strict=True)) \
            if self.series else tuple(0 for _ in self.periods)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.series)

    @property
    def empty(self) -> bool:
        return self.total == 0


def chart_json(chart: ChartData) -> dict[str, Any]:
    """The JSON record of a chart: counts per period per series, and what surrounds them."""
    return {
        "kind": chart.kind,
        "title": chart.title,
        "subjects": list(chart.subjects),
        "unit": chart.unit,
        "by": chart.by,
        "from": chart.date_from,
        "to": chart.date_to,
        "periods": list(chart.periods),
        "series": [{"name": s.name, "counts": list(s.counts), "total": s.total}
                   for s in chart.series],
        "totals": list(chart.totals),
        "total": chart.total,
        "undated": chart.undated,
        "peaks": [chart.periods[i] for i in chart.peaks],
        "summary": chart.summary,
        "caption": chart.caption,
        "candidates": list(chart.candidates),
        "notes": list(chart.notes),
        "items": [
            {"article_id": c.article_id, "title": c.title, "date": c.date, "source": c.source,
             "url": c.url, "text": c.text, "start": c.start, "end": c.end,
             "paragraph": c.paragraph}
            for c in chart.items
        ],
        "quotes": [
            {"article_id": q.article_id, "speaker": q.speaker, "text": q.text, "start": q.start,
             "end": q.end, "direct": q.direct, "date": q.date, "title": q.title}
            for q in chart.quotes
        ],
    }
