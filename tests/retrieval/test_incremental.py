"""A commit through the engine's own backend refreshes search in proportion to the
change: the in-memory vectors follow the commit instead of being rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


def _stored_passage_ids(index_dir: Path) -> list[int]:
    import sqlite3

    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        return [r[0] for r in conn.execute("SELECT id FROM passages ORDER BY id")]


def test_another_process_commit_loads_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adds, replacements and removals by another process are followed from SQLite:
    the vector file is never reread and the copy stays the same object."""
    from index.ingest import Indexer

    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    engine = Engine.open(index_dir, FakeEmbedder())  # type: ignore[arg-type]
    vectors = engine.backend.vectors()  # type: ignore[attr-defined]

    def no_reload(*args: object) -> None:
        raise AssertionError("the serving copy was reloaded")

    monkeypatch.setattr(engine.backend, "_load_vectors", no_reload)
    cli = Indexer(index_dir, FakeEmbedder())  # its own connections, as a CLI run
    cli.add_articles([Article("other-1", "Wildfire blaze wildfire blaze.", title="Wildfire"),
                      Article("other-2", "Harbour cranes stopped by the storm.", title="Storm")])
    assert engine.search("wildfire blaze")[0].article_id == "other-1"
    cli.add_articles([Article("other-1", "Orchard frost orchard frost.", title="Frost")])
    cli.remove(["other-2"])
    assert engine.search("orchard frost")[0].article_id == "other-1"
    assert all(h.article_id != "other-2" for h in engine.search("harbour cranes storm", k=10))
    assert engine.backend.vectors() is vectors  # type: ignore[attr-defined]
    assert vectors.ids.tolist() == _stored_passage_ids(index_dir)
    engine.close()


def test_passage_ids_are_never_reused(tmp_path: Path) -> None:
    """What lets a reader catch up by ids: a removed passage's id is never given again,
    even when it was the largest."""
    from index.ingest import Indexer

    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    indexer = Indexer(index_dir, FakeEmbedder())
    indexer.add_articles([Article("last-1", "A short note on tram fares.")])
    top = max(_stored_passage_ids(index_dir))
    indexer.remove(["last-1"])
    indexer.add_articles([Article("last-2", "Another short note on ferry fares.")])
    assert min(set(_stored_passage_ids(index_dir)) - set(range(top + 1))) == top + 1
    assert top not in _stored_passage_ids(index_dir)
