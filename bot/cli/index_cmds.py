"""`newsdesk index add|remove|stats|list|share|migrate`: build and inspect an index.

Ownership: articles added here belong to the operator and are shared by every Discord
server; a server's own uploads can be listed, shared (made the operator's) or removed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.options import add_index_option
from bot.terminal_text import strip_controls as clean
from index.backend import OPERATOR
from index.config import default_index_dir
from index.errors import BadQueryError
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
    add.add_argument("--ray", nargs="?", const="auto", default=None, metavar="ADDRESS",
                     help="ingest through Ray: 'auto' (a running cluster or a local one) or "
                     "a cluster ADDRESS (pip install newsdesk[scale])")
    add.set_defaults(func=_add)

    remove = commands.add_parser("remove", help="delete articles by id, or a server's own")
    remove.add_argument("ids", nargs="*", metavar="ID")
    remove.add_argument("--server", metavar="ID", help="delete every article this server added")
    add_index_option(remove)
    remove.set_defaults(func=_remove)

    stats = commands.add_parser("stats", help="what the index holds (shared / per server)")
    add_index_option(stats)
    stats.set_defaults(func=_stats)

    listing = commands.add_parser("list", help="ids of the articles one server added")
    listing.add_argument("--server", metavar="ID", required=True)
    add_index_option(listing)
    listing.set_defaults(func=_list)

    share = commands.add_parser("share", help="make a server's articles shared by all servers")
    share.add_argument("--server", metavar="ID", required=True)
    add_index_option(share)
    share.set_defaults(func=_share)

    migrate = commands.add_parser("migrate", help="upgrade an index to this version's schema")
    add_index_option(migrate)
    migrate.set_defaults(func=_migrate)

    from bot.cli import copy_cmds  # `index copy --to URI` (issue 12)

    copy_cmds.register(commands)



def _add(args: argparse.Namespace) -> int:
    from index.ingest import Indexer

    settings = NewsdeskSettings()
    index_dir = args.index or settings.index_dir
    if args.ray is not None:
        summary = _add_with_ray(args, settings)
        print(format_summary(summary, index_dir))
        nothing_done = not (summary.added or summary.updated or summary.unchanged)
        return 1 if nothing_done and summary.skipped else 0
    indexer = Indexer(
        args.index,
        model_path=args.model,
        progress=not args.no_progress,
        quotes=not args.no_quotes,
        settings=settings,
    )
    summary = indexer.add(args.paths)
    print(format_summary(summary, index_dir))
    nothing_done = not (summary.added or summary.updated or summary.unchanged)
    return 1 if nothing_done and summary.skipped else 0


def _add_with_ray(args: argparse.Namespace, settings: NewsdeskSettings) -> IngestSummary:
    from index.backend import open_backend
    from index.ray_ingest import ray_add  # the only importer of ray

    backend = open_backend(args.index, create=True)  # None: $NEWSDESK_INDEX / MILVUS_URI
    try:
        return ray_add(backend, args.paths, address=args.ray,
                       model_path=args.model or (str(settings.model) if settings.model else None),
                       quotes=not args.no_quotes, device=settings.device)
    finally:
        backend.close()


def _remove(args: argparse.Namespace) -> int:
    from index.ingest import Indexer

    index_dir = args.index or default_index_dir()
    if bool(args.ids) == bool(args.server):
        raise BadQueryError("Give article ids or --server ID (one of them).")
    indexer = Indexer(args.index)
    if args.server:
        summary = indexer.remove_owner(_server(args.server))
    else:
        summary = indexer.remove(args.ids)
    print(format_summary(summary, index_dir))
    return 0 if summary.removed else 1


def _server(value: str) -> str:
    value = value.strip()
    if not value.isdigit():
        raise BadQueryError(f"{value!r} is not a Discord server id (a number).")
    return value


def _list(args: argparse.Namespace) -> int:
    from index.backend import open_backend

    backend = open_backend(args.index, read_only=True)
    try:
        ids = backend.article_ids(_server(args.server))
    finally:
        backend.close()
    for article_id in ids:
        print(article_id)
    print(f"{len(ids)} article(s) added by server {args.server}", file=sys.stderr)
    return 0


def _share(args: argparse.Namespace) -> int:
    from index.backend import OPERATOR, open_backend

    backend = open_backend(args.index)
    try:
        with backend.ingest_lock():
            changed = backend.set_owner(backend.article_ids(_server(args.server)), OPERATOR)
    finally:
        backend.close()
    print(f"{changed} article(s) of server {args.server} are now shared by every server")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from index.local import LocalBackend

    index_dir = args.index or default_index_dir()
    backend = LocalBackend.open(index_dir)  # opening writable applies pending migrations
    try:
        print(f"{index_dir}: schema version {backend.schema_version()}")
    finally:
        backend.close()
    return 0


def _stats(args: argparse.Namespace) -> int:
    from index.backend import open_backend

    store = open_backend(args.index, read_only=True)
    try:
        s = store.stats()
    finally:
        store.close()
    dates = f"{s.date_min} .. {s.date_max}" if s.date_min else "(no dates)"
    sources = ", ".join(f"{clean(name)} ({n})" for name, n in s.sources[:10])
    if len(s.sources) > 10:
        sources += f", ... ({len(s.sources) - 10} more)"
    lines = [
        f"index:      {store.location}",
        f"articles:   {s.articles}",
        f"passages:   {s.passages}",
        f"quotes:     {s.quotes} ({s.speakers} speakers)",
        f"dates:      {dates}",
        f"sources:    {sources or '(none)'}",
        f"model:      {clean(s.model)} ({s.dimension}-d), vectors: {s.vector_index}",
        f"size:       {s.size_bytes / (1024 * 1024):.1f} MB",
    ]
    if s.owners:
        shared = dict(s.owners).get(OPERATOR, 0)
        servers = [(o, n) for o, n in s.owners if o != OPERATOR]
        split = ", ".join(f"server {o}: {n}" for o, n in servers) or "none"
        lines.append(f"owners:     shared {shared}; servers' own: {split}")
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
