"""Crash safety: SIGKILL `index add` at many moments; the index must always open,
answer queries, keep passages and vectors in step, hold each article either as
before or as after the run, and a re-run must reach the uninterrupted final state.

Also: readers in another process keep answering while an ingestion runs.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import ingest
from index.errors import NewsdeskError
from index.ingest import Indexer
from index.local import LocalBackend
from index.vectors import VectorIndex
from tests.index.index_fakes import FakeEmbedder, article_text, lexical, write_corpus

REPO = Path(__file__).resolve().parents[2]
TIMER_FRACTIONS = (0.02, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9)  # of an uninterrupted run


def snapshot(index_dir: Path) -> dict[str, Any]:
    """Everything a user could observe, independent of rowids."""
    store = LocalBackend.open(index_dir)
    try:
        articles = {}
        for article_id in store.article_ids():
            passages = store.passages_for(article_id)
            articles[article_id] = (
                store.stored_versions()[article_id].content_hash,
                [(p.ordinal, p.start, p.end, p.text, p.paragraph_start, p.paragraph_end) for p in passages],
            )
        return articles
    finally:
        store.close()


def check_index(index_dir: Path, before: dict[str, Any], after: dict[str, Any]) -> None:
    store = LocalBackend.open(index_dir)
    try:
        conn = store.conn()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')")
        passage_ids = set(store.passage_ids().tolist())
        # A FAISS file claiming the current generation must hold exactly the passages.
        try:
            on_disk, generation = VectorIndex.load(index_dir)
            if generation == store.generation():
                assert set(on_disk.ids.tolist()) == passage_ids
        except NewsdeskError:
            pass  # missing/corrupt file: rebuilt below
        vectors = store.load_vectors()
        assert set(vectors.ids.tolist()) == passage_ids
        ids, stored = store.passage_vectors()
        assert set(ids.tolist()) == passage_ids  # every passage has its embedding
        # Each article is wholly as before the run or wholly as after it.
        state = snapshot(index_dir)
        assert set(before) <= set(state) <= set(before) | set(after)
        for article_id, value in state.items():
            assert value in (before.get(article_id), after[article_id]), article_id
        # Queries work.
        assert lexical(store, "minister trade sanctions", 3)
        q = FakeEmbedder().encode(["minister trade sanctions"])
        scores, found = vectors.search(q, 3)
        assert found[0][0] in passage_ids and np.isfinite(scores[0][0])
    finally:
        store.close()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A base index, a corpus that adds and changes articles, and its reference result."""
    root = tmp_path_factory.mktemp("crash")
    base_corpus = write_corpus(root / "base_corpus", n_txt=4, n_jsonl=6, seed=1)
    base = root / "base"
    Indexer(base, FakeEmbedder(), quotes=False).add([base_corpus])
    run_corpus = root / "run_corpus"
    shutil.copytree(base_corpus, run_corpus)
    rng = random.Random(2)
    for i in (0, 2):  # changed articles
        path = run_corpus / f"txt-{i:03d}.txt"
        path.write_text(path.read_text() + "\n\n" + article_text(rng, 2))
    with open(run_corpus / "more.jsonl", "w", encoding="utf-8") as f:
        for i in range(12):  # new articles
            f.write(json.dumps({"id": f"new-{i}", "text": article_text(rng, 5), "date": "2022-05-01"}) + "\n")
    reference = root / "reference"
    shutil.copytree(base, reference)
    # Same settings as crash_runner, counting how often each checkpoint is reached.
    counts: dict[str, int] = {}
    saved = ingest.BATCH_PASSAGES, ingest.CHECKPOINT_SECONDS
    ingest.BATCH_PASSAGES, ingest.CHECKPOINT_SECONDS = 6, 0.0
    ingest.CHECKPOINT_HOOK = lambda name: counts.__setitem__(name, counts.get(name, 0) + 1)
    started = time.monotonic()
    try:
        Indexer(reference, FakeEmbedder(), quotes=False).add([run_corpus])
    finally:
        ingest.CHECKPOINT_HOOK = None
        ingest.BATCH_PASSAGES, ingest.CHECKPOINT_SECONDS = saved
    duration = time.monotonic() - started
    return {
        "root": root,
        "base": base,
        "corpus": run_corpus,
        "before": snapshot(base),
        "after": snapshot(reference),
        "counts": counts,
        "duration": duration,
    }


def kill_points(counts: dict[str, int], duration: float) -> list[str]:
    """First, middle and last occurrence of each checkpoint (FAISS writes included),
    plus timed kills spread over the run (these land anywhere, commits included)."""
    points = []
    counts = {**counts, "faiss_write": counts.get("before_save", 0)}
    for name, n in sorted(counts.items()):
        for k in sorted({1, (n + 1) // 2, n}):
            points.append(f"{name}:{k}")
    return points + [f"timer:{duration * f:.3f}" for f in TIMER_FRACTIONS]


def run_add(index_dir: Path, corpus: Path, kill_at: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.index.crash_runner", str(index_dir), str(corpus), kill_at],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_kill_anywhere_then_rerun(scenario: dict[str, Any]) -> None:
    points = kill_points(scenario["counts"], scenario["duration"])
    assert scenario["counts"].get("before_commit", 0) >= 4, scenario["counts"]
    killed = 0
    for i, kill_at in enumerate(points):
        work = scenario["root"] / f"kill-{i}"
        shutil.copytree(scenario["base"], work)
        proc = run_add(work, scenario["corpus"], kill_at)
        _, err = proc.communicate(timeout=120)
        if kill_at.startswith("timer"):
            assert proc.returncode in (0, -9), err.decode()
        else:
            assert proc.returncode == -9, (kill_at, err.decode())
        killed += proc.returncode == -9
        check_index(work, scenario["before"], scenario["after"])
        summary = Indexer(work, FakeEmbedder(), quotes=False).add([scenario["corpus"]])
        assert not summary.skipped
        assert snapshot(work) == scenario["after"], kill_at
        check_index(work, scenario["after"], scenario["after"])
        # Only to save disk (pytest removes its tmp dirs anyway): under load a tantivy
        # file of the in-process run can still appear while this deletes, "Directory not
        # empty: 'lexical'" (seen once in the tenth session); every check above has passed.
        shutil.rmtree(work, ignore_errors=True)
    assert killed >= 20, (killed, points)


def test_readers_keep_answering_during_ingest(scenario: dict[str, Any]) -> None:
    work = scenario["root"] / "concurrent"
    shutil.copytree(scenario["base"], work)
    errors: list[BaseException] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        store = LocalBackend.open(work)
        try:
            while not stop.is_set():
                with store.db.snapshot():  # both reads see one committed state
                    hits = lexical(store, "minister trade", 5)
                    assert len(store.get_passages([h.passage_id for h in hits])) == len(hits)
                # Outside a snapshot a writer may replace passages in between: tolerated.
                store.get_passages([h.passage_id for h in hits])
                vectors = store.load_vectors(save=False)
                vectors.search(FakeEmbedder().encode(["budget vote"]), 3)
                store.stats()
                reads += 1
        except BaseException as err:  # reported to the test thread
            errors.append(err)
        finally:
            store.close()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    while reads == 0 and not errors:  # readers are up before the writer starts
        time.sleep(0.01)
    proc = run_add(work, scenario["corpus"], "none")
    _, err = proc.communicate(timeout=120)
    time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert proc.returncode == 0, err.decode()
    assert not errors, "".join(traceback.format_exception(errors[0]))
    assert reads > 0
    assert snapshot(work) == scenario["after"]
