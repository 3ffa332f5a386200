"""python -m benchmarks.serving_threads --index DIR [--questions 60] [--data ../shared/eval]

Which torch thread count to serve queries with (NEWSDESK_TORCH_THREADS): one process,
one engine, the same questions, in alternating blocks of 1 and 2 torch threads (the
block order flips on the second round so drift falls on both alike):

- latency: `Engine.answer` and `Engine.search` one at a time (p50 / p95 ms);
- throughput: `Engine.answer` from 2 and 4 client threads at once (answers per second,
  and the p95 a client waits), as the bot's thread pool calls it.

The query-vector cache is cleared before every call, so each one pays its own encode.
DIR is copied once to benchmarks/work/pipeline-index (never written to).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.common import quiz_questions
from benchmarks.lexical.__main__ import WORK
from benchmarks.lexical.pipeline import _copy

THREADS = (1, 2)
CLIENTS = (2, 4)


def _latency(fn: Callable[[str], object], qs: list[str]) -> list[float]:
    out = []
    for q in qs:
        t0 = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _throughput(fn: Callable[[str], object], qs: list[str], clients: int) -> dict[str, float]:
    waits: list[float] = []

    def one(q: str) -> None:
        t0 = time.perf_counter()
        fn(q)
        waits.append((time.perf_counter() - t0) * 1000)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, qs))
    wall = time.perf_counter() - t0
    return {"per_s": len(qs) / wall, "p50_ms": float(np.percentile(waits, 50)),
            "p95_ms": float(np.percentile(waits, 95))}


def main() -> None:
    import torch

    from retrieval.engine import Engine

    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", type=int, default=60)
    ap.add_argument("--data", default="../shared/eval")
    args = ap.parse_args()
    index_dir = _copy(Path(args.index))
    qs = quiz_questions(args.data)[: args.questions]
    engine = Engine.open(index_dir, read_only=True)

    def answer(q: str) -> object:
        engine.clear_query_cache()
        return engine.answer(q)

    def search(q: str) -> object:
        engine.clear_query_cache()
        return engine.search(q, k=5)

    for q in qs[:5]:
        answer(q)
    raw: dict[str, dict[str, list[float]]] = {}
    for rnd in range(2):
        for threads in THREADS if rnd == 0 else THREADS[::-1]:
            torch.set_num_threads(threads)
            engine.overlap_lexical = None  # decided again for this thread count
            row = raw.setdefault(f"torch {threads}", {})
            row.setdefault("answer_ms", []).extend(_latency(answer, qs))
            row.setdefault("search_ms", []).extend(_latency(search, qs))
            for c in CLIENTS:
                tp = _throughput(answer, qs, c)
                for key, value in tp.items():
                    row.setdefault(f"{c} clients {key}", []).append(value)
    out: dict[str, object] = {"questions": len(qs), "cores": os.cpu_count(),
                              "load_at_end": os.getloadavg()[0]}
    for name, row in raw.items():
        summary: dict[str, float] = {}
        for kind in ("answer_ms", "search_ms"):
            summary[f"{kind[:-3]} p50 ms"] = float(np.percentile(row[kind], 50))
            summary[f"{kind[:-3]} p95 ms"] = float(np.percentile(row[kind], 95))
        for c in CLIENTS:
            for key in ("per_s", "p50_ms", "p95_ms"):
                summary[f"answer, {c} clients, {key}"] = float(np.mean(row[f"{c} clients {key}"]))
        out[name] = summary
    dest = WORK / "serving-threads.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
