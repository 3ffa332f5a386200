"""Plumbing helpers for index tests: a fast deterministic embedder and corpus builders.

The fake embedder is only for tests of plumbing (crash loops, subprocess runs),
where loading the real model in every process would dominate the run time.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np

_WORD = re.compile(r"\w+")

_VOCABULARY = (
    "minister talks border trade sanctions election senate court ruling economy market "
    "inflation ukraine china russia summit climate energy vote budget police strike "
    "hospital school storm flood wildfire vaccine research festival football league"
)
WORDS = _VOCABULARY.split()


class FakeEmbedder:
    """Bag-of-hashed-words vectors: deterministic, normalised, shares words -> similar."""

    name = "fake-bow"
    dim = 32

    def __init__(self) -> None:
        self.calls: list[int] = []  # how many texts each encode call got

    def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
                out[i, h % self.dim] += 1.0
            out[i, 0] += 1e-3  # never a zero vector
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def article_text(rng: random.Random, paragraphs: int = 4) -> str:
    return "\n\n".join(
        " ".join(sentence(rng) for _ in range(rng.randint(2, 6))) for _ in range(paragraphs)
    )


def write_corpus(directory: Path, n_txt: int, n_jsonl: int, seed: int = 0) -> Path:
    """``n_txt`` seed-format files and one JSONL file of ``n_jsonl`` articles."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n_txt):
        day = 1 + i % 28
        (directory / f"txt-{i:03d}.txt").write_text(
            f"date 2022-03-{day:02d}\nTitle number {i}\n\n{article_text(rng)}\n", encoding="utf-8"
        )
    rows = [
        {
            "id": f"json-{i:03d}",
            "text": article_text(rng),
            "title": f"JSON article {i}",
            "date": f"2022-04-{1 + i % 28:02d}",
            "source": rng.choice(["cnn.com", "BBC News", "Reuters"]),
        }
        for i in range(n_jsonl)
    ]
    with open(directory / "articles.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    return directory


def lexical(backend: Any, query: str, k: int, **filters: Any) -> list[Any]:
    """Passage BM25 through the backend, the query split as retrieval splits it."""
    from index.backend import ArticleFilter
    from retrieval.hybrid import passage_terms

    return list(backend.lexical_search(passage_terms(query), k, ArticleFilter(**filters)))


_LOOPING_WRITER = """
import sys
from index.ingest import Indexer
from index.models import Article
from tests.index.index_fakes import FakeEmbedder
indexer = Indexer(sys.argv[1], FakeEmbedder(), quotes=False)
i = 0
while True:  # killed by the test mid-way
    indexer.add_articles([{article}])
    print(i, flush=True)
    i += 1
"""


def kill_a_looping_writer(index_dir: Path, article: str, batches: int = 6) -> None:
    """Run a writer adding one article a batch forever (``article``: a Python expression
    of the batch number ``i``), and kill -9 it wherever it is after ``batches`` commits."""
    import signal
    import subprocess
    import sys

    script = _LOOPING_WRITER.format(article=article)
    proc = subprocess.Popen([sys.executable, "-c", script, str(index_dir)],
                            stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None
    for _ in range(batches):
        assert proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
