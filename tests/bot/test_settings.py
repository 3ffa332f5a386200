from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings
from index.settings import environment_variables


def test_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    monkeypatch.setenv("NEWSDESK_INDEX", str(tmp_path))
    monkeypatch.setenv("NEWSDESK_GUILD_ID", "123")
    monkeypatch.setenv("NEWSDESK_CHANNELS", "1, 2 3")
    monkeypatch.setenv("DISCORD_API_BASE_URL", "http://127.0.0.1:9/api/v10/")
    monkeypatch.setenv("DISCORD_GATEWAY_URL", "ws://127.0.0.1:9/gateway")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.token() == "secret-token-value"
    assert s.index_dir == tmp_path and s.guild_id == 123 and s.channels == {1, 2, 3}
    assert s.api_base_url == "http://127.0.0.1:9/api/v10"
    assert "secret-token-value" not in repr(s) and "secret-token-value" not in str(s.model_dump())


def test_dotenv_and_empty_values(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DISCORD_TOKEN", "NEWSDESK_GUILD_ID", "NEWSDESK_CHANNELS"):
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=\nNEWSDESK_GUILD_ID=\nNEWSDESK_CHANNELS=42\n")
    s = Settings(_env_file=env)  # type: ignore[call-arg]
    assert s.token() is None and s.guild_id is None and s.channels == {42}


def test_bad_channels_are_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_CHANNELS", "general")
    with pytest.raises(ValueError, match="channel ids"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_pool_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSDESK_MAX_CONCURRENCY", raising=False)
    monkeypatch.setenv("NEWSDESK_WORKERS", "3")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.workers == 3 and s.max_concurrency == 3
    monkeypatch.setenv("NEWSDESK_MAX_CONCURRENCY", "1")
    assert Settings(_env_file=None).max_concurrency == 1  # type: ignore[call-arg]


def test_index_settings_are_read_once_into_the_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWSDESK_MODEL", str(tmp_path))
    monkeypatch.setenv("NEWSDESK_VECTOR_INDEX", " HNSW ")
    monkeypatch.setenv("NEWSDESK_FAISS_THREADS", "2")
    monkeypatch.setenv("NEWSDESK_TORCH_THREADS", "")
    monkeypatch.setenv("NEWSDESK_LLM_API_KEY", "llm-secret")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.model == tmp_path and s.vector_index == "hnsw"
    assert s.faiss_threads == 2 and s.torch_threads is None
    assert "llm-secret" not in repr(s)
    monkeypatch.setenv("NEWSDESK_VECTOR_INDEX", "annoy")
    with pytest.raises(ValueError, match="NEWSDESK_VECTOR_INDEX"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Settings", 1)[1].split("\n### ", 1)[0]
    variables = environment_variables(Settings)
    assert "NEWSDESK_MODEL" in variables and "DISCORD_TOKEN" in variables
    undocumented = [v for v in variables if f"`{v}`" not in section]
    assert not undocumented, f"add these to README.md's Settings section: {undocumented}"
    unknown = set(re.findall(r"`((?:NEWSDESK|DISCORD)_[A-Z_]+)`", section)) - set(variables)
    assert not unknown, f"README.md documents settings that do not exist: {unknown}"
