"""What the bot must remember across restarts: the answers its buttons act on, and
who already voted on which answer.

Buttons under an answer carry only a short key (``nd:answer:<key>:<action>``); the
answer itself lives here, in a small SQLite file beside the index (NEWSDESK_STATE),
so "Sources" still works on yesterday's message after a redeploy.

Privacy: an answer row holds the question and who asked it; a vote row who voted.
Both are deleted after ``keep_days`` (NEWSDESK_KEEP_ANSWERS_DAYS, default 30), at
start and then at most hourly, and :meth:`AnswerMemory.forget_user` deletes one
person's rows (``newsdesk privacy forget``). The file is created 0600 (SQLite gives
its -wal and -shm files the same mode).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from retrieval.models import Answer, Citation, Filters

log = logging.getLogger(__name__)

KEEP_DAYS = 30
PRUNE_EVERY_S = 3600.0
MEMORY = ":memory:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers(key TEXT PRIMARY KEY, created REAL NOT NULL, answer TEXT NOT NULL,
                                   user_id TEXT);
CREATE TABLE IF NOT EXISTS votes(key TEXT NOT NULL, user_id TEXT NOT NULL,
                                 PRIMARY KEY(key, user_id));
"""


class AnswerMemory:
    """Thread-safe; every call is one short SQLite statement (run it off the event loop)."""

    def __init__(self, path: Path | str = MEMORY, keep_days: float = KEEP_DAYS) -> None:
        self.path = str(path)
        self.keep_days = keep_days
        self._lock = threading.Lock()
        self._conn = self._connect(self.path)
        self._pruned_at = 0.0
        self.prune()

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        try:
            if path != MEMORY:
                _create_private(Path(path))
            conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(answers)")}
            if "user_id" not in columns:  # a file from before answers kept their asker
                conn.execute("ALTER TABLE answers ADD COLUMN user_id TEXT")
        except (OSError, sqlite3.Error) as err:
            # Buttons still work until the next restart; say why they won't after it.
            log.warning("Cannot keep answers in %s (%s): buttons will not survive a restart.",
                        path, err)
            conn = sqlite3.connect(MEMORY, check_same_thread=False)
            conn.executescript(_SCHEMA)
        if path != MEMORY:
            conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def prune(self) -> int:
        """Delete answers (and their votes) older than ``keep_days``; how many answers."""
        cutoff = time.time() - self.keep_days * 86400
        with self._lock, self._conn:
            self._pruned_at = time.monotonic()
            self._conn.execute(
                "DELETE FROM votes WHERE key IN (SELECT key FROM answers WHERE created < ?)",
                (cutoff,),
            )
            return self._conn.execute("DELETE FROM answers WHERE created < ?", (cutoff,)).rowcount

    def forget_user(self, user_id: str) -> tuple[int, int]:
        """Delete the answers one person asked for and their votes: (answers, votes)."""
        with self._lock, self._conn:
            votes = self._conn.execute("DELETE FROM votes WHERE user_id = ?", (user_id,)).rowcount
            answers = self._conn.execute(
                "DELETE FROM answers WHERE user_id = ?", (user_id,)
            ).rowcount
        return answers, votes

    def remember(self, answer: Answer, user_id: str | None = None) -> str:
        if time.monotonic() - self._pruned_at > PRUNE_EVERY_S:
            self.prune()
        key = secrets.token_hex(8)
        payload = json.dumps(asdict(answer), ensure_ascii=False)
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO answers(key, created, answer, user_id) VALUES (?, ?, ?, ?)",
                (key, time.time(), payload, user_id),
            )
        return key

    def recall(self, key: str) -> Answer | None:
        with self._lock:
            row = self._conn.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return None if row is None else _answer(json.loads(row[0]))

    def add_vote(self, key: str, user_id: str) -> bool:
        """False when this user already voted on this answer (the vote itself goes to
        the index's feedback table)."""
        with self._lock, self._conn:
            cur = self._conn.execute("INSERT OR IGNORE INTO votes VALUES (?, ?)", (key, user_id))
            return cur.rowcount == 1

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _create_private(path: Path) -> None:
    """Create the file (and a missing parent folder) readable by its owner only."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for made in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if made.exists() and made.stat().st_mode & 0o077:
            made.chmod(0o600)  # a file made before this rule


def _answer(data: dict[str, Any]) -> Answer:
    citations = tuple(
        Citation(**{**c, "highlights": tuple(tuple(h) for h in c.get("highlights", ()))})
        for c in data.get("citations", ())
    )
    f = data.get("filters") or {}
    ids = f.get("article_ids")
    filters = Filters(**{**f, "article_ids": tuple(ids) if ids is not None else None})
    return Answer(
        question=data["question"], text=data["text"], citations=citations,
        kind=data.get("kind", "answer"), candidates=tuple(data.get("candidates", ())),
        speaker=data.get("speaker"), filters=filters,
    )
