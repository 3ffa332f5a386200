"""Evaluation arithmetic: ranks, recall/MRR, URL-variant twins, percentiles."""

from retrieval.eval_metrics import Scores, find_twins, first_rank, percentile, url_stem


def test_scores() -> None:
    s = Scores()
    for r in (1, 3, None, 7):
        s.add(r)
    row = s.row()
    assert row["R@1"] == 0.25 and row["R@5"] == 0.5 and row["R@10"] == 0.75
    assert abs(row["MRR@10"] - (1 + 1 / 3 + 1 / 7) / 4) < 1e-9


def test_first_rank() -> None:
    assert first_rank(["a", "b", "c"], {"c", "x"}) == 3
    assert first_rank(["a"], {"x"}) is None


def test_twins_need_same_url_stem_and_text() -> None:
    docs = [
        {"id": "1", "url": "https://x.com/a/index.html", "text": "T"},
        {"id": "2", "url": "https://x.com/a?cid=external-feeds", "text": "T"},
        {"id": "3", "url": "https://y.com/cookie", "text": "T"},
        {"id": "4", "url": "https://x.com/a/", "text": "other"},
    ]
    twins = find_twins(docs)
    assert twins["1"] == twins["2"] == frozenset({"1", "2"})
    assert "3" not in twins and "4" not in twins
    assert url_stem("https://x.com/a/index.html#frag") == "https://x.com/a"


def test_percentile() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95
