"""The one place the feed layer hands articles to the indexer.

``owner`` is stored with each article ("operator": shared by every server; a server id:
seen in that server only), and an id another owner holds is skipped, never replaced.
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

    return Indexer(index_dir, embedder).add_articles(articles, where=f"feed[{owner}]",
                                                      owner=owner)
