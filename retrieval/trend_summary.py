"""Words about a chart's counts: the peak periods and a one-line summary (total, peak,
trend direction), for the embed, screen readers, the terminal and the JSON."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np

from retrieval.periods import Period, period_label
from retrieval.trend_models import Series

MAX_PEAKS = 3
PEAK_SHARE = 0.5  # a secondary peak is marked when at least half the highest
# Relative change over the whole range (least-squares line, end minus start, over the
# mean) beyond which a series is called rising or falling.
TREND_CHANGE = 0.5


def find_peaks(totals: Sequence[int]) -> list[int]:
    """Indexes of up to MAX_PEAKS local maxima, highest first (ties: earliest), far enough
    apart that their labels never collide (at least a sixth of the periods). None when
    several periods are equally high and nothing else happened: no period stands out."""
    n = len(totals)
    top = max(totals, default=0)
    nonzero = {t for t in totals if t > 0}
    if top <= 0 or (nonzero == {top} and sum(totals) > top):
        return []
    local = [i for i in range(n) if totals[i] > 0
             and (i == 0 or totals[i] >= totals[i - 1])
             and (i == n - 1 or totals[i] > totals[i + 1])
             and totals[i] >= PEAK_SHARE * top]
    gap = max(2, math.ceil(n / 6))
    chosen: list[int] = []
    for i in sorted(local, key=lambda i: (-totals[i], i)):
        if all(abs(i - j) >= gap for j in chosen):
            chosen.append(i)
        if len(chosen) == MAX_PEAKS:
            break
    return chosen


def direction(counts: Sequence[int]) -> str:
    """"rising", "falling" or "steady"; "too few periods to tell" under three."""
    n = len(counts)
    if n < 3:
        return "too few periods to tell"
    mean = sum(counts) / n
    if mean == 0:
        return "none"
    slope = float(np.polyfit(np.arange(n), np.asarray(counts, dtype=float), 1)[0])
    change = slope * (n - 1) / mean
    if change >= TREND_CHANGE:
        return "rising"
    if change <= -TREND_CHANGE:
        return "falling"
    return "steady"


def _noun(n: int, unit: str) -> str:
    return f"{n:,} {unit[:-1] if n == 1 and unit.endswith('s') else unit}"


def describe(kind: str, subjects: Sequence[str], unit: str, series: Sequence[Series],
             totals: Sequence[int], peaks: Sequence[int], starts: Sequence[date], by: Period,
             first: str | None, last: str | None, undated: int) -> str:
    """One line: how many, when (peak), which way (trend)."""
    span = ""
    if starts:
        span = (f" in {period_label(starts[0], by)}" if len(starts) == 1
                else f" from {first} to {last}")
    what = " and ".join(f"“{s}”" for s in subjects)
    total = sum(totals)
    if total == 0:
        lead = {"trend": f"No articles match {what}",
                "timeline": f"No statements by {what}",
                "compare": f"Nothing for {what}"}.get(kind, f"Nothing for {what}")
        return lead + span + "." + _undated_note(undated, unit)
    if kind == "trend":
        lead = f"{_noun(total, unit)} match {what}{span}"
    elif len(series) == 1:
        lead = f"{series[0].name}: {_noun(total, unit)}{span}"
    else:
        lead = ", ".join(f"{s.name} {s.total:,}" for s in series) + f" {unit}{span}"
    parts = [lead]
    if peaks:
        p = peaks[0]
        parts.append(f"peak: {period_label(starts[p], by)} ({_noun(totals[p], unit)})")
    if kind == "compare" or (kind == "timeline" and len(series) > 1):
        parts.append("trend: " + ", ".join(f"{s.name} {direction(s.counts)}" for s in series))
    else:
        parts.append(f"trend: {direction(totals)}")
    return "; ".join(parts) + "." + _undated_note(undated, unit)


def _undated_note(undated: int, unit: str) -> str:
    return f" {_noun(undated, unit)} without a date not drawn." if undated else ""
