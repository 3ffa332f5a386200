"""The tantivy passage index (index/local/textindex.py): the same results contract as FTS5
(filters before ranking, query syntax harmless, stems agreeing), derived from SQLite and
rebuilt when missing or stale, followed in place by the writer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.backend import ArticleFilter, Scope
from index.ingest import Indexer
from index.local import LocalBackend
from index.local.textindex import DIR_NAME, META_NAME, date_key, write_meta
from index.models import Article
from retrieval.hybrid import passage_terms
from tests.index.index_fakes import FakeEmbedder, article_text, kill_a_looping_writer

HOSTILE = ['"', 'NEAR(a b)', "*", "minister AND", "text:border", "-trade", "a:b OR (c",
           "title:x^2", "'", "\\", "[1 TO 9]", "{x}", "~2", "\x00"]


def _articles() -> list[Article]:
    import random

    rng = random.Random(5)
    out = []
    for i in range(24):
        text = article_text(rng, paragraphs=3)
        if i == 3:
            text += "\n\nThe committee sanctioned the cabinet's zygomorphic plan."
        out.append(Article(id=f"a{i:02d}", text=text, title=f"Story {i}",
                           date=f"2022-0{1 + i % 3}-{10 + i % 9:02d}" if i != 7 else None,
                           source=["cnn.com", "bbc", "CNN", "reuters.com"][i % 4]))
    return out


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "idx"
    Indexer(directory, FakeEmbedder(), quotes=False).add_articles(_articles())
    return directory


def _search(store: LocalBackend, query: str, k: int, flt: ArticleFilter) -> list[int]:
    return [c.passage_id for c in store.lexical_search(passage_terms(query), k, flt)]


FILTERS = [
    ArticleFilter(),
    ArticleFilter(date_from="2022-02-01", date_to="2022-02-28"),
    ArticleFilter(date_from="2022-03"),
    ArticleFilter(date_to="2022-01-15"),
    ArticleFilter(source="cnn"),
    ArticleFilter(source="CNN.com"),
    ArticleFilter(article_ids=("a01", "a05")),
    ArticleFilter(article_ids=()),
    ArticleFilter(scope=Scope.for_guild(42)),
    ArticleFilter(date_from="2022-01-01", source="reuters.com", scope=Scope.direct_message()),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_same_matches_as_fts5_under_every_filter(index_dir: Path, flt: ArticleFilter) -> None:
    store = LocalBackend.open(index_dir)
    assert store.text_index() is not None  # built by the indexer's flush
    for query in ("minister trade sanctions", "border", "flood storm vaccine"):
        ours = _search(store, query, 1000, flt)
        fts5 = [c.passage_id for c in store.fts5_lexical_search(passage_terms(query), 1000, flt)]
        assert sorted(ours) == sorted(fts5)
        allowed = set(store.passage_ids(flt).tolist())
        assert set(ours) <= allowed
        # Filters apply before ranking: the best allowed passage comes back at k=1.
        if fts5:
            assert len(_search(store, query, 1, flt)) == 1


def test_scores_rank_like_bm25(index_dir: Path) -> None:
    store = LocalBackend.open(index_dir)
    hits = store.lexical_search(passage_terms("zygomorphic minister"), 5, ArticleFilter())
    assert hits[0].article_id == "a03"  # the rare word decides
    assert all(a.score >= b.score > 0 for a, b in zip(hits, hits[1:], strict=False))


def test_stemming_agrees_with_the_query_side(index_dir: Path) -> None:
    store = LocalBackend.open(index_dir)
    for form in ("sanction", "sanctions", "sanctioning", "Sanctioned"):
        assert "a03" in {c.article_id for c in store.lexical_search([form.lower()], 50, ArticleFilter())}


@pytest.mark.parametrize("query", HOSTILE)
def test_query_syntax_in_user_input_is_harmless(index_dir: Path, query: str) -> None:
    store = LocalBackend.open(index_dir)
    assert store.text_index() is not None
    assert isinstance(store.lexical_search([query], 5, ArticleFilter()), list)
    assert isinstance(store.lexical_search(passage_terms(query + " border"), 5,
                                           ArticleFilter(source=query)), list)


def test_missing_or_stale_index_falls_back_to_fts5_then_is_rebuilt(index_dir: Path) -> None:
    store = LocalBackend.open(index_dir)
    before = _search(store, "border trade", 1000, ArticleFilter())
    shutil.rmtree(index_dir / DIR_NAME)
    store = LocalBackend.open(index_dir)
    assert store.text_index() is None
    assert sorted(_search(store, "border trade", 1000, ArticleFilter())) == sorted(before)
    store.flush()  # the writer's repair: rebuilt from SQLite
    assert store.text_index() is not None
    assert _search(store, "border trade", 1000, ArticleFilter()) == before
    # A kill between the SQLite commit and the text index's: its generation lags.
    write_meta(index_dir / DIR_NAME, store.generation() - 1)
    store = LocalBackend.open(index_dir)
    assert store.text_index() is None
    store.prepare_for_serving()
    assert store.text_index() is not None


def test_garbage_in_the_directory_is_rebuilt(index_dir: Path) -> None:
    for f in (index_dir / DIR_NAME).iterdir():
        if f.name != META_NAME and f.is_file():
            f.write_bytes(b"garbage")
    store = LocalBackend.open(index_dir)
    # Unreadable files never break a search: FTS5 answers until the writer rebuilds.
    expected = sorted(c.passage_id for c in store.fts5_lexical_search(["border"], 1000,
                                                                       ArticleFilter()))
    assert sorted(_search(store, "border", 1000, ArticleFilter())) == expected
    store.flush()
    assert store.text_index() is not None
    assert sorted(_search(store, "border", 1000, ArticleFilter())) == expected


def test_writes_are_followed_in_place(index_dir: Path) -> None:
    inode = (index_dir / DIR_NAME).stat().st_ino
    indexer = Indexer(index_dir, FakeEmbedder(), quotes=False)
    new = Article(id="feed-1", text="A quixotic referendum surprised everyone.\n\nMore text.",
                  date="2022-05-01", source="feeds.example")
    indexer.add_articles([new])
    store = LocalBackend.open(index_dir)
    assert store.text_index() is not None
    assert (index_dir / DIR_NAME).stat().st_ino == inode  # no rebuild
    assert {c.article_id for c in store.lexical_search(["quixotic"], 5, ArticleFilter())} == {"feed-1"}
    # Replaced text: the old words are gone, the new ones found.
    indexer.add_articles([Article(id="feed-1", text="An entirely different zeppelin story.",
                                  date="2022-05-01", source="feeds.example")])
    store = LocalBackend.open(index_dir)
    assert store.text_index() is not None
    assert not store.lexical_search(["quixotic"], 5, ArticleFilter())
    assert store.lexical_search(["zeppelin"], 5, ArticleFilter())
    assert store.delete(["feed-1"]) == ["feed-1"]
    store = LocalBackend.open(index_dir)
    assert store.text_index() is not None and not store.lexical_search(["zeppelin"], 5, ArticleFilter())


def test_ownership_changes_reach_the_text_index(index_dir: Path) -> None:
    store = LocalBackend.open(index_dir)
    guild = ArticleFilter(scope=Scope.for_guild(7))
    other = ArticleFilter(scope=Scope.for_guild(8))
    assert store.set_owner(["a03"], "7") == 1
    assert store.text_index() is not None
    assert "a03" in {c.article_id for c in store.lexical_search(["zygomorphic"], 5, guild)}
    assert not store.lexical_search(["zygomorphic"], 5, other)


def test_date_key_orders_like_sql_text() -> None:
    assert date_key("2022-06") < date_key("2022-06-01") < date_key("2022-06-15")  # type: ignore[operator]
    assert date_key("not a date") is None


def test_killed_writer_leaves_a_usable_index(index_dir: Path) -> None:
    kill_a_looping_writer(index_dir, 'Article(id=f"loop-{i % 7}", '
                                     'text=f"Loop story {i} about zebras.", '
                                     'date="2022-04-01", source="loop.example")')
    store = LocalBackend.open(index_dir)
    fts5 = sorted(c.passage_id for c in store.fts5_lexical_search(["zebras"], 100,
                                                                  ArticleFilter()))
    assert fts5  # SQLite, the truth, has the committed batches
    assert sorted(_search(store, "zebras", 100, ArticleFilter())) == fts5  # either engine
    store.flush()
    assert store.text_index() is not None
    assert sorted(_search(store, "zebras", 100, ArticleFilter())) == fts5
