"""Where a slow /ask during an ingest spends its time (issue 19): stage timers.

Runs `benchmarks.serve_ingest`'s measurement with timers wrapped around the stages of a
query (encode, dense and lexical search, catalog, article and passage reads) and around
the ingest's activities (encode pieces, commits, yields). For the questions asked during
the upload it reports the slowest 5 % against the median: time per stage, the query
thread's CPU time against its wall time (a gap with no lock wait is CPU or GIL
contention), and how much of the question overlapped each ingest activity.

    .venv/bin/python -m benchmarks.serve_profile --articles 10000 --data ../shared/eval
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import DEFAULT_DATA, SCRATCH
from benchmarks.serve_ingest import BASE_INDEX, load_questions, prepare_index, serve_while_ingesting


@dataclass
class _Query:
    start: float
    cpu0: float
    stages: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    end: float = 0.0
    cpu: float = 0.0


_local = threading.local()
_queries: list[_Query] = []
_ingest: list[tuple[str, float, float]] = []  # (activity, start, end) on the ingest thread


def _is_ingest() -> bool:
    return threading.current_thread().name.startswith("newsdesk-ingest")


def _timed(stage: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            now = time.perf_counter()
            if _is_ingest():
                _ingest.append((stage, t, now))
            else:
                q = getattr(_local, "query", None)
                if q is not None:
                    q.stages[stage] += now - t

    return run


def _answer(fn: Any) -> Any:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        q = _Query(time.perf_counter(), time.thread_time())
        _local.query = q
        try:
            return fn(*args, **kwargs)
        finally:
            q.end, q.cpu = time.perf_counter(), time.thread_time() - q.cpu0
            _local.query = None
            _queries.append(q)

    return run


def install() -> None:
    from index.embedder import Embedder
    from index.gate import QueryGate
    from index.local import LocalBackend
    from index.vectors import VectorIndex
    from retrieval.engine import Engine
    from retrieval.hybrid import HybridRanker

    Engine.answer = _answer(Engine.answer)  # type: ignore[method-assign]
    for cls, names in (
        (Embedder, ["encode"]),
        (Engine, ["_hits", "_answer_hits", "_plan"]),
        (HybridRanker, ["rank", "lexical_lists"]),
        (LocalBackend, ["dense_search", "lexical_search", "title_search", "passage_catalog",
                        "_hidden_passages", "passage_ids", "latest_date", "get_articles",
                        "get_passages",
                        "text_index", "vectors", "write"]),
        (VectorIndex, ["search", "add", "remove"]),
        (QueryGate, ["pause"]),
    ):
        for name in names:
            setattr(cls, name, _timed(f"{cls.__name__}.{name}", getattr(cls, name)))


def _stage(q: _Query, stage: str) -> float:
    return q.stages.get(stage, 0.0)


def _overlap(q: _Query, activity: str) -> float:
    return sum(max(0.0, min(q.end, e) - max(q.start, s))
               for a, s, e in _ingest if a == activity)


def report(during: list[_Query]) -> str:
    during.sort(key=lambda q: q.end - q.start)
    n = len(during)
    slow = during[int(0.95 * n):] or during[-1:]
    mid = during[int(0.4 * n): int(0.6 * n)] or during
    stages = sorted({s for q in during for s in q.stages})
    activities = sorted({a for a, _, _ in _ingest})

    def mean(qs: list[_Query], f: Callable[[_Query], float]) -> float:
        return 1000 * statistics.fmean(f(q) for q in qs)

    lines = [f"{n} questions; the slowest {len(slow)} against the middle {len(mid)}",
             "", "| measure (ms, mean) | middle | slowest 5 % |", "|---|---|---|"]
    rows: list[tuple[str, Callable[[_Query], float]]] = [
        ("wall", lambda q: q.end - q.start), ("query thread CPU", lambda q: q.cpu)]
    rows += [(s, functools.partial(_stage, stage=s)) for s in stages]
    rows += [(f"overlap with ingest {a}", functools.partial(_overlap, activity=a))
             for a in activities]
    for name, f in rows:
        lines.append(f"| {name} | {mean(mid, f):.1f} | {mean(slow, f):.1f} |")
    totals: dict[str, list[float]] = defaultdict(list)
    for a, s, e in _ingest:
        totals[a].append(e - s)
    lines += ["", "| ingest activity | calls | total s | p50 ms | max ms |", "|---|---|---|---|---|"]
    for a, v in sorted(totals.items()):
        lines.append(f"| {a} | {len(v)} | {sum(v):.1f} | {1000 * statistics.median(v):.1f} "
                     f"| {1000 * max(v):.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_profile")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--base", type=Path, default=BASE_INDEX)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--torch-threads", type=int, default=1)
    args = parser.parse_args(argv)
    install()
    index_dir = SCRATCH / "serve-profile"
    prepare_index(args.base, index_dir)
    marks: dict[str, float] = {}
    res = asyncio.run(serve_while_ingesting(index_dir, args.articles,
                                            load_questions(args.data, 200),
                                            args.torch_threads, marks))
    during = [q for q in _queries if marks["during"] <= q.start < marks["after"]]
    idle = [q for q in _queries if q.start < marks["during"]][6:]
    print(f"idle p95 {res['phases']['idle, before the upload']['all']['p95']:.0f} ms, "
          f"during p95 {res['phases']['during the upload']['all']['p95']:.0f} ms")
    print("\nIdle (before):\n" + report(idle))
    print("\nDuring:\n" + report(during))
    return 0


if __name__ == "__main__":
    sys.exit(main())
