"""FAISS wrapper: L2-normalised float32 vectors keyed by int64 passage ids.

Inner product on normalised vectors is cosine similarity. Small indexes are exact
(``IndexIDMap2(IndexFlatIP)``); in ``auto`` mode an index that grows past ``FLAT_MAX``
vectors is rebuilt as IVF (``IndexIVFFlat``, nlist ~ 4*sqrt(n)) with ``nprobe`` tuned
at build time for recall@10 >= ``TARGET_RECALL`` against exact search. IVF was chosen
over HNSW by measurement (benchmarks/results/): at 100k vectors it built in 4.9 s vs
10.6 s, answered in 0.70 vs 0.95 ms p95 at recall@10 0.993 vs 0.997, and it supports
removal (HNSW does not); at 1M, IVF4000 gave 2.3 ms p95 at recall 1.000 against 65 ms
exact. HNSW stays available through ``NEWSDESK_VECTOR_INDEX=flat|ivf|hnsw|auto`` (``configure``).
A flat index of HALF_MIN vectors or more is scanned through a float16 copy in memory
(index/halfscan.py: exact results, proved per query; +768 bytes a vector).

The on-disk files are a cache derived from SQLite: ``save`` writes them atomically
and ``load`` raises `VectorIndexError` on anything it cannot trust, so the caller
rebuilds from the embeddings table.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.errors import NewsdeskError
from index.halfscan import HALF_MIN, HalfScan

_faiss: Any = faiss  # the stubs faiss ships lag its SWIG API (SearchParametersHNSW, DirectMap...)

INDEX_FILE = "vectors.faiss"
META_FILE = "vectors.json"
MODES = ("auto", "flat", "ivf", "hnsw")

FLAT_MAX = 50_000  # auto: exact below this (measured 6.5 ms p95 at 100k, one thread)
IVF_MIN_TRAIN = 1_000  # forced ivf stays exact until there is enough data to train on
IVF_RETRAIN_GROWTH = 4  # retrain IVF centroids once the index is this many times larger
TRAIN_POINTS_PER_LIST = 20  # k-means sample per list: enough for routing; training time
# grows with sample x nlist, and dominated the 1M-vector build
TARGET_RECALL = 0.97  # recall@10 real questions should get (above the 0.95 goal)
# What the tuner's synthetic questions must reach for that: measured on held-out realtimeqa
# questions at 100k, 300k and 1M passages (see _tune).
TUNE_TARGET = 0.98
TUNE_QUERIES = 200
NPROBE_GRID = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512]
EF_SEARCH_GRID = [16, 32, 48, 64, 96, 128, 192, 256, 384, 512]
# vectors.json's "tuning": 2 = TUNE_TARGET on the grids above. Files without it were tuned
# as twice the smallest setting reaching 0.97 (at most 256): kept as they are (at 1M that
# 256 gives held-out questions 0.970-0.978).
TUNING_RULE = 2
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
SMALL_BATCH = 16  # query batches up to this size search on one OpenMP thread
SUBSET_EXACT_MAX = 20_000  # allowed_ids up to this size are scored exactly, no index scan
BITMAP_MAX_ID = 1 << 28  # filter with a bitmap (<= 32 MB) below this id, else a hash set

EMPTY_SCORE = -np.inf


class VectorIndexError(NewsdeskError):
    """The vector files are missing, corrupt or inconsistent; rebuild from SQLite."""


@dataclass
class _Tuning:
    """Process-wide choices from the settings (``configure``): FAISS's OpenMP pool is
    per process anyway, and the kind applies to every index built here."""

    kind: str = "auto"
    threads: int | None = None


_tuning = _Tuning()


def configure(kind: str = "auto", threads: int | None = None) -> None:
    """Apply settings.vector_index and settings.faiss_threads (entry points call this)."""
    if kind.lower() not in MODES:
        raise ValueError(f"unknown vector index kind {kind!r}; expected one of {', '.join(MODES)}")
    _tuning.kind, _tuning.threads = kind.lower(), threads


def build_threads() -> int:
    """OpenMP threads for bulk work (training, adding, tuning): at most 2 on a shared box."""
    return max(1, _tuning.threads or min(2, os.cpu_count() or 1))


@contextlib.contextmanager
def omp_threads(n: int) -> Iterator[None]:
    """Set the calling thread's OpenMP team size for a block.

    OpenMP's thread count is per calling thread, so concurrent callers do not interfere.
    Single-query searches run on 1 thread: on a busy 2-core machine a second OpenMP
    thread spin-waits for a core and made a 60k exact search 10x slower (4 -> 38 ms).
    """
    prev = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(prev)


def resolve_mode(kind: str = "auto") -> str:
    """The effective mode: an explicit kind wins, ``auto`` defers to the configured one."""
    kind = kind.lower()
    if kind == "auto":
        kind = _tuning.kind
    if kind not in MODES:
        raise ValueError(f"unknown vector index kind {kind!r}; expected one of {', '.join(MODES)}")
    return kind


def _as_ids(ids: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))


def _as_vectors(vectors: Any, dim: int) -> np.ndarray:
    """float32, C-contiguous, (n, dim), re-normalised (cheap insurance for cosine)."""
    x = np.array(vectors, dtype=np.float32, copy=True, order="C")
    if x.ndim == 1:
        x = x.reshape(1, -1)
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"expected vectors of dimension {dim}, got shape {x.shape}")
    faiss.normalize_L2(x)
    return x


def _exact_topk(
    queries: np.ndarray, ids: np.ndarray, vectors: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force top-k of ``queries`` over the given rows; -1 / -inf pad empty slots."""
    nq = queries.shape[0]
    scores = np.full((nq, k), EMPTY_SCORE, dtype=np.float32)
    out = np.full((nq, k), -1, dtype=np.int64)
    if len(ids) == 0 or k == 0:
        return scores, out
    kk = min(k, len(ids))
    # faiss.knn, not numpy: a BLAS call would wake its own thread pool for one query.
    top_scores, rows = faiss.knn(queries, vectors, kk, metric=faiss.METRIC_INNER_PRODUCT)
    scores[:, :kk] = top_scores
    out[:, :kk] = ids[rows]
    return scores, out


