"""python -m benchmarks.lexical.pipeline --index DIR [--questions 200] [--torch-threads N]

The whole search and answer path next to the query encode, in one process, round-robin per
question (issue 13's ratios): query encode alone, `Engine.search` and `Engine.answer`
(passage BM25 from tantivy), `Engine.answer` on "what did X say?" questions (quote
answers) for the most quoted speakers, `Engine.search` with FTS5 (the text index switched
off for that engine only), and the two lexical calls alone. Every Engine call first clears
the engine's query-vector cache, so each pays its own encode.

Start-up objects are frozen out of garbage collection before timing, as the bot does.
Threads: the engine's own serving configuration (`Engine.open`: NEWSDESK_TORCH_THREADS,
default 1, see docs/RETRIEVAL.md); ``--torch-threads N`` overrides it for a diagnostic run.
DIR is copied once to benchmarks/work/pipeline-index (never written to).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.common import quiz_questions, time_round_robin
from benchmarks.lexical.__main__ import WORK
from index.backend import NO_FILTER
from retrieval.engine import Engine, clear_text_caches, freeze_startup_objects

K = 5
QUOTE_SPEAKERS = 20  # "what did X say?" for the most quoted names, in turn


def _copy(src: Path) -> Path:
    dest = WORK.parent / "pipeline-index"
    if not (dest / "newsdesk.sqlite").exists():
        import sqlite3

        dest.mkdir(parents=True, exist_ok=True)
        # The online backup API: a consistent copy even while the source is open.
        with sqlite3.connect(src / "newsdesk.sqlite") as s, \
                sqlite3.connect(dest / "newsdesk.sqlite") as d:
            s.backup(d)
        for name in ("vectors.faiss", "vectors.json"):
            if (src / name).exists():
                shutil.copy2(src / name, dest / name)
    return dest


def _cold_answer(engine: Engine, q: str) -> object:
    """An answer that finds none of its sentences' terms, mentions or paragraphs cached
    (diagnostic: the answer row reuses what the search of the same question computed)."""
    clear_text_caches()
    return engine.answer(q)


def main() -> None:
    from retrieval.hybrid import passage_terms

    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--data", default="../shared/eval")
    ap.add_argument("--torch-threads", type=int, default=None,
                    help="override the serving default (diagnostics only)")
    args = ap.parse_args()
    index_dir = _copy(Path(args.index))
    import torch

    qs = quiz_questions(args.data)[: args.questions]
    t = time.perf_counter()
    fast = Engine.open(index_dir)  # prepare_for_serving builds lexical/ when missing
    open_s = time.perf_counter() - t
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    fast.overlap_lexical = None  # decided at the first search, for the threads in force
    speakers = fast.speakers(limit=QUOTE_SPEAKERS)
    quote_qs = [f"what did {speakers[i % len(speakers)]} say?" for i in range(len(qs))] \
        if speakers else []
    from index.local import LocalBackend

    fts5_backend = LocalBackend.open(index_dir)
    fts5_backend.text_index = lambda: None  # type: ignore[method-assign]  # the FTS5 path
    slow = Engine(fts5_backend, fast.embedder)
    emb = fast.embedder
    quote_of = dict(zip(qs, quote_qs, strict=False))

    def paid(engine: Engine, call: Callable[[Engine, str], object]) -> Callable[[str], object]:
        def run(q: str) -> object:
            engine.clear_query_cache()  # every call pays its own encode
            return call(engine, q)
        return run

    systems: dict[str, Callable[[str], object]] = {
        "query encode": lambda q: emb.encode([q]),
        "Engine.search (tantivy)": paid(fast, lambda e, q: e.search(q, k=K)),
        "Engine.answer": paid(fast, lambda e, q: e.answer(q)),
        "Engine.answer (cold text caches)": paid(fast, _cold_answer),
        **({"Engine.answer (what did X say?)": paid(fast, lambda e, q: e.answer(quote_of[q]))}
           if quote_qs else {}),
        "Engine.search (FTS5)": paid(slow, lambda e, q: e.search(q, k=K)),
        "lexical_search (tantivy)": lambda q: fast.backend.lexical_search(
            passage_terms(q), 200, NO_FILTER),
        "lexical_search (FTS5)": lambda q: slow.backend.lexical_search(
            passage_terms(q), 200, NO_FILTER),
    }
    freeze_startup_objects()  # as the bot does once its engine is open
    wall, cpu = time_round_robin(systems, qs)
    names = list(systems)
    out: dict[str, object] = {"questions": len(qs), "load": os.getloadavg()[0],
                              "engine_open_s": open_s, "torch_threads": torch.get_num_threads(),
                              "lexical_beside_encode": fast.overlap_lexical,
                              "passages": int(fts5_backend.passage_ids().size)}
    for n in names:
        out[n] = {"p50_ms": float(np.percentile(wall[n], 50)),
                  "p95_ms": float(np.percentile(wall[n], 95)),
                  "cpu_p50_ms": float(np.percentile(cpu[n], 50)),
                  "cpu_p95_ms": float(np.percentile(cpu[n], 95))}
    enc = out["query encode"]
    for n in names[1:]:
        if n.startswith("Engine."):
            s = out[n]
            s["ratio_p50"] = s["p50_ms"] / enc["p50_ms"]  # type: ignore[index]
            s["ratio_p95"] = s["p95_ms"] / enc["p95_ms"]  # type: ignore[index]
    dest = WORK / "pipeline-21k.json"
    dest.parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no work folder
    dest.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
