"""Chart latency: command to PNG bytes for /trend, /timeline and /compare on a built index.

    .venv/bin/python -m benchmarks.charts --index DIR [--rounds 3] [--out FILE]

Warm figures: the engine is open, matplotlib imported and one chart of each kind drawn
before timing. Every sample goes through the bot's own path (``bot.chart_reply``: input
checks, the core's thread pool, compute, render), round-robin with two baselines in the
same run: ``Engine.search`` of the same topic, and a bare matplotlib bar chart of the same
size (the floor any matplotlib PNG costs); compute and render are also timed apart.
Target: p95 command to PNG <= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, fmt, machine_info, percentiles, verdict

TARGET_P95_MS = 300.0
# News topics of 2022 (the realtimeqa months); words only, no article text.
TOPICS = (
    "Ukraine war", "inflation and interest rates", "COVID vaccine", "midterm elections",
    "climate change", "hurricane", "stock market", "Supreme Court abortion ruling",
    "Elon Musk Twitter", "World Cup", "gas prices", "school shooting", "Queen Elizabeth",
    "monkeypox", "student loans", "heat wave", "January 6 committee", "baby formula shortage",
    "crypto crash", "Taiwan China tensions",
)
SPEAKERS = 10  # the most quoted people in the index


def bare_bar_chart_png() -> bytes:
    """Baseline: the least a matplotlib PNG of the same size costs (one axes, 12 bars,
    default styling), so a loaded machine's cost floor is visible next to ours."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from bot.charts import DPI, HEIGHT_IN, WIDTH_IN

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    fig.add_axes((0.1, 0.1, 0.8, 0.8)).bar(range(12), range(12))
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


async def _timed(call: Awaitable[Any]) -> float:
    """Seconds to await ``call`` (a coroutine does nothing until awaited)."""
    start = time.perf_counter()
    await call
    return time.perf_counter() - start


async def run(index: Path, rounds: int) -> dict[str, Any]:
    from bot import chart_reply
    from bot.charts import render_png
    from bot.core import Core
    from bot.settings import Settings
    from retrieval.engine import Engine

    opened = time.perf_counter()
    engine = Engine.open(index)
    open_s = time.perf_counter() - opened
    stats = engine.stats()
    core = Core(engine, Settings(_env_file=None, index_dir=index,  # type: ignore[call-arg]
                                 engine_timeout=120.0))
    speakers = engine.speakers("", SPEAKERS)
    first = time.perf_counter()  # cold: matplotlib's import and font cache
    await chart_reply.trend(core, TOPICS[0])
    cold_s = time.perf_counter() - first
    if speakers:  # an index built without quotes (the evaluation's) has no timelines
        await chart_reply.timeline(core, speakers[0])
    await chart_reply.compare(core, TOPICS[:2])
    samples: dict[str, list[float]] = {k: [] for k in (
        "search", "bare_png", "trend", "trend_compute", "trend_render", "timeline", "compare")}
    periods: list[int] = []
    for _ in range(rounds):
        for i, topic in enumerate(TOPICS):
            samples["search"].append(await _timed(core.search(topic)))
            samples["trend"].append(await _timed(chart_reply.trend(core, topic)))
            start = time.perf_counter()
            chart = engine.trend(topic)
            samples["trend_compute"].append(time.perf_counter() - start)
            start = time.perf_counter()
            render_png(chart)
            samples["trend_render"].append(time.perf_counter() - start)
            start = time.perf_counter()
            bare_bar_chart_png()
            samples["bare_png"].append(time.perf_counter() - start)
            periods.append(len(chart.periods))
            if speakers:
                name = speakers[i % len(speakers)]
                samples["timeline"].append(
                    await _timed(chart_reply.timeline(core, name)))
            pair = [TOPICS[i], TOPICS[(i + 1) % len(TOPICS)]]
            samples["compare"].append(await _timed(chart_reply.compare(core, pair)))
    core.close()
    return {"open_s": open_s, "cold_first_chart_s": cold_s, "speakers": speakers,
            "articles": stats.articles, "passages": stats.passages, "quotes": stats.quotes,
            "periods": periods,
            "latency_ms": {k: percentiles(v) if v else {"n": 0} for k, v in samples.items()}}


def report(result: dict[str, Any], index: Path, rounds: int, machine: dict[str, Any],
           load_end: float) -> str:
    lat = result["latency_ms"]
    rows = [
        ("`Engine.search` (baseline, /search's engine call)", "search"),
        ("bare matplotlib bar chart, same size, to PNG (baseline: the floor)", "bare_png"),
        ("/trend: command to PNG bytes", "trend"),
        ("  of which compute (`Engine.trend`)", "trend_compute"),
        ("  of which render (`render_png`)", "trend_render"),
        ("/timeline: command to PNG bytes", "timeline"),
        ("/compare (two topics): command to PNG bytes", "compare"),
    ]
    p95 = lat["trend"]["p95"]
    worst = max(lat[k]["p95"] for k in ("trend", "timeline", "compare") if lat[k]["n"])
    lines = [
        f"## Chart latency — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Index: {index}: {result['articles']:,} articles, {result['passages']:,} passages, "
        f"{result['quotes']:,} quotes ({rounds} rounds over {len(TOPICS)} topics and "
        f"{len(result['speakers'])} speakers). "
        f"Machine: {machine['cpu_model']}, {machine['logical_cores']} logical cores, load "
        f"average {machine['load_avg_1m']} at start, {load_end:.2f} at end (shared machine: "
        "compare against the baseline, not across runs).",
        "",
        "Reproduce: `.venv/bin/python -m benchmarks.charts --index DIR`",
        "",
        "| target | measured | status |",
        "|---|---|---|",
        f"| p95 /trend command to PNG ≤ {TARGET_P95_MS:.0f} ms (warm) | {fmt(p95)} ms | "
        f"{verdict(p95 <= TARGET_P95_MS)} |",
        f"| p95 of every chart command ≤ {TARGET_P95_MS:.0f} ms (warm) | {fmt(worst)} ms | "
        f"{verdict(worst <= TARGET_P95_MS)} |",
        "",
        "| what | p50 ms | p95 ms | p99 ms | n |",
        "|---|---|---|---|---|",
    ]
    for label, key in rows:
        s = lat[key]
        if not s["n"]:
            lines.append(f"| {label} | no quotes in this index | | | 0 |")
            continue
        lines.append(f"| {label} | {fmt(s['p50'])} | {fmt(s['p95'])} | {fmt(s['p99'])} | "
                     f"{s['n']} |")
    periods = result["periods"]
    lines += [
        "",
        f"Engine.open: {result['open_s']:.1f} s. First chart of the process (matplotlib "
        f"import, font cache): {result['cold_first_chart_s'] * 1000:.0f} ms. Periods per "
        f"/trend chart: {min(periods)}-{max(periods)}.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a built realtimeqa index")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="markdown file to write")
    args = parser.parse_args()
    machine = machine_info()
    result = asyncio.run(run(args.index, args.rounds))
    import os

    text = report(result, args.index, args.rounds, machine, os.getloadavg()[0])
    out = args.out or RESULTS_DIR / f"{datetime.now(UTC):%Y-%m-%d}-charts.md"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
