"""A half-precision copy of an exact (flat) vector index, for the one-question scan.

Scanning 21k float32 vectors reads 33 MB and is bound by memory, not arithmetic: 2.5 ms
a question in a serving process vs 1.9 ms over float16 copies of the same rows
(measured, issue 13). The copy finds the best ``k + RESCORE_EXTRA`` rows; those are
rescored from the float32 rows, and the result is used only when it is provably the
exact top ``k``: every row left out scores at most its float16 score plus the largest
float16 rounding error of any row, so the ``k``-th exact score must beat the deepest
float16 score by that much (else the caller scans the float32 rows as before).
"""

from __future__ import annotations

import faiss
import numpy as np

HALF_MIN = 8_000  # fewer rows than this: the float32 scan is quick enough
RESCORE_EXTRA = 100  # rows rescored beyond k (enough to prove the top k exact nearly always)


class HalfScan:
    """float16 rows beside an `IndexFlat`'s float32 rows (read through, never copied).

    Valid while the flat index is unchanged; `extend` follows appended rows. Not
    thread-safe on its own: `index.vectors.VectorIndex` calls it under its lock.
    """

    def __init__(self, flat: faiss.IndexFlat, row_ids: np.ndarray) -> None:
        self._half = faiss.IndexScalarQuantizer(
            flat.d, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
        self._rows = np.empty((0, flat.d), np.float32)
        self.row_ids = np.empty(0, np.int64)
        self.error = 0.0  # the largest |x - float16(x)| of any row (L2)
        self.extend(flat, row_ids)

    def extend(self, flat: faiss.IndexFlat, row_ids: np.ndarray) -> None:
        """Follow rows appended to ``flat`` (``row_ids``: the id of every row, in order)."""
        n, d = flat.ntotal, flat.d
        start = self._half.ntotal
        # A view of the flat index's own storage: it may have moved as it grew.
        self._rows = faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d) if n else \
            np.empty((0, d), np.float32)
        self.row_ids = row_ids
        if n > start:
            added = self._rows[start:]
            self._half.add(added)
            rounded = self._half.reconstruct_n(start, n - start)
            self.error = max(self.error, float(np.sqrt(((added - rounded) ** 2).sum(1)).max()))

    def __len__(self) -> int:
        return int(self._half.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The exact top ``k`` (scores, ids) for one query (shape (1, d)), best first; or
        None when the float16 scan cannot prove them exact."""
        n = len(self)
        depth = min(n, k + RESCORE_EXTRA)
        if k <= 0 or k >= n:
            return None
        approx, rows = self._half.search(query, depth)
        rows = rows[0]
        exact = self._rows[rows] @ query[0]
        order = np.argsort(-exact, kind="stable")[:k]
        # A row left out scores at most approx[0][-1] + error * |query|.
        bound = float(approx[0][-1]) + self.error * float(np.linalg.norm(query[0])) + 1e-6
        if depth < n and not float(exact[order[-1]]) > bound:
            return None
        return exact[order].reshape(1, -1), self.row_ids[rows[order]].reshape(1, -1)
