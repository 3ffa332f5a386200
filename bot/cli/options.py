"""Options shared by several `newsdesk` commands."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_index_option(parser: argparse.ArgumentParser) -> None:
    """``--index DIR``; None means index.config.default_index_dir()."""
    parser.add_argument(
        "--index",
        metavar="DIR",
        type=Path,
        default=None,
        help="index directory (default: $NEWSDESK_INDEX or ~/.local/share/newsdesk/index)",
    )
