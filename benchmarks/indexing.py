"""Indexing: the real `Indexer` against raw `SentenceTransformer.encode` on the same passages.

Each repeat runs in a fresh process: index the files into an empty directory (peak RSS
sampled), raw-encode the passage texts the indexer stored with the same batch size (the
ceiling on this CPU), then re-add the unchanged files. The two encoding runs swap order
on alternate repeats so machine drift does not favour either.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    ROOT,
    SCRATCH,
    Config,
    Section,
    Table,
    child_env,
    fmt_spread,
    run_child,
    spread,
    verdict,
)
from benchmarks.corpus import CORPUS_ARTICLES, corpus_file, corpus_subset

QUICK_ARTICLES = 60
TARGET_RATIO = 0.85
TARGET_READD_S = 5.0


def _cli_readd(source: Path, index_dir: Path) -> dict[str, Any]:
    """Wall time of `newsdesk index add` on the unchanged corpus (process start included)."""
    exe = ROOT / ".venv" / "bin" / "newsdesk"
    if not exe.exists():
        return {"skipped": "no newsdesk console script"}
    env = child_env()
    env["NEWSDESK_INDEX"] = str(index_dir)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "index", "add", "--index", str(index_dir), "--no-progress", str(source)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"skipped": f"`newsdesk index add` exited {proc.returncode}: {proc.stderr[-300:]}"}
    return {"seconds": seconds, "output": proc.stdout.strip()[-300:]}


def run(cfg: Config) -> Section:
    sec = Section("indexing", "Indexing")
    try:
        import index.ingest  # noqa: F401
    except ImportError as err:
        sec.skipped = f"index.ingest.Indexer is not importable ({err})"
        return sec
    corpus = corpus_file(cfg)
    if corpus is None:
        sec.skipped = f"no corpus.jsonl under {cfg.data / 'realtimeqa'}"
        return sec
    limit = cfg.articles or (QUICK_ARTICLES if cfg.quick else None)
    subset = limit is not None and limit < CORPUS_ARTICLES
    source = corpus_subset(cfg, limit) if subset and limit else corpus
    articles = limit if subset and limit else CORPUS_ARTICLES
    texts_file = SCRATCH / "indexing_texts.json"
    runs: list[dict[str, Any]] = []
    for r in range(cfg.repeats):
        print(f"  indexing: repeat {r + 1}/{cfg.repeats} ({articles} articles)", flush=True)
        index_dir = SCRATCH / "indexing_index"
        args: dict[str, Any] = {"files": [str(source)], "index_dir": str(index_dir)}
        if r == 0:
            args["save_texts"] = str(texts_file)
        else:
            args.update(texts_file=str(texts_file), raw_first=r % 2 == 1)
        runs.append(run_child("indexing", args))
    cli = _cli_readd(source, SCRATCH / "indexing_index")
    shutil.rmtree(SCRATCH / "indexing_index", ignore_errors=True)
    texts_file.unlink(missing_ok=True)

    idx_rate = spread([x["passages_embedded"] / x["index_seconds"] for x in runs])
    raw_rate = spread([x["raw_passages"] / x["raw_seconds"] for x in runs])
    ratio = spread(
        [
            (x["passages_embedded"] / x["index_seconds"]) / (x["raw_passages"] / x["raw_seconds"])
            for x in runs
        ]
    )
    readd = spread([x["readd_seconds"] for x in runs])
    peak = spread([x["peak_rss"] / 2**20 for x in runs])
    first = runs[0]
    sec.tables.append(
        Table(
            f"{articles} articles, {first['passages_embedded']:,} passages, batch size {first['batch_size']}"
            f" (median (min–max) over {len(runs)} fresh processes)",
            ["measure", "value", "target"],
            [
                [
                    "Indexer.add passages/s (chunk + embed + quotes + SQLite + FAISS)",
                    fmt_spread(idx_rate),
                    "",
                ],
                [
                    "raw SentenceTransformer.encode passages/s (same texts, same batch)",
                    fmt_spread(raw_rate),
                    "",
                ],
                [
                    "ratio Indexer / raw encode",
                    fmt_spread(ratio, 2),
                    f"≥ {TARGET_RATIO} {verdict(ratio['median'] >= TARGET_RATIO)}",
                ],
                ["Indexer.add seconds", fmt_spread(spread([x["index_seconds"] for x in runs])), ""],
                [
                    "re-add unchanged: seconds (API, model loaded)",
                    fmt_spread(readd, 2),
                    f"< {TARGET_READD_S:g} s {verdict(readd['max'] < TARGET_READD_S)}",
                ],
                [
                    "re-add unchanged: passages embedded",
                    str(max(x["readd_embedded"] for x in runs)),
                    f"0 {verdict(all(x['readd_embedded'] == 0 for x in runs))}",
                ],
                [
                    "re-add unchanged: `newsdesk index add` wall seconds (process start included)",
                    f"{cli['seconds']:.2f}" if "seconds" in cli else f"skipped: {cli['skipped']}",
                    f"< {TARGET_READD_S:g} s {verdict(cli['seconds'] < TARGET_READD_S)}"
                    if "seconds" in cli
                    else "",
                ],
                ["peak RSS while indexing, MiB (model loaded)", fmt_spread(peak, 0), ""],
                [
                    "RSS before indexing (model loaded), MiB",
                    f"{first['rss_before_index'] / 2**20:,.0f}",
                    "",
                ],
            ],
        )
    )
    if subset:
        sec.notes.append(
            f"Subset: the first {articles} of {CORPUS_ARTICLES} articles of realtimeqa/corpus.jsonl "
            "(--quick or --articles); run without them for the whole corpus."
        )
    sec.notes.append(
        "Passages/s counts passages embedded (unique texts) over the whole `Indexer.add` call "
        "(reading, chunking, quote extraction, embedding, SQLite, FAISS, saving); the raw "
        "baseline encodes those same texts in one `encode` call with the same batch size."
    )
    sec.data = {
        "articles": articles,
        "runs": runs,
        "cli_readd": cli,
        "indexer_passages_per_s": idx_rate,
        "raw_passages_per_s": raw_rate,
        "ratio": ratio,
        "readd_seconds": readd,
        "peak_rss_mib": peak,
        "targets": {
            "ratio": {
                "value": ratio["median"],
                "target": TARGET_RATIO,
                "met": ratio["median"] >= TARGET_RATIO,
            },
            "readd_seconds": {
                "value": readd["max"],
                "target": TARGET_READD_S,
                "met": readd["max"] < TARGET_READD_S,
            },
            "readd_embedded": {
                "value": max(x["readd_embedded"] for x in runs),
                "target": 0,
                "met": all(x["readd_embedded"] == 0 for x in runs),
            },
        },
    }
    if "seconds" in cli:
        sec.data["targets"]["readd_cli_seconds"] = {
            "value": cli["seconds"],
            "target": TARGET_READD_S,
            "met": cli["seconds"] < TARGET_READD_S,
        }
    return sec
