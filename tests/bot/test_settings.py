from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings


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
