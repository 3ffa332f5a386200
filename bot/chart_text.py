"""A chart in words: the terminal's and the CLI's text (control characters stripped),
and the alt text Discord shows screen readers for the PNG. Same ``ChartData`` as the
picture, so the same numbers."""

from __future__ import annotations

from datetime import date

from bot.terminal_text import strip_controls
from retrieval.periods import period_label
from retrieval.trend_models import ChartData

ALT_TEXT_LIMIT = 1024  # Discord's attachment description limit
TABLE_ROWS = 60
SPARSE_AFTER = 12  # periods; beyond, the table lists only those with counts


def chart_text(chart: ChartData) -> str:
    """Title, summary, counts per period (a table), notes, and the cited items."""
    lines = [chart.title, "=" * min(len(chart.title), 78), chart.summary]
    lines += list(chart.notes)
    if chart.periods and not chart.empty:
        lines.append("")
        names = [s.name for s in chart.series]
        width = max(len(period_label(date.fromisoformat(p), chart.by)) for p in chart.periods)
        header = "  ".join(f"{n[:14]:>14}" for n in names)
        lines.append(f"{chart.by:<{width}}  {header}" + ("  " + f"{'total':>6}"
                                                        if len(names) > 1 else ""))
        peaks = set(chart.peaks)
        # A long range lists only the periods with something in them.
        sparse = len(chart.periods) > SPARSE_AFTER
        for i, p in enumerate(chart.periods[:TABLE_ROWS]):
            if sparse and not chart.totals[i]:
                continue
            label = period_label(date.fromisoformat(p), chart.by)
            cells = "  ".join(f"{s.counts[i]:>14}" for s in chart.series)
            row = f"{label:<{width}}  {cells}"
            if len(names) > 1:
                row += f"  {chart.totals[i]:>6}"
            lines.append(row + ("  <- peak" if i in peaks else ""))
        if len(chart.periods) > TABLE_ROWS:
            lines.append(f"... {len(chart.periods) - TABLE_ROWS} more periods (see --json)")
        if sparse:
            lines.append(f"({chart.by}s with none are left out)")
    if chart.items:
        lines += ["", chart.items_title + ":"]
        for c in chart.items:
            meta = " · ".join(x for x in (c.title, c.date, c.source) if x)
            lines.append(f"[{c.marker}] {meta}  ({c.article_id} [{c.start}:{c.end}])")
            # Quote marks only around direct quotes; excerpts and reported speech stay plain.
            quote = next((q for q in chart.quotes if q.start == c.start
                          and q.article_id == c.article_id), None)
            words = c.text if quote is None else (
                f"“{c.text}”" if quote.direct else f"(reported) {c.text}")
            lines.append(f"    {words}")
    lines += ["", f"({chart.caption})"]
    # Titles, names and quotes come from articles: no terminal escapes get through.
    return strip_controls("\n".join(lines)) + "\n"


def alt_text(chart: ChartData) -> str:
    """What a screen reader says for the image: the summary, then the non-empty periods."""
    head = f"{chart.title}. {chart.summary}"
    if chart.empty:
        return head[:ALT_TEXT_LIMIT]
    parts = []
    for i, p in enumerate(chart.periods):
        if chart.totals[i]:
            label = period_label(date.fromisoformat(p), chart.by)
            if len(chart.series) > 1:
                detail = ", ".join(f"{s.name} {s.counts[i]}" for s in chart.series if s.counts[i])
                parts.append(f"{label}: {chart.totals[i]} ({detail})")
            else:
                parts.append(f"{label}: {chart.totals[i]}")
    text = f"{head} Per {chart.by}: " + "; ".join(parts) + "."
    if len(text) <= ALT_TEXT_LIMIT:
        return text
    return text[: ALT_TEXT_LIMIT - 1].rsplit("; ", 1)[0] + "…"
