"""`newsdesk trend QUERY`, `newsdesk timeline NAME`, `newsdesk compare A B [C [D]]`:
counts per period as text or ``--json``, and the chart as a PNG with ``--png FILE``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.chart_text import chart_text
from bot.charts import render_png
from bot.cli.options import add_index_option
from bot.terminal_text import dumps_json
from index.errors import BadQueryError
from index.text.dates import parse_date_range
from retrieval.models import Filters
from retrieval.periods import PERIODS, parse_period
from retrieval.trend_models import ChartData, chart_json


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day (YYYY-MM-DD)")
    p.add_argument("--by", choices=PERIODS, help="one bar per period (default: 6-60 bars)")
    p.add_argument("--png", metavar="FILE", help="write the chart to FILE (PNG, 800x450)")
    p.add_argument("--json", action="store_true", help="print the counts per period as JSON")
    add_index_option(p)


def register(subparsers: Any) -> None:
    trend = subparsers.add_parser(
        "trend", help="articles matching a topic per period, by source (chart)",
        description="How much the archive covered a topic, per day/week/month, by source. "
                    "An article counts when it passes the relevance test answers use.")
    trend.add_argument("query", metavar="QUERY")
    _common(trend)
    trend.set_defaults(func=run_chart, chart="trend")

    timeline = subparsers.add_parser(
        "timeline", help="a person's quoted statements per period (chart)",
        description="How often a person was quoted, per period; namesakes are kept apart.")
    timeline.add_argument("name", metavar="NAME")
    _common(timeline)
    timeline.set_defaults(func=run_chart, chart="timeline")

    compare = subparsers.add_parser(
        "compare", help="two to four people or topics on one chart",
        description="Statements (people) or matching articles (topics) per period, side by side.")
    compare.add_argument("names", metavar="NAME", nargs="+", help="2 to 4 people or topics")
    compare.add_argument("--of", choices=("auto", "topics", "speakers"), default="auto",
                         help="people or topics (auto: people when every name is one person)")
    _common(compare)
    compare.set_defaults(func=run_chart, chart="compare")


def compute(args: argparse.Namespace) -> ChartData:
    from retrieval.engine import Engine  # loads the model: only once arguments are good

    filters = Filters(*parse_date_range(args.date_from, args.date_to, names=("--from", "--to")))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise BadQueryError(f"--from ({filters.date_from}) is after --to ({filters.date_to}).")
    by = parse_period(args.by)
    engine = Engine.open(args.index)
    if args.chart == "trend":
        return engine.trend(args.query, filters, by)
    if args.chart == "timeline":
        return engine.timeline(args.name, filters, by)
    return engine.compare(args.names, args.of, filters, by)


def run_chart(args: argparse.Namespace) -> int:
    chart = compute(args)
    written = None
    if args.png:
        try:
            with open(args.png, "wb") as out:
                out.write(render_png(chart))
        except OSError as err:
            raise BadQueryError(f"Could not write {args.png}: {err.strerror or err}.") from err
        written = args.png
    if args.json:
        record = chart_json(chart)
        record["png"] = written
        print(dumps_json(record, indent=1))
    else:
        sys.stdout.write(chart_text(chart))
        if written:
            print(f"Chart written to {written}")
    return 0
