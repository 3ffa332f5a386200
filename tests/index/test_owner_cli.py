"""`newsdesk index stats|list|share|remove --server`: the operator's view of ownership."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from bot.cli import main
from index.backend import OPERATOR, Scope
from index.ingest import Indexer
from index.local import LocalBackend
from index.models import Article
from tests.index.index_fakes import FakeEmbedder

FIXTURE = Path(__file__).parent / "fixtures" / "v1"
SERVER = "987654321"


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def _index(tmp_path: Path) -> Path:
    index_dir = tmp_path / "idx"
    shutil.copytree(FIXTURE, index_dir)
    summary = Indexer(index_dir, FakeEmbedder()).add_articles(
        [Article("srv-1", "Storm damage at the harbour. The mayor spoke."),
         Article("fx-1", "A forged replacement of an operator article.")], owner=SERVER)
    assert summary.added == 1 and [s.source for s in summary.skipped] == ["feed:fx-1"]
    return index_dir


def test_stats_list_share_remove(tmp_path: Path) -> None:
    index_dir = str(_index(tmp_path))
    code, text = _run("index", "stats", "--index", index_dir)
    assert code == 0 and f"shared 2; servers' own: server {SERVER}: 1" in text
    code, text = _run("index", "list", "--server", SERVER, "--index", index_dir)
    assert code == 0 and text.splitlines()[0] == "srv-1"
    code, text = _run("index", "share", "--server", SERVER, "--index", index_dir)
    assert code == 0 and "1 article(s)" in text
    backend = LocalBackend.open(index_dir)
    assert backend.owner_counts() == {OPERATOR: 3}
    assert backend.get_article("srv-1", Scope.for_guild("1")).id == "srv-1"
    backend.close()


def test_remove_server_keeps_the_shared_archive(tmp_path: Path) -> None:
    index_dir = str(_index(tmp_path))
    code, text = _run("index", "remove", "--server", SERVER, "--index", index_dir)
    assert code == 0 and "1 removed" in text
    backend = LocalBackend.open(index_dir)
    assert backend.article_ids() == ["fx-1", "fx-2"]
    assert "forged" not in backend.get_article("fx-1").text
    backend.close()
    code, text = _run("index", "remove", "--server", "not-a-number", "--index", index_dir)
    assert code == 1 and "not a Discord server id" in text


def test_operator_cannot_overwrite_a_servers_article(tmp_path: Path) -> None:
    index_dir = _index(tmp_path)
    summary = Indexer(index_dir, FakeEmbedder()).add_articles([Article("srv-1", "operator text")])
    assert summary.added == summary.updated == 0
    assert f"index share --server {SERVER}" in summary.skipped[0].reason
