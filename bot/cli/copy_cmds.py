"""`newsdesk index copy --to URI`: copy an index to another backend (no re-embedding).

    newsdesk index copy --to /data/newsdesk.db                 # local -> embedded milvus-lite
    newsdesk index copy --to http://milvus:19530               # local -> a Milvus server
    newsdesk index copy --from-milvus /data/newsdesk.db --to ~/idx   # Milvus -> local dir
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.options import add_index_option
from index.config import default_index_dir


def milvus_uri(target: str) -> bool:
    """A Milvus location: a server URL or a milvus-lite ``.db`` file; else a local dir."""
    return target.startswith(("http://", "https://", "tcp://")) or target.endswith(".db")


def register(commands: argparse._SubParsersAction) -> None:
    copy = commands.add_parser(
        "copy", help="copy the index to a Milvus URI or a local directory (no re-embedding)")
    copy.add_argument("--to", required=True, metavar="URI",
                      help="http://host:19530, a milvus-lite FILE.db, or a local index DIR")
    copy.add_argument("--from-milvus", metavar="URI", default=None,
                      help="copy from this Milvus URI instead of the local index")
    add_index_option(copy)
    copy.add_argument("--no-progress", action="store_true", help="no progress line")
    copy.set_defaults(func=_copy)


def _copy(args: argparse.Namespace) -> int:
    from index.backend import open_backend
    from index.transfer import copy_index

    if args.from_milvus:
        source = open_backend(args.from_milvus, kind="milvus", read_only=True)
    else:
        source = open_backend(args.index or default_index_dir(), kind="local", read_only=True)
    kind = "milvus" if milvus_uri(args.to) else "local"
    target = args.to if kind == "milvus" else Path(args.to).expanduser()
    try:
        dest = open_backend(target, kind=kind, create=True)
        try:
            def progress(done: int, total: int) -> None:
                if not args.no_progress:
                    print(f"\rcopied {done}/{total} articles", end="", file=sys.stderr)

            summary = copy_index(source, dest, progress=progress)
        finally:
            dest.close()
    finally:
        source.close()
    if not args.no_progress:
        print(file=sys.stderr)
    print(f"Copied {summary.copied} article(s) ({summary.passages} passages, {summary.quotes} "
          f"quotes, no re-embedding) from {source.location} to {args.to}; "
          f"{summary.unchanged} already there unchanged; {summary.seconds:.1f} s.")
    return 0
