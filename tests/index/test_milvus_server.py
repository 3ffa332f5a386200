"""Several processes on one Milvus: a milvus-lite server on 127.0.0.1 (the same client
code as for a Milvus standalone or cluster), two reader processes answering from it
while this process ingests more articles into it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.backend import open_backend
from index.embedder import Embedder
from index.ingest import Indexer
from index.milvus import MilvusBackend
from index.transfer import copy_index
from tests.index.index_fakes import write_corpus

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

READER = """
import sys
from index.backend import ArticleFilter, open_backend
backend = open_backend(sys.argv[1], kind="milvus", read_only=True)
for _ in range(int(sys.argv[2])):
    keys = sorted({c.key for c in backend.speaker_counts(["wenbin"], ArticleFilter())})
    quotes = backend.quotes_by_speakers(keys, ArticleFilter())
    hits = backend.lexical_search(["wenbin", "cooperation"], 5, ArticleFilter())
    assert {q.quote.speaker for q in quotes} == {"Wang Wenbin"}, quotes
    assert len(quotes) == 3, len(quotes)
    assert hits and hits[0].article_id == "lavrov_china_2022-03-31", hits
    art = backend.get_article(hits[0].article_id)
    assert all(art.text[q.quote.start:q.quote.end] == q.quote.text for q in quotes)
print("ok")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_readers_and_a_writer_share_one_server(seed_index: Path, embedder: Embedder,
                                                   tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():  # milvus-lite 2.5 imports pkg_resources
        warnings.simplefilter("ignore")
        from milvus_lite.server import Server

    port = _free_port()
    server = Server(str(tmp_path / "server.db"), address=f"127.0.0.1:{port}")
    assert server.start()
    uri = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):  # the server takes a moment to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        writer = MilvusBackend.open(uri, create=True)
        local = open_backend(seed_index, read_only=True)
        copy_index(local, writer)
        local.close()
        readers = [subprocess.Popen([sys.executable, "-c", READER, uri, "15"], cwd=REPO,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        summary = Indexer(writer, embedder, quotes=False).add(
            [write_corpus(tmp_path / "more", 0, 12)])
        assert summary.added == 12
        for reader in readers:
            out, err = reader.communicate(timeout=300)
            assert reader.returncode == 0 and out.strip() == "ok", err[-2000:]
        assert writer.stats().articles == 6 + 12
        writer.close()
    finally:
        server.stop()
