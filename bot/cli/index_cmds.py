"""`newsdesk index add|remove|stats`: build and inspect an index directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.options import add_index_option
from bot.terminal_text import strip_controls as clean
from index.config import default_index_dir
from index.models import IngestSummary
from index.settings import NewsdeskSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("index", help="build and inspect the article index")
    commands = parser.add_subparsers(dest="index_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="index .txt (seed format) and .jsonl files or folders")
    add.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursive)")
    add_index_option(add)
    add.add_argument(
        "--model",
        metavar="DIR",
        default=None,
        help="local sentence-transformers model directory "
        "(default: $NEWSDESK_MODEL, else the packaged all-MiniLM-L6-v2)",
    )
    add.add_argument("--no-quotes", action="store_true", help="skip quote extraction")
    add.add_argument("--no-progress", action="store_true", help="no progress bar")
    add.set_defaults(func=_add)

    remove = commands.add_parser("remove", help="delete articles by id")
    remove.add_argument("ids", nargs="+", metavar="ID")
    add_index_option(remove)
    remove.set_defaults(func=_remove)

    stats = commands.add_parser("stats", help="what the index holds")
    add_index_option(stats)
    stats.set_defaults(func=_stats)



def _add(args: argparse.Namespace) -> int:
    from index.ingest import Indexer

    settings = NewsdeskSettings()
    index_dir = args.index or settings.index_dir
    indexer = Indexer(
        index_dir,
        model_path=args.model,
        progress=not args.no_progress,
        quotes=not args.no_quotes,
        settings=settings,
    )
    summary = indexer.add(args.paths)
    print(format_summary(summary, index_dir))
    nothing_done = not (summary.added or summary.updated or summary.unchanged)
    return 1 if nothing_done and summary.skipped else 0


def _remove(args: argparse.Namespace) -> int:
    from index.ingest import Indexer

    index_dir = args.index or default_index_dir()
    summary = Indexer(index_dir).remove(args.ids)
    print(format_summary(summary, index_dir))
    return 0 if summary.removed else 1


def _stats(args: argparse.Namespace) -> int:
    from index.store import IndexStore

    index_dir = args.index or default_index_dir()
    store = IndexStore.open(index_dir)
    try:
        s = store.stats()
    finally:
        store.close()
    dates = f"{s.date_min} .. {s.date_max}" if s.date_min else "(no dates)"
    sources = ", ".join(f"{clean(name)} ({n})" for name, n in s.sources[:10])
    if len(s.sources) > 10:
        sources += f", ... ({len(s.sources) - 10} more)"
    lines = [
        f"index:      {index_dir}",
        f"articles:   {s.articles}",
        f"passages:   {s.passages}",
        f"quotes:     {s.quotes} ({s.speakers} speakers)",
        f"dates:      {dates}",
        f"sources:    {sources or '(none)'}",
        f"model:      {clean(s.model)} ({s.dimension}-d), vectors: {s.vector_index}",
        f"size:       {s.size_bytes / (1024 * 1024):.1f} MB",
    ]
    print("\n".join(lines))
    return 0


def format_summary(summary: IngestSummary, index_dir: Path) -> str:
    """The end-of-run report: counts, then every skipped input with its reason."""
    parts = [
        f"{summary.added} added",
        f"{summary.updated} updated",
        f"{summary.unchanged} unchanged",
    ]
    if summary.removed:
        parts.append(f"{summary.removed} removed")
    parts.append(f"{len(summary.skipped)} skipped")
    lines = [
        f"{', '.join(parts)}; {summary.passages_embedded} passages embedded "
        f"in {summary.seconds:.1f}s -> {index_dir}"
    ]
    if summary.quotes_refreshed:
        lines.append(
            f"quotes re-extracted for {summary.quotes_refreshed} unchanged article(s): "
            "the quote rules changed since they were indexed"
        )
    for w in summary.warnings:
        lines.append(f"warning: {clean(w)}")
    for s in summary.skipped:
        lines.append(f"skipped: {clean(s.source)}: {clean(s.reason)}")
    return "\n".join(lines)
