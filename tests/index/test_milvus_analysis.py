"""Milvus BM25 ranks like the local backend (index/milvus/analysis.py): the same terms on
both sides, each stem weighed once per query."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.backend import ArticleFilter, Backend, open_backend
from index.local.textindex import PAD_TERM, STORED_LENGTHS, padding
from index.milvus.analysis import (
    TERMS_FORMAT,
    passage_query,
    passage_terms,
    title_query,
    title_terms,
)
from index.milvus.client import scan
from index.milvus.rows import PASSAGE_ALL
from index.transfer import copy_index

QUERIES = (
    ["china", "russia", "cooperation", "limits"],
    ["add", "ferry", "storm"],  # Milvus's own stemmer makes "ad" of the corpus's "added"
    ["the", "library", "cost", "council"],  # "the": a stop word Milvus's english analyzer drops
    ["wang", "wenbin's", "said"],
)


def test_terms_are_the_local_analyzers() -> None:
    assert passage_terms("Adding sanctions: Russia's U.S. e-mail") == \
        "add sanction russia s u s e mail"
    assert title_terms("Café owners’ sanctions") == "cafe owner sanction"
    # One word per stem: tantivy's query is an OR of distinct stems.
    assert passage_query(["sanctions", "sanctioned", "sanction", "russia's", "russia"]) == \
        "sanction russia s"
    assert title_query(["sanctions", "sanctioned"]) == "sanction sanction"  # as FTS5 counts
    assert passage_query([]) == "" and passage_query(["", " "]) == ""


def test_padding_reaches_a_length_tantivy_stores_exactly() -> None:
    assert STORED_LENGTHS[:41] == tuple(range(41))  # exact up to 40 tokens
    assert STORED_LENGTHS[41:50] == (42, 44, 46, 48, 50, 52, 54, 56, 60)
    assert [padding(n) for n in (0, 40, 41, 42, 57, 105, 152, 153)] == [0, 0, 1, 0, 3, 7, 0, 15]
    for n in range(3000):
        assert n + padding(n) in STORED_LENGTHS and padding(n) < max(2, n / 8 + 1)
    words = "ward " * 45
    assert passage_terms(words).split() == ["ward"] * 45 + [PAD_TERM] * 1
    # The filler is never a query term, on either side.
    assert passage_query([PAD_TERM, "ward"]) == "ward"


def _ranked(backend: Backend, terms: list[str]) -> list[tuple[tuple[str, int], float]]:
    hits = backend.lexical_search(terms, 20, ArticleFilter())
    where = {p.id: (p.article_id, p.start)
             for p in backend.get_passages([h.passage_id for h in hits])}
    return [(where[h.passage_id], h.score) for h in hits]


@pytest.mark.parametrize("terms", QUERIES)
def test_passage_bm25_matches_the_local_backend(seed_index: Path, seed_milvus: str,
                                                terms: list[str]) -> None:
    local = open_backend(seed_index, kind="local", read_only=True)
    milvus = open_backend(seed_milvus, kind="milvus", read_only=True)
    try:
        ours, theirs = _ranked(local, terms), _ranked(milvus, terms)
    finally:
        local.close()
        milvus.close()
    assert ours, terms
    # The same passages with the same scores (float32 on both sides): lengths are padded
    # to ones tantivy stores exactly, so its one-byte norms lose nothing.
    assert {k for k, _ in ours} == {k for k, _ in theirs}
    score = dict(theirs)
    for key, s in ours:
        assert score[key] == pytest.approx(s, rel=1e-5), key


def _local_scores(seed_index: Path, queries: tuple[list[str], ...]) -> list[dict]:
    local = open_backend(seed_index, kind="local", read_only=True)
    try:
        return [dict(_ranked(local, terms)) for terms in queries]
    finally:
        local.close()


def test_older_terms_are_rewritten_by_the_next_writer(seed_index: Path, tmp_path: Path) -> None:
    uri = str(tmp_path / "old.db")
    local = open_backend(seed_index, kind="local", read_only=True)
    milvus = open_backend(uri, kind="milvus", create=True)
    try:
        copy_index(local, milvus)
    finally:
        local.close()
    # As an older Newsdesk left it: terms unpadded, no terms format recorded.
    client, names = milvus.client, milvus.names  # type: ignore[attr-defined]
    rows = list(scan(client, names.passages, "", PASSAGE_ALL))
    client.upsert(names.passages, [{**r, "terms": r["terms"].replace(f" {PAD_TERM}", "")}
                                   for r in rows])
    milvus.delete_meta("terms_format")  # type: ignore[attr-defined]
    generation = milvus.generation()
    articles = milvus.article_ids()
    titles = [(t.article_id, t.score) for t in
              milvus.title_search(["ferry", "library", "wang"], 10, ArticleFilter())]
    expected = _local_scores(seed_index, QUERIES)
    before = [dict(_ranked(milvus, terms)) for terms in QUERIES]
    assert any(b.get(key) != pytest.approx(score, rel=1e-5)
               for b, e in zip(before, expected, strict=True) for key, score in e.items())

    with milvus.ingest_lock():  # any writer: index add, copy, delete
        pass
    assert milvus.meta("terms_format") == TERMS_FORMAT  # type: ignore[attr-defined]
    assert milvus.generation() == generation + 1
    after = [dict(_ranked(milvus, terms)) for terms in QUERIES]
    for a, e in zip(after, expected, strict=True):
        assert set(a) == set(e)
        for key, score in e.items():
            assert a[key] == pytest.approx(score, rel=1e-5), key
    assert len(list(scan(client, names.passages, "", ("id",)))) == len(rows)
    assert milvus.article_ids() == articles and titles  # titles rewritten as they were
    assert [(t.article_id, pytest.approx(t.score, rel=1e-5)) for t in
            milvus.title_search(["ferry", "library", "wang"], 10, ArticleFilter())] == titles
    milvus.close()
