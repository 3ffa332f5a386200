"""python -m benchmarks.pipeline_cpu --index DIR [--questions 100] [--data ../shared/eval]

The whole search pipeline next to the query encode in one process, round-robin per
question, with torch pinned to one thread, in wall time *and* CPU time. On the shared
2-core box wall time mostly measures waiting for a core (the queries section's figures
swing 10x with the load); CPU time of the process (the BM25 helper thread included) is
what the pipeline costs. Also the CPU per stage of `Engine.search`, summed over the
calling and helper threads, to show where the time beyond the encode goes.

Read-only use of DIR (Engine.open on a built index writes nothing).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import time_round_robin

K = 5


def _stage_timers(engine: Any) -> dict[str, list[float]]:
    """Wrap the stages of Engine.search; thread CPU ms per call, any thread."""
    from retrieval import engine as engine_module

    spent: dict[str, list[float]] = {}

    def wrap(owner: Any, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent.setdefault(label, []).append((time.thread_time() - t) * 1000)

        setattr(owner, name, timed)

    be = engine.backend
    for name, label in (("dense_search", "dense (FAISS + catalog)"),
                        ("lexical_search", "passage BM25 (tantivy + catalog; helper thread)"),
                        ("title_search", "title BM25 (FTS5; helper thread)"),
                        ("get_articles", "article texts"), ("get_passages", "passage rows")):
        wrap(be, name, label)
    wrap(engine, "_encode_query", "query encode")
    wrap(engine, "_plan", "plan (clean, dates)")
    wrap(engine_module, "collapse_duplicates", "grouping (near-duplicates)")
    wrap(engine_module, "make_excerpt", "excerpts")
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.pipeline_cpu")
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--data", default="../shared/eval")
    ap.add_argument("--json", default=None, help="write the figures here too")
    args = ap.parse_args()
    import torch

    from benchmarks.queries import held_out
    from retrieval.engine import Engine

    torch.set_num_threads(1)  # one thread: on the shared box two spin against each other
    data = Path(args.data)
    with (data / "realtimeqa" / "evidence_questions.dev.jsonl").open() as fh:
        qs = [json.loads(line)["question"] for line in fh]
    qs = held_out(qs, data)[: args.questions]
    t = time.perf_counter()
    engine = Engine.open(args.index)
    open_s = time.perf_counter() - t
    serial = Engine(engine.backend, engine.embedder)
    serial.overlap_lexical = False
    emb = engine.embedder

    def fresh(fn: Callable[[str], object], eng: Engine) -> Callable[[str], object]:
        def call(q: str) -> object:
            eng.clear_query_cache()
            return fn(q)
        return call

    systems: dict[str, Callable[[str], object]] = {
        "query encode": lambda q: emb.encode([q]),
        "Engine.search": fresh(lambda q: engine.search(q, k=K), engine),
        "Engine.search, BM25 after the encode": fresh(lambda q: serial.search(q, k=K), serial),
        "Engine.answer": fresh(engine.answer, engine),
    }
    wall, cpu = time_round_robin(systems, qs)
    names = list(systems)
    spent = _stage_timers(engine)
    for q in qs:
        engine.clear_query_cache()
        engine.search(q, k=K)
    out: dict[str, Any] = {"index": args.index, "questions": len(qs),
                           "passages": int(engine.backend.stats().passages),
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
        }
    out["stages_cpu_ms_per_search"] = {k: sum(v) / len(qs) for k, v in spent.items()}
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
