"""Protection of the machine: a per-user cooldown and a global concurrency bound.

Both say *when to retry* instead of silently dropping work: :class:`RetryLater`
carries ``retry_after`` seconds and the error handler turns it into a message.
No discord imports: the terminal session and the tests use these too.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager

from index.errors import NewsdeskError


class RetryLater(NewsdeskError):
    """The caller is over a limit; ``retry_after`` says how long to wait (seconds)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = max(0.0, retry_after)

    def user_message(self) -> str:
        seconds = max(1, math.ceil(self.retry_after))
        return f"{self} Try again in {seconds} second{'s' if seconds != 1 else ''}."


class Cooldown:
    """At most ``rate`` requests per ``per`` seconds per key (a sliding window).

    Keys idle for longer than ``per`` are forgotten, so memory stays bounded by
    the number of users active in the last window.
    """

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("rate must be >= 1 and per > 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._last_prune = clock()

    def retry_after(self, key: Hashable) -> float:
        """0.0 when ``key`` may go now (and counts it), else seconds until it may."""
        now = self._clock()
        self._prune(now)
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) >= self.rate:
            return self.per - (now - hits[0])
        hits.append(now)
        return 0.0

    def check(self, key: Hashable) -> None:
        """Count a request for ``key`` or raise :class:`RetryLater`."""
        wait = self.retry_after(key)
        if wait > 0:
            raise RetryLater("You're asking faster than I can keep up.", wait)

    def __len__(self) -> int:
        return len(self._hits)

    def _prune(self, now: float) -> None:
        if now - self._last_prune < self.per:
            return
        self._last_prune = now
        stale = [k for k, hits in self._hits.items() if not hits or now - hits[-1] >= self.per]
        for key in stale:
            del self._hits[key]


class ConcurrencyLimiter:
    """At most ``limit`` jobs run at once and at most ``max_waiting`` wait for a slot.

    A job arriving when the queue is full gets :class:`RetryLater` at once, with an
    estimate of when a slot frees up (from the recent average job time).
    """

    def __init__(self, limit: int, max_waiting: int) -> None:
        if limit < 1 or max_waiting < 0:
            raise ValueError("limit must be >= 1 and max_waiting >= 0")
        self.limit = limit
        self.max_waiting = max_waiting
        self._sem = asyncio.Semaphore(limit)
        self.running = 0
        self.waiting = 0
        self.peak_running = 0
        self.peak_waiting = 0
        self.rejected = 0
        self._avg_seconds = 1.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._sem.locked() and self.waiting >= self.max_waiting:
            self.rejected += 1
            queue_ahead = self.waiting + self.running
            raise RetryLater(
                "I'm answering a lot of questions right now.",
                max(1.0, self._avg_seconds * queue_ahead / self.limit),
            )
        self.waiting += 1
        self.peak_waiting = max(self.peak_waiting, self.waiting)
        try:
            await self._sem.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        self.peak_running = max(self.peak_running, self.running)
        started = time.monotonic()
        try:
            yield
        finally:
            self.running -= 1
            self._sem.release()
            elapsed = time.monotonic() - started
            self._avg_seconds = 0.8 * self._avg_seconds + 0.2 * elapsed
