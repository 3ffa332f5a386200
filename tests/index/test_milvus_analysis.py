"""Milvus BM25 ranks like the local backend (index/milvus/analysis.py): the same terms on
both sides, each stem weighed once per query."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.backend import ArticleFilter, Backend, open_backend
from index.milvus.analysis import passage_query, passage_terms, title_query, title_terms

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
    # The same passages; scores equal up to tantivy's one-byte document lengths (< 4%).
    assert {k for k, _ in ours} == {k for k, _ in theirs}
    score = dict(theirs)
    for key, s in ours:
        assert score[key] == pytest.approx(s, rel=0.04), key
    # And the same order wherever the scores are not that close.
    for (a, sa), (b, sb) in zip(ours, ours[1:], strict=False):
        if sa > sb * 1.08:
            assert score[a] > score[b], (a, b)
