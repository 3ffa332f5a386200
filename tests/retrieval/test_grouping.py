"""Passages group by article; near-duplicate articles collapse with also_in."""

from retrieval.grouping import collapse_duplicates, group_passages

WIRE = ("Officials said on Tuesday that the storm had forced thousands of residents to leave "
        "their homes along the coast, and that shelters were opening in three counties. ") * 4


def test_one_result_per_article_and_best_passage_first() -> None:
    groups = group_passages([(1, "a", 0.5), (2, "a", 0.9), (3, "b", 0.8), (4, "a", 0.1)])
    assert [g.article_id for g in groups] == ["a", "b"]
    assert [p for p, _ in groups[0].passages] == [2, 1, 4]


def test_many_weak_passages_do_not_beat_one_strong() -> None:
    weak = [(i, "long", 0.4) for i in range(20)]
    groups = group_passages([*weak, (100, "short", 0.7)])
    assert groups[0].article_id == "short"


def test_near_duplicates_collapse_into_best_ranked() -> None:
    texts = {"ap": WIRE, "cnn": "CNN — " + WIRE + " More to come.", "other": "A different story. " * 30}
    groups = group_passages([(1, "ap", 0.9), (2, "cnn", 0.85), (3, "other", 0.8)])
    kept = collapse_duplicates(groups, texts.__getitem__, limit=5)
    assert [g.article_id for g in kept] == ["ap", "other"]
    assert kept[0].also_in == ["cnn"]


def test_collapse_fills_up_to_limit() -> None:
    texts = {f"d{i}": f"story number {i} " + f"word{i} " * 50 for i in range(10)}
    groups = group_passages([(i, f"d{i}", 1 - i / 10) for i in range(10)])
    assert len(collapse_duplicates(groups, texts.__getitem__, limit=3)) == 3
