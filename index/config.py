"""Defaults shared by the CLI and the bot (the bot's settings module reads these)."""

from __future__ import annotations

import os
from pathlib import Path

INDEX_ENV = "NEWSDESK_INDEX"
MODEL_ENV = "NEWSDESK_MODEL"
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
MAX_FILE_BYTES = 10 * 1024 * 1024


def default_index_dir() -> Path:
    """``$NEWSDESK_INDEX``, else ``$XDG_DATA_HOME/newsdesk/index`` (~/.local/share/...)."""
    env = os.environ.get(INDEX_ENV)
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "newsdesk" / "index"
