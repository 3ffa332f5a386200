"""The ingest lease: one indexing run at a time per index, across processes and machines.

Rows ``ingest_lease:<token>:<n>`` in the index's meta collection name a holder (a token
made per acquisition, with host and pid for messages), when it took the lease, and an
expiry time. The holder renews from a background thread; a holder that dies stops
renewing and the next writer takes over once its rows have expired (`recover` then
repairs what the dead writer left, as after a crash).

Two facts of Milvus shape this. It has no compare-and-set (an upsert always wins, an
insert even accepts a duplicate key). And an upsert is a delete then an insert: a
reader in between sees no row at all (milvus-lite 2.5.1: 163 of 387 reads during 200
upserts of one key). So rows are only ever inserted under new keys and deleted after
their successor is in place: a live holder is always visible. Taking a free lease is
Fischer's timed mutual exclusion: insert our row, wait `settle_s`, read all rows; the
live row taken earliest (then the smaller token) holds the lease, and a loser deletes
its row and waits. Safe when (1) no writer takes longer than `settle_s` between
seeing no live holder and its insert becoming visible (one round trip with Strong
consistency: milliseconds; settle_s is 2 s), and (2) the writers' clocks agree to well
within the renewal margin (ttl_s 60 s, renewed every 15 s). A holder stalled longer
than `ttl_s` (a paused VM) loses the lease: it notices at its next renewal or before
its next commit and stops with an error instead of writing on.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from index.errors import NewsdeskError
from index.milvus.client import lit
from index.milvus.schema import PLACEHOLDER, Collections

log = logging.getLogger(__name__)

LEASE_PREFIX = "ingest_lease:"


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds the lease, since when and until when (epoch seconds)."""

    token: str
    host: str
    pid: int
    since: float
    expires: float

    def describe(self) -> str:
        return f"{self.host} pid {self.pid}"


class LeaseLostError(NewsdeskError):
    """Another writer took over the ingest lease while this one still wrote."""


class IngestLease:
    """Acquire with `acquire()` (blocks until free or expired), then `release()`."""

    def __init__(self, client: Any, names: Collections, *, ttl_s: float = 60.0,
                 settle_s: float = 2.0, poll_s: float = 1.0) -> None:
        self.client, self.names = client, names
        self.ttl_s, self.settle_s, self.poll_s = ttl_s, settle_s, poll_s
        self.token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        self._n = 0
        self._since = 0.0
        self._expires = 0.0
        self.lost = False

    # ----- the rows -------------------------------------------------------------------

    def _rows(self) -> list[tuple[str, LeaseHolder]]:
        rows = self.client.query(self.names.meta, filter=f'key like "{LEASE_PREFIX}%"',
                                 output_fields=["key", "value"])
        out = []
        for r in rows:
            try:
                v = json.loads(r["value"])
                out.append((str(r["key"]), LeaseHolder(
                    str(v["token"]), str(v["host"]), int(v["pid"]), float(v["since"]),
                    float(v["expires"]))))
            except (ValueError, KeyError, TypeError):
                continue  # unreadable: no holder
        return out

    def holder(self) -> LeaseHolder | None:
        """The live holder: of the unexpired rows, the one taken earliest."""
        best: dict[str, LeaseHolder] = {}
        for _, h in self._rows():
            if not _gone(h) and (h.token not in best or h.expires > best[h.token].expires):
                best[h.token] = h
        return min(best.values(), key=lambda h: (h.since, h.token), default=None)

    def _key(self, n: int) -> str:
        return f"{LEASE_PREFIX}{self.token}:{n}"

    def _insert(self) -> None:
        """A new row of ours, then the older ones go (never a moment without one)."""
        self._n += 1
        self._expires = time.time() + self.ttl_s
        value = {"token": self.token, "host": socket.gethostname(), "pid": os.getpid(),
                 "since": self._since, "expires": self._expires}
        self.client.insert(self.names.meta, [{"key": self._key(self._n),
                                              "value": json.dumps(value), "_v": PLACEHOLDER}])
        self._delete(self._key(n) for n in range(max(0, self._n - 3), self._n))

    def _delete(self, keys: Any) -> None:
        keys = list(keys)
        if keys:
            self.client.delete(self.names.meta,
                               filter=f"key in [{', '.join(lit(k) for k in keys)}]")

    def _mine(self) -> bool:
        current = self.holder()
        return current is not None and current.token == self.token

    # ----- acquire, renew, release --------------------------------------------------------

    def acquire(self, timeout_s: float | None = None, *, take_any: bool = False) -> None:
        """Block until this lease holds the row (or raise after ``timeout_s``).

        ``take_any``: every other holder is known dead (an embedded file, which one
        process alone can open)."""
        started = time.monotonic()
        warned = False
        while True:
            if take_any:
                self._delete(k for k, h in self._rows() if h.token != self.token)
            current = self.holder()
            if current is None:
                self._delete(k for k, h in self._rows() if _gone(h))  # dead writers' rows
                self._since = time.time()
                self._insert()
                time.sleep(self.settle_s)  # a writer that saw no holder with us wrote by now
                if self._mine():
                    break
                self._delete(self._key(n) for n in range(self._n + 1))  # lost the race
                continue
            if timeout_s is not None and time.monotonic() - started > timeout_s:
                raise NewsdeskError(
                    f"Another indexing run ({current.describe()}) holds this index.",
                    hint="Wait for it to finish; a crashed one's lease expires within "
                    f"{self.ttl_s:.0f} s.")
            if not warned:
                log.warning("waiting for the indexing run of %s to finish",
                            current.describe())
                warned = True
            time.sleep(self.poll_s)
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew, name="newsdesk-lease",
                                         daemon=True)
        self._renewer.start()

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl_s / 4):
            try:
                if time.time() > self._expires or not self._mine():
                    self.lost = True
                    log.error("the ingest lease expired or was taken over by another writer")
                    return
                self._insert()
            except Exception as err:  # a lost connection: retried; the lease may expire
                log.warning("could not renew the ingest lease: %s", err)

    def check(self) -> None:
        """Raise `LeaseLostError` if another writer took the lease over (before a commit)."""
        if self.lost or time.time() > self._expires or not self._mine():
            self.lost = True
            raise LeaseLostError(
                "This indexing run lost its lease on the index (it stalled past "
                f"{self.ttl_s:.0f} s and another writer took over); nothing more is written.",
                hint="Run the command again once the other run has finished.")

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
            self._renewer = None
        # Only our own rows: never another writer's.
        self._delete(k for k, h in self._rows() if h.token == self.token)


def _gone(holder: LeaseHolder) -> bool:
    """Expired, or held by a process of this machine that no longer runs."""
    if holder.expires < time.time():
        return True
    if holder.host != socket.gethostname() or holder.pid == os.getpid():
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by another user
        return False
    return False
