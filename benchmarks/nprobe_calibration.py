"""python -m benchmarks.nprobe_calibration --index DIR --base DIR [--sizes 200000,1000000]

How many IVF lists real questions need, next to what the build-time tuner's synthetic
questions (`index.vectors.tuning_queries`) need, on the same index: the tuner's target
for them (`TUNE_TARGET`) is chosen from this. For each size, an IVF index over the real passages
of ``--base`` plus a random sample of the other vectors of ``--index`` (the full index
itself at its own size: its stored IVF is used, not retrained), then recall@10 against
exact search per nprobe for: the tuner's 200 synthetic queries, 200 "calibration"
questions and 200 "test" questions (two disjoint slices of the held-out realtimeqa
questions). Read-only use of both directories.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from benchmarks.common import quiz_questions
from index.vectors import (
    NPROBE_GRID,
    TUNE_TARGET,
    VectorIndex,
    omp_threads,
    tuning_queries,
)


def _all_vectors(vi: VectorIndex) -> tuple[np.ndarray, np.ndarray]:
    """(sorted ids, vectors in that order) straight from the IVF lists (IVFFlat codes
    are the float32 vectors themselves)."""
    ivf: Any = faiss.extract_index_ivf(vi._index)
    inv = ivf.invlists
    ids_parts, vec_parts = [], []
    for i in range(ivf.nlist):
        n = inv.list_size(i)
        if not n:
            continue
        ids_parts.append(faiss.rev_swig_ptr(inv.get_ids(i), n).copy())
        codes = faiss.rev_swig_ptr(inv.get_codes(i), n * ivf.code_size).copy()
        vec_parts.append(codes.view(np.float32).reshape(n, ivf.d))
    ids, vecs = np.concatenate(ids_parts), np.concatenate(vec_parts)
    order = np.argsort(ids)
    return ids[order], vecs[order]


def _questions(data: Path, embedder: Any) -> dict[str, np.ndarray]:
    from benchmarks.queries import held_out

    qs = quiz_questions(data)
    qs = held_out(qs, data)
    out = {"test questions": qs[:200], "calibration questions": qs[200:400]}
    return {name: np.ascontiguousarray(embedder.encode(q), np.float32)
            for name, q in out.items()}


def _curve(vi: VectorIndex, vecs: np.ndarray, queries: np.ndarray) -> dict[int, float]:
    _, rows = faiss.knn(queries, vecs, 10, metric=faiss.METRIC_INNER_PRODUCT)
    truth = vi._ids[rows]
    out = {}
    for nprobe in NPROBE_GRID:
        vi.nprobe = nprobe
        _, got = vi._index.search(queries, 10, params=vi._params())
        out[nprobe] = sum(len(np.intersect1d(t, g)) for t, g in zip(truth, got, strict=True)) \
            / truth.size
    return out


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.nprobe_calibration")
    ap.add_argument("--index", required=True, help="a large IVF index (e.g. the 1M synthetic)")
    ap.add_argument("--base", required=True, help="the real index its real passages come from")
    ap.add_argument("--sizes", default="200000,1000000")
    ap.add_argument("--data", default="../shared/eval")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    from index.embedder import load_embedder

    t = time.perf_counter()
    full, _ = VectorIndex.load(Path(args.index))
    ids, vecs = _all_vectors(full)
    con = sqlite3.connect(f"file:{Path(args.base) / 'newsdesk.sqlite'}?mode=ro", uri=True)
    real = np.array([r[0] for r in con.execute("SELECT id FROM passages")], np.int64)
    con.close()
    sets = _questions(Path(args.data), load_embedder())
    print(f"loaded {ids.size} vectors, {real.size} real, in {time.perf_counter() - t:.0f} s",
          flush=True)
    rng = np.random.default_rng(0)
    results: dict[str, Any] = {"tune_target": TUNE_TARGET, "sizes": {}}
    for size in (int(s) for s in args.sizes.split(",")):
        t = time.perf_counter()
        if size >= ids.size:
            vi, sub_ids, sub_vecs = full, ids, vecs
            vi._ids = ids
        else:
            others = np.setdiff1d(ids, real)
            pick = np.sort(np.concatenate([
                np.intersect1d(ids, real), rng.choice(others, size - real.size, replace=False)]))
            rows = np.searchsorted(ids, pick)
            sub_ids, sub_vecs = pick, vecs[rows]
            vi = VectorIndex.build(sub_ids, sub_vecs)  # trains IVF; the tuner runs here
        with omp_threads(2):
            curves = {"tuner's synthetic queries": _curve(vi, sub_vecs, tuning_queries(sub_vecs))}
            curves.update({name: _curve(vi, sub_vecs, q) for name, q in sets.items()})
        entry = {"kind": vi.kind, "seconds": time.perf_counter() - t,
                 "curves": {k: {str(n): r for n, r in c.items()} for k, c in curves.items()}}
        results["sizes"][str(size)] = entry
        print(json.dumps({size: entry}, indent=1), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
