"""`newsdesk quotes SPEAKER`: what someone said, newest first, with offsets.

SPEAKER ``-`` reads one speaker per line from stdin and writes one JSON object per
line. It asks the Engine, like /quotes; the embedding model is loaded only for --about.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot.cli.options import add_index_option
from bot.cli.query_render import CYAN, DIM, Style
from bot.terminal_text import clean_record, dumps_json
from index.errors import BadQueryError
from index.text.dates import parse_date_bound
from retrieval.models import Filters, QuoteHit, QuoteLookup


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "quotes",
        help="what a person said (quotes with speaker attribution)",
        description="A speaker's quotes, newest first; '-' reads speakers from stdin (JSONL out).",
    )
    parser.add_argument("speaker", metavar="SPEAKER", help="a name, or - for one per line on stdin")
    add_index_option(parser)
    parser.add_argument(
        "--from", dest="date_from", metavar="DATE", help="only articles on/after DATE"
    )
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="only articles on/before DATE")
    parser.add_argument("--about", metavar="TOPIC", help="only quotes on this topic (ranked like /quotes about:)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.set_defaults(func=run_quotes)


def lookup_json(lookup: QuoteLookup) -> dict[str, Any]:
    """The JSON record of one lookup (the JSONL line format of `quotes -`)."""
    return {
        "speaker": lookup.query,
        "resolved": lookup.speaker,
        "candidates": list(lookup.candidates),
        "ambiguous": lookup.ambiguous,
        "quotes": [_quote_json(q) for q in lookup.quotes],
        # Nothing on --about: the speaker's other statements, closest to it first.
        "other_topics": [_quote_json(q) for q in lookup.other_topics],
    }


def _quote_json(q: QuoteHit) -> dict[str, Any]:
    return {
        "article_id": q.article_id,
        "speaker": q.speaker,
        "text": q.text,
        "start": q.start,
        "end": q.end,
        "cue": q.cue,
        "direct": q.direct,
        "date": q.date,
        "title": q.title,
        "paragraph": q.paragraph,
        "also_in": list(q.also_in),
    }


def lookup_text(lookup: QuoteLookup, style: Style) -> str:
    if lookup.ambiguous:
        return _ambiguous_text(lookup, style)
    if not lookup.quotes:
        if lookup.speaker is None:
            return f"No quotes by “{lookup.query}” in the index."
        if lookup.other_topics:
            n = len(lookup.other_topics)
            return (f"No quotes by {lookup.speaker} about “{lookup.about}” in the index; {n} on "
                    "other topics (leave out --about to see them).")
        return f"{lookup.speaker} is quoted in the index, but not in those dates."
    lines = [f"{lookup.speaker}: {len(lookup.quotes)} quote(s)"]
    lines += _quote_lines(lookup.quotes, style)
    if lookup.others:
        lines.append("")
        lines.append(
            style(f"Also quoted under this name: {', '.join(lookup.others)} "
                  "(ask with the full name).", DIM)
        )
    return "\n".join(lines)


def _ambiguous_text(lookup: QuoteLookup, style: Style) -> str:
    """No guess: every candidate, then each one's quotes under their own name."""
    lines = [
        f"“{lookup.query}” could be several people: {', '.join(lookup.candidates)}.",
        "Ask again with a full name for one person's quotes.",
    ]
    for group in lookup.groups:
        lines.append("")
        lines.append(style(f"== {group.name}: {len(group.quotes)} quote(s)", CYAN))
        lines += _quote_lines(group.quotes, style)
    return "\n".join(lines)


def _quote_lines(quotes: tuple[QuoteHit, ...], style: Style) -> list[str]:
    lines: list[str] = []
    for q in quotes:
        kind = "direct" if q.direct else "indirect"
        meta = f"{q.date or 'undated'}  {q.article_id}  [{q.start}:{q.end}]  {q.cue}, {kind}"
        lines.append("")
        lines.append(style(q.title or "(untitled)", CYAN) + "  " + style(meta, DIM))
        lines.append("  " + quote_line(q))
        if q.also_in:
            lines.append(style(f"  also in: {', '.join(q.also_in)}", DIM))
    return lines


def quote_line(q: QuoteHit) -> str:
    """Direct words in quote marks; reported speech plain, marked as reported, so a
    paraphrase never reads as a verbatim quotation (a mixed quote keeps its own marks)."""
    if q.direct:
        return f"{q.speaker}: “{q.text}”"
    cue = q.cue or "said"
    return f"(reported) {q.speaker} {cue}: {q.text}"


def run_quotes(args: argparse.Namespace) -> int:
    filters = Filters(
        date_from=parse_date_bound(args.date_from, end=False, what="--from"),
        date_to=parse_date_bound(args.date_to, end=True, what="--to"),
    )
    logging.getLogger("faiss").setLevel(logging.WARNING)  # its loader chatters at INFO
    from retrieval.engine import Engine  # imported late: it pulls in torch

    # The same Engine.quotes as /quotes: --about ranks by embeddings there and here.
    # The model loads only when a topic needs it.
    engine = Engine.open(args.index, lazy_model=True, read_only=True)
    try:

        def one(name: str) -> QuoteLookup:
            return engine.quotes(name, args.about, filters)

        if args.speaker == "-":
            for line in sys.stdin:
                name = line.strip()
                if not name:
                    continue
                try:
                    record = lookup_json(one(name))
                except BadQueryError as err:
                    record = {"speaker": name, "error": err.user_message(), "quotes": []}
                sys.stdout.write(dumps_json(record) + "\n")
                sys.stdout.flush()
            return 0
        lookup = one(args.speaker)
        if args.json:
            print(dumps_json(lookup_json(lookup), indent=1))
        else:
            print(lookup_text(clean_record(lookup), Style(sys.stdout)))
        return 0
    finally:
        engine.close()
