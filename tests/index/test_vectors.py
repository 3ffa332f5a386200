"""VectorIndex: exactness, removal, filters, persistence and automatic switching."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index import vectors as vmod
from index.vectors import VectorIndex, VectorIndexError

DIM = 32


def clustered(n: int, seed: int = 0, clusters: int = 40) -> np.ndarray:
    """Unit vectors around random centres: like real embeddings, unlike uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, DIM))
    x = centres[rng.integers(0, clusters, n)] + rng.normal(scale=0.35, size=(n, DIM))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def brute_force(q: np.ndarray, ids: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    sims = q @ x.T
    return ids[np.argsort(-sims, axis=1, kind="stable")[:, :k]]


@pytest.fixture(autouse=True)
def default_tuning() -> Iterator[None]:
    vmod.configure()
    yield
    vmod.configure()


def test_flat_search_is_exact_and_sorted() -> None:
    x = clustered(500)
    ids = np.arange(1000, 1500, dtype=np.int64)
    vi = VectorIndex.build(ids, x)
    assert vi.kind == "flat" and len(vi) == 500
    q = clustered(7, seed=1)
    scores, got = vi.search(q, 10)
    assert got.shape == (7, 10) and scores.dtype == np.float32
    np.testing.assert_array_equal(got, brute_force(q, ids, x, 10))
    assert np.all(np.diff(scores, axis=1) <= 1e-6)
    np.testing.assert_allclose(scores[:, 0], np.max(q @ x.T, axis=1), rtol=1e-5)


def test_single_query_vector_and_unnormalised_input() -> None:
    x = clustered(50)
    vi = VectorIndex.build(np.arange(50), x * 3.0)  # stored re-normalised
    scores, got = vi.search(x[7] * 5.0, 1)
    assert got[0, 0] == 7 and scores[0, 0] == pytest.approx(1.0, abs=1e-5)


def test_empty_index_and_k_larger_than_count() -> None:
    vi = VectorIndex.create(DIM)
    scores, got = vi.search(clustered(2), 3)
    assert (got == -1).all() and np.isneginf(scores).all()
    vi.add([5, 6], clustered(2))
    scores, got = vi.search(clustered(1, seed=3), 4)
    assert sorted(got[0, :2]) == [5, 6] and (got[0, 2:] == -1).all()
    assert np.isneginf(scores[0, 2:]).all()


def test_remove_and_readd_replaces() -> None:
    x = clustered(300)
    ids = np.arange(300, dtype=np.int64)
    vi = VectorIndex.build(ids, x)
    assert vi.remove([3, 4, 999]) == 2  # unknown ids ignored
    assert len(vi) == 298 and 3 not in vi and 5 in vi
    _, got = vi.search(x[3], 5)
    assert 3 not in got and 4 not in got
    vi.add([5], x[100:101])  # re-adding an id overwrites its vector
    assert len(vi) == 298
    scores, got = vi.search(x[100], 2)
    assert set(got[0]) == {5, 100} and scores[0, 1] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_allowed_ids_filter_is_exact(kind: str) -> None:
    x = clustered(3000)
    ids = np.arange(10, 3010, dtype=np.int64) * 3
    vi = VectorIndex.build(ids, x, kind=kind)
    q = clustered(5, seed=2)
    rng = np.random.default_rng(4)
    for size in (1, 8, 400):
        allowed = rng.choice(ids, size, replace=False)
        mask = np.isin(ids, allowed)
        _, got = vi.search(q, 10, allowed_ids=np.append(allowed, [-5, 7]))  # strays ignored
        want = brute_force(q, ids[mask], x[mask], 10)
        k = min(10, size)
        np.testing.assert_array_equal(got[:, :k], want[:, :k])
        assert (got[:, k:] == -1).all()


def test_allowed_ids_large_subset_goes_through_selector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vmod, "SUBSET_EXACT_MAX", 10)
    x = clustered(2000)
    ids = np.arange(2000, dtype=np.int64)
    q = clustered(4, seed=5)
    allowed = ids[ids % 3 == 0]
    for kind in ("flat", "ivf", "hnsw"):
        vi = VectorIndex.build(ids, x, kind=kind)
        _, got = vi.search(q, 10, allowed_ids=allowed)
        assert np.isin(got, allowed).all()
        if kind == "flat":
            np.testing.assert_array_equal(got, brute_force(q, allowed, x[allowed], 10))


