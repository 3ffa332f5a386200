"""The `newsdesk` command line: a thin shell over index/ and retrieval/.

Each command group lives in its own module exposing ``register(subparsers)``;
modules are imported here so `newsdesk --help` lists everything.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from bot.logs import configure_logging
from index.errors import NewsdeskError

# (module, purpose) for each command group, in help order.
COMMAND_MODULES = (
    "bot.cli.index_cmds",  # newsdesk index add|remove|stats
    "bot.cli.query_cmds",  # newsdesk search, newsdesk ask
    "bot.cli.quotes_cmds",  # newsdesk quotes
    "bot.cli.chart_cmds",  # newsdesk trend, timeline, compare
    "bot.cli.chat_cmds",  # newsdesk chat
    "bot.cli.eval_cmds",  # newsdesk eval quotes|retrieval
    "bot.cli.serve_cmds",  # newsdesk serve
    "bot.cli.privacy_cmds",  # newsdesk privacy forget
    "bot.cli.feeds_cmds",  # newsdesk feeds add|list|remove|check, newsdesk watch
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Ask a news archive questions; every answer cites verbatim excerpts.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue  # command group not built yet
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)  # message contents and interaction tokens never logged
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except NewsdeskError as err:
        from bot.terminal_text import strip_controls

        print(f"error: {strip_controls(err.user_message())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
