"""Follows and their alerts: who wants to hear about which speaker or topic, and the
outbox of alerts (in the bot-state database, beside bot/state.py's tables).

Every alert is one row keyed by (follow, article): inserting it twice is a no-op, so a
restart or a re-poll never repeats an alert. Rows stay ``queued`` until the send
succeeds; a Discord outage leaves them queued for the next try (the queue is bounded:
beyond ``MAX_QUEUED`` the oldest are dropped, and counted). No discord imports here.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_QUEUED = 1000
MAX_ATTEMPTS = 50  # about a day of retries at the bot's pace, then the alert is dropped
TERMINAL = "terminal"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows(
    id INTEGER PRIMARY KEY, guild TEXT, channel TEXT NOT NULL, user TEXT NOT NULL,
    personal INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, created REAL NOT NULL,
    UNIQUE(guild, channel, user, personal, kind, value));
CREATE TABLE IF NOT EXISTS alerts(
    follow_id INTEGER NOT NULL, article_id TEXT NOT NULL, target TEXT NOT NULL,
    content TEXT NOT NULL, query TEXT NOT NULL, state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, sent REAL,
    PRIMARY KEY(follow_id, article_id));
CREATE INDEX IF NOT EXISTS alerts_state ON alerts(state, created);
"""


@dataclass(frozen=True)
class Follow:
    id: int
    guild: str | None  # None: the terminal session
    channel: str  # where the follow was made ("terminal" for the terminal session)
    user: str
    personal: bool  # alerts go to the user's DMs
    kind: str  # "speaker" or "topic"
    value: str  # the resolved speaker name, or the topic text

    @property
    def target(self) -> str:
        if self.guild is None:
            return TERMINAL
        return f"user:{self.user}" if self.personal else f"channel:{self.channel}"

    def sees(self, owner: str) -> bool:
        """Articles a server added alert only that server's follows (operator: everyone)."""
        return owner == "operator" or owner == (self.guild or "operator")


@dataclass(frozen=True)
class Alert:
    follow_id: int
    article_id: str
    target: str  # "channel:ID", "user:ID" or "terminal"
    content: str  # the message, rendered and escaped for its target
    query: str  # what to /search for the rest ("and 3 more: /search ...")


