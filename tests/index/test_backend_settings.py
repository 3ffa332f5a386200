"""The storage is chosen through the settings model (environment or .env), on real milvus-lite."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.backend import BackendUnavailableError, backend_kind, open_backend
from index.milvus import MilvusBackend


def test_environment_picks_milvus_uri_and_prefix(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSDESK_BACKEND", "Milvus")
    monkeypatch.setenv("NEWSDESK_MILVUS_URI", str(tmp_path / "news.db"))
    monkeypatch.setenv("NEWSDESK_MILVUS_PREFIX", "desk_two")
    backend = open_backend(create=True)
    try:
        assert isinstance(backend, MilvusBackend)
        assert backend.names.passages == "desk_two_passages"
        assert backend.stats().articles == 0
    finally:
        backend.close()
    assert (tmp_path / "news.db").exists()


def test_dotenv_is_read_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDESK_BACKEND", raising=False)
    (tmp_path / ".env").write_text("NEWSDESK_BACKEND=milvus\n", encoding="utf-8")
    assert backend_kind() == "milvus"
    assert backend_kind("local") == "local"  # an explicit choice wins


def test_unknown_backend_and_missing_uri_are_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_BACKEND", "cassandra")
    with pytest.raises(BackendUnavailableError, match="Unknown index backend 'cassandra'"):
        backend_kind()
    monkeypatch.setenv("NEWSDESK_BACKEND", "milvus")
    monkeypatch.setenv("NEWSDESK_MILVUS_URI", " ")
    with pytest.raises(BackendUnavailableError, match="needs a Milvus URI"):
        open_backend()


def test_settings_passed_down_win_over_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    from index.settings import NewsdeskSettings

    monkeypatch.setenv("NEWSDESK_BACKEND", "local")
    monkeypatch.setenv("NEWSDESK_MILVUS_PREFIX", "from_env")
    settings = NewsdeskSettings(backend="milvus", milvus_uri=str(tmp_path / "given.db"),
                                milvus_prefix="given")
    backend = open_backend(create=True, settings=settings)
    try:
        assert isinstance(backend, MilvusBackend)
        assert backend.names.passages == "given_passages"
    finally:
        backend.close()
