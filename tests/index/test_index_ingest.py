"""Ingestion end to end with the real model: formats, offsets, incremental runs, removal."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from index.backend import ArticleFilter
from index.embedder import Embedder
from index.errors import ModelMismatchError
from index.ingest import Indexer
from index.local import LocalBackend
from index.models import Quote
from index.vectors import VectorIndex
from tests.conftest import SAMPLE_ARTICLES
from tests.index.index_fakes import FakeEmbedder, article_text, lexical, write_corpus


class CountingEmbedder:
    """The real embedder, recording which texts it was asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []

    def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        self.texts += texts
        return self.inner.encode(texts, batch_size=batch_size)


def assert_consistent(index_dir: Path) -> LocalBackend:
    """Offsets exact, FTS in sync, and the FAISS file holds exactly the passages."""
    store = LocalBackend.open(index_dir)
    conn = store.conn()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')")
    for article_id in store.article_ids():
        article = store.get_article(article_id)
        for p in store.passages_for(article_id):
            assert article.text[p.start : p.end] == p.text
        for q in store.quotes_for(article_id):
            assert article.text[q.start : q.end] == q.text
    vi, generation = VectorIndex.load(index_dir)
    assert generation == store.generation()
    assert set(vi.ids.tolist()) == set(store.passage_ids().tolist())
    return store


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", n_txt=3, n_jsonl=4, seed=11)


def test_seed_index_fixture(seed_index: Path) -> None:
    store = assert_consistent(seed_index)
    assert len(store.article_ids()) == SAMPLE_ARTICLES
    article_id = "lavrov_china_2022-03-31"
    article = store.get_article(article_id)
    assert article.date == "2022-03-31" and article.text.startswith("Beijing and Moscow")
    passages = store.passages_for(article_id)
    assert len(passages) >= 2 and passages[0].paragraph_start == 1
    stats = store.stats()
    assert (stats.articles, stats.model, stats.dimension) == (SAMPLE_ARTICLES, "all-MiniLM-L6-v2", 384)


def test_semantic_and_lexical_search_on_seed(seed_index: Path, embedder: Embedder) -> None:
    store = LocalBackend.open(seed_index)
    vi = store.load_vectors(save=False)
    q = embedder.encode(["Which country refused to condemn the invasion of Ukraine?"])
    _, ids = vi.search(q, 1)
    [best] = store.get_passages(ids[0].tolist())
    assert "refused to condemn" in best.text
    hits = lexical(store, "multipolar world order", 5)
    assert hits and all(h.score > 0 for h in hits)


@pytest.mark.parametrize(
    "query",
    ['"', "*", "NEAR(", "' OR 1=1 --", "a AND OR NOT", "^col:x", "", "   ", "!!!", "x" * 6000,
     "Лавров 拉夫罗夫", "@everyone <@123> ||spoiler|| ```code```"],
)
def test_lexical_search_never_raises(seed_index: Path, query: str) -> None:
    store = LocalBackend.open(seed_index)
    assert isinstance(lexical(store, query, 5), list)


def test_incremental_runs_and_changed_article(tmp_path: Path, corpus: Path, embedder: Embedder) -> None:
    spy = CountingEmbedder(embedder)
    index_dir = tmp_path / "idx"
    first = Indexer(index_dir, spy).add([corpus])
    assert (first.added, first.updated, first.unchanged, first.skipped) == (7, 0, 0, ())
    store = assert_consistent(index_dir)
    assert first.passages_embedded == len(store.passage_ids()) == len(spy.texts)

    spy.texts.clear()
    again = Indexer(index_dir, spy).add([corpus])
    assert (again.added, again.updated, again.unchanged, again.passages_embedded) == (0, 0, 7, 0)
    assert spy.texts == []
    lazy = Indexer(index_dir)  # the CLI path: nothing to embed, so no model is loaded
    assert lazy.add([corpus]).unchanged == 7 and lazy._embedder is None

    # Change the last paragraph of one article: only its changed passages are embedded.
    old_texts = {p.text for p in store.passages_for("txt-001")}
    path = corpus / "txt-001.txt"
    path.write_text(path.read_text().rstrip("\n") + " An added closing sentence here.\n")
    changed = Indexer(index_dir, spy).add([corpus])
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 6)
    new_texts = {p.text for p in store.passages_for("txt-001")}
    assert set(spy.texts) == new_texts - old_texts and 0 < len(spy.texts) < len(new_texts) + 1
    assert changed.passages_embedded == len(spy.texts)
    assert_consistent(index_dir)
    # Unused cached vectors were pruned.
    n_embeddings = store.conn().execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    assert n_embeddings == store.conn().execute(
        "SELECT COUNT(DISTINCT text_hash) FROM passages"
    ).fetchone()[0]


