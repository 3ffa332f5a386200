"""An in-memory snapshot of the index's small columns, rebuilt when the index changes.

Ranking needs, for a few hundred candidate passages per query, their article, its
date and title; fetching those row by row from SQLite costs more than the whole
search. Holding id -> article for every passage is a few bytes each.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date

import numpy as np

from index.store import IndexStore


@dataclass(frozen=True)
class ArticleMeta:
    id: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None


class Catalog:
    """Articles' metadata, passage -> article map, and an FTS5 index of titles."""

    def __init__(self, store: IndexStore) -> None:
        with store.snapshot() as conn:
            self.generation = store.generation()
            arts = conn.execute("SELECT id, title, date, source, url FROM articles").fetchall()
            pas = conn.execute("SELECT id, article_id FROM passages ORDER BY id").fetchall()
        self.articles: list[ArticleMeta] = [ArticleMeta(*r) for r in arts]
        self.row_of: dict[str, int] = {a.id: i for i, a in enumerate(self.articles)}
        self.passage_ids = np.array([p[0] for p in pas], dtype=np.int64)
        self.passage_article = np.array([self.row_of[p[1]] for p in pas], dtype=np.int64)
        self.day = np.array([_ordinal(a.date) for a in self.articles], dtype=np.int64)
        self.date_max = max((a.date for a in self.articles if a.date), default=None)
        self._titles = _title_index(self.articles)
        self._lock = threading.Lock()  # one in-memory connection, shared by threads

    def __len__(self) -> int:
        return len(self.articles)

    def article_rows(self, passage_ids: np.ndarray) -> np.ndarray:
        """Article row of each passage id (-1 for ids not in this snapshot)."""
        pos = np.searchsorted(self.passage_ids, passage_ids)
        pos = pos.clip(max=max(len(self.passage_ids) - 1, 0))
        if not len(self.passage_ids):
            return np.full(len(passage_ids), -1, np.int64)
        found = self.passage_ids[pos] == passage_ids
        return np.where(found, self.passage_article[pos], -1)

    def title_search(self, match: str, k: int,
                     rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(article row, bm25 score, higher better) of titles matching an FTS expression,
        among ``rows`` when given (filters restrict before ranking)."""
        sql = "SELECT rowid, bm25(titles) AS s FROM titles WHERE titles MATCH ?"
        params: list[object] = [match]
        if rows is not None:
            sql += " AND rowid IN (SELECT value FROM json_each(?))"
            params.append(json.dumps([int(r) + 1 for r in rows]))
        with self._lock:
            found = self._titles.execute(sql + " ORDER BY s LIMIT ?", [*params, k]).fetchall()
        return [(int(r) - 1, -float(s)) for r, s in found]


def _ordinal(iso: str | None) -> int:
    if not iso:
        return 0
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return 0


def _title_index(articles: list[ArticleMeta]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute("CREATE VIRTUAL TABLE titles USING fts5(title, tokenize='porter unicode61')")
    conn.executemany("INSERT INTO titles(rowid, title) VALUES (?, ?)",
                     ((i + 1, a.title or "") for i, a in enumerate(articles)))
    return conn
