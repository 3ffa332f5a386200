"""python -m benchmarks.lexical run --size 1000000 --engine tantivy [--data ../shared/eval]

One engine at one archive size per process (so RSS is that engine's own); indexes are
cached under benchmarks/work/lexical/ (gitignored) and reused; each run writes
benchmarks/work/lexical/<engine>-<size>.json, and `report` turns them into a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

from benchmarks.lexical import corpus, engines
from benchmarks.lexical.engines import BenchFilter

try:
    from retrieval.hybrid import passage_terms
except ImportError:  # before the storage seam lands: the same definition
    import re

    _STOP = frozenset(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he", "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "they", "this", "to", "was", "were", "what", "when", "where", "which", "who", "why", "will", "with"])

    def passage_terms(text: str) -> list[str]:
        terms = list(dict.fromkeys(t.lower() for t in re.findall(r"\w+", text)))
        return ([t for t in terms if t not in _STOP] or terms)[:32]

WORK = Path(__file__).resolve().parents[1] / "work" / "lexical"
DEPTH = 200  # retrieval.hybrid.CANDIDATES
FEED_BATCH = 110  # ~10 articles: one feed poll


def make_engine(name: str, size: int) -> engines.LexicalEngine:
    if name == "fts5":
        return engines.Fts5Current(WORK / f"fts5-{size}.sqlite")
    if name == "fts5-tuned":
        return engines.Fts5Tuned(WORK / f"fts5-{size}.sqlite")
    if name == "bm25s":
        return engines.Bm25s()
    if name == "tantivy":
        return engines.Tantivy(WORK / f"tantivy-{size}")
    raise SystemExit(f"unknown engine {name}")


def feed_batch(passages: list[corpus.BenchPassage], held: list[corpus.BenchPassage],
               run_id: int) -> list[corpus.BenchPassage]:
    """A feed poll's worth of new passages (copies of ``held`` under new ids and a date no
    query filter selects); ``run_id`` keeps ids unique across runs on a cached index."""
    base = 10_000_000 + (run_id % 1000) * FEED_BATCH
    return [corpus.BenchPassage(base + i, f"feed-{i // 11}", "2024-12-31", "feed.example",
                                p.text) for i, p in enumerate(held)]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else float("nan")


def run(args: argparse.Namespace) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    data = Path(args.data) / "realtimeqa"
    articles = corpus.real_articles(data / "corpus.jsonl")
    passages = corpus.real_passages(articles)
    synthetic = max(0, args.size - len(passages))
    draws: list[list[int]] = []
    if synthetic:
        extra = corpus.synthetic_passages(articles, synthetic, draws=draws)
        base = len(passages)
        passages += [corpus.BenchPassage(base + p.passage_id, p.article_id, p.date, p.source,
                                         p.text) for p in extra]
    gold_q = corpus.questions(data / "questions_with_gold_doc.dev.jsonl")
    extra_q = corpus.questions(data / "evidence_questions.dev.jsonl")
    queries = [q.text for q in gold_q] + [q.text for q in extra_q][: max(0, args.queries - len(gold_q))]
    out: dict[str, object] = {"engine": args.engine, "size": len(passages),
                              "synthetic": synthetic, "queries": len(queries),
                              "load_start": os.getloadavg()[0]}
    if draws:
        words = [len(p.split()) for p in corpus.paragraph_pool(articles)]
        out["near_duplicate_rate"] = corpus.near_duplicate_rate(draws, words)
    held = passages[-FEED_BATCH:]  # added later, as a feed batch
    base_passages = passages[:-FEED_BATCH]
    rss0 = engines.rss_mib()
    eng = make_engine(args.engine, len(passages))
    t0 = time.perf_counter()
    reused = hasattr(eng, "open") and eng.open()
    if not reused:
        eng.build(base_passages)
        eng.add(held)  # builds end with one incremental batch, so every engine has one
    out["build_s"] = time.perf_counter() - t0 if not reused else None
    out["reused_cache"] = bool(reused)
    # Memory: what the engine holds beyond the corpus list itself (bm25s keeps it too).
    out["rss_after_open_mib"] = engines.rss_mib() - rss0
    out["index_bytes"] = eng.index_bytes()
    out["bytes_per_passage"] = out["index_bytes"] / len(passages)  # type: ignore[operator]
    source = "cnn.com"
    qdates = {}
    for path in ("questions_with_gold_doc.dev.jsonl", "evidence_questions.dev.jsonl"):
        with (data / path).open() as fh:
            for line in fh:
                r = json.loads(line)
                qdates[r["question"]] = r.get("date") or "2022-06-01"
    modes = {
        "none": lambda q: None,
        "date (question's month)": lambda q: BenchFilter(qdates[q][:7] + "-01",
                                                         qdates[q][:7] + "-31"),
        "source (cnn.com)": lambda q: BenchFilter(source=source),
    }
    lat: dict[str, dict[str, float]] = {}
    results_none: dict[str, list[int]] = {}
    for mode, mk in modes.items():
        for q in queries[:20]:  # warm-up
            eng.search(passage_terms(q), DEPTH, mk(q))
        times, cpu = [], []
        for q in queries:  # noqa: B007
            terms = passage_terms(q)
            t, c = time.perf_counter(), time.process_time()
            ids = eng.search(terms, DEPTH, mk(q))
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            if mode == "none":
                results_none[q] = ids
        # CPU time too: on a loaded shared box wall time mostly measures waiting for a core.
        lat[mode] = {"p50_ms": pct(times, 50), "p95_ms": pct(times, 95),
                     "cpu_p50_ms": pct(cpu, 50), "cpu_p95_ms": pct(cpu, 95)}
    out["latency"] = lat
    # Article-level recall of lexical-only ranking against gold_doc_ids.
    article_of = {p.passage_id: p.article_id for p in passages}
    article_of.update((p.passage_id, p.article_id) for p in feed_batch(passages, held, 0))
    recall: dict[str, float] = {}
    for k in (1, 5, 10, 50):
        hits = 0
        for gq in gold_q:
            ranked = list(dict.fromkeys(article_of.get(i, "feed") for i in
                                        results_none[gq.text]))[:k]
            hits += any(g in ranked for g in gq.gold_doc_ids)
        recall[f"R@{k}"] = hits / len(gold_q)
    out["recall_articles"] = recall
    # Incremental update: one more feed batch of FEED_BATCH new passages.
    more = feed_batch(passages, held, int(time.time()))
    if args.engine != "bm25s" or len(passages) <= args.bm25s_add_max:
        t = time.perf_counter()
        eng.add(more)
        out["add_batch_s"] = time.perf_counter() - t
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load_end"] = os.getloadavg()[0]
    dest = WORK / f"{args.engine}-{args.size}.json"
    dest.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.lexical")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--engine", required=True,
                   choices=["fts5", "fts5-tuned", "bm25s", "tantivy"])
    r.add_argument("--size", type=int, default=0, help="passages (0: the real 21k only)")
    r.add_argument("--data", default="../shared/eval")
    r.add_argument("--queries", type=int, default=200)
    r.add_argument("--bm25s-add-max", type=int, default=100_000)
    args = ap.parse_args()
    if args.cmd == "run":
        run(args)


if __name__ == "__main__":
    main()
