"""A commit through the engine's own backend refreshes search in proportion to the
change: the in-memory vectors follow the commit instead of being rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

from index.models import Article
from retrieval.engine import Engine
from tests.index.index_fakes import FakeEmbedder

FIXTURE = Path(__file__).parents[1] / "index" / "fixtures" / "v1"


def test_ingest_updates_vectors_in_place(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    engine = Engine.open(index_dir, FakeEmbedder())  # type: ignore[arg-type]
    backend = engine.backend
    vectors = backend.vectors()  # type: ignore[attr-defined]
    before = len(vectors)
    summary = engine.ingest_articles(
        [Article("new-1", "Wildfire crews contained the blaze near the festival grounds.",
                 title="Wildfire contained", date="2022-03-06")])
    assert summary.added == 1
    assert backend.vectors() is vectors  # type: ignore[attr-defined]  # not reloaded
    assert len(vectors) == before + 1
    assert engine.search("wildfire blaze festival")[0].article_id == "new-1"
    engine.ingest_articles([Article("new-1", "Flood waters rose over the school fields.",
                                    title="Flood", date="2022-03-06")])
    assert backend.vectors() is vectors and len(vectors) == before + 1  # type: ignore[attr-defined]
    assert engine.search("flood school fields")[0].article_id == "new-1"
    engine.close()


def test_another_process_commit_is_seen(tmp_path: Path) -> None:
    from index.ingest import Indexer

    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    engine = Engine.open(index_dir, FakeEmbedder())  # type: ignore[arg-type]
    assert engine.search("wildfire blaze")[0].article_id != "other-1"
    Indexer(index_dir, FakeEmbedder()).add_articles(  # its own connection, as a CLI run
        [Article("other-1", "Wildfire blaze wildfire blaze.", title="Wildfire")])
    assert engine.search("wildfire blaze")[0].article_id == "other-1"
    engine.close()
