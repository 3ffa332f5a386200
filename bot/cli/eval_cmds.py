"""`newsdesk eval SUITE DATA_DIR`: quality measurements the project keeps.

Each suite is one sub-command registered by a small ``_register_*`` function;
the work lives in ``retrieval/eval_*.py``.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

DEFAULT_POLNEAR = Path("../shared/eval/polnear")
DEFAULT_REALTIMEQA = Path("../shared/eval/realtimeqa")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("eval", help="measure quality on evaluation data")
    suites = parser.add_subparsers(dest="eval_suite", metavar="SUITE", required=True)
    _register_quotes(suites)
    _register_retrieval(suites)


def _register_quotes(suites: Any) -> None:
    quotes = suites.add_parser(
        "quotes",
        help="quote extraction and speaker attribution on PolNeAR",
        description="Quote recall / speaker accuracy through the quote lookup, with baselines.",
    )
    quotes.add_argument(
        "data_dir",
        metavar="DATA_DIR",
        type=Path,
        nargs="?",
        default=DEFAULT_POLNEAR,
        help=f"PolNeAR folder (default {DEFAULT_POLNEAR})",
    )
    quotes.add_argument("--split", default="dev", help="train, dev or all (default dev)")
    quotes.add_argument(
        "--limit", type=int, default=None, metavar="N", help="first N articles only"
    )
    quotes.add_argument("--no-baselines", action="store_true", help="skip the spaCy baselines")
    quotes.add_argument(
        "--whole-corpus",
        action="store_true",
        help="also index every article (not just the split) for the lookups",
    )
    quotes.add_argument("--json", action="store_true", help="rows as JSON")
    quotes.set_defaults(func=_run_quotes)


def _run_quotes(args: argparse.Namespace) -> int:
    from retrieval.eval_quotes import COLUMNS, run

    rows = run(
        args.data_dir,
        split=None if args.split == "all" else args.split,
        limit=args.limit,
        baselines=not args.no_baselines,
        corpus="all" if args.whole_corpus else "split",
    )
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(_cell(row.get(c)) for c in COLUMNS) + " |")
    return 0


def _register_retrieval(suites: Any) -> None:
    p = suites.add_parser(
        "retrieval",
        help="article and passage retrieval on RealTime QA, with BM25 / dense baselines",
        description="Recall@1/5/10 and MRR@10 (strict and twin-aware), passage Recall@5, "
        "warm latency.",
    )
    p.add_argument(
        "data_dir",
        metavar="DATA_DIR",
        type=Path,
        nargs="?",
        default=DEFAULT_REALTIMEQA,
        help=f"RealTime QA folder (default {DEFAULT_REALTIMEQA})",
    )
    p.add_argument(
        "--index",
        type=Path,
        metavar="DIR",
        help="reuse this index of corpus.jsonl (built there once if missing)",
    )
    p.add_argument("--passages-index", type=Path, metavar="DIR",
                   help="reuse this index of evidence_passages.jsonl (default: a temporary one)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="first N questions only")
    p.add_argument("--no-passages", action="store_true", help="skip the passage-level run")
    p.add_argument("--no-latency", action="store_true", help="skip latency and answer checks")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=_run_retrieval)


def _run_retrieval(args: argparse.Namespace) -> int:
    logging.getLogger("faiss").setLevel(logging.WARNING)  # its loader chatters at INFO
    from retrieval.eval_retrieval import cli

    return cli(args)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)
