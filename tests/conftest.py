"""Session fixtures shared by every test package.

- ``embedder``: the real all-MiniLM-L6-v2 model, loaded once per session.
- ``seed_index``: an index directory built once from ``sample_corpus/`` (read-only:
  tests that modify an index must copy it, e.g. ``shutil.copytree(seed_index, tmp)``).
- ``seed_copy``: a writable copy of ``seed_index`` for one test.
- ``site``: a feed site on 127.0.0.1 (tests/index/feed_server.py), one per test module.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedder import Embedder, load_embedder
from index.ingest import Indexer
from tests.index.feed_server import FeedServer

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


@pytest.fixture
def seed_copy(tmp_path: Path, seed_index: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(seed_index, target)
    return target


@pytest.fixture(scope="module")
def site() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


# ----- both backends (issue 12): retrieval, quote and bot suites run on each ---------------

BACKENDS = ("local", "milvus")


@pytest.fixture(scope="session")
def seed_milvus(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> str:
    """An embedded milvus-lite index of ``sample_corpus/`` (read-only, like ``seed_index``)."""
    from index.milvus import MilvusBackend

    uri = str(tmp_path_factory.mktemp("seed_milvus") / "seed.db")
    backend = MilvusBackend.open(uri, create=True)
    summary = Indexer(backend, embedder).add([SAMPLE_CORPUS])
    assert summary.added >= 1 and not summary.skipped, summary
    return uri


@pytest.fixture(scope="session", params=BACKENDS)
def seed_location(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(backend kind, location) of the seed index, once per backend."""
    if request.param == "milvus":
        return "milvus", request.getfixturevalue("seed_milvus")
    return "local", str(request.getfixturevalue("seed_index"))
