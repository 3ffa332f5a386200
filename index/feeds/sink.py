"""The one place the feed layer hands articles to the indexer.

Until the ownership-aware writer lands (issue 15), ``owner`` is carried but not stored:
switching to it is the single call below.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.models import Article, IngestSummary


def index_articles(index_dir: Path | str, articles: Sequence[Article], owner: str,
                   embedder: Any = None) -> IngestSummary:
    """Add or replace ``articles`` (by id) in the index at ``index_dir``."""
    from index.ingest import Indexer

    return Indexer(index_dir, embedder).add_articles(articles, where=f"feed[{owner}]")
