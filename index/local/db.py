"""Connections to one index's SQLite file: one per thread, WAL, explicit transactions.

Read-only opens use ``mode=ro`` (and ``immutable=1`` when even that cannot create the
WAL side files: a read-only directory or another user's index), so commands that only
read work on indexes they may not write. Files are created 0600 in a 0700 directory.
Any SQLite error that means the file is damaged becomes `IndexDamagedError`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar

from index.errors import IndexDamagedError

DB_FILE = "newsdesk.sqlite"
FILE_MODE = 0o600
DIR_MODE = 0o700

P = ParamSpec("P")
R = TypeVar("R")


def recovery_hint(directory: Path) -> str:
    return (
        f"Restore {directory} from a backup, or move it aside and rebuild it from your "
        f"source files with `newsdesk index add --index {directory} PATH...`."
    )


def damaged(directory: Path, err: BaseException | str) -> IndexDamagedError:
    return IndexDamagedError(
        f"The index at {directory} is damaged ({err}).", hint=recovery_hint(directory)
    )


def _is_damage(err: sqlite3.DatabaseError) -> bool:
    """Busy/locked errors are transient; everything else on a read means a bad file."""
    text = str(err).lower()
    return not any(word in text for word in ("locked", "busy", "interrupted"))


def translate_errors(directory_of: Callable[..., Path]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: SQLite damage errors raised by a method become `IndexDamagedError`."""

    def wrap(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except sqlite3.DatabaseError as err:
                if not _is_damage(err):
                    raise
                raise damaged(directory_of(*args), err) from err

        return inner

    return wrap


def make_private_dir(directory: Path) -> None:
    directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (SQLite gives its -wal/-shm the same mode)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, FILE_MODE)
    os.close(fd)


class Database:
    """This index's SQLite connections; safe to share between threads."""

    def __init__(self, directory: Path, read_only: bool = False) -> None:
        self.dir = directory
        self.path = directory / DB_FILE
        self.read_only = read_only
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._immutable = False
        # Called inside every write transaction just before COMMIT (crash tests use it).
        self.before_commit: Callable[[], None] | None = None

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: transactions are explicit)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        if not self.read_only:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=60,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            return conn
        uri = self.path.resolve().as_uri()
        if not self._immutable:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None,
                                   timeout=60, check_same_thread=False)
            try:
                conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
                return conn
            except sqlite3.OperationalError as err:
                conn.close()
                # The WAL index cannot be created here (read-only dir, foreign owner).
                if "unable to open" not in str(err) and "readonly" not in str(err):
                    raise
                self._immutable = True
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None,
                               check_same_thread=False)

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on error."""
        if self.read_only:
            raise RuntimeError("write on an index opened read-only")
        with self._write_lock:
            conn = self.conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if self.before_commit is not None:
                    self.before_commit()
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state."""
        conn = self.conn()
        if conn.in_transaction:  # nested use on this thread: already consistent
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])
