"""The tantivy title index (``titles/``, index/local/textindex.py): the same matches as
FTS5 over titles under every filter, rebuilt when missing or stale (an index made before
it existed gets it on the writer's next flush or serving warm-up), followed in place by
each write, delete and ownership change, and never lost to a killed writer."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from index.backend import NO_FILTER, ArticleFilter, Scope
from index.ingest import Indexer
from index.local import LocalBackend
from index.local.textindex import TITLES_DIR_NAME, write_meta
from index.models import Article
from retrieval.hybrid import title_terms
from tests.index.index_fakes import FakeEmbedder, article_text, kill_a_looping_writer
from tests.index.test_text_index import FILTERS, HOSTILE

TITLES = ["Minister resigns over border trade row", "Floods sweep the northern valleys",
          "Vaccine trial results published", "Border talks stall again",
          "Trade sanctions widen", "Storm warning for the coast",
          "The Court’s ruling on trade", "Court rules s-class border cars are légal"]


def _articles() -> list[Article]:
    rng = random.Random(9)
    return [Article(id=f"a{i:02d}", text=article_text(rng, paragraphs=2),
                    title=TITLES[i % len(TITLES)] + f" ({i})" if i != 5 else None,
                    date=f"2022-0{1 + i % 3}-{10 + i % 9:02d}" if i != 7 else None,
                    source=["cnn.com", "bbc", "CNN", "reuters.com"][i % 4]) for i in range(24)]


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "idx"
    Indexer(directory, FakeEmbedder(), quotes=False).add_articles(_articles())
    return directory


def _titles(store: LocalBackend, query: str, flt: ArticleFilter = NO_FILTER,
            k: int = 1000) -> list[str]:
    return [c.article_id for c in store.title_search(title_terms(query), k, flt)]


def _fts5(store: LocalBackend, query: str, flt: ArticleFilter = NO_FILTER) -> list[str]:
    return [c.article_id for c in store.fts5_title_search(title_terms(query), 1000, flt)]


@pytest.mark.parametrize("flt", FILTERS)
def test_same_matches_as_fts5_under_every_filter(index_dir: Path, flt: ArticleFilter) -> None:
    store = LocalBackend.open(index_dir)
    assert store.title_index() is not None  # built by the indexer's flush
    for query in ("border trade minister", "floods", "storm vaccine results", "sanction",
                  "the court’s ruling", "legal border cars"):
        ours = store.title_search(title_terms(query), 1000, flt)
        assert sorted(c.article_id for c in ours) == sorted(_fts5(store, query, flt))
        # The same BM25 as FTS5's, to the float: its stems, phrases ("court’s") and IDF.
        fts5 = {c.article_id: c.score
                for c in store.fts5_title_search(title_terms(query), 1000, flt)}
        assert all(c.score == pytest.approx(fts5[c.article_id], rel=1e-4) for c in ours)
        assert all(a.score >= b.score > 0 for a, b in zip(ours, ours[1:], strict=False))
        dates = {a.id: a.date for a in _articles()}
        assert all(c.date == dates[c.article_id] for c in ours)


def test_same_candidates_with_and_without_the_catalog(index_dir: Path) -> None:
    store = LocalBackend.open(index_dir)
    assert store.passage_catalog(wait=True) is not None
    with_catalog = store.title_search(title_terms("border trade"), 50, ArticleFilter())
    store.passage_catalog = lambda wait=False: None  # type: ignore[method-assign]  # the SQLite path
    assert store.title_search(title_terms("border trade"), 50, ArticleFilter()) == with_catalog
    assert with_catalog


@pytest.mark.parametrize("query", HOSTILE)
def test_query_syntax_in_user_input_is_harmless(index_dir: Path, query: str) -> None:
    store = LocalBackend.open(index_dir)
    assert isinstance(store.title_search([query], 5, ArticleFilter()), list)
    assert isinstance(store.title_search([query, "border"], 5, ArticleFilter(source=query)),
                      list)


def test_an_index_without_titles_answers_from_fts5_until_rebuilt(index_dir: Path) -> None:
    store = LocalBackend.open(index_dir)
    expected = sorted(_titles(store, "border trade"))
    shutil.rmtree(index_dir / TITLES_DIR_NAME)  # as an index made before titles/ existed
    store = LocalBackend.open(index_dir)
    assert store.title_index() is None
    assert sorted(_titles(store, "border trade")) == expected
    store.prepare_for_serving()  # Engine.open's warm-up rebuilds it
    assert store.title_index() is not None
    assert sorted(_titles(store, "border trade")) == expected
    write_meta(index_dir / TITLES_DIR_NAME, store.generation() - 1)  # killed before its commit
    store = LocalBackend.open(index_dir)
    assert store.title_index() is None and sorted(_titles(store, "border trade")) == expected
    store.flush()
    assert store.title_index() is not None


def test_writes_deletes_and_owners_are_followed_in_place(index_dir: Path) -> None:
    inode = (index_dir / TITLES_DIR_NAME).stat().st_ino
    indexer = Indexer(index_dir, FakeEmbedder(), quotes=False)
    indexer.add_articles([Article(id="feed-1", text="Some text.\n\nMore text.",
                                  title="Quixotic referendum surprises", date="2022-05-01")])
    store = LocalBackend.open(index_dir)
    assert store.title_index() is not None
    assert (index_dir / TITLES_DIR_NAME).stat().st_ino == inode  # no rebuild
    assert _titles(store, "quixotic") == ["feed-1"]
    # A new title on the same id: the old words are gone, the new ones found.
    indexer.add_articles([Article(id="feed-1", text="Other text.", title="Zeppelin returns",
                                  date="2022-05-01")])
    store = LocalBackend.open(index_dir)
    assert store.title_index() is not None
    assert not _titles(store, "quixotic") and _titles(store, "zeppelin") == ["feed-1"]
    assert store.set_owner(["feed-1"], "7") == 1
    guild7 = ArticleFilter(scope=Scope.for_guild(7))
    guild8 = ArticleFilter(scope=Scope.for_guild(8))
    assert store.title_index() is not None
    assert _titles(store, "zeppelin", guild7) == ["feed-1"] and not _titles(store, "zeppelin",
                                                                            guild8)
    assert store.delete(["feed-1"]) == ["feed-1"]
    store = LocalBackend.open(index_dir)
    assert store.title_index() is not None and not _titles(store, "zeppelin")
    assert (index_dir / TITLES_DIR_NAME).stat().st_ino == inode


def test_killed_writer_leaves_a_usable_title_index(index_dir: Path) -> None:
    kill_a_looping_writer(index_dir, 'Article(id=f"loop-{i % 7}", text=f"Loop story {i}.", '
                                     'title=f"Zebras escape {i}", date="2022-04-01")')
    store = LocalBackend.open(index_dir)
    expected = sorted(_fts5(store, "zebras"))
    assert expected  # SQLite, the truth, has the committed batches
    assert sorted(_titles(store, "zebras")) == expected  # either engine
    store.flush()
    assert store.title_index() is not None
    assert sorted(_titles(store, "zebras")) == expected
