"""python -m benchmarks.synthetic_index --base DIR --out DIR --size 1000000 [--data ../shared/eval]

A full Newsdesk index (SQLite + FAISS + tantivy) of ``--size`` passages for the
whole-pipeline benchmark (`python -m benchmarks run --only queries --index OUT`):
the real realtimeqa index ``--base`` (copied, never written) plus synthetic articles.

Synthetic passages are the lexical benchmark's (benchmarks/lexical/corpus.py: real
paragraphs recombined, 11 passages per article with a new id, a date uniform over
2015-2024 and a real source). An article's text is its passages joined by a blank line,
so stored offsets hold (``text[start:end] == passage``); its title is the real title of
the article its first paragraph came from.

Vectors without re-embedding: each real paragraph takes the stored vector of the real
passage that holds it; a synthetic passage's vector is the word-weighted mean of its
paragraphs' vectors, re-normalised (a mixed-topic passage sits between its sources).
Rows go through the real writer (`ArticleTables.write_rows`: articles, passages, FTS5
triggers, embeddings; one transaction per batch); FAISS is then built by
`VectorIndex.build` (``auto``: IVF at this size) and saved as the file a reader loads, and
``lexical/`` by the backend's own rebuild (`ensure_text_index`). Nothing is written to the
repository; ``OUT/synthetic.json`` records sizes, times and the near-duplicate rate.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np

from benchmarks.common import index_disk_bytes
from benchmarks.lexical import corpus

BATCH_ARTICLES = 3_000  # ~33k passages per transaction


def _copy_base(base: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{base / 'newsdesk.sqlite'}?mode=ro", uri=True) as s, \
            sqlite3.connect(out / "newsdesk.sqlite") as d:
        s.backup(d)  # a consistent copy even while the source is open


def _pool_vectors(articles: list, db: Path, dim: int) -> np.ndarray:
    """The stored vector of the real passage holding each pool paragraph, in pool order."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute("SELECT p.article_id, p.start, p.end, e.vector FROM passages p JOIN "
                       "embeddings e ON e.text_hash = p.text_hash ORDER BY p.article_id, p.start")
    spans: dict[str, list[tuple[int, int, np.ndarray]]] = {}
    for aid, start, end, blob in rows:
        spans.setdefault(aid, []).append((start, end, np.frombuffer(blob, np.float32)))
    texts = dict(con.execute("SELECT id, text FROM articles"))
    con.close()
    out: list[np.ndarray] = []
    zero = np.zeros(dim, np.float32)
    for a in articles:  # the same walk as corpus.paragraph_pool
        text, mine = texts.get(a.id, ""), spans.get(a.id, [])
        cursor = 0
        for para in a.text.split("\n"):
            if len(para.split()) < 8:
                continue
            at = text.find(para.strip(), cursor)
            cursor = at if at >= 0 else cursor
            vec = next((v for s, e, v in mine if at >= 0 and s <= at < e),
                       mine[0][2] if mine else zero)
            out.append(vec)
    return np.stack(out)


