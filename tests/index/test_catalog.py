"""The in-memory passage catalog (index/local/catalog.py) answers exactly what SQLite
would, for the generation it was read at, and is read again after every commit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from index.backend import NO_FILTER, ArticleFilter, Scope
from index.ingest import Indexer
from index.local import LocalBackend
from index.local import backend as backend_module
from index.local import catalog as catalog_module
from index.models import Article
from tests.index.index_fakes import FakeEmbedder, article_text


def _articles(prefix: str, n: int, seed: int) -> list[Article]:
    import random

    rng = random.Random(seed)
    return [Article(id=f"{prefix}{i}", text=article_text(rng, paragraphs=4),
                    date=None if i == 2 else f"2022-03-{10 + i:02d}") for i in range(n)]


@pytest.fixture
def store(tmp_path: Path) -> LocalBackend:
    Indexer(tmp_path / "idx", FakeEmbedder(), quotes=False).add_articles(_articles("a", 6, 1))
    return LocalBackend.open(tmp_path / "idx")


def _sql_truth(store: LocalBackend) -> dict[int, tuple[str, str | None]]:
    rows = store.conn().execute(
        "SELECT p.id, p.article_id, a.date FROM passages p JOIN articles a ON a.id = p.article_id")
    return {int(r[0]): (str(r[1]), r[2]) for r in rows}


def test_catalog_maps_every_passage_as_sqlite_does(store: LocalBackend) -> None:
    catalog = store.passage_catalog(wait=True)
    assert catalog is not None and catalog.generation == store.generation()
    truth = _sql_truth(store)
    ids = sorted(truth)[::-1]  # any order: kept as given
    found = catalog.candidates(ids + [10**9], [float(i) for i in ids] + [1.0])
    assert [(c.passage_id, c.article_id, c.date) for c in found] == \
        [(i, *truth[i]) for i in ids]
    assert [c.score for c in found] == [float(i) for i in ids]


def test_catalog_follows_writes_and_deletes(store: LocalBackend,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.passage_catalog(wait=True)
    assert before is not None
    gone = store.passages_for("a1")
    store.delete(["a1"])
    Indexer(store, FakeEmbedder(), quotes=False).add_articles(_articles("b", 2, 2))
    assert store.passage_catalog() is None  # read moments ago: SQLite answers for now
    monkeypatch.setattr(backend_module, "CATALOG_REREAD_S", 0.0)
    assert store.passage_catalog() is None  # stale: read again in the background
    assert store._catalog_reading is not None
    store._catalog_reading.result()
    after = store.passage_catalog()
    assert after is not None and after.generation == store.generation() > before.generation
    truth = _sql_truth(store)
    removed = [p.id for p in gone if p.id not in truth]
    assert removed and not after.candidates(removed, [0.0] * len(removed))
    assert {c.passage_id: (c.article_id, c.date) for c in
            after.candidates(sorted(truth), [0.0] * len(truth))} == truth


def test_searches_return_the_same_candidates_with_and_without_the_catalog(
        store: LocalBackend) -> None:
    vector = FakeEmbedder().encode(["minister border trade"])[0]
    assert store.passage_catalog(wait=True) is not None
    with_catalog = store.dense_search(vector, 50, NO_FILTER)
    lexical = store.lexical_search(["minister", "border", "trade"], 50, NO_FILTER)
    store.passage_catalog = lambda wait=False: None  # type: ignore[method-assign]  # the SQLite path
    assert store.dense_search(vector, 50, NO_FILTER) == with_catalog
    assert store.lexical_search(["minister", "border", "trade"], 50, NO_FILTER) == lexical
    assert with_catalog and np.all(np.diff([c.score for c in with_catalog]) <= 1e-6)


def test_empty_index_has_an_empty_catalog(tmp_path: Path) -> None:
    store = LocalBackend.open(tmp_path / "empty", create=True)
    catalog = store.passage_catalog(wait=True)
    assert catalog is not None and catalog.candidates([1, 2], [0.5, 0.4]) == []


def _filtered_store(tmp_path: Path) -> LocalBackend:
    import random

    rng = random.Random(3)
    dates = ["2022-03-01", "2022-03-15", "2022-04", "2021", None, "2022-03-31"]
    sources = ["CNN", "cnn.com", "BBC", None, "cnnx", "Ünï.news"]
    arts = [Article(id=f"f{i}", text=article_text(rng, paragraphs=2), date=dates[i],
                    source=sources[i]) for i in range(6)]
    idx = Indexer(tmp_path / "f", FakeEmbedder(), quotes=False)
    idx.add_articles(arts[:4])
    idx.add_articles(arts[4:], owner="guild1")
    return LocalBackend.open(tmp_path / "f")


@pytest.mark.parametrize("flt", [
    ArticleFilter(date_from="2022-03-10"),
    ArticleFilter(date_to="2022-03-31"),
    ArticleFilter(date_from="2022-03", date_to="2022-04"),  # partial bounds compare as text
    ArticleFilter(date_from="2022-03-01", date_to="2022-03-01"),
    ArticleFilter(source="cnn"),  # "cnn" and "cnn.com", never "cnnx"
    ArticleFilter(source=" BBC "),
    ArticleFilter(source="ünï"),
    ArticleFilter(article_ids=("f1", "f4", "missing")),
    ArticleFilter(article_ids=()),
    ArticleFilter(scope=Scope.for_guild("guild1")),
    ArticleFilter(scope=Scope.for_guild("other")),
    ArticleFilter(date_from="2022-01-01", source="cnn", scope=Scope.for_guild("guild1")),
])
def test_catalog_filters_allow_exactly_what_sql_allows(
        tmp_path: Path, flt: ArticleFilter, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_module, "FEW_ARTICLES", 1)  # runs for up to 5 of 6 articles
    store = _filtered_store(tmp_path)
    catalog = store.passage_catalog(wait=True)
    assert catalog is not None
    from_arrays = catalog.allowed_passages(flt)
    assert from_arrays is not None
    assert from_arrays.tolist() == store.passage_ids(flt).tolist()
    # Both ways of listing passages: runs of the id order, and a mask over all of them.
    assert catalog.article_starts is not None
    masked = dataclasses.replace(catalog, article_starts=None).allowed_passages(flt)
    assert masked is not None and masked.tolist() == from_arrays.tolist()
    assert store.allowed_passages(flt).tolist() == from_arrays.tolist()


def test_dates_only_sql_can_compare_are_left_to_sql(tmp_path: Path) -> None:
    store = _filtered_store(tmp_path)
    catalog = store.passage_catalog(wait=True)
    assert catalog is not None
    assert catalog.allowed_passages(ArticleFilter(date_from="March 2022")) is None
    with store.db.write() as conn:  # a date written by hand, not by the readers
        conn.execute("UPDATE articles SET date = '2022/03/02' WHERE id = 'f0'")
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'vectors_generation'")
    catalog = store.passage_catalog(wait=True)
    assert catalog is not None and not catalog.dates_exact
    flt = ArticleFilter(date_from="2022-03-01")
    assert catalog.allowed_passages(flt) is None
    assert store.allowed_passages(flt).tolist() == store.passage_ids(flt).tolist()
    assert catalog.allowed_passages(ArticleFilter(source="cnn")) is not None
