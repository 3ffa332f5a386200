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

from bot.cli.options import add_index_option

DEFAULT_POLNEAR = Path("../shared/eval/polnear")
DEFAULT_REALTIMEQA = Path("../shared/eval/realtimeqa")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("eval", help="measure quality on evaluation data")
    suites = parser.add_subparsers(dest="eval_suite", metavar="SUITE", required=True)
    _register_quotes(suites)
    _register_retrieval(suites)
    _register_conversation(suites)


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
    add_index_option(p, help="reuse this index of corpus.jsonl (built there once if missing)")
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


DEFAULT_EVAL = Path("../shared/eval")


def _register_conversation(suites: Any) -> None:
    from retrieval.eval_conversation import DEFAULT_DIALOGUES

    p = suites.add_parser(
        "conversation",
        help="follow-up understanding on multi-turn dialogues",
        description="Share of follow-ups resolved as expected, false carries on topic changes, "
        "share of resolved follow-ups answered right.",
    )
    p.add_argument("data_dir", metavar="DATA_DIR", type=Path, nargs="?", default=DEFAULT_EVAL,
                   help=f"evaluation data folder with polnear/ and bbc/ (default {DEFAULT_EVAL})")
    p.add_argument("--dialogues", type=Path, default=DEFAULT_DIALOGUES, metavar="FILE",
                   help="dialogue file (JSON lines; default: the committed set)")
    add_index_option(p, help="reuse this index (built there once if missing; default: temporary)")
    p.add_argument("--json", action="store_true", help="the report as JSON, with every failure")
    p.set_defaults(func=_run_conversation)


def _run_conversation(args: argparse.Namespace) -> int:
    logging.getLogger("faiss").setLevel(logging.WARNING)
    from retrieval.eval_conversation import run

    report = run(args.dialogues, args.data_dir, args.index)
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    rows = [("dialogues", report["dialogues"]), ("follow-ups", report["followups"]),
            ("resolved as expected", report["resolution"]),
            ("topic changes", report["topic_changes"]),
            ("false-carry rate", report["false_carry_rate"]),
            ("answers checked", report["answers_checked"]),
            ("answer right", report["answer_right"]),
            ("resolve p95 (ms)", report["resolve_p95_ms"])]
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {_cell(value)} |")
    print("\n| pattern | resolved |\n|---|---|")
    for pattern, share in report["by_pattern"].items():
        print(f"| {pattern} | {share} |")
    for failure in report["failures"]:
        print(f"- {json.dumps(failure, ensure_ascii=False)}")
    return 0


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)
