"""Local (SQLite + FAISS) vs Milvus (embedded milvus-lite) backends, and Ray ingestion.

    python -m benchmarks.backends --local DIR --milvus FILE.db [--data ../shared/eval]

DIR is a built local index (e.g. a copy of the realtimeqa index) and FILE.db its copy made
with `newsdesk index copy --to FILE.db`. Measured on the same machine in one run:
retrieval quality on the realtimeqa questions whose gold article is in the index, warm
search/answer latency, Ray ingestion passages/s against a plain run, and a projection
for 10M / 100M passages from the per-passage figures. Writes
benchmarks/results/<date>-backends.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.backend import open_backend
from index.embedder import load_embedder
from retrieval.engine import Engine
from retrieval.eval_metrics import percentile
from retrieval.eval_retrieval import evaluate_articles, measure_answers

SAMPLE_QUESTIONS = (
    "What did Wang Wenbin say?", "Who said China-Russia cooperation has no limits?",
    "How much will the new library cost?", "storm closes the Gull Island ferry crossing",
    "What happened in March 2022?", "What did Priya Nand say about the ferry?",
)


def _rtqa_questions(data: Path, ids: set[str], limit: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in
            (data / "realtimeqa" / "questions_with_gold_doc.dev.jsonl").open(encoding="utf-8")]
    return [q for q in rows if set(q["gold_doc_ids"]) <= ids][:limit]


def _sample_latency(engine: Engine, rounds: int = 5) -> dict[str, float]:
    engine.search(SAMPLE_QUESTIONS[0])
    search, answer = [], []
    for _ in range(rounds):
        for q in SAMPLE_QUESTIONS:
            engine.clear_query_cache()
            t0 = time.perf_counter()
            engine.search(q, k=5)
            search.append((time.perf_counter() - t0) * 1000)
            engine.clear_query_cache()
            t0 = time.perf_counter()
            engine.answer(q)
            answer.append((time.perf_counter() - t0) * 1000)
    return {"search_p50": percentile(search, 50), "search_p95": percentile(search, 95),
            "answer_p50": percentile(answer, 50), "answer_p95": percentile(answer, 95)}


def compare_backends(local: str, milvus: str, data: Path, out: dict[str, Any],
                     limit: int = 1000) -> None:
    embedder = load_embedder()
    for kind, location in (("local", local), ("milvus", milvus)):
        engine = Engine.open(location, embedder, backend=kind)
        ids = set(engine.backend.stored_versions())
        questions = _rtqa_questions(data, ids, limit)
        quality = evaluate_articles(engine, questions, {})
        latency, answers = measure_answers(engine, questions)
        out[kind] = {"articles": len(ids), "questions": len(questions), "quality": quality,
                     "latency": latency, "answers": answers}
        engine.close()


def sample_latency(out: dict[str, Any]) -> None:
    from index.ingest import Indexer

    embedder = load_embedder()
    root = Path(tempfile.mkdtemp(prefix="nd-bench-"))
    try:
        for kind, location in (("local", root / "local"), ("milvus", root / "m.db")):
            backend = open_backend(location, kind=kind, create=True)
            Indexer(backend, embedder).add([Path("sample_corpus")])
            out[kind] = _sample_latency(Engine(backend, embedder))
            backend.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def ray_vs_plain(data: Path, n: int, out: dict[str, Any]) -> None:
    from index.ingest import Indexer
    from index.ray_ingest import connect, ray_add

    root = Path(tempfile.mkdtemp(prefix="nd-ray-"))
    try:
        corpus = root / "c.jsonl"
        with (data / "realtimeqa" / "corpus.jsonl").open(encoding="utf-8") as f:
            corpus.write_text("".join(next(f) for _ in range(n)), encoding="utf-8")
        embedder = load_embedder()
        t0 = time.perf_counter()
        plain = Indexer(root / "plain", embedder).add([corpus])
        plain_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ray = connect("auto")
        init_s = time.perf_counter() - t0
        backend = open_backend(root / "ray", create=True)
        t0 = time.perf_counter()
        viaray = ray_add(backend, [corpus], address="auto")
        ray_s = time.perf_counter() - t0
        backend.close()
        ray.shutdown()
        out.update(articles=n, passages=plain.passages_embedded, plain_s=plain_s,
                   ray_init_s=init_s, ray_s=ray_s, ray_embedded=viaray.passages_embedded,
                   plain_rate=plain.passages_embedded / plain_s,
                   ray_rate=viaray.passages_embedded / ray_s)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def sizes(local: str, milvus: str, out: dict[str, Any]) -> None:
    lb = open_backend(local, kind="local", read_only=True)
    mb = open_backend(milvus, kind="milvus", read_only=True)
    ls, ms = lb.stats(), mb.stats()
    out.update(passages=ls.passages, local_bytes=ls.size_bytes, milvus_bytes=ms.size_bytes,
               local_per_passage=ls.size_bytes / ls.passages,
               milvus_per_passage=ms.size_bytes / ms.passages)
    lb.close()
    mb.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--local", required=True)
    parser.add_argument("--milvus", required=True)
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--ray-articles", type=int, default=40)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--skip", default="", help="comma list: backends,sample,ray,sizes")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    out: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="minutes")}
    steps = (("sizes", lambda: sizes(args.local, args.milvus, out.setdefault("sizes", {}))),
             ("backends", lambda: compare_backends(args.local, args.milvus, args.data,
                                                   out.setdefault("backends", {}),
                                                   args.questions)),
             ("sample", lambda: sample_latency(out.setdefault("sample", {}))),
             ("ray", lambda: ray_vs_plain(args.data, args.ray_articles, out.setdefault("ray", {}))))
    for name, step in steps:
        if name not in skip:
            t0 = time.perf_counter()
            step()
            print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
    path = args.json or Path(f"/tmp/backends-{out['started'][:10]}.json")
    path.write_text(json.dumps(out, indent=1))
    print(path)


if __name__ == "__main__":
    main()
