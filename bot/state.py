"""What the bot must remember across restarts: the answers its buttons act on, and
who already voted on which answer.

Buttons under an answer carry only a short key (``nd:answer:<key>:<action>``); the
answer itself lives here, in a small SQLite file beside the index (NEWSDESK_STATE),
so "Sources" still works on yesterday's message after a redeploy. Rows older than
``KEEP_DAYS`` are dropped when the bot starts.
"""

from __future__ import annotations

import json
import logging
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
MEMORY = ":memory:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers(key TEXT PRIMARY KEY, created REAL NOT NULL, answer TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS votes(key TEXT NOT NULL, user_id TEXT NOT NULL,
                                 PRIMARY KEY(key, user_id));
"""


class AnswerMemory:
    """Thread-safe; every call is one short SQLite statement (run it off the event loop)."""

    def __init__(self, path: Path | str = MEMORY) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._conn = self._connect(self.path)

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        try:
            if path != MEMORY:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
            conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as err:
            # Buttons still work until the next restart; say why they won't after it.
            log.warning("Cannot keep answers in %s (%s): buttons will not survive a restart.",
                        path, err)
            conn = sqlite3.connect(MEMORY, check_same_thread=False)
            conn.executescript(_SCHEMA)
        if path != MEMORY:
            conn.execute("PRAGMA journal_mode=WAL")
        cutoff = time.time() - KEEP_DAYS * 86400
        with conn:
            conn.execute("DELETE FROM votes WHERE key IN (SELECT key FROM answers WHERE created < ?)",
                         (cutoff,))
            conn.execute("DELETE FROM answers WHERE created < ?", (cutoff,))
        return conn

    def remember(self, answer: Answer) -> str:
        key = secrets.token_hex(8)
        payload = json.dumps(asdict(answer), ensure_ascii=False)
        with self._lock, self._conn:
            self._conn.execute("INSERT INTO answers VALUES (?, ?, ?)", (key, time.time(), payload))
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
