"""Ingestion beside serving: the writer yields to queries (index/gate.py), and a writer
session runs the end-of-run work once for many adds."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.gate import QueryGate
from index.ingest import Indexer
from index.local import LocalBackend
from index.models import Article
from retrieval.engine import Engine
from tests.index.index_fakes import FakeEmbedder

FIXTURE = Path(__file__).parent / "fixtures" / "v1"


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_pause_returns_at_once_without_queries() -> None:
    gate = QueryGate(max_wait_s=60)
    gate.pause()
    assert gate.waited_s == 0 and gate.waiting == 0


def test_pause_waits_for_the_query_in_flight() -> None:
    gate = QueryGate(max_wait_s=60)
    done = threading.Event()

    def writer() -> None:
        gate.pause()
        done.set()

    with gate.query():
        thread = threading.Thread(target=writer)
        thread.start()
        _until(lambda: gate.waiting == 1, "the writer to wait")
        assert not done.is_set()
    thread.join(30)
    assert done.is_set() and gate.waiting == 0


def test_a_steady_stream_of_queries_does_not_starve_the_writer() -> None:
    gate = QueryGate(max_wait_s=0.01, slice_s=60)
    with gate.query():
        gate.pause()  # gives up waiting after max_wait_s
        waited = gate.waited_s
        assert waited > 0
        gate.pause()  # inside its work slice now: no wait at all
        assert gate.waited_s == waited


def test_engine_ingestion_commits_nothing_while_a_query_runs(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    engine = Engine.open(index_dir, FakeEmbedder())  # type: ignore[arg-type]
    engine.query_gate = QueryGate(max_wait_s=60)
    before = engine.backend.generation()
    article = Article("yield-1", "Harbour cranes were stopped by the storm.", title="Storm")
    with engine.query_gate.query():
        thread = threading.Thread(target=engine.ingest_articles, args=([article],))
        thread.start()
        _until(lambda: engine.query_gate.waiting == 1, "ingestion to yield")
        assert engine.backend.generation() == before
    thread.join(60)
    assert engine.backend.generation() == before + 1
    assert engine.search("harbour cranes storm")[0].article_id == "yield-1"
    engine.close()


def test_a_session_does_the_end_of_run_work_once(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    backend = LocalBackend.open(index_dir)
    flushes: list[int] = []
    lookups: list[Any] = []
    real_flush, real_versions = backend.flush, backend.stored_versions

    def flush() -> None:
        flushes.append(1)
        real_flush()

    def stored_versions(ids: Any = None) -> Any:
        lookups.append(ids)
        return real_versions(ids)

    monkeypatch.setattr(backend, "flush", flush)
    monkeypatch.setattr(backend, "stored_versions", stored_versions)
    indexer = Indexer(backend, FakeEmbedder(), quotes=False)
    with indexer.session() as session:
        for part in range(3):
            summary = session.add_articles(
                [Article(f"s{part}-{i}", f"Part {part} article {i} about rail fares.")
                 for i in range(4)])
            assert summary.added == 4
        assert flushes == []  # not per add
    assert flushes == [1]
    assert lookups and all(ids is not None for ids in lookups)  # never the whole archive
    assert all(len(list(ids)) <= 4 for ids in lookups)
    assert len(backend.vectors()) == backend.conn().execute(
        "SELECT count(*) FROM passages").fetchone()[0]
    backend.close()


def test_engine_session_writes_the_vector_file_once_at_the_end(tmp_path: Path) -> None:
    from index.local.vectorfiles import disk_generation

    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    engine = Engine.open(index_dir, FakeEmbedder())  # type: ignore[arg-type]
    on_disk = disk_generation(index_dir)
    engine.open_ingest_session()
    for n in range(3):
        engine.ingest_articles([Article(f"part-{n}", f"Ferry timetable change number {n}.")])
        assert disk_generation(index_dir) == on_disk  # no file per part
    assert engine.search("ferry timetable change")[0].article_id.startswith("part-")
    engine.close_ingest_session()
    assert disk_generation(index_dir) == engine.backend.generation()
    engine.close()


def test_background_thread_lowers_a_worker_thread_only() -> None:
    import os

    from index.gate import BACKGROUND_NICE, background_thread

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert background_thread() is False  # the main thread keeps its priority
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
    seen: list[int] = []

    def worker() -> None:
        assert background_thread() is True
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(30)
    assert seen == [max(before, BACKGROUND_NICE)]


def test_beside_queries_the_writer_encodes_and_commits_in_small_steps(tmp_path: Path) -> None:
    from index import ingest

    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    backend = LocalBackend.open(index_dir)
    gate = QueryGate(max_wait_s=60)
    embedder = FakeEmbedder()
    before = backend.generation()
    articles = [Article(f"small-{i}", f"Short note {i} on the tram depot.") for i in range(600)]
    Indexer(backend, embedder, quotes=False, pause=gate.pause).add_articles(articles)
    assert embedder.calls and max(embedder.calls) <= ingest.SERVING_ENCODE_PIECE
    commits = backend.generation() - before
    assert commits == -(-600 // ingest.SERVING_BATCH_PASSAGES)  # one passage an article
    alone = FakeEmbedder()  # the CLI: one encode call per batch, one commit per batch
    Indexer(backend, alone, quotes=False).add_articles(
        [Article(f"cli-{i}", f"Another note {i} on the bus garage.") for i in range(400)])
    assert alone.calls == [400] and backend.generation() - before == commits + 1
    backend.close()


def test_no_encode_piece_starts_while_a_query_runs(tmp_path: Path) -> None:
    """The writer checks the gate before each encode piece: a question that arrives
    mid-batch stops the encoding at the next piece until it is answered."""
    from index import ingest

    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    backend = LocalBackend.open(index_dir)
    gate = QueryGate(max_wait_s=60)
    query = gate.query()
    started = threading.Event()

    class HeldEmbedder(FakeEmbedder):
        def encode(self, texts: list[str], batch_size: int = 32,
                   progress: bool = False) -> Any:
            if not self.calls:  # a question arrives during the first piece
                query.__enter__()
                started.set()
            return super().encode(texts, batch_size, progress)

    embedder = HeldEmbedder()
    articles = [Article(f"held-{i}", f"Held note {i} about the ferry.") for i in range(40)]
    indexer = Indexer(backend, embedder, quotes=False, pause=gate.pause)
    thread = threading.Thread(target=indexer.add_articles, args=(articles,))
    thread.start()
    started.wait(30)
    _until(lambda: gate.waiting == 1, "the writer to yield before its next piece")
    assert embedder.calls == [ingest.SERVING_ENCODE_PIECE]  # nothing more while it runs
    query.__exit__(None, None, None)
    thread.join(60)
    assert sum(embedder.calls) == 40
    backend.close()


def test_an_added_only_commit_carries_each_scopes_caches(tmp_path: Path) -> None:
    """After a commit that only adds articles, a scope's latest date, hidden and visible
    passages come from the previous generation's plus the commit's rows, and equal what
    SQLite says; a commit that replaces an article carries nothing."""
    from index.backend import ArticleFilter, Scope, owner_for_guild

    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    backend = LocalBackend.open(index_dir)
    indexer = Indexer(backend, FakeEmbedder(), quotes=False)
    uploader = owner_for_guild("7")
    indexer.add_articles([Article(f"u-{i}", f"Upload note {i} on the canal.",
                                  date=f"2031-01-0{i + 1}") for i in range(3)], owner=uploader)
    scopes = {s.owners(): s for s in (Scope.for_guild("7"), Scope.for_guild("8"),
                                      Scope.operator())}
    for scope in scopes.values():  # fill the caches at this generation
        backend.latest_date(scope)
        backend._restriction(ArticleFilter(scope=scope))
    other = Scope.for_guild("8")
    backend._visible_passages(other.owners(), ArticleFilter(scope=other))  # type: ignore[arg-type]
    indexer.add_articles([Article("u-9", "Upload note nine on the canal.", date="2032-05-05")],
                         owner=uploader)
    gen = backend.generation()
    latest = {k[1]: v for k, v in backend._latest_cache.items() if k[0] == gen}
    hidden = {k[1]: v for k, v in backend._hidden_cache.items() if k[0] == gen}
    visible = {k[1]: v for k, v in backend._visible_cache.items() if k[0] == gen}
    assert len(latest) == 3 and len(hidden) == 2 and len(visible) == 1
    assert latest[Scope.for_guild("7").owners()] == "2032-05-05"
    for cache in (backend._latest_cache, backend._hidden_cache, backend._visible_cache):
        cache.clear()
    for owners, date in latest.items():
        assert date == backend.latest_date(scopes[owners])
    for owners, ids in hidden.items():
        fresh = backend._hidden_passages(owners)
        assert ids is not None and fresh is not None and np.array_equal(ids, fresh)
    assert np.array_equal(next(iter(visible.values())),
                          backend.passage_ids(ArticleFilter(scope=other)))
    indexer.add_articles([Article("u-9", "Upload note nine, corrected, on the canal.",
                                  date="2030-01-01")], owner=uploader)
    assert not [k for k in backend._latest_cache if k[0] == backend.generation()]
    backend.close()
