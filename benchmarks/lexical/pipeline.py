"""python -m benchmarks.lexical.pipeline --index DIR [--questions 200]

The whole search path next to the query encode, in one process, round-robin per question:
query encode alone, `Engine.search` with passage BM25 from tantivy, the same engine with
FTS5 (the text index switched off for that engine only), and the two lexical calls
alone. DIR is copied once to benchmarks/work/pipeline-index (never written to).
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

from benchmarks.common import time_round_robin
from benchmarks.lexical.__main__ import WORK
from index.backend import NO_FILTER

K = 5


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


def main() -> None:
    from retrieval.engine import Engine
    from retrieval.hybrid import passage_terms

    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--data", default="../shared/eval")
    args = ap.parse_args()
    index_dir = _copy(Path(args.index))
    import torch

    # One intra-op thread: on the loaded 2-core box, torch's spinning OpenMP workers made
    # one encode cost ~300 ms of CPU (measured); a serving process would pin it too.
    torch.set_num_threads(1)
    with (Path(args.data) / "realtimeqa" / "evidence_questions.dev.jsonl").open() as fh:
        qs = [json.loads(line)["question"] for line in fh][: args.questions]
    t = time.perf_counter()
    fast = Engine.open(index_dir)  # prepare_for_serving builds lexical/ when missing
    open_s = time.perf_counter() - t
    from index.local import LocalBackend

    fts5_backend = LocalBackend.open(index_dir)
    fts5_backend.text_index = lambda: None  # type: ignore[method-assign]  # the FTS5 path
    slow = Engine(fts5_backend, fast.embedder)
    emb = fast.embedder
    systems: dict[str, Callable[[str], object]] = {
        "query encode": lambda q: emb.encode([q]),
        "Engine.search (tantivy)": lambda q: fast.search(q, k=K),
        "Engine.search (FTS5)": lambda q: slow.search(q, k=K),
        "lexical_search (tantivy)": lambda q: fast.backend.lexical_search(
            passage_terms(q), 200, NO_FILTER),
        "lexical_search (FTS5)": lambda q: slow.backend.lexical_search(
            passage_terms(q), 200, NO_FILTER),
    }
    wall, cpu = time_round_robin(systems, qs)
    names = list(systems)
    out: dict[str, object] = {"questions": len(qs), "load": os.getloadavg()[0],
                              "engine_open_s": open_s,
                              "passages": int(fts5_backend.passage_ids().size)}
    for n in names:
        out[n] = {"p50_ms": float(np.percentile(wall[n], 50)),
                  "p95_ms": float(np.percentile(wall[n], 95)),
                  "cpu_p50_ms": float(np.percentile(cpu[n], 50)),
                  "cpu_p95_ms": float(np.percentile(cpu[n], 95))}
    enc = out["query encode"]
    for n in ("Engine.search (tantivy)", "Engine.search (FTS5)"):
        s = out[n]
        s["ratio_p50"] = s["p50_ms"] / enc["p50_ms"]  # type: ignore[index]
        s["ratio_p95"] = s["p95_ms"] / enc["p95_ms"]  # type: ignore[index]
    dest = WORK / "pipeline-21k.json"
    dest.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
