"""Session fixtures shared by every test package.

- ``embedder``: the real all-MiniLM-L6-v2 model, loaded once per session.
- ``seed_index``: an index directory built once from ``sample_corpus/`` (read-only:
  tests that modify an index must copy it, e.g. ``shutil.copytree(seed_index, tmp)``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedder import Embedder, load_embedder
from index.ingest import Indexer

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO / "sample_corpus"
# The seed article plus five fictional Port Alder articles (port_alder.jsonl).
SAMPLE_ARTICLES = 6


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedder()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    index_dir = tmp_path_factory.mktemp("seed_index")
    summary = Indexer(index_dir, embedder).add([SAMPLE_CORPUS])
    assert summary.added >= 1 and not summary.skipped, summary
    return index_dir
