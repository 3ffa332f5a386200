"""A throw-away local index holding articles and given quotes (no passages, no vectors):
what the quote evaluation and tests query through the same reader as the real index."""

from __future__ import annotations

import tempfile
import weakref
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from index.backend import OPERATOR, PreparedArticle
from index.local.backend import LocalBackend
from index.models import Article, Quote


def quote_index(articles: Iterable[Article], quotes: Iterable[Quote],
                owners: dict[str, str] | None = None) -> LocalBackend:
    """A temporary index of ``articles`` and ``quotes`` (removed with the object)."""
    tmp = tempfile.TemporaryDirectory(prefix="newsdesk-quotes-")
    backend = LocalBackend.open(Path(tmp.name) / "index", create=True)
    weakref.finalize(backend, tmp.cleanup)
    by_article: dict[str, list[Quote]] = defaultdict(list)
    for q in quotes:
        by_article[q.article_id].append(q)
    owners = owners or {}
    items = [PreparedArticle(a, "", (), tuple(by_article.get(a.id, ())),
                             owners.get(a.id, OPERATOR)) for a in articles]
    backend.write_rows(items, {})
    return backend
