"""The float16 scan of a large flat index gives exactly the float32 scan's top k, or
says it cannot (issue 13)."""

from __future__ import annotations

import numpy as np

from index.halfscan import HALF_MIN
from index.vectors import VectorIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _vectors(n: int, seed: int = 0, dim: int = 32) -> np.ndarray:
    return _unit(np.random.default_rng(seed).normal(size=(n, dim)))


def _exact(vi: VectorIndex, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    return vi._index.search(q, k)  # the float32 flat scan itself


def test_large_flat_index_scans_in_half_precision_with_exact_results() -> None:
    n = HALF_MIN + 500
    ids = np.arange(10, 10 + n, dtype=np.int64) * 3
    vi = VectorIndex.build(ids, _vectors(n), kind="flat")
    queries = _unit(np.random.default_rng(1).normal(size=(40, 32)))
    for q in queries:
        scores, found = vi.search(q.reshape(1, -1), 50)
        ref_scores, ref_ids = _exact(vi, q.reshape(1, -1), 50)
        assert set(found[0].tolist()) == set(ref_ids[0].tolist())
        np.testing.assert_allclose(scores[0], ref_scores[0], atol=1e-6)
        assert list(scores[0]) == sorted(scores[0], reverse=True)
    assert vi._half is not None  # the searches above went through it


def test_small_indexes_and_filtered_searches_do_not_use_it() -> None:
    vi = VectorIndex.build(np.arange(100), _vectors(100), kind="flat")
    vi.search(_vectors(1, seed=5), 5)
    assert vi._half is None


def test_ties_it_cannot_settle_fall_back_to_the_float32_scan() -> None:
    """Many rows equal to the query's best match: the k-th exact score does not clear
    the deepest float16 score plus the rounding error, so there is no proof."""
    rows = _vectors(HALF_MIN + 10)
    rows[: 500] = rows[0]  # 500 identical rows: the top 200 are all ties
    vi = VectorIndex.build(np.arange(rows.shape[0]), rows, kind="flat")
    half = vi._half_scan()
    assert half is not None
    assert half.search(rows[:1], 200) is None
    scores, ids = vi.search(rows[:1], 200)  # still answered, by the float32 scan
    assert set(ids[0].tolist()) <= set(range(500))
    np.testing.assert_allclose(scores[0], 1.0, atol=1e-5)


def test_the_copy_follows_additions_and_removals() -> None:
    n = HALF_MIN + 100
    vi = VectorIndex.build(np.arange(n), _vectors(n), kind="flat")
    q = _vectors(1, seed=9)
    vi.search(q, 10)
    half = vi._half
    assert half is not None
    new = _unit(q + 0.01 * _vectors(3, seed=4))  # three rows closest to the query
    vi.add(np.array([n + 5, n + 6, n + 7]), new, convert=False)
    assert vi._half is half and len(half) == n + 3  # appended, not rebuilt
    _, ids = vi.search(q, 3)
    assert set(ids[0].tolist()) == {n + 5, n + 6, n + 7}
    vi.remove([n + 6], convert=False)
    assert vi._half is None  # rows moved: rebuilt on the next search
    scores, ids = vi.search(q, 3)
    ref_scores, ref_ids = _exact(vi, q, 3)
    assert set(ids[0].tolist()) == set(ref_ids[0].tolist()) and n + 6 not in ids[0]
    vi.add(np.array([n + 5]), _vectors(1, seed=11), convert=False)  # a replacement
    assert vi._half is None
