"""Options shared by several `newsdesk` commands."""

from __future__ import annotations

import argparse
from pathlib import Path

INDEX_HELP = "index directory (default: $NEWSDESK_INDEX or ~/.local/share/newsdesk/index)"


def add_index_option(parser: argparse.ArgumentParser, help: str = INDEX_HELP) -> None:
    """``--index DIR``, the one definition every command uses; None means the settings'
    index (``NewsdeskSettings.index_dir``). ``help`` for commands that give it another
    meaning (the evaluations: an index built there once if missing)."""
    parser.add_argument("--index", metavar="DIR", type=Path, default=None, help=help)
