"""Ingestion yields to queries: a gate between the serving threads and the writer.

Queries mark themselves with ``gate.query()`` (the bot's `Core` does, around every
engine call); the indexer calls ``gate.pause()`` at its yield points (between
articles, between pieces of an encode, before each commit), which waits while any
query runs. A steady stream of queries cannot starve ingestion: after waiting
``max_wait_s`` the writer works on for at least ``slice_s`` before it yields again.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

MAX_WAIT_S = 0.5  # the longest one yield point waits for queries to finish
WORK_SLICE_S = 0.1  # then the writer runs this long without yielding (no starvation)


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