def test_save_load_round_trip(tmp_path: Path) -> None:
    x = clustered(2500)
    ids = np.arange(2500, dtype=np.int64) + 7
    for kind in ("flat", "ivf", "hnsw"):
        vi = VectorIndex.build(ids, x, kind=kind)
        vi.remove([7, 8])
        d = tmp_path / kind
        vi.save(d, generation=42)
        meta = json.loads((d / "vectors.json").read_text())
        assert meta["generation"] == 42 and meta["count"] == 2498
        assert meta["kind"] == vi.kind and meta["dim"] == DIM
        loaded, gen = VectorIndex.load(d)
        assert gen == 42 and len(loaded) == 2498 and loaded.kind == vi.kind
        np.testing.assert_array_equal(loaded.ids, vi.ids)
        q = clustered(3, seed=9)
        np.testing.assert_array_equal(loaded.search(q, 10)[1], vi.search(q, 10)[1])
        assert not list(d.glob("*.tmp"))
        # Still mutable and filterable after loading (IVF needs its id map back).
        assert loaded.remove([9]) == 1 and len(loaded) == 2497
        _, got = loaded.search(x[3], 1, allowed_ids=[9, 10])
        assert got[0, 0] == 10


def test_save_overwrites_previous_generation(tmp_path: Path) -> None:
    vi = VectorIndex.build([1, 2], clustered(2))
    vi.save(tmp_path, 1)
    vi.add([3], clustered(1, seed=1))
    vi.save(tmp_path, 2)
    loaded, gen = VectorIndex.load(tmp_path)
    assert gen == 2 and len(loaded) == 3


@pytest.mark.parametrize(
    "damage",
    [
        "missing_faiss",
        "missing_json",
        "garbled_faiss",
        "truncated_faiss",
        "bad_json",
        "count_mismatch",
    ],
)
def test_corrupt_files_raise(tmp_path: Path, damage: str) -> None:
    VectorIndex.build(np.arange(100), clustered(100)).save(tmp_path, 3)
    faiss_file, json_file = tmp_path / "vectors.faiss", tmp_path / "vectors.json"
    if damage == "missing_faiss":
        faiss_file.unlink()
    elif damage == "missing_json":
        json_file.unlink()
    elif damage == "garbled_faiss":
        faiss_file.write_bytes(b"not a faiss index at all")
    elif damage == "truncated_faiss":
        faiss_file.write_bytes(faiss_file.read_bytes()[:200])
    elif damage == "bad_json":
        json_file.write_text("{")
    else:
        meta = json.loads(json_file.read_text())
        json_file.write_text(json.dumps({**meta, "count": 99}))
    with pytest.raises(VectorIndexError) as err:
        VectorIndex.load(tmp_path)
    assert err.value.hint  # tells the caller to rebuild


def test_auto_switches_to_ivf_with_lowered_threshold() -> None:
    data = clustered(4100)
    x, q = data[:4000], data[4000:]  # queries from the same distribution
    vi = VectorIndex.create(DIM, flat_max=2000)
    vi.add(np.arange(1500), x[:1500])
    assert vi.kind == "flat"
    vi.add(np.arange(1500, 4000), x[1500:])
    assert vi.kind.startswith("ivf") and len(vi) == 4000
    _, got = vi.search(q, 10)
    truth = brute_force(q, np.arange(4000), x, 10)
    recall = np.mean([len(np.intersect1d(a, b)) / 10 for a, b in zip(got, truth, strict=True)])
    assert recall >= 0.9
    vi.remove(np.arange(3200))  # shrinks well below the threshold: back to exact
    assert vi.kind == "flat" and len(vi) == 800


def test_configured_kind_overrides_auto() -> None:
    vmod.configure("hnsw")  # settings.vector_index, applied by Engine.open / Indexer
    vi = VectorIndex.build(np.arange(200), clustered(200))
    assert vi.kind == "hnsw32"
    vmod.configure("flat")
    assert VectorIndex.build(np.arange(200), clustered(200), kind="auto").kind == "flat"
    assert VectorIndex.build(np.arange(200), clustered(200), kind="hnsw").kind == "hnsw32"
    with pytest.raises(ValueError):
        vmod.configure("bogus")


def test_bad_shapes_rejected() -> None:
    vi = VectorIndex.create(DIM)
    with pytest.raises(ValueError):
        vi.add([1, 2], clustered(3))
    with pytest.raises(ValueError):
        vi.add([1], np.zeros((1, DIM + 1), np.float32))