class SendFailed(Exception):
    """The send failed; ``permanent`` when retrying cannot help (channel gone, no access)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


_FOLLOW_COLUMNS = "id, guild, channel, user, personal, kind, value"


class FollowStore:
    """Thread-safe; every call is one short transaction (run it off the event loop)."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)
        self.dropped = 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- follows ---------------------------------------------------------------

    def add(self, *, guild: str | None, channel: str, user: str, personal: bool, kind: str,
            value: str) -> tuple[Follow, bool]:
        with self._lock, self._conn:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO follows(guild, channel, user, personal, kind, value, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild, channel, user, int(personal), kind, value, time.time()))
            created = cur.rowcount == 1
            row = self._conn.execute(
                f"SELECT {_FOLLOW_COLUMNS} FROM follows WHERE guild IS ? AND channel = ? AND "
                "user = ? AND personal = ? AND kind = ? AND value = ?",
                (guild, channel, user, int(personal), kind, value)).fetchone()
        return _follow(row), created

    def follows(self, guild: str | None = None, *, every: bool = False) -> list[Follow]:
        """One server's follows (``guild=None``: the terminal's), or all with ``every``."""
        sql = f"SELECT {_FOLLOW_COLUMNS} FROM follows"
        args: tuple[object, ...] = ()
        if not every:
            sql, args = sql + " WHERE guild IS ?", (guild,)
        with self._lock:
            return [_follow(r) for r in self._conn.execute(sql + " ORDER BY id", args)]

    def remove(self, follow_id: int, guild: str | None) -> Follow | None:
        with self._lock, self._conn:
            row = self._conn.execute(f"SELECT {_FOLLOW_COLUMNS} FROM follows WHERE id = ? AND "
                                     "guild IS ?", (follow_id, guild)).fetchone()
            if row is None:
                return None
            self._conn.execute("DELETE FROM follows WHERE id = ?", (follow_id,))
            # Sent ones too: they only kept this follow from repeating itself, and a DM
            # alert names its user (README: kept until /unfollow).
            self._conn.execute("DELETE FROM alerts WHERE follow_id = ?", (follow_id,))
        return _follow(row)

    def forget_user(self, user: str) -> tuple[int, int]:
        """`newsdesk privacy forget`: delete every follow a user made (in a channel or by
        DM) and every alert of those follows, whatever its state: (follows, alerts)."""
        with self._lock, self._conn:
            mine = "SELECT id FROM follows WHERE user = ?"
            alerts = self._conn.execute(
                f"DELETE FROM alerts WHERE follow_id IN ({mine}) OR target = ?",
                (user, f"user:{user}")).rowcount
            follows = self._conn.execute("DELETE FROM follows WHERE user = ?", (user,)).rowcount
        return int(follows), int(alerts)

    # -- the outbox ------------------------------------------------------------

    def enqueue(self, alerts: Iterable[Alert]) -> int:
        """Queue alerts not queued or sent before; returns how many are new."""
        now = time.time()
        with self._lock, self._conn:
            new = 0
            for a in alerts:
                cur = self._conn.execute(
                    "INSERT OR IGNORE INTO alerts(follow_id, article_id, target, content, query, "
                    "state, created) VALUES (?, ?, ?, ?, ?, 'queued', ?)",
                    (a.follow_id, a.article_id, a.target, a.content, a.query, now))
                new += cur.rowcount
            over = self._conn.execute("SELECT count(*) FROM alerts WHERE state = 'queued'"
                                      ).fetchone()[0] - MAX_QUEUED
            if over > 0:
                self._conn.execute(
                    "UPDATE alerts SET state = 'dropped' WHERE rowid IN (SELECT rowid FROM alerts "
                    "WHERE state = 'queued' ORDER BY created LIMIT ?)", (over,))
                self.dropped += over
                log.warning("alert queue full: dropped the %d oldest alert(s)", over)
        return new

    def queued(self) -> list[Alert]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT follow_id, article_id, target, content, query FROM alerts "
                "WHERE state = 'queued' ORDER BY created, rowid").fetchall()
        return [Alert(*r) for r in rows]

    def queued_count(self) -> int:
        with self._lock:
            return int(self._conn.execute(
                "SELECT count(*) FROM alerts WHERE state = 'queued'").fetchone()[0])

    def mark(self, alerts: Sequence[Alert], state: str) -> None:
        with self._lock, self._conn:
            self._conn.executemany(
                "UPDATE alerts SET state = ?, sent = ? WHERE follow_id = ? AND article_id = ?",
                [(state, time.time(), a.follow_id, a.article_id) for a in alerts])

    def failed(self, alert: Alert) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "UPDATE alerts SET attempts = attempts + 1, state = CASE WHEN attempts + 1 >= ? "
                "THEN 'dropped' ELSE state END WHERE follow_id = ? AND article_id = ?",
                (MAX_ATTEMPTS, alert.follow_id, alert.article_id))

    def sent_count(self) -> int:
        with self._lock:
            return int(self._conn.execute(
                "SELECT count(*) FROM alerts WHERE state IN ('sent', 'summarised')").fetchone()[0])


def _follow(row: Sequence[object]) -> Follow:
    i, guild, channel, user, personal, kind, value = row
    return Follow(int(i), guild if guild is None else str(guild), str(channel), str(user),  # type: ignore[call-overload]
                  bool(personal), str(kind), str(value))


Send = Callable[[str, str], Awaitable[None]]


@dataclass(frozen=True)
class FlushResult:
    sent: int = 0
    summarised: int = 0
    failed: int = 0
    dropped: int = 0


async def flush(store: FollowStore, send: Send, per_target: int,
                run: Callable[..., Awaitable[object]]) -> FlushResult:
    """Send the queued alerts, at most ``per_target`` messages per target, the rest summed
    up in one line. A target whose send fails keeps its alerts queued for the next flush."""
    queued: list[Alert] = await run(store.queued)  # type: ignore[assignment]
    by_target: dict[str, list[Alert]] = {}
    for a in queued:
        by_target.setdefault(a.target, []).append(a)
    sent = summarised = failed = dropped = 0
    for target, alerts in by_target.items():
        first, rest = alerts[:per_target], alerts[per_target:]
        ok = True
        for alert in first:
            try:
                await send(target, alert.content)
            except SendFailed as err:
                if err.permanent:
                    log.warning("alert to %s dropped: %s", target, err)
                    await run(store.mark, [alert], "dropped")
                    dropped += 1
                    continue
                log.info("alert to %s not sent (%s): kept for the next try", target, err)
                await run(store.failed, alert)
                failed += 1
                ok = False
                break
            await run(store.mark, [alert], "sent")
            sent += 1
        if ok and rest:
            queries = list(dict.fromkeys(a.query for a in rest))
            line = f"… and {len(rest)} more: " + ", ".join(f"/search {q}" for q in queries[:3])
            try:
                await send(target, line[:1900])
            except SendFailed as err:
                if not err.permanent:
                    failed += 1
                    continue
            await run(store.mark, rest, "summarised")
            summarised += len(rest)
    return FlushResult(sent, summarised, failed, dropped)
