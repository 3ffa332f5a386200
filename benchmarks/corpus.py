"""The realtimeqa data every section shares: source files, questions, and a built index.

Passage texts and vectors are read straight from the index's SQLite file (the schema in
docs/ARCHITECTURE.md), so baselines see exactly what Newsdesk embedded.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common import SCRATCH, Config, run_child

SHARED_INDEX = Path("/tmp/rtqa_index")  # built by the indexing engineer, reused when complete
CORPUS_ARTICLES = 1984


def corpus_files(cfg: Config) -> list[Path]:
    """The corpus as seed-format .txt files: corpus.jsonl (16.9 MB) exceeds MAX_FILE_BYTES."""
    return sorted(cfg.corpus_dir.glob("*.txt")) if cfg.corpus_dir.is_dir() else []


def questions(cfg: Config, limit: int) -> list[str]:
    """Unique question texts from the realtimeqa dev files, gold-doc questions first."""
    out: list[str] = []
    seen: set[str] = set()
    for name in ("questions_with_gold_doc.dev.jsonl", "evidence_questions.dev.jsonl"):
        path = cfg.data / "realtimeqa" / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = str(json.loads(line).get("question", "")).strip()
            if q and q not in seen:
                seen.add(q)
                out.append(q)
    return out[:limit]


def article_count(index_dir: Path) -> int:
    db = index_dir / "newsdesk.sqlite"
    if not db.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def ensure_index(cfg: Config) -> tuple[Path, str]:
    """A complete realtimeqa index: --index, /tmp/rtqa_index, a cached build, or a new build."""
    if "index_dir" in cfg.shared:
        return cfg.shared["index_dir"], cfg.shared["index_origin"]
    candidates = [(cfg.index_dir, "given with --index")] if cfg.index_dir else []
    candidates += [(SHARED_INDEX, "reused"), (SCRATCH / "rtqa_index", "cached from a previous run")]
    for path, origin in candidates:
        if path and article_count(path) >= CORPUS_ARTICLES:
            cfg.shared.update(index_dir=path, index_origin=f"{origin}: {path}")
            return path, cfg.shared["index_origin"]
    files = corpus_files(cfg)
    if not files:
        raise FileNotFoundError(f"no corpus at {cfg.corpus_dir}")
    target = SCRATCH / "rtqa_index"
    print(f"  building the realtimeqa index at {target} (first run only; several minutes)")
    result = run_child("index", {"files": [str(f) for f in files], "index_dir": str(target)})
    origin = f"built by this run in {result['index_seconds']:.0f} s: {target}"
    cfg.shared.update(index_dir=target, index_origin=origin)
    return target, origin


@dataclass
class PassageData:
    ids: np.ndarray  # int64 passage ids
    texts: list[str]
    vectors: np.ndarray  # float32 (n, dim), normalised, as stored


def load_passages(index_dir: Path) -> PassageData:
    """Every passage with its stored embedding, in id order."""
    db = index_dir / "newsdesk.sqlite"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT p.id, p.text, e.vector FROM passages p "
            "JOIN embeddings e ON e.text_hash = p.text_hash ORDER BY p.id"
        ).fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    vectors = np.stack([np.frombuffer(r[2], dtype=np.float32) for r in rows])
    return PassageData(ids, [r[1] for r in rows], vectors)