def test_build_goes_straight_to_ivf_and_last_duplicate_wins() -> None:
    x = clustered(3000)
    ids = np.arange(3000, dtype=np.int64)[::-1].copy()  # unsorted input
    ids[5] = ids[4]  # duplicate: row 5 should win
    vi = VectorIndex.build(ids, x, flat_max=1000)
    assert vi.kind.startswith("ivf") and len(vi) == 2999
    _, got = vi.search(x[5], 1, allowed_ids=[int(ids[4])])
    scores, _ = vi.search(x[5], 1)
    assert got[0, 0] == ids[4] and scores[0, 0] == pytest.approx(1.0, abs=1e-5)


def test_concurrent_search_and_add() -> None:
    import threading

    x = clustered(2000)
    vi = VectorIndex.build(np.arange(1000), x[:1000], flat_max=1500)
    errors: list[BaseException] = []

    def searcher() -> None:
        try:
            for i in range(50):
                _, got = vi.search(x[i], 5)
                assert (got >= 0).all()
        except BaseException as err:  # surfaced in the main thread
            errors.append(err)

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for t in threads:
        t.start()
    for start in range(1000, 2000, 100):
        vi.add(np.arange(start, start + 100), x[start : start + 100])
    for t in threads:
        t.join()
    assert not errors and len(vi) == 2000 and vi.kind.startswith("ivf")


def test_ivf_conversion_is_built_beside_while_searches_go_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The flat -> IVF rebuild runs outside the index's lock: a search from another
    thread completes while the rebuild is still in progress, on the exact index."""
    import threading

    data = clustered(2600)
    live = VectorIndex.create(DIM, flat_max=2000)
    live.add(np.arange(1500), data[:1500])
    real_install = VectorIndex._install
    during: list[tuple[str, np.ndarray]] = []

    def install(self: VectorIndex, kind: str, vecs: np.ndarray) -> None:
        if self is not live and kind == "ivf":
            def search() -> None:
                during.append((live.kind, live.search(data[2500:2501], 5)[1][0]))

            other = threading.Thread(target=search)
            other.start()
            other.join(60)  # would hang if the rebuild held the live index's lock
            assert not other.is_alive()
        real_install(self, kind, vecs)

    monkeypatch.setattr(VectorIndex, "_install", install)
    live.add(np.arange(1500, 2500), data[1500:2500])
    assert [kind for kind, _ in during] == ["flat"]
    truth = brute_force(data[2500:2501], np.arange(2500), data[:2500], 5)[0]
    assert set(during[0][1]) == set(truth)  # the exact index answered meanwhile
    assert live.kind.startswith("ivf") and len(live) == 2500


def test_a_change_during_the_conversion_is_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the index changes while the IVF is built beside it, the rebuild is redone with
    the change included."""
    data = clustered(2600)
    live = VectorIndex.create(DIM, flat_max=2000)
    live.add(np.arange(2000), data[:2000], convert=False)
    real_install = VectorIndex._install
    changed: list[bool] = []

    def install(self: VectorIndex, kind: str, vecs: np.ndarray) -> None:
        if self is not live and not changed:
            changed.append(True)
            live.add([5000], data[2500:2501], convert=False)  # a catch-up, say
        real_install(self, kind, vecs)

    monkeypatch.setattr(VectorIndex, "_install", install)
    assert live.convert_if_due()
    assert changed and live.kind.startswith("ivf") and len(live) == 2001
    assert live.search(data[2500:2501], 1)[1][0][0] == 5000


def test_tuner_takes_the_smallest_setting_reaching_the_target() -> None:
    x = clustered(6000, seed=3)
    vi = VectorIndex.build(np.arange(6000), x, kind="ivf")
    curve = vi.recall_curve(x, vmod.tuning_queries(x), "nprobe", vmod.NPROBE_GRID)
    assert curve[-1][1] >= vmod.TUNE_TARGET
    assert all(recall < vmod.TUNE_TARGET for _, recall in curve[:-1])
    assert VectorIndex.build(np.arange(6000), x, kind="ivf").nprobe == curve[-1][0]


def test_files_tuned_by_the_old_rule_keep_their_setting(tmp_path: Path) -> None:
    vi = VectorIndex.build(np.arange(3000), clustered(3000), kind="ivf")
    vi.nprobe = 96
    vi.save(tmp_path, 1)
    meta = json.loads((tmp_path / vmod.META_FILE).read_text())
    assert meta["tuning"] == vmod.TUNING_RULE
    del meta["tuning"]  # a file written before the rule was recorded
    (tmp_path / vmod.META_FILE).write_text(json.dumps(meta))
    assert VectorIndex.load(tmp_path)[0].nprobe == 96
