"""`newsdesk search` and `newsdesk ask`.

QUERY ``-`` reads one query per line from stdin and writes one JSON object per
line (the model is loaded once); a bad line yields ``{"query": ..., "error": ...}``
and the run goes on.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

from bot.cli.options import add_index_option
from bot.cli.query_render import Style, answer_json, answer_text, hits_json, hits_text
from bot.terminal_text import dumps_json
from index.errors import BadQueryError
from index.text.dates import parse_date_bound
from retrieval.models import Filters

MAX_K = 50


def _positive_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from err
    if not 1 <= k <= MAX_K:
        raise argparse.ArgumentTypeError(f"k must be between 1 and {MAX_K}")
    return k


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", metavar="DATE", help="only articles on/after DATE")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="only articles on/before DATE")
    p.add_argument("--source", help="only articles from this source (e.g. cnn.com)")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="resolve 'last week', 'yesterday'... against DATE (default: newest article)",
    )
    add_index_option(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def register(subparsers: Any) -> None:
    search = subparsers.add_parser(
        "search",
        help="ranked excerpts for a query",
        description="Search the archive; '-' reads queries from stdin.",
    )
    search.add_argument("query", metavar="QUERY", help="the query, or - for one per line on stdin")
    search.add_argument("-k", type=_positive_k, default=5, help="results to show (default 5)")
    _common(search)
    search.set_defaults(func=run_search)

    ask = subparsers.add_parser(
        "ask",
        help="an answer with cited verbatim excerpts",
        description="Answer a question; '-' reads questions from stdin.",
    )
    ask.add_argument(
        "question", metavar="QUESTION", help="the question, or - for one per line on stdin"
    )
    _common(ask)
    ask.set_defaults(func=run_ask)


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(
        date_from=parse_date_bound(args.date_from, end=False, what="--from"),
        date_to=parse_date_bound(args.date_to, end=True, what="--to"),
        source=(args.source or "").strip() or None,
    )


def _open_engine(args: argparse.Namespace) -> Any:
    logging.getLogger("faiss").setLevel(logging.WARNING)  # its loader chatters at INFO
    from retrieval.engine import Engine  # imported late: it pulls in torch

    return Engine.open(args.index, read_only=True)


def _stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.strip():
            yield line


def _batch(run_one: Callable[[str], dict[str, Any]], key: str) -> int:
    """JSONL over stdin; each failure is reported on its own line."""
    for line in _stdin_lines():
        try:
            record = run_one(line)
        except BadQueryError as err:
            record = {key: line, "error": err.user_message()}
        sys.stdout.write(dumps_json(record) + "\n")
        sys.stdout.flush()
    return 0


def run_search(args: argparse.Namespace) -> int:
    filters = _filters(args)
    engine = _open_engine(args)
    as_of = parse_date_bound(args.as_of, end=True, what="--as-of")

    def one(query: str) -> dict[str, Any]:
        return hits_json(query, engine.search(query, k=args.k, filters=filters, as_of=as_of))

    if args.query == "-":
        return _batch(one, "query")
    hits = engine.search(args.query, k=args.k, filters=filters, as_of=as_of)
    if args.json:
        print(dumps_json(hits_json(args.query, hits), indent=1))
    else:
        print(hits_text(args.query, hits, Style(sys.stdout)))
    return 0


def run_ask(args: argparse.Namespace) -> int:
    filters = _filters(args)
    engine = _open_engine(args)
    as_of = parse_date_bound(args.as_of, end=True, what="--as-of")

    def one(question: str) -> dict[str, Any]:
        return answer_json(engine.answer(question, filters=filters, as_of=as_of))

    if args.question == "-":
        return _batch(one, "question")
    answer = engine.answer(args.question, filters=filters, as_of=as_of)
    if args.json:
        print(dumps_json(answer_json(answer), indent=1))
    else:
        print(answer_text(answer, Style(sys.stdout)))
    return 0
