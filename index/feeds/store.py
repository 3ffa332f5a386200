"""The feed list and what each feed delivered: ``feeds.sqlite`` in the index directory.

The CLI and the bot share it (WAL mode, short transactions). The file is created 0600:
it holds the URLs admins typed. ``entries`` remembers each entry's digest, so an entry
that did not change is never fetched or indexed again.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index.feeds.models import OPERATOR

FILE_NAME = "feeds.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds(
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, owner TEXT NOT NULL, source TEXT,
    every REAL NOT NULL, created REAL NOT NULL, etag TEXT, last_modified TEXT,
    last_success REAL, last_error TEXT, last_error_at REAL, next_poll REAL NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0, polls INTEGER NOT NULL DEFAULT 0,
    articles_added INTEGER NOT NULL DEFAULT 0, title TEXT,
    UNIQUE(url, owner));
CREATE TABLE IF NOT EXISTS entries(
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE, key TEXT NOT NULL,
    article_id TEXT NOT NULL, digest TEXT NOT NULL, partial INTEGER NOT NULL DEFAULT 0,
    seen REAL NOT NULL, PRIMARY KEY(feed_id, key));
"""


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    owner: str  # "operator" or a Discord server id
    source: str | None
    every: float  # seconds between polls
    etag: str | None = None
    last_modified: str | None = None
    last_success: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    next_poll: float = 0.0
    failures: int = 0
    polls: int = 0
    articles_added: int = 0
    title: str | None = None


_COLUMNS = ("id, url, owner, source, every, etag, last_modified, last_success, last_error, "
            "last_error_at, next_poll, failures, polls, articles_added, title")


class FeedStore:
    """Thread-safe: one connection behind a lock; every call is one short transaction."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Created private before SQLite writes anything into it.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL stays consistent after a crash; a power cut may forget the last
        # poll's bookkeeping, which the next poll redoes. Saves an fsync per feed.
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SCHEMA)

    @classmethod
    def for_index(cls, index_dir: Path | str) -> FeedStore:
        return cls(Path(index_dir).expanduser() / FILE_NAME)

    @staticmethod
    def exists_for(index_dir: Path | str) -> bool:
        return (Path(index_dir).expanduser() / FILE_NAME).exists()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- the feed list ---------------------------------------------------------

    def add(self, url: str, *, owner: str = OPERATOR, source: str | None = None,
            every: float = 900.0) -> tuple[Feed, bool]:
        """(feed, created): adding a URL twice for one owner updates source and interval."""
        with self._lock, self._conn:
            cur = self._conn.execute(
                "INSERT INTO feeds(url, owner, source, every, created) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(url, owner) DO UPDATE SET source = excluded.source, "
                "every = excluded.every", (url, owner, source, every, time.time()))
            created = cur.rowcount == 1 and cur.lastrowid is not None
        feed = self.find(url, owner)
        assert feed is not None
        return feed, created

    def find(self, url: str, owner: str) -> Feed | None:
        with self._lock:
            row = self._conn.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ? AND owner = ?",
                                     (url, owner)).fetchone()
        return None if row is None else Feed(*row)

    def get(self, feed_id: int) -> Feed | None:
        with self._lock:
            row = self._conn.execute(f"SELECT {_COLUMNS} FROM feeds WHERE id = ?",
                                     (feed_id,)).fetchone()
        return None if row is None else Feed(*row)

    def feeds(self, owner: str | None = None) -> list[Feed]:
        """All feeds, or one owner's."""
        sql = f"SELECT {_COLUMNS} FROM feeds"
        args: tuple[object, ...] = ()
        if owner is not None:
            sql, args = sql + " WHERE owner = ?", (owner,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [Feed(*r) for r in rows]

    def due(self, now: float) -> list[Feed]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM feeds WHERE next_poll <= ? ORDER BY next_poll, id",
                (now,)).fetchall()
        return [Feed(*r) for r in rows]

    def next_due(self) -> float | None:
        with self._lock:
            row = self._conn.execute("SELECT min(next_poll) FROM feeds").fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def remove(self, feed_id: int, owner: str | None = None) -> bool:
        """False when there is no such feed (or it belongs to another owner)."""
        sql, args = "DELETE FROM feeds WHERE id = ?", (feed_id,)
        if owner is not None:
            sql, args = sql + " AND owner = ?", (feed_id, owner)  # type: ignore[assignment]
        with self._lock, self._conn:
            return self._conn.execute(sql, args).rowcount == 1

    # -- poll results ----------------------------------------------------------

    def record_success(self, feed: Feed, *, now: float, etag: str | None,
                       last_modified: str | None, added: int, title: str | None) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, last_success = ?, failures = 0, "
                "polls = polls + 1, articles_added = articles_added + ?, next_poll = ?, "
                "title = coalesce(?, title) WHERE id = ?",
                (etag, last_modified, now, added, now + feed.every, title, feed.id))

    def record_failure(self, feed: Feed, *, now: float, error: str, max_backoff: float) -> float:
        """Exponential backoff: the interval doubles with each failure in a row, up to
        ``max_backoff``. Returns the delay until the next try."""
        failures = feed.failures + 1
        delay = min(feed.every * 2 ** min(failures - 1, 16), max(max_backoff, feed.every))
        with self._lock, self._conn:
            self._conn.execute(
                "UPDATE feeds SET last_error = ?, last_error_at = ?, failures = ?, "
                "polls = polls + 1, next_poll = ? WHERE id = ?",
                (error[:500], now, failures, now + delay, feed.id))
        return delay

    def poll_now(self, feed_ids: Iterable[int] | None = None) -> None:
        """Make feeds due at once (``feeds check``)."""
        with self._lock, self._conn:
            if feed_ids is None:
                self._conn.execute("UPDATE feeds SET next_poll = 0")
            else:
                self._conn.executemany("UPDATE feeds SET next_poll = 0 WHERE id = ?",
                                       [(i,) for i in feed_ids])

    # -- entries ---------------------------------------------------------------

    def entry_digests(self, feed_id: int) -> dict[str, str]:
        with self._lock:
            rows = self._conn.execute("SELECT key, digest FROM entries WHERE feed_id = ?",
                                      (feed_id,)).fetchall()
        return dict(rows)

    def record_entries(self, feed_id: int,
                       entries: Iterable[tuple[str, str, str, bool]], now: float) -> None:
        """(key, article id, digest, partial) of entries indexed this poll."""
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT INTO entries(feed_id, key, article_id, digest, partial, seen) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(feed_id, key) DO UPDATE SET "
                "article_id = excluded.article_id, digest = excluded.digest, "
                "partial = excluded.partial, seen = excluded.seen",
                [(feed_id, k, a, d, int(p), now) for k, a, d, p in entries])

    def partial_count(self, feed_id: int) -> int:
        with self._lock:
            row = self._conn.execute("SELECT count(*) FROM entries WHERE feed_id = ? AND partial",
                                     (feed_id,)).fetchone()
        return int(row[0])

    def has_feeds(self) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM feeds LIMIT 1").fetchone() is not None
