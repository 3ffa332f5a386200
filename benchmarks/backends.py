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

import numpy as np

from index.backend import open_backend
from index.embedder import load_embedder
from retrieval.engine import Engine
from retrieval.eval_metrics import Scores, first_rank, percentile
from retrieval.eval_retrieval import SYSTEMS, measure_answers

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
        lists = ranked_lists(engine, questions)
        quality = {system: {"strict": _scores(ranked, questions)}
                   for system, ranked in lists.items()}
        latency, answers = measure_answers(engine, questions)
        out[kind] = {"articles": len(ids), "questions": len(questions), "quality": quality,
                     "latency": latency, "answers": answers, "top10": lists}
        engine.close()


def ranked_lists(engine: Engine, questions: list[dict[str, Any]]) -> dict[str, list[list[str]]]:
    """Each system's top-10 article ids per question (as `evaluate_articles` ranks them)."""
    return {name: [engine.rank_articles(q["question"], k=10, mode=mode,  # type: ignore[arg-type]
                                        as_of=q.get("date") if dated else None,
                                        read_dates=dated) for q in questions]
            for name, mode, dated in SYSTEMS}


def _scores(ranked: list[list[str]], questions: list[dict[str, Any]]) -> dict[str, float]:
    scores = Scores()
    for top, q in zip(ranked, questions, strict=True):
        scores.add(first_rank(top, set(q["gold_doc_ids"])))
    return scores.row()


def agreement(local: dict[str, list[list[str]]], milvus: dict[str, list[list[str]]]
              ) -> dict[str, dict[str, int]]:
    """Per system: questions whose top-10 lists differ at all, and whose first article."""
    return {system: {"differ": sum(a != b for a, b in zip(ours, milvus[system], strict=True)),
                     "first_differs": sum(a[:1] != b[:1] for a, b in
                                          zip(ours, milvus[system], strict=True))}
            for system, ours in local.items()}


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


def milvus_quote_store(articles: Any, quotes: Any) -> Any:
    """`retrieval.eval_quotes.memory_store`, but a Milvus (milvus-lite) index."""
    from collections import defaultdict
    from dataclasses import replace

    from index.backend import PreparedArticle
    from index.milvus.backend import MilvusBackend
    from index.quotes import speaker_key

    root = Path(tempfile.mkdtemp(prefix="nd-quotes-milvus-"))
    backend = MilvusBackend.open(str(root / "q.db"), create=True)
    by_article: dict[str, list[Any]] = defaultdict(list)
    for q in quotes:
        by_article[q.article_id].append(
            q if q.speaker_key else replace(q, speaker_key=speaker_key(q.speaker)))
    items = [PreparedArticle(a, "", (), tuple(by_article.get(a.id, ()))) for a in articles]
    for n in range(0, len(items), 200):
        backend.write(items[n : n + 200], {})
    _OPEN_STORES.append((backend, root))
    return backend


_OPEN_STORES: list[tuple[Any, Path]] = []


def quotes_on_backends(data: Path, out: dict[str, Any]) -> None:
    """The PolNeAR quote evaluation (`newsdesk eval quotes`) with its lookups served by
    each backend: the same extraction, the same `lookup_quotes`, only the store differs."""
    from retrieval import eval_quotes

    local_store = eval_quotes.memory_store
    for kind in ("local", "milvus"):
        # The evaluation builds its store through this module function: point it at a
        # Milvus-backed one for the second run (restored afterwards).
        eval_quotes.memory_store = local_store if kind == "local" else milvus_quote_store
        try:
            t0 = time.perf_counter()
            dev = eval_quotes.run(data / "polnear", "dev", baselines=False, corpus="all")
            train = eval_quotes.run(data / "polnear", "train", baselines=False)
            out[kind] = {"dev": dev, "train": train, "seconds": time.perf_counter() - t0}
        finally:
            eval_quotes.memory_store = local_store
            while _OPEN_STORES:
                backend, root = _OPEN_STORES.pop()
                backend.close()
                shutil.rmtree(root, ignore_errors=True)


