"""Milvus backend details the shared suites do not reach: feedback retention, a second
process on an embedded file, model dimension, filters that match nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.backend import ArticleFilter, Scope
from index.errors import IndexNotFoundError, ModelMismatchError
from index.milvus import MilvusBackend

REPO = Path(__file__).resolve().parents[2]


def test_feedback_is_recorded_and_pruned_by_user(tmp_path: Path) -> None:
    backend = MilvusBackend.open(str(tmp_path / "fb.db"), create=True)
    try:
        backend.record_feedback("q1", "answer", 1, user_id="u1", article_ids=["a"])
        backend.record_feedback("q2", "answer", -1, user_id="u2")
        assert backend.prune_feedback(user_id="u1") == 1
        assert backend.prune_feedback(keep_days=1.0) == 0  # the other one is recent
        assert backend.prune_feedback() == 0
        assert backend._count(backend.names.feedback, "") == 1
    finally:
        backend.close()


def test_missing_index_and_second_process_are_clear_errors(seed_milvus: str,
                                                           tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        MilvusBackend.open(str(tmp_path / "none.db"))
    # This process holds the seed file open: another process cannot open it.
    MilvusBackend.open(seed_milvus).close()
    holder = MilvusBackend.open(seed_milvus)
    try:
        code = ("import sys\nfrom index.backend import open_backend\n"
                "from index.errors import NewsdeskError\n"
                "try:\n    open_backend(sys.argv[1], kind='milvus')\n"
                "except NewsdeskError as err:\n    print(err.hint)\n    sys.exit(3)\n")
        done = subprocess.run([sys.executable, "-c", code, seed_milvus], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 3 and "Milvus server" in done.stdout, done.stderr[-1500:]
    finally:
        holder.close()


def test_filters_and_dimension(seed_milvus: str) -> None:
    backend = MilvusBackend.open(seed_milvus)
    try:
        vec = np.ones(384, np.float32) / np.sqrt(384)
        assert backend.dense_search(vec, 5, ArticleFilter(article_ids=())) == []
        assert backend.dense_search(vec, 5, ArticleFilter(scope=Scope.for_guild(42)))
        only = backend.dense_search(vec, 50, ArticleFilter(source="valley wire"))
        assert only and {c.article_id for c in only} <= set(
            a for a in backend.article_ids() if backend.get_article(a).source == "Valley Wire")
        dated = backend.lexical_search(["ferry"], 50, ArticleFilter(date_from="2022-02-01",
                                                                    date_to="2022-02-28"))
        assert dated and all("2022-02-01" <= (c.date or "") <= "2022-02-28" for c in dated)
        ids = [p.id for p in backend.passages_for("lavrov_china_2022-03-31")]
        got_ids, vectors = backend.passage_vectors(ids)
        assert sorted(ids) == got_ids.tolist() and vectors.shape == (len(ids), 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        with pytest.raises(ModelMismatchError):
            backend.check_model("all-MiniLM-L6-v2", 768)
    finally:
        backend.close()


def test_votes_keep_their_server_and_older_votes_move_over(tmp_path: Path) -> None:
    """Votes carry the server they were given in. An index made before votes had a server
    (a ``_feedback`` collection without the field, built here as the earlier code did) is
    upgraded on open: every vote kept, with no server, the old collection gone."""
    from pymilvus import DataType

    from index.milvus.schema import PLACEHOLDER, PLACEHOLDER_DIM
    from index.milvus.votes import legacy_votes

    uri = str(tmp_path / "votes.db")
    backend = MilvusBackend.open(uri, create=True)
    names, client = backend.names, backend.client
    backend.record_feedback("q1", "answer", 1, user_id="u1", guild_id="777")
    # The layout of earlier indexes: no votes collection, votes in `_feedback`.
    client.drop_collection(names.feedback)
    old = client.create_schema(auto_id=False, enable_dynamic_field=False)
    old.add_field("id", DataType.INT64, is_primary=True)
    for name in ("created_at", "user_id", "answer_kind"):
        old.add_field(name, DataType.VARCHAR, max_length=256)
    old.add_field("question", DataType.VARCHAR, max_length=8192)
    old.add_field("article_ids", DataType.VARCHAR, max_length=65_535)
    old.add_field("vote", DataType.INT64)
    old.add_field("_v", DataType.FLOAT_VECTOR, dim=PLACEHOLDER_DIM)
    index = client.prepare_index_params()
    index.add_index("_v", index_type="FLAT", metric_type="L2")
    client.create_collection(legacy_votes(names), schema=old, index_params=index,
                             consistency_level="Strong")
    client.insert(legacy_votes(names), [
        {"id": n, "created_at": "2026-11-01T00:00:00+00:00", "user_id": f"u{n}",
         "answer_kind": "answer", "question": f"old {n}", "article_ids": "[]",
         "vote": 1 if n % 2 else -1, "_v": PLACEHOLDER} for n in (1, 2, 3)])
    backend.close()

    reopened = MilvusBackend.open(uri)  # a plain writable open upgrades
    try:
        assert not reopened.client.has_collection(legacy_votes(names))
        rows = reopened.client.query(names.feedback, filter="id >= 0",
                                     output_fields=["question", "vote", "user_id", "guild_id"])
        assert sorted((r["question"], r["vote"], r["user_id"], r["guild_id"]) for r in rows) == [
            ("old 1", 1, "u1", ""), ("old 2", -1, "u2", ""), ("old 3", 1, "u3", "")]
        reopened.record_feedback("q2", "quotes", -1, user_id="u9", guild_id="777")
        mine = reopened.client.query(names.feedback, filter='guild_id == "777"',
                                     output_fields=["question"])
        assert [r["question"] for r in mine] == ["q2"]
        assert reopened.prune_feedback(user_id="u2") == 1  # retention works on moved votes
    finally:
        reopened.close()
