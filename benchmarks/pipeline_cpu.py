"""python -m benchmarks.pipeline_cpu --index DIR [--questions 100] [--data ../shared/eval]

The whole search pipeline next to the query encode in one process, round-robin per
question, with torch pinned to one thread, in wall time *and* CPU time. On the shared
2-core box wall time mostly measures waiting for a core (the queries section's figures
swing 10x with the load); CPU time of the process (the BM25 helper thread included) is
what the pipeline costs. Also the CPU and wall time per stage of `Engine.search`, summed
over the calling and helper threads, to show where the time beyond the encode goes.

Side by side with the search as it was before issue 13's scale work ("before": date,
source and id filters listed in SQL, titles ranked by FTS5, the IVF nprobe of the old 2x
tuning margin), by switching those three on the same open engine between calls.

Engine.open on an index that lacks ``titles/`` builds it (a write): run it on a copy.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import quiz_questions, time_round_robin

K = 5


@contextlib.contextmanager
def _before(engine: Any, nprobe: int | None) -> Iterator[None]:
    """The engine as before the scale work, for the calls inside the block."""
    be = engine.backend
    vi = be.vectors()
    kept = vi.nprobe
    be.title_index = lambda: None  # FTS5 answers titles
    be.allowed_passages = be.passage_ids  # filters listed in SQL
    if nprobe is not None and vi.kind.startswith("ivf"):
        vi.nprobe = nprobe
    try:
        yield
    finally:
        del be.title_index, be.allowed_passages
        vi.nprobe = kept


def _old_nprobe(index: Path) -> int | None:
    """The nprobe the old 2x-margin tuner stored (a vectors.json from before the rule
    was recorded), else None."""
    try:
        meta = json.loads((index / "vectors.json").read_text())
    except (OSError, ValueError):
        return None
    return None if "tuning" in meta else int(meta.get("nprobe", 1))


def _stage_timers(engine: Any) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wrap the stages of Engine.search: (thread CPU ms, wall ms) per call, any thread."""
    from retrieval import engine as engine_module

    cpu: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}

    def wrap(owner: Any, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t, w = time.thread_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                cpu.setdefault(label, []).append((time.thread_time() - t) * 1000)
                wall.setdefault(label, []).append((time.perf_counter() - w) * 1000)

        setattr(owner, name, timed)

    be = engine.backend
    for name, label in (("dense_search", "dense (filters + FAISS + catalog)"),
                        ("lexical_search", "passage BM25 (tantivy; helper thread)"),
                        ("title_search", "title BM25 (helper thread)"),
                        ("get_articles", "article texts"), ("get_passages", "passage rows")):
        wrap(be, name, label)
    wrap(engine, "_encode_query", "query encode")
    wrap(engine, "_plan", "plan (clean, dates)")
    wrap(engine_module, "collapse_duplicates", "grouping (near-duplicates)")
    wrap(engine_module, "make_excerpt", "excerpts")
    return cpu, wall


def _percentiles(values: list[float]) -> dict[str, float]:
    a = np.array(values)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95))}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.pipeline_cpu")
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--data", default="../shared/eval")
    ap.add_argument("--before-nprobe", type=int, default=None,
                    help="the old tuner's nprobe for 'before' (default: vectors.json's, "
                         "when it predates the tuning rule; else unchanged)")
    ap.add_argument("--no-answer", action="store_true", help="skip Engine.answer")
    ap.add_argument("--json", default=None, help="write the figures here too")
    args = ap.parse_args()
    import torch

    from benchmarks.common import index_disk_bytes, rss_bytes, trim_memory
    from benchmarks.queries import held_out
    from index.embedder import load_embedder
    from retrieval.engine import Engine, freeze_startup_objects

    torch.set_num_threads(1)  # one thread: on the shared box two spin against each other
    data = Path(args.data)
    qs = quiz_questions(data)
    qs = held_out(qs, data)[: args.questions]
    before_nprobe = args.before_nprobe or _old_nprobe(Path(args.index))
    load_embedder()  # the model's memory is not the index's
    trim_memory()
    rss0 = rss_bytes()
    t = time.perf_counter()
    engine = Engine.open(args.index)
    open_s = time.perf_counter() - t
    emb = engine.embedder

    def search(q: str) -> object:
        engine.clear_query_cache()
        return engine.search(q, k=K)

    def search_before(q: str) -> object:
        with _before(engine, before_nprobe):
            return search(q)

    def answer(q: str) -> object:
        engine.clear_query_cache()
        return engine.answer(q)

    systems: dict[str, Callable[[str], object]] = {
        "query encode": lambda q: emb.encode([q]),
        "Engine.search": search,
        "Engine.search, before (SQL filters, FTS5 titles, old nprobe)": search_before,
    }
    if not args.no_answer:
        systems["Engine.answer"] = answer
    freeze_startup_objects()  # as the bot does once its engine is open
    wall, cpu = time_round_robin(systems, qs)
    names = list(systems)
    stage_cpu, stage_wall = _stage_timers(engine)
    stages: dict[str, Any] = {}
    for label, run in (("after", search), ("before", search_before)):
        stage_cpu.clear()
        stage_wall.clear()
        for q in qs:
            run(q)
        stages[label] = {name: {"cpu_mean": sum(v) / len(qs),
                                "cpu": _percentiles(v),
                                "wall_mean": sum(stage_wall[name]) / len(qs),
                                "wall": _percentiles(stage_wall[name])}
                         for name, v in stage_cpu.items()}
    vi = engine.backend.vectors()  # type: ignore[attr-defined]  # the local backend
    trim_memory()
    passages = int(engine.backend.stats().passages)
    disk = index_disk_bytes(Path(args.index))
    out: dict[str, Any] = {"index": args.index, "questions": len(qs), "passages": passages,
                           "rss_engine_bytes_per_passage": (rss_bytes() - rss0) / passages,
                           "disk_bytes_per_passage": {k: v / passages for k, v in disk.items()},
                           "vectors": vi.kind, "nprobe": vi.nprobe,
                           "before_nprobe": before_nprobe,
                           "load": os.getloadavg(), "engine_open_s": open_s, "systems": {}}
    enc_cpu, enc_wall = np.array(cpu["query encode"]), np.array(wall["query encode"])
    for n in names:
        ws, cs = np.array(wall[n]), np.array(cpu[n])
        out["systems"][n] = {
            "wall_p50": float(np.percentile(ws, 50)), "wall_p95": float(np.percentile(ws, 95)),
            "cpu_p50": float(np.percentile(cs, 50)), "cpu_p95": float(np.percentile(cs, 95)),
            "cpu_ratio_p50": float(np.percentile(cs, 50) / np.percentile(enc_cpu, 50)),
            "cpu_ratio_p95": float(np.percentile(cs, 95) / np.percentile(enc_cpu, 95)),
            "wall_ratio_p50": float(np.percentile(ws, 50) / np.percentile(enc_wall, 50)),
            "cpu_beyond_encode_p50": float(np.percentile(cs - enc_cpu, 50)),
            "cpu_beyond_encode_p95": float(np.percentile(cs - enc_cpu, 95)),
            "wall_beyond_encode_p50": float(np.percentile(ws - enc_wall, 50)),
            "wall_beyond_encode_p95": float(np.percentile(ws - enc_wall, 95)),
        }
    out["stages_per_search_ms"] = stages
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
