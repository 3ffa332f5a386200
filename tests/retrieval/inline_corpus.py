"""Index a handful of articles written in a test, through the JSON-lines reader (the path
a user's `newsdesk index add corpus.jsonl` takes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.embedder import Embedder
from index.ingest import Indexer


def index_articles(root: Path, name: str, articles: Sequence[dict[str, Any]],
                   embedder: Embedder, *, quotes: bool = False) -> Path:
    """``root/index`` holding ``articles`` (every one added, none skipped)."""
    corpus = root / f"{name}.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    summary = Indexer(root / "index", embedder, quotes=quotes).add([corpus])
    assert summary.added == len(articles) and not summary.skipped, summary
    return root / "index"