def _passage_texts(data: Path, n: int) -> list[str]:
    """The first ``n`` passages of the realtimeqa corpus, split as the indexer splits."""
    from index.models import Article
    from index.passages import split_passages

    texts: list[str] = []
    with (data / "realtimeqa" / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            article = Article(id=str(row.get("id", len(texts))), text=str(row.get("text", "")))
            texts += [p.text for p in split_passages(article)]
            if len(texts) >= n:
                return texts[:n]
    return texts


def gpu_encode(data: Path, n: int, device: str, out: dict[str, Any]) -> None:
    """Passages/s of Newsdesk's ingestion encoder on ``device`` (on a GPU: fp16,
    length-sorted batches of 1,024 tokenized alongside the forward pass) against raw
    `SentenceTransformer.encode` on the same device, same texts, same precision."""
    from sentence_transformers import SentenceTransformer

    from index.embedder import Embedder, default_model_path

    texts = _passage_texts(data, n)
    ours = Embedder(device=device)
    batch = ours.batch_size
    raw = SentenceTransformer(str(default_model_path()), device=device, local_files_only=True)
    if device != "cpu":
        raw.half()
    ours.encode(texts[:batch])  # warm-up: CUDA context, kernels, allocator
    raw.encode(texts[:batch], batch_size=batch)
    t0 = time.perf_counter()
    mine = ours.encode(texts)
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = raw.encode(texts, batch_size=batch, convert_to_numpy=True,
                        normalize_embeddings=True)
    raw_s = time.perf_counter() - t0
    name = device
    if device.startswith("cuda"):
        import torch

        name = torch.cuda.get_device_name(torch.device(device))
    agree = float((mine * np.asarray(theirs, dtype=np.float32)).sum(axis=1).min())
    out.update(device=device, device_name=name, passages=len(texts), batch=batch,
               ours_rate=len(texts) / ours_s, raw_rate=len(texts) / raw_s,
               min_cosine=agree)


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


# ----- the results table ---------------------------------------------------------------------

VECTOR_BYTES = 384 * 4
GPU_TARGET_RATE = 10_000.0  # passages/s per GPU the Ray path aims at (issue 12; not measured)
GPU_ST_RATE = 3_200.0  # SentenceTransformer.encode fp16 on an H200 (issue 12's figure)


QUOTE_METRICS = ("recall", "recall_head_match", "speaker_accuracy", "misattribution",
                 "ambiguous_queries", "gold_quotes")


def _f(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def _days(seconds: float) -> str:
    return f"{seconds / 3600:,.1f} h" if seconds < 3 * 86400 else f"{seconds / 86400:,.1f} days"


def render(out: dict[str, Any]) -> str:
    lines = [f"# Backends: local (SQLite + FAISS) vs Milvus (milvus-lite 2.5.1) — {out['started']}",
             "", "Machine: 2 shared cores (load average above 15 during the run: other jobs), "
             "so absolute times are inflated; compare the two backends, measured in the same run.",
             "Reproduce: `python -m benchmarks.backends --local DIR --milvus FILE.db "
             "--questions 40 --ray-articles 20` (FILE.db made by `newsdesk index copy --to`).", ""]
    b = out.get("backends", {})
    if b:
        loc, mil = b["local"], b["milvus"]
        lines += [f"## RealTime QA subset ({loc['articles']} articles indexed, "
                  f"{loc['questions']} questions whose gold article is among them)", "",
                  "| system | metric | local | milvus | diff |", "|---|---|---|---|---|"]
        for system, scores in loc["quality"].items():
            for metric, value in scores["strict"].items():
                other = mil["quality"][system]["strict"][metric]
                lines.append(f"| {system} | {metric} | {value:.3f} | {other:.3f} | "
                             f"{other - value:+.3f} |")
        if "top10" in loc and "top10" in mil:
            lines += ["", f"Agreement per question (the same {loc['questions']} questions, "
                      "top-10 article lists compared exactly):", "",
                      "| system | top-10 lists that differ | first article differs |",
                      "|---|---|---|"]
            for system, count in agreement(loc["top10"], mil["top10"]).items():
                lines.append(f"| {system} | {count['differ']} | {count['first_differs']} |")
        lines += ["", "| warm latency (ms) | local p50 | local p95 | milvus p50 | milvus p95 |",
                  "|---|---|---|---|---|"]
        for name in ("search", "ask"):
            lo, mi = loc["latency"][name], mil["latency"][name]
            lines.append(f"| Engine.{'answer' if name == 'ask' else name} | {_f(lo['p50'])} | "
                         f"{_f(lo['p95'])} | {_f(mi['p50'])} | {_f(mi['p95'])} |")
        lines += ["", f"Answers containing the gold answer: local "
                  f"{loc['answers']['contains_gold']:.3f}, milvus {mil['answers']['contains_gold']:.3f}.", ""]
    qt = out.get("quotes", {})
    if qt:
        lines += ["## PolNeAR quotes (`newsdesk eval quotes`), lookups served by each backend", "",
                  "| split | system | metric | local | milvus | diff |", "|---|---|---|---|---|---|"]
        for split in ("dev", "train"):
            for lrow, mrow in zip(qt["local"][split], qt["milvus"][split], strict=True):
                for metric in QUOTE_METRICS:
                    lo, mi = lrow.get(metric), mrow.get(metric)
                    if lo is None or mi is None:
                        continue
                    lines.append(f"| {split} | {lrow['system']} | {metric} | {lo} | {mi} | "
                                 f"{mi - lo:+.3f} |")
        lines += ["", f"Whole evaluation: local {_f(qt['local']['seconds'])} s, milvus "
                  f"{_f(qt['milvus']['seconds'])} s (extraction, writing the store, lookups).",
                  ""]
    smp = out.get("sample", {})
    if smp:
        lines += ["## Sample corpus (6 articles), warm latency in ms", "",
                  "| backend | search p50 | search p95 | answer p50 | answer p95 |",
                  "|---|---|---|---|---|"]
        for kind, v in smp.items():
            lines.append(f"| {kind} | {_f(v['search_p50'])} | {_f(v['search_p95'])} | "
                         f"{_f(v['answer_p50'])} | {_f(v['answer_p95'])} |")
        lines.append("")
    r = out.get("ray", {})
    if r:
        lines += [f"## Ingestion: Ray vs plain ({r['articles']} realtimeqa articles, "
                  f"{r['passages']} passages, local backend, 2 cores, CPU)", "",
                  "| run | seconds | passages embedded | passages/s |", "|---|---|---|---|",
                  f"| plain `Indexer.add` | {_f(r['plain_s'])} | {r['passages']} | "
                  f"{_f(r['plain_rate'])} |",
                  f"| `ray_add` (cluster already up) | {_f(r['ray_s'])} | {r['ray_embedded']} | "
                  f"{_f(r['ray_rate'])} |",
                  f"| local `ray.init` itself | {_f(r['ray_init_s'])} | | |", "",
                  f"Overhead on one 2-core machine: Ray is {r['plain_rate'] / r['ray_rate']:.2f}x "
                  "slower per passage (plus the cluster start), as expected: the same two cores "
                  "embed, and Ray adds its own processes and serialisation. Ray pays off only "
                  "with more machines or GPUs.", ""]
    g = out.get("gpu", {})
    if g:
        lines += [f"## Encoding on {g['device_name']} ({g['passages']:,} realtimeqa passages, "
                  f"batch {g['batch']})", "",
                  "| encoder | passages/s |", "|---|---|",
                  f"| Newsdesk ingestion encoder (`Embedder.encode`) | {_f(g['ours_rate'])} |",
                  f"| raw `SentenceTransformer.encode`, same device and precision | "
                  f"{_f(g['raw_rate'])} |", "",
                  f"Ratio {g['ours_rate'] / g['raw_rate']:.2f}x; the two agree to cosine "
                  f"{g['min_cosine']:.4f} or better on every passage. Target on a GPU: "
                  f"{GPU_TARGET_RATE:,.0f} passages/s.", ""]
    z = out.get("sizes", {})
    if z:
        per = z["milvus_per_passage"]
        lines += ["## Projection to 10M and 100M passages", "",
                  f"Measured on this index ({z['passages']:,} passages): local directory "
                  f"{_f(z['local_per_passage'], 0)} B/passage on disk, milvus-lite file "
                  f"{_f(per, 0)} B/passage (vectors {VECTOR_BYTES} B, passage and article text, "
                  "BM25 sparse vectors, scalar fields). Copy into milvus-lite (no embedding): "
                  f"{_f(out.get('copy_rate', 0), 0)} passages/s from one writer.", "",
                  "| passages | disk (measured B/passage) | memory of a Milvus server "
                  "(estimate) | index type | embedding time | write time (one writer, "
                  "measured rate) |", "|---|---|---|---|---|---|"]
        for n, index, mem_per in ((10_000_000, "HNSW (M=16) or IVF_FLAT; BM25 "
                                   "SPARSE_INVERTED_INDEX", VECTOR_BYTES + 128 + 1_800),
                                  (100_000_000, "IVF_SQ8 / DiskANN, text fields mmap'd, "
                                   "several query nodes", 384 + 128 + 800)):
            embed = (f"CPU 30/s: {_days(n / 30)}; H200 encode {_days(n / GPU_ST_RATE)}; "
                     f"target {_days(n / GPU_TARGET_RATE)} per GPU")
            rate = out.get("copy_rate") or 1.0
            lines.append(f"| {n:,} | {_f(n * per / 1e9, 0)} GB | ~{_f(n * mem_per / 1e9, 0)} GB "
                         f"| {index} | {embed} | {_days(n / rate)} |")
        lines += ["", "Memory estimate per passage: the dense vector (1,536 B float32; 384 B "
                  "with SQ8), ~128 B of HNSW graph, ~800 B of BM25 postings and ~1 KB of "
                  "scalar fields and text Milvus keeps loaded (mmap moves text to disk). Not "
                  "measured on a server (none here). The write rate is milvus-lite's on this "
                  "loaded 2-core box through one driver: at GPU embedding rates the single "
                  "writer of `index add --ray` becomes the limit and needs a server with "
                  "parallel inserts (not built here).", ""]
    return "\n".join(lines)


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--local", help="a built local index DIR (sizes, backends)")
    parser.add_argument("--milvus", help="its copy: a milvus-lite FILE.db (sizes, backends)")
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--ray-articles", type=int, default=40)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--gpu-passages", type=int, default=256,
                        help="passages encoded by the gpu step")
    parser.add_argument("--device", default=None,
                        help="the gpu step's device (default: cuda when torch sees one)")
    parser.add_argument("--skip", default="",
                        help="comma list: sizes,backends,quotes,sample,ray,gpu")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--render", type=Path, default=None, help="only write the table of a JSON")
    parser.add_argument("--out", type=Path, default=None, help="where --render writes")
    parser.add_argument("--copy-rate", type=float, default=0.0,
                        help="passages/s measured by `newsdesk index copy` into milvus-lite")
    args = parser.parse_args()
    if args.render is not None:
        data = json.loads(args.render.read_text())
        data["copy_rate"] = args.copy_rate or data.get("copy_rate", 0.0)
        target = args.out or Path(__file__).parent / "results" / f"{data['started'][:10]}-backends.md"
        target.write_text(render(data) + "\n", encoding="utf-8")
        print(target)
        return
    skip = set(args.skip.split(","))
    if not {"sizes", "backends"} <= skip and not (args.local and args.milvus):
        parser.error("--local and --milvus are needed unless --skip names sizes,backends")
    out: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="minutes")}
    steps = (("sizes", lambda: sizes(args.local, args.milvus, out.setdefault("sizes", {}))),
             ("backends", lambda: compare_backends(args.local, args.milvus, args.data,
                                                   out.setdefault("backends", {}),
                                                   args.questions)),
             ("quotes", lambda: quotes_on_backends(args.data, out.setdefault("quotes", {}))),
             ("sample", lambda: sample_latency(out.setdefault("sample", {}))),
             ("ray", lambda: ray_vs_plain(args.data, args.ray_articles, out.setdefault("ray", {}))),
             ("gpu", lambda: gpu_encode(args.data, args.gpu_passages, args.device or _device(),
                                        out.setdefault("gpu", {}))))
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