def build(args: argparse.Namespace) -> dict[str, object]:
    from index.backend import PreparedArticle, PreparedPassage
    from index.ingest import content_hash, text_hash
    from index.local import LocalBackend
    from index.local.vectorfiles import save_file
    from index.models import Article
    from index.vectors import VectorIndex

    base, out = Path(args.base), Path(args.out)
    report: dict[str, object] = {"size": args.size, "base": str(base)}
    t0 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    _copy_base(base, out)
    backend = LocalBackend.open(out)
    dim = backend.model()[1]  # type: ignore[index]
    real = int(backend.passage_ids().size)
    data = Path(args.data) / "realtimeqa"
    articles = corpus.real_articles(data / "corpus.jsonl")
    pool = corpus.paragraph_pool(articles)
    words = np.array([len(p.split()) for p in pool], np.float32)
    pool_vec = _pool_vectors(articles, out / "newsdesk.sqlite", dim)
    assert pool_vec.shape[0] == len(pool), (pool_vec.shape, len(pool))
    title_of: list[str | None] = []
    for a in articles:
        title_of += [a.title] * sum(len(p.split()) >= 8 for p in a.text.split("\n"))
    draws: list[list[int]] = []
    synthetic = corpus.synthetic_passages(articles, max(0, args.size - real), draws=draws)
    report["near_duplicate_rate"] = corpus.near_duplicate_rate(draws, [int(w) for w in words])
    report["generate_s"] = time.perf_counter() - t0
    print(f"generated {len(synthetic):,} passages in {report['generate_s']:.0f} s", flush=True)

    ids_all, vecs_all = backend.passage_vectors()  # the real ones
    new_ids: list[np.ndarray] = [ids_all]
    new_vecs: list[np.ndarray] = [vecs_all]
    per = corpus.PASSAGES_PER_ARTICLE
    t1 = time.perf_counter()
    step = BATCH_ARTICLES * per
    for lo in range(0, len(synthetic), step):
        chunk = synthetic[lo:lo + step]
        items, embeddings, order = [], {}, []
        for a0 in range(0, len(chunk), per):
            group = chunk[a0:a0 + per]
            first = draws[lo + a0]
            text = "\n\n".join(p.text for p in group)
            passages, at, para = [], 0, 1
            for n, p in enumerate(group):
                i = lo + a0 + n
                w = words[draws[i]]
                vec = (pool_vec[draws[i]] * w[:, None]).sum(axis=0)
                vec /= np.linalg.norm(vec) or 1.0
                h = text_hash(p.text)
                embeddings[h] = vec.astype(np.float32)
                order.append(h)
                paras = len(draws[i])
                passages.append(PreparedPassage(n, at, at + len(p.text), p.text, para,
                                                para + paras - 1, h))
                at += len(p.text) + 2
                para += paras
            art = Article(id=group[0].article_id, text=text, title=title_of[first[0]],
                          date=group[0].date, source=group[0].source)
            items.append(PreparedArticle(art, content_hash(art), tuple(passages)))
        _, added, generation = backend.write_rows(items, embeddings)
        new_ids.append(added)
        new_vecs.append(np.stack([embeddings[h] for h in order]))
        done = lo + len(chunk)
        print(f"  {done + real:,} passages stored ({time.perf_counter() - t1:.0f} s)", flush=True)
    report["sqlite_write_s"] = time.perf_counter() - t1
    del synthetic
    t2 = time.perf_counter()
    ids = np.concatenate(new_ids)
    vecs = np.concatenate(new_vecs)
    del new_vecs
    vi = VectorIndex.build(ids, vecs)
    del vecs
    save_file(out, vi, backend.generation())
    report["faiss_build_s"] = time.perf_counter() - t2
    report["faiss_kind"] = vi.kind
    t3 = time.perf_counter()
    backend.ensure_text_index()
    report["tantivy_build_s"] = time.perf_counter() - t3
    with backend.db.write() as conn:  # the planner's statistics, as a long-lived index has
        conn.execute("ANALYZE")
    backend.close()
    report["passages"] = int(ids.size)
    report["articles"] = int(sqlite3.connect(out / "newsdesk.sqlite").execute(
        "SELECT count(*) FROM articles").fetchone()[0])
    report["total_s"] = time.perf_counter() - t0
    report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report["disk_bytes"] = index_disk_bytes(out)
    report["disk_bytes_per_passage"] = {k: v / ids.size for k, v in report["disk_bytes"].items()}  # type: ignore[attr-defined]
    report["load"] = os.getloadavg()
    (out / "synthetic.json").write_text(json.dumps(report, indent=1))
    return report


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.synthetic_index")
    ap.add_argument("--base", required=True, help="a built realtimeqa index (read only)")
    ap.add_argument("--out", required=True, help="the directory to create (replaced)")
    ap.add_argument("--size", type=int, default=1_000_000, help="passages in all")
    ap.add_argument("--data", default="../shared/eval")
    args = ap.parse_args()
    print(json.dumps(build(args), indent=1))


if __name__ == "__main__":
    main()
