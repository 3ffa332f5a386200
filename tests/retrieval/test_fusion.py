"""Fusion arithmetic and the recency prior."""

import numpy as np

from retrieval.fusion import Weights, fuse, max_normalised, recency_prior


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
