"""Fusion arithmetic and the recency prior."""

import numpy as np

from retrieval.fusion import Weights, best_first, fuse, max_normalised, recency_prior


def test_max_normalised() -> None:
    assert max_normalised(np.array([0.0, 2.0, 4.0])).tolist() == [0.0, 0.5, 1.0]
    assert max_normalised(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


def test_recency_prior_decays_and_ignores_undated() -> None:
    day = np.array([100, 93, 0, 50])
    p = recency_prior(day, 100, tau=7.0)
    assert p[0] == 1.0 and 0.3 < p[1] < 0.4 and p[2] == 0.0 and p[3] < 0.001


def test_lexical_breaks_dense_ties() -> None:
    w = Weights()
    dense = np.array([0.5, 0.5])
    score = fuse(2, dense, None, np.array([0.0, 7.0]), None, None, w)
    assert score[1] > score[0]


def test_missing_signals_are_left_out() -> None:
    score = fuse(2, None, None, np.array([1.0, 3.0]), None, None)
    assert np.argmax(score) == 1


def test_best_first_orders_ties_by_article_id_whatever_the_input_order() -> None:
    ids = ["c", "b", "d", "a", "e"]
    score = np.array([0.9, 0.5, 0.5, 0.5, 0.1])
    for rows in (np.arange(5), np.array([4, 3, 2, 1, 0]), np.array([2, 0, 3, 4, 1])):
        assert [ids[r] for r in best_first(score, rows, ids, 10)] == ["c", "a", "b", "d", "e"]
    # A tie across the k-th place is settled by id too; no ties: plain score order.
    assert [ids[r] for r in best_first(score, np.array([2, 1, 0, 3]), ids, 2)] == ["c", "a"]
    assert best_first(np.array([0.1, 0.7, 0.3]), np.arange(3), ["x", "y", "z"], 2).tolist() \
        == [1, 2]
    assert best_first(score, np.array([], dtype=np.int64), ids, 3).size == 0


def test_a_headline_stands_in_for_a_body_that_says_nothing() -> None:
    # Rows: an article matching in body and title, one matching in body only, and one
    # whose body (a registration wall) matches nothing while its headline matches best.
    dense = np.array([0.55, 0.50, 0.08])
    title = np.array([4.0, 0.0, 6.0])
    with_stand_in = fuse(3, dense, None, None, title, None)
    without = fuse(3, dense, None, None, title, None, Weights(title_stands_in=0.0))
    assert np.argsort(-without).tolist() == [0, 1, 2]  # the walled article last
    assert np.argsort(-with_stand_in).tolist() == [0, 2, 1]  # found by its headline
    # A body that matches (over half the best cosine) gets no more title weight than before.
    assert with_stand_in[0] - without[0] == 0.0
    assert with_stand_in[1] == without[1]


def test_only_the_best_headlines_stand_in() -> None:
    # Two silent bodies: the one whose headline matches about as well as the best gets
    # the stand-in, the one matching half as well does not (a large archive has many).
    dense = np.array([0.6, 0.0, 0.0])
    title = np.array([0.0, 10.0, 5.0])
    with_stand_in = fuse(3, dense, None, None, title, None)
    without = fuse(3, dense, None, None, title, None, Weights(title_stands_in=0.0))
    assert with_stand_in[1] - without[1] == 0.6
    assert with_stand_in[2] == without[2]
