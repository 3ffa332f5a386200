"""Ingestion yields to queries: a gate between the serving threads and the writer.

Queries mark themselves with ``gate.query()`` (the bot's `Core` does, around every
engine call); the indexer calls ``gate.pause()`` at its yield points (between
articles, between pieces of an encode, before each commit), which waits while any
query runs. A steady stream of queries cannot starve ingestion: after waiting
``max_wait_s`` the writer works on for at least ``slice_s`` before it yields again.

A question that arrives while the writer is between two yield points still shares the
CPU with it until the next one: so beside queries the writer keeps its steps short
(`index.ingest` encodes in pieces of ``SERVING_ENCODE_PIECE`` texts and commits
``SERVING_BATCH_PASSAGES`` passages at a time) and runs at a lower CPU priority
(`background_thread`), so the scheduler gives a question's threads the cores first.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator

MAX_WAIT_S = 0.5  # the longest one yield point waits for queries to finish
WORK_SLICE_S = 0.1  # then the writer runs this long without yielding (no starvation)
BACKGROUND_NICE = 10  # the writer thread's nice value beside queries (0 is normal, 19 lowest)


class QueryGate:
    """Counts queries in flight; thread-safe."""

    def __init__(self, max_wait_s: float = MAX_WAIT_S, slice_s: float = WORK_SLICE_S) -> None:
        self.max_wait_s = max_wait_s
        self.slice_s = slice_s
        self._active = 0
        self._idle = threading.Condition()
        self._free_until = 0.0  # monotonic time until which pause() does not wait
        self.waited_s = 0.0  # total time the writer spent yielding (reported by benchmarks)
        self.waiting = 0  # writers waiting now (tests watch it)

    @contextlib.contextmanager
    def query(self) -> Iterator[None]:
        with self._idle:
            self._active += 1
        try:
            yield
        finally:
            with self._idle:
                self._active -= 1
                if not self._active:
                    self._idle.notify_all()

    def busy(self) -> bool:
        return self._active > 0

    def pause(self) -> None:
        """The writer's yield point: returns at once when no query runs."""
        if not self._active or time.monotonic() < self._free_until:
            return
        started = time.monotonic()
        with self._idle:
            self.waiting += 1
            self._idle.wait_for(lambda: not self._active, timeout=self.max_wait_s)
            self.waiting -= 1
            still_busy = bool(self._active)
        now = time.monotonic()
        self.waited_s += now - started
        if still_busy:  # queries keep coming: take a slice of work before yielding again
            self._free_until = now + self.slice_s


def background_thread() -> bool:
    """Lower the calling thread's CPU priority to ``BACKGROUND_NICE`` (Linux: a nice
    value per thread; threads it starts, such as tantivy's, inherit it), once per thread.
    Not on the main thread, whose priority a CLI run or a test would keep for good, and
    never raised (an unprivileged process cannot raise it back). Returns whether the
    thread now runs in the background."""
    if threading.current_thread() is threading.main_thread():
        return False
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < BACKGROUND_NICE:
            os.setpriority(os.PRIO_PROCESS, tid, BACKGROUND_NICE)
        return os.getpriority(os.PRIO_PROCESS, tid) >= BACKGROUND_NICE
    except (OSError, AttributeError):  # no per-thread priorities here: the gate still works
        return False
