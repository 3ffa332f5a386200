"""Both backends order exact ties alike: wire copies (one text in several articles) have
identical vectors and BM25 scores, and each engine returns tied hits in its own order
(FAISS the later stored first, tantivy the earlier, Milvus by hashed key). Newsdesk's own
fusion settles them by article id (retrieval/fusion.py, `best_first`)."""

from __future__ import annotations

import json

import pytest

from index.embedder import Embedder
from index.ingest import Indexer
from retrieval.engine import Engine

WIRE = ("Flood barriers along the river were raised overnight as the water level reached "
        "its highest mark in forty years, and the mayor asked residents of the low streets "
        "to leave their homes before the next high tide.")
ARTICLES = [
    {"id": "wire-b", "title": "River flood", "date": "2023-03-02", "text": WIRE},
    {"id": "wire-a", "title": "River flood", "date": "2023-03-02", "text": WIRE},
    {"id": "other", "title": "Budget vote", "date": "2023-03-01",
     "text": "The council approved the budget for the new library after a long debate."},
]


@pytest.fixture(scope="module", params=[("local", 1), ("local", -1), ("milvus", 1),
                                        ("milvus", -1)], ids=lambda p: f"{p[0]}-{p[1]}")
def tie_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               embedder: Embedder) -> Engine:
    kind, order = request.param  # stored in both orders: each engine's own order fails one
    root = tmp_path_factory.mktemp(f"ties-{kind}")
    corpus = root / "wire.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES[::order]),
                      encoding="utf-8")
    if kind == "milvus":
        from index.milvus import MilvusBackend

        location = str(root / "ties.db")
        Indexer(MilvusBackend.open(location, create=True), embedder, quotes=False).add([corpus])
    else:
        location = str(root / "index")
        Indexer(location, embedder, quotes=False).add([corpus])
    engine = Engine.open(location, embedder, backend=kind)
    request.addfinalizer(engine.close)
    return engine


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_wire_copies_tie_in_article_id_order(tie_engine: Engine, mode: str) -> None:
    ranked = tie_engine.rank_articles("river flood barriers high tide", k=3,
                                      mode=mode)  # type: ignore[arg-type]
    assert ranked[:2] == ["wire-a", "wire-b"]