def _selector(ids: np.ndarray) -> tuple[faiss.IDSelector, np.ndarray]:
    """A FAISS selector for ``ids`` and the buffer it points into (keep it alive).

    A bitmap over the id range (passage ids are dense SQLite rowids) took 0.2 ms to
    build for 100k of 1M ids here, an IDSelectorBatch hash set 34 ms, every query.
    """
    ids = ids[ids >= 0]
    top = int(ids.max()) if ids.size else 0
    if top < BITMAP_MAX_ID:
        bits = np.zeros(top + 1, dtype=bool)
        bits[ids] = True
        bitmap = np.packbits(bits, bitorder="little")  # FAISS: bit (id & 7) of byte id >> 3
        return _faiss.IDSelectorBitmap(bitmap.size, _faiss.swig_ptr(bitmap)), bitmap
    ids = np.ascontiguousarray(ids)
    return faiss.IDSelectorBatch(ids), ids


def tuning_queries(vecs: np.ndarray, n: int = TUNE_QUERIES) -> np.ndarray:
    """Synthetic questions: normalised sums of 2 (half) or 3 random stored vectors."""
    rows = vecs.shape[0]
    rng = np.random.default_rng(1)
    nq = min(n, rows)
    q = vecs[rng.integers(0, rows, nq)] + vecs[rng.integers(0, rows, nq)]
    q[nq // 2 :] += vecs[rng.integers(0, rows, nq - nq // 2)]
    q = np.ascontiguousarray(q, dtype=np.float32)
    faiss.normalize_L2(q)
    return q


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories
    finally:
        os.close(fd)


def _atomic_write(path: Path, write: Any) -> None:
    """Write via ``write(tmp_path)`` to a temp file in the same dir, fsync, then rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(blob: np.ndarray, path: str) -> None:
    """The FAISS file's bytes to disk (crash tests cut it short here)."""
    blob.tofile(path)


class VectorIndex:
    """Cosine search over id-keyed vectors; thread-safe (one lock, searches are ms-scale)."""

    def __init__(
        self,
        dim: int,
        mode: str,
        index: faiss.Index,
        ids: np.ndarray,
        *,
        flat_max: int = FLAT_MAX,
        nprobe: int = 1,
        ef_search: int = 64,
        trained_count: int = 0,
    ) -> None:
        self.dim = dim
        self.mode = mode  # what was asked for: auto | flat | ivf | hnsw
        self.flat_max = flat_max
        self.nprobe = nprobe
        self.ef_search = ef_search
        self._trained_count = trained_count
        self._index = index
        self._ids = ids  # sorted, unique: membership checks without asking FAISS
        self._lock = threading.RLock()
        self._version = 0  # bumped by every add/remove (a conversion beside checks it)
        self._half: HalfScan | None = None  # float16 copy of a large flat index (halfscan.py)

    # ----- construction -------------------------------------------------------------

    @classmethod
    def create(cls, dim: int, kind: str = "auto", *, flat_max: int = FLAT_MAX) -> VectorIndex:
        """An empty index. It starts exact; ``auto``/``ivf``/``hnsw`` switch as it grows."""
        return cls(
            dim, resolve_mode(kind), cls._new_flat(dim), np.empty(0, np.int64), flat_max=flat_max
        )

    @classmethod
    def build(
        cls, ids: Any, vectors: Any, kind: str = "auto", *, flat_max: int = FLAT_MAX
    ) -> VectorIndex:
        """An index over all ``vectors`` at once, built straight into its final structure
        (no exact index first: at 1M vectors that copy would cost 1.5 GB)."""
        x = np.asarray(vectors, dtype=np.float32)
        if x.ndim != 2:
            raise ValueError(f"expected a 2-d array of vectors, got shape {x.shape}")
        vi = cls.create(x.shape[1], kind, flat_max=flat_max)
        ids_ = _as_ids(ids)
        if ids_.size != x.shape[0]:
            raise ValueError(f"{ids_.size} ids for {x.shape[0]} vectors")
        # Sorted unique ids (the last duplicate wins) so rows line up with ``_ids``.
        uniq, last = np.unique(ids_[::-1], return_index=True)
        vecs = _as_vectors(x[ids_.size - 1 - last], vi.dim)
        vi._ids = uniq
        with omp_threads(build_threads()):
            vi._install(vi._target(uniq.size, "flat") or "flat", vecs)
        return vi

    @staticmethod
    def _new_flat(dim: int) -> faiss.Index:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    # ----- properties ---------------------------------------------------------------

    @property
    def kind(self) -> str:
        """What is actually built: ``flat``, ``ivf<nlist>`` or ``hnsw<M>``."""
        inner = self._inner()
        if isinstance(inner, faiss.IndexIVF):
            return f"ivf{inner.nlist}"
        if isinstance(inner, faiss.IndexHNSW):
            return f"hnsw{_faiss.downcast_index(inner).hnsw.nb_neighbors(1)}"
        return "flat"

    @property
    def ids(self) -> np.ndarray:
        """All stored ids, sorted (a copy)."""
        with self._lock:
            return self._ids.copy()

    def __len__(self) -> int:
        return int(self._ids.size)

    def __contains__(self, id_: object) -> bool:
        if not isinstance(id_, int | np.integer):
            return False
        i = np.searchsorted(self._ids, id_)
        return bool(i < self._ids.size and self._ids[i] == id_)

    def _inner(self) -> faiss.Index:
        if isinstance(self._index, faiss.IndexIDMap2):
            return faiss.downcast_index(self._index.index)
        return self._index

    # ----- mutation -----------------------------------------------------------------

    def add(self, ids: Any, vectors: Any, *, convert: bool = True) -> None:
        """Add (or replace: an existing id is overwritten) vectors under ``ids``; then,
        with ``convert``, `convert_if_due` (a caller holding its own lock passes False
        and converts after releasing it)."""
        ids_ = _as_ids(ids)
        x = _as_vectors(vectors, self.dim)
        if ids_.size != x.shape[0]:
            raise ValueError(f"{ids_.size} ids for {x.shape[0]} vectors")
        if ids_.size == 0:
            return
        uniq, last = np.unique(ids_[::-1], return_index=True)
        if uniq.size != ids_.size:  # duplicate ids in one call: the last one wins
            keep = np.sort(ids_.size - 1 - last)
            ids_, x = ids_[keep], x[keep]
        with self._lock, omp_threads(build_threads()):
            present = self._present(ids_)
            if present.size:
                self._remove_present(present)
            self._index.add_with_ids(x, ids_)
            self._follow_half(appended=not present.size)
            if self._ids.size == 0 or ids_.min() > self._ids[-1]:
                self._ids = np.concatenate([self._ids, np.sort(ids_)])  # rowids only grow
            else:
                self._ids = np.union1d(self._ids, ids_)
            self._version += 1
        if convert:
            self.convert_if_due()

    def remove(self, ids: Any, *, convert: bool = True) -> int:
        """Remove the given ids (unknown ids are ignored); returns how many were removed."""
        with self._lock, omp_threads(build_threads()):
            present = self._present(_as_ids(ids))
            if present.size:
                self._remove_present(present)
                self._version += 1
        if present.size and convert:
            self.convert_if_due()
        return int(present.size)

    def convert_if_due(self) -> bool:
        """Rebuild into the structure the size now calls for (flat -> IVF, a retrain, IVF
        -> flat) beside the live index, and swap it in: searches go on with the current
        structure meanwhile (an IVF build at 50k vectors takes seconds) and wait only for
        the swap. Indexes have one writer; if the index changed during the build anyway,
        the rebuild is redone under the lock. Returns whether it converted."""
        with self._lock:
            target = self._due()
            if target is None:
                return False
            ids, vecs, version = self._ids.copy(), self._reconstruct(self._ids), self._version
        side = VectorIndex(self.dim, self.mode, self._new_flat(self.dim), ids,
                           flat_max=self.flat_max)
        with omp_threads(build_threads()):
            side._install(target, vecs)
        del vecs
        with self._lock:
            if self._version != version:
                self._maybe_convert()
            else:
                self._index, self._trained_count = side._index, side._trained_count
                self._half = None
                self.nprobe, self.ef_search = side.nprobe, side.ef_search
        return True

    def _present(self, ids: np.ndarray) -> np.ndarray:
        """The subset of ``ids`` stored here, sorted and unique (O(m log n), no full sort)."""
        if ids.size == 0 or self._ids.size == 0:
            return np.empty(0, np.int64)
        pos = np.searchsorted(self._ids, ids).clip(max=self._ids.size - 1)
        return np.unique(ids[self._ids[pos] == ids])

    def _follow_half(self, appended: bool) -> None:
        """Keep the float16 copy in step: rows appended to a flat index are added to it;
        anything else (rows removed or moved, another structure) drops it."""
        inner, index = self._inner(), self._index
        if self._half is not None and appended and isinstance(inner, faiss.IndexFlat) \
                and isinstance(index, faiss.IndexIDMap2):
            self._half.extend(inner, faiss.vector_to_array(index.id_map))
        else:
            self._half = None

    def _half_scan(self) -> HalfScan | None:
        """The float16 copy for a flat index of HALF_MIN rows or more (built on first use)."""
        inner = self._inner()
        if len(self) < HALF_MIN or not isinstance(inner, faiss.IndexFlat) \
                or not isinstance(self._index, faiss.IndexIDMap2):
            return None
        if self._half is None:
            self._half = HalfScan(inner, faiss.vector_to_array(self._index.id_map))
        return self._half

    def _remove_present(self, ids: np.ndarray) -> None:
        self._half = None  # rows move: the float16 copy is rebuilt on the next search
        if isinstance(self._inner(), faiss.IndexHNSW):
            # HNSW cannot delete nodes: rebuild from what remains (O(n); HNSW is opt-in).
            keep = np.setdiff1d(self._ids, ids, assume_unique=True)
            vecs = self._reconstruct(keep)
            self._index = self._new_hnsw(self.dim)
            if keep.size:
                self._index.add_with_ids(vecs, keep)  # keeps the tuned efSearch
        elif isinstance(self._inner(), faiss.IndexIVF):
            # IVF's hashtable direct map only accepts IDSelectorArray (looked up per id).
            self._index.remove_ids(faiss.IDSelectorArray(np.ascontiguousarray(ids)))
        else:
            # The flat scan tests every stored id: a hash set, not a linear array search.
            self._index.remove_ids(faiss.IDSelectorBatch(np.ascontiguousarray(ids)))
        self._ids = np.setdiff1d(self._ids, ids, assume_unique=True)

    def _maybe_convert(self) -> None:
        """Switch structure when the size crosses the thresholds of the mode (in place,
        under the caller's lock)."""
        target = self._due()
        if target:
            self._install(target, self._reconstruct(self._ids))

    def _due(self) -> str | None:
        """The structure the current size calls for, or None to keep this one."""
        inner = self._inner()
        current = "ivf" if isinstance(inner, faiss.IndexIVF) else "flat"
        if isinstance(inner, faiss.IndexHNSW):
            current = "hnsw"
        return self._target(len(self), current)

    def _target(self, n: int, current: str) -> str | None:
        """The structure to rebuild into at size ``n``, or None to keep ``current``."""
        if self.mode == "hnsw" and current == "flat" and n > 0:
            return "hnsw"
        if self.mode in ("ivf", "auto"):
            floor = IVF_MIN_TRAIN if self.mode == "ivf" else self.flat_max
            if current == "flat" and n >= floor:
                return "ivf"
            if current == "ivf" and n > IVF_RETRAIN_GROWTH * max(self._trained_count, 1):
                return "ivf"  # centroids trained on a much smaller index: lists too long
            if current == "ivf" and self.mode == "auto" and n < self.flat_max // 2:
                return "flat"  # hysteresis: shrink back to exact
        return None

    def _install(self, kind: str, vecs: np.ndarray) -> None:
        """Replace the FAISS index with a ``kind`` one holding ``vecs`` (rows = ``_ids``)."""
        ids = self._ids
        self._half = None
        if kind == "ivf":
            self._index = self._train_ivf(vecs)
            self._trained_count = ids.size
        elif kind == "hnsw":
            self._index = self._new_hnsw(self.dim)
        else:
            self._index = self._new_flat(self.dim)
        if ids.size:
            self._index.add_with_ids(vecs, ids)
        if kind == "ivf":
            self.nprobe = self._tune(vecs, "nprobe", NPROBE_GRID)
        elif kind == "hnsw":
            self.ef_search = self._tune(vecs, "ef_search", EF_SEARCH_GRID)

    def _train_ivf(self, vecs: np.ndarray) -> faiss.Index:
        n = vecs.shape[0]
        nlist = max(1, min(int(4 * math.sqrt(n)), n // TRAIN_POINTS_PER_LIST or 1))
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.cp.niter = 10  # k-means converges enough for IVF routing; training is the build cost
        ivf.cp.min_points_per_centroid = 5  # we sample TRAIN_POINTS_PER_LIST: no faiss warning
        rng = np.random.default_rng(0)
        sample_size = min(n, nlist * TRAIN_POINTS_PER_LIST)
        sample = (
            vecs[np.sort(rng.choice(n, sample_size, replace=False))] if sample_size < n else vecs
        )
        ivf.train(sample)
        ivf.set_direct_map_type(_faiss.DirectMap.Hashtable)  # reconstruct/remove by id
        return ivf  # the faiss wrapper keeps a reference to the quantizer

    def _new_hnsw(self, dim: int) -> faiss.Index:
        hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        return faiss.IndexIDMap2(hnsw)

    def _tune(self, vecs: np.ndarray, attr: str, grid: list[int]) -> int:
        """The smallest setting whose recall@10 against exact search reaches TUNE_TARGET
        on synthetic questions.

        A stored vector plus noise is too easy a query (its own neighbourhood is one
        IVF cell). Real questions fall between topics; normalised sums of 2-3 random
        stored vectors come close (measured: similar top-1 cosine ~0.6-0.7 and similar
        recall per nprobe). The target was measured on real questions
        (`python -m benchmarks.nprobe_calibration`, 2026-11-30-scale-1m.md): at 100k, 300k
        and 1M passages, the setting where they reach 0.98 gives 200 held-out realtimeqa
        questions (and 200 others) >= 0.97; at 0.97 one 300k sample fell to 0.964. The old
        rule (twice the 0.97 setting, at most 256) was held at its cap from 100k on, and
        fell short at 300k (0.964-0.973).
        """
        curve = self.recall_curve(vecs, tuning_queries(vecs), attr, grid)
        best = next((v for v, recall in curve if recall >= TUNE_TARGET), grid[-1])
        setattr(self, attr, best)
        return best

    def recall_curve(self, vecs: np.ndarray, queries: np.ndarray, attr: str,
                     grid: list[int], k: int = 10) -> list[tuple[int, float]]:
        """(setting, recall@k against exact search) for each setting in ``grid``, up to
        the first that reaches TUNE_TARGET; ``vecs`` are the stored vectors in id order.
        Leaves ``attr`` at the last setting tried."""
        k = min(k, vecs.shape[0])
        _, rows = faiss.knn(queries, vecs, k, metric=faiss.METRIC_INNER_PRODUCT)
        truth = self._ids[rows]
        curve: list[tuple[int, float]] = []
        for value in grid:
            setattr(self, attr, value)
            _, got = self._index.search(queries, k, params=self._params())
            hits = sum(len(np.intersect1d(t, g)) for t, g in zip(truth, got, strict=True))
            curve.append((value, hits / truth.size))
            if curve[-1][1] >= TUNE_TARGET:
                break
        return curve

    # ----- search -------------------------------------------------------------------

    def _params(self, sel: faiss.IDSelector | None = None) -> faiss.SearchParameters:
        inner = self._inner()
        if isinstance(inner, faiss.IndexIVF):
            return _faiss.SearchParametersIVF(sel=sel, nprobe=self.nprobe)
        if isinstance(inner, faiss.IndexHNSW):
            return _faiss.SearchParametersHNSW(sel=sel, efSearch=max(self.ef_search, 16))
        return _faiss.SearchParameters(sel=sel)

    def _reconstruct(self, ids: np.ndarray) -> np.ndarray:
        if ids.size == 0:
            return np.empty((0, self.dim), np.float32)
        inner = self._inner()
        whole = ids.size == self._index.ntotal
        if (
            whole
            and isinstance(self._index, faiss.IndexIDMap2)
            and not isinstance(inner, faiss.IndexIVF)
        ):
            # A whole-index copy is far faster than per-id lookups.
            order = faiss.vector_to_array(self._index.id_map)
            by_id = np.argsort(order)
            rows = by_id[np.searchsorted(order[by_id], ids)]
            return inner.reconstruct_n(0, inner.ntotal)[rows]
        return self._index.reconstruct_batch(np.ascontiguousarray(ids))

    def search(
        self, queries: Any, k: int, allowed_ids: Any | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query, best first; ids -1 / score -inf when empty.

        ``allowed_ids`` restricts the candidates before ranking: small subsets are scored
        exactly; larger ones go through a FAISS ID selector, and any query row the
        approximate index could not fill is rescored exactly over the subset.
        """
        q = _as_vectors(queries, self.dim)
        nq = q.shape[0]
        if k <= 0:
            return np.empty((nq, 0), np.float32), np.empty((nq, 0), np.int64)
        with self._lock, omp_threads(1 if nq <= SMALL_BATCH else build_threads()):
            if allowed_ids is None:
                if len(self) == 0:
                    return _exact_topk(q, self._ids, np.empty((0, self.dim), np.float32), k)
                half = self._half_scan() if nq == 1 else None
                found = half.search(q, k) if half is not None else None
                if found is not None:
                    return found
                scores, ids = self._index.search(q, k, params=self._params())
                return self._clean(scores, ids)
            wanted = _as_ids(allowed_ids)
            if wanted.size <= SUBSET_EXACT_MAX:
                allowed = self._present(wanted)
                return _exact_topk(q, allowed, self._reconstruct(allowed), k)
            sel, _keep = _selector(wanted)  # _keep: the selector reads this buffer
            scores, ids = self._index.search(q, k, params=self._params(sel))
            scores, ids = self._clean(scores, ids)
            filled = (ids >= 0).sum(axis=1)
            if (filled < k).any():  # maybe a selective filter defeated IVF probing / HNSW
                allowed = self._present(wanted)
                short = np.flatnonzero(filled < min(k, allowed.size))
                if short.size:
                    s2, i2 = _exact_topk(q[short], allowed, self._reconstruct(allowed), k)
                    scores[short], ids[short] = s2, i2
            return scores, ids

    @staticmethod
    def _clean(scores: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores = scores.astype(np.float32, copy=True)
        scores[ids < 0] = EMPTY_SCORE
        return scores, ids.astype(np.int64, copy=False)

    # ----- persistence --------------------------------------------------------------

    def save(self, directory: Path, generation: int) -> None:
        """Write ``vectors.faiss`` then ``vectors.json`` atomically (json last = commit).
        The index is copied to memory under the lock and written outside it, so searches
        wait for a memory copy, not for the disk."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with self._lock:
            blob = faiss.serialize_index(self._index)
            meta = {
                "generation": int(generation),
                "count": len(self),
                "kind": self.kind,
                "dim": self.dim,
                "mode": self.mode,
                "flat_max": self.flat_max,
                "nprobe": self.nprobe,
                "ef_search": self.ef_search,
                "trained_count": self._trained_count,
                "tuning": TUNING_RULE,
            }
        _atomic_write(directory / INDEX_FILE, lambda p: write_bytes(blob, p))

        def write_json(p: str) -> None:
            Path(p).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

        _atomic_write(directory / META_FILE, write_json)
        _fsync_dir(directory)

    @classmethod
    def load(cls, directory: Path) -> tuple[VectorIndex, int]:
        """(index, generation) from ``directory``; `VectorIndexError` if untrustworthy."""
        directory = Path(directory)
        meta_path, index_path = directory / META_FILE, directory / INDEX_FILE
        hint = "The vector index is rebuilt from the SQLite embeddings."
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            generation, count, dim = int(meta["generation"]), int(meta["count"]), int(meta["dim"])
            mode = str(meta.get("mode", "auto"))
        except FileNotFoundError as err:
            raise VectorIndexError(f"missing {meta_path}", hint) from err
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise VectorIndexError(f"corrupt {meta_path}: {err}", hint) from err
        if not index_path.is_file():
            raise VectorIndexError(f"missing {index_path}", hint)
        try:
            index = faiss.read_index(str(index_path))
        except Exception as err:  # FAISS raises RuntimeError on truncated/garbled files
            raise VectorIndexError(f"corrupt {index_path}: {err}", hint) from err
        if index.d != dim or index.ntotal != count:
            raise VectorIndexError(
                f"{index_path} holds {index.ntotal} vectors of dimension {index.d}, "
                f"{meta_path} says {count} of dimension {dim}",
                hint,
            )
        ids = cls._stored_ids(index)
        if ids.size != count:
            raise VectorIndexError(f"{index_path} has duplicate ids", hint)
        vi = cls(
            dim,
            mode if mode in MODES else "auto",
            index,
            ids,
            flat_max=int(meta.get("flat_max", FLAT_MAX)),
            nprobe=int(meta.get("nprobe", 1)),
            ef_search=int(meta.get("ef_search", 64)),
            trained_count=int(meta.get("trained_count", 0)),
        )
        return vi, generation

    @staticmethod
    def _stored_ids(index: faiss.Index) -> np.ndarray:
        if isinstance(index, faiss.IndexIDMap2):
            return np.unique(faiss.vector_to_array(index.id_map).astype(np.int64))
        if isinstance(index, faiss.IndexIVF):
            inv: Any = index.invlists
            parts = [
                faiss.rev_swig_ptr(inv.get_ids(i), inv.list_size(i)).copy()
                for i in range(index.nlist)
                if inv.list_size(i)
            ]
            return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
        raise VectorIndexError(f"unexpected FAISS index type {type(index).__name__}")
