"""Constants shared by the CLI and the bot; settings themselves are in index/settings.py."""

from __future__ import annotations

from pathlib import Path

INDEX_ENV = "NEWSDESK_INDEX"
MODEL_ENV = "NEWSDESK_MODEL"
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
MAX_FILE_BYTES = 10 * 1024 * 1024


def default_index_dir() -> Path:
    """``$NEWSDESK_INDEX``, else ``$XDG_DATA_HOME/newsdesk/index`` (read by the settings model)."""
    from index.settings import NewsdeskSettings

    return NewsdeskSettings().index_dir
