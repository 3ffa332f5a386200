"""Ingestion beside serving: the writer yields to queries (index/gate.py), and a writer
session runs the end-of-run work once for many adds."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