def test_removal(tmp_path: Path, corpus: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "idx"
    Indexer(index_dir, embedder).add([corpus])
    summary = Indexer(index_dir, embedder).remove(["json-000", "txt-002", "nope"])
    assert summary.removed == 2 and summary.warnings == ("no article with id 'nope'",)
    store = assert_consistent(index_dir)
    assert "json-000" not in store.article_ids() and len(store.article_ids()) == 5
    assert not store.passages_for("json-000")
    assert not lexical(store, "nonexistentword", 5)


def test_duplicate_ids_in_one_run_and_bad_files(tmp_path: Path, embedder: Embedder) -> None:
    d = tmp_path / "in"
    d.mkdir()
    rng = random.Random(1)
    (d / "dup.txt").write_text(f"date 2022-01-01 {article_text(rng)}")
    (d / "a.jsonl").write_text(
        json.dumps({"id": "dup", "text": article_text(rng)}) + "\n" + "{broken\n"
    )
    (d / "b.jsonl").write_text(json.dumps({"id": "b1", "text": article_text(rng)}) + "\n")
    (d / "empty.txt").write_text("")
    (d / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    (d / "date.txt").write_text("date 2022-02-30 Body.")
    (d / "image.png").write_bytes(b"\x89PNG")
    summary = Indexer(tmp_path / "idx", embedder).add([d])
    assert summary.added == 2  # the first "dup" (a.jsonl sorts first) and b1
    reasons = {Path(s.source.split(":")[0]).name: s.reason for s in summary.skipped}
    assert "duplicate id 'dup'" in reasons["dup.txt"]
    assert "malformed JSON" in reasons["a.jsonl"]
    assert reasons["empty.txt"] == "empty file" and "binary" in reasons["bin.txt"]
    assert "impossible date" in reasons["date.txt"] and "unsupported" in reasons["image.png"]
    assert_consistent(tmp_path / "idx")


def test_failed_run_loses_nothing(tmp_path: Path, corpus: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "idx"
    Indexer(index_dir, embedder).add([corpus])
    before = LocalBackend.open(index_dir).content_hashes()

    class Boom(CountingEmbedder):
        def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
            raise RuntimeError("embedding failed")

    (corpus / "txt-000.txt").write_text("date 2022-05-05 Entirely new text for this one.")
    with pytest.raises(RuntimeError):
        Indexer(index_dir, Boom(embedder)).add([corpus])
    assert LocalBackend.open(index_dir).content_hashes() == before
    assert_consistent(index_dir)


def test_model_mismatch_is_refused(tmp_path: Path, corpus: Path, embedder: Embedder, seed_index: Path) -> None:
    index_dir = tmp_path / "idx"
    shutil.copytree(seed_index, index_dir)
    with pytest.raises(ModelMismatchError, match="all-MiniLM-L6-v2") as err:
        Indexer(index_dir, FakeEmbedder()).add([corpus])
    assert "--model" in (err.value.hint or "")
    # Same weights under another directory name count as another model.
    other = tmp_path / "other-model"
    shutil.copytree(embedder.path, other)
    rc = main(["index", "add", str(corpus), "--index", str(index_dir), "--model", str(other)])
    assert rc == 1
    assert LocalBackend.open(index_dir).stats().articles == SAMPLE_ARTICLES


def test_stale_or_corrupt_faiss_file_is_rebuilt(tmp_path: Path, seed_index: Path) -> None:
    index_dir = tmp_path / "idx"
    shutil.copytree(seed_index, index_dir)
    (index_dir / "vectors.faiss").write_bytes(b"garbage")
    store = LocalBackend.open(index_dir)
    vi = store.load_vectors()
    assert set(vi.ids.tolist()) == set(store.passage_ids().tolist())
    assert_consistent(index_dir)
    meta = json.loads((index_dir / "vectors.json").read_text())
    meta["generation"] = 999
    (index_dir / "vectors.json").write_text(json.dumps(meta))
    assert len(LocalBackend.open(index_dir).load_vectors()) == len(vi)
    assert_consistent(index_dir)


def test_filters_and_store_reads(tmp_path: Path, corpus: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "idx"
    Indexer(index_dir, embedder).add([corpus])
    store = LocalBackend.open(index_dir)
    all_ids = store.passage_ids()
    april = store.passage_ids(ArticleFilter(date_from="2022-04-01", date_to="2022-04-30"))
    march = store.passage_ids(ArticleFilter(date_to="2022-03-31"))
    assert len(april) + len(march) == len(all_ids) and len(april) and len(march)
    by_article = store.passage_ids(ArticleFilter(article_ids=("txt-000",)))
    assert by_article.tolist() == [p.id for p in store.passages_for("txt-000")]
    sources = {s for s, _ in store.stats().sources}
    for source in sources - {"(none)"}:
        upper = store.passage_ids(ArticleFilter(source=source.upper()))
        assert len(upper) and set(upper) <= set(all_ids)
    if "cnn.com" in sources:
        assert store.passage_ids(ArticleFilter(source="CNN")).tolist() == store.passage_ids(ArticleFilter(source="cnn.com")).tolist()
    word = store.passages_for("txt-000")[0].text.split()[0]
    hits = lexical(store, word, 50, article_ids=("txt-000",))
    assert hits and {p.article_id for p in store.get_passages([h.passage_id for h in hits])} == {"txt-000"}
    assert store.get_passages([all_ids[1], 10**9, all_ids[0]])[0].id == all_ids[1]
    feedback_id = store.record_feedback("q?", "answer", 1, user_id="u1", article_ids=["txt-000"])
    row = store.conn().execute("SELECT vote, article_ids FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
    assert row == (1, '["txt-000"]')


def test_cli_add_remove_stats(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index_dir = str(tmp_path / "idx")
    (corpus / "junk.bin").write_bytes(b"\x00")
    assert main(["index", "add", str(corpus), "--index", index_dir, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "7 added, 0 updated, 0 unchanged, 1 skipped" in out and "junk.bin" in out
    assert main(["index", "stats", "--index", index_dir]) == 0
    out = capsys.readouterr().out
    assert "articles:   7" in out and "all-MiniLM-L6-v2" in out and "2022-03-" in out
    assert main(["index", "remove", "txt-000", "--index", index_dir]) == 0
    assert "1 removed" in capsys.readouterr().out
    assert main(["index", "stats", "--index", str(tmp_path / "missing")]) == 1
    assert "No index at" in capsys.readouterr().err


def test_new_quote_rules_reextract_quotes_without_embedding(tmp_path: Path) -> None:
    from index.quotes import rules_version
    from tests.conftest import SAMPLE_CORPUS

    index_dir, fake = tmp_path / "idx", FakeEmbedder()
    first = Indexer(index_dir, fake).add([SAMPLE_CORPUS])
    store = LocalBackend.open(index_dir)
    assert first.quotes_refreshed == 0 and store.meta("quote_rules") == rules_version()
    def stored_quotes() -> dict[str, list[Quote]]:
        return {a: [replace(q, id=0) for q in store.quotes_for(a)] for a in store.article_ids()}

    before = stored_quotes()
    assert sum(map(len, before.values())) > 10
    # As if built by older rules: other quotes, another version.
    with store.db.write() as conn:
        conn.execute("DELETE FROM quotes WHERE article_id = 'lavrov_china_2022-03-31'")
        conn.execute("UPDATE meta SET value = 'older' WHERE key = 'quote_rules'")
    fake.calls.clear()
    again = Indexer(index_dir, fake).add([SAMPLE_CORPUS])
    assert (again.unchanged, again.passages_embedded, fake.calls) == (SAMPLE_ARTICLES, 0, [])
    assert again.quotes_refreshed == SAMPLE_ARTICLES
    assert stored_quotes() == before
    assert store.meta("quote_rules") == rules_version()
    assert Indexer(index_dir, fake).add([SAMPLE_CORPUS]).quotes_refreshed == 0
    store.close()
