"""The Milvus ingest lease (index/milvus/lease.py): a row in the meta collection, so it
works wherever the writers are. Each `IngestLease` below stands for a writer on its own
machine (its own token); they meet only in Milvus (embedded milvus-lite)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.backend import PreparedArticle
from index.errors import NewsdeskError
from index.milvus import MilvusBackend
from index.milvus.lease import IngestLease, LeaseLostError
from index.models import Article


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[MilvusBackend]:
    b = MilvusBackend.open(str(tmp_path / "lease.db"), create=True)
    yield b
    b.close()


def _lease(b: MilvusBackend, ttl_s: float = 30.0, settle_s: float = 0.2) -> IngestLease:
    return IngestLease(b.client, b.names, ttl_s=ttl_s, settle_s=settle_s, poll_s=0.05)


def test_one_holder_at_a_time_among_racing_writers(backend: MilvusBackend) -> None:
    inside, most, order = [0], [0], []
    guard = threading.Lock()

    def writer(n: int) -> None:
        lease = _lease(backend, settle_s=1.0)  # > any pause between read and write here
        lease.acquire(timeout_s=60)
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.3)
        with guard:
            inside[0] -= 1
            order.append(n)
        lease.release()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(order) == [0, 1, 2, 3] and most[0] == 1
    assert _lease(backend).holder() is None  # released


def _die(lease: IngestLease) -> None:
    """The holder's process stops: no more renewals, its rows stay."""
    lease._stop.set()
    assert lease._renewer is not None
    lease._renewer.join()


def test_a_held_lease_blocks_and_an_expired_one_is_taken_over(backend: MilvusBackend) -> None:
    first = _lease(backend, ttl_s=3.0)
    first.acquire()
    _die(first)
    with pytest.raises(NewsdeskError, match="holds this index"):
        _lease(backend).acquire(timeout_s=0.2)
    second = _lease(backend)
    second.acquire(timeout_s=60)  # once first's rows have expired
    holder = second.holder()
    assert holder is not None and holder.token == second.token
    with pytest.raises(LeaseLostError):
        first.check()
    first.release()  # not the holder any more: leaves second's rows alone
    holder = second.holder()
    assert holder is not None and holder.token == second.token
    second.release()
    assert second.holder() is None


def test_renewal_keeps_a_short_lease_alive(backend: MilvusBackend) -> None:
    lease = _lease(backend, ttl_s=2.0)
    lease.acquire()
    time.sleep(3.0)  # past the ttl: renewed every ttl/4
    with pytest.raises(NewsdeskError):
        _lease(backend).acquire(timeout_s=0.3)
    lease.check()
    lease.release()


def test_a_writer_that_lost_its_lease_commits_nothing(backend: MilvusBackend) -> None:
    article = Article(id="late", text="Late text.", title="Late", date="2024-01-01",
                      source="Wire")
    backend.lease_ttl_s = 1.0
    with backend.ingest_lock():
        assert backend._lease is not None
        _die(backend._lease)  # stalled past its ttl ...
        thief = _lease(backend)
        thief.acquire(timeout_s=60)  # ... so another machine takes the lease over
        with pytest.raises(LeaseLostError):
            backend.write([PreparedArticle(article, "h1", ())], {})
    assert backend.stored_versions() == {}
    holder = thief.holder()
    assert holder is not None and holder.token == thief.token
    thief.release()


def test_an_embedded_file_takes_a_dead_writers_lease_at_once(backend: MilvusBackend) -> None:
    dead = _lease(backend, ttl_s=3600)
    dead.acquire()  # a killed process's rows: an embedded file has no other live user
    _die(dead)
    held: list[bool] = []

    def run() -> None:
        with backend.ingest_lock():
            lease = backend._lease
            held.append(lease is not None and lease.holder().token == lease.token)  # type: ignore[union-attr]

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(120)  # a hang guard: waiting for the row's hour would never end here
    assert held == [True]
    assert _lease(backend).holder() is None
