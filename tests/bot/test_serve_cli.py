"""`newsdesk serve`: Discord with a token, the terminal without; clear messages on problems."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import bot.core
from bot.cli import main
from bot.settings import Settings
from index.errors import IndexNotFoundError
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import SENTINEL_TOKEN, FakeEngine

ENV = (
    "DISCORD_TOKEN",
    "NEWSDESK_GUILD_ID",
    "NEWSDESK_CHANNELS",
    "DISCORD_API_BASE_URL",
    "DISCORD_GATEWAY_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_terminal_session_without_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bot.core, "open_engine", lambda settings: FakeEngine())
    monkeypatch.setattr(sys, "stdin", io.StringIO("what did Wang Wenbin say?\n/stats\n"))
    monkeypatch.setattr("builtins.input", lambda prompt="": _readline())
    assert main(["serve"]) == 0
    out = capsys.readouterr().out
    assert (
        "terminal session" in out
        and "China-Russia cooperation has no limits" in out
        and "Articles" in out
    )


def _readline() -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def test_missing_index_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def missing(settings: Settings) -> FakeEngine:
        raise IndexNotFoundError(
            f"No index at {settings.index_dir}.", hint="Run: newsdesk index add sample_corpus"
        )

    monkeypatch.setattr(bot.core, "open_engine", missing)
    assert main(["serve", "--index", str(tmp_path / "nothing")]) == 1
    err = capsys.readouterr().err
    assert "No index at" in err and "newsdesk index add" in err and "Traceback" not in err


def test_bad_settings_are_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_GUILD_ID", "my-server")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "invalid settings" in err and "Traceback" not in err


def test_rejected_token_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeDiscord().start()
    try:
        monkeypatch.setattr(bot.core, "open_engine", lambda settings: FakeEngine())
        monkeypatch.setenv("DISCORD_TOKEN", SENTINEL_TOKEN)  # not the fake's token: 401
        monkeypatch.setenv("DISCORD_API_BASE_URL", fake.api_base)
        monkeypatch.setenv("DISCORD_GATEWAY_URL", fake.gateway_url)
        assert main(["serve"]) == 1
    finally:
        fake.stop()
    captured = capsys.readouterr()
    assert "Discord rejected DISCORD_TOKEN" in captured.err and "Traceback" not in captured.err
    assert SENTINEL_TOKEN not in captured.err + captured.out + caplog.text


async def test_run_bot_uses_the_configured_endpoints(fake: FakeDiscord) -> None:
    import asyncio
    import contextlib

    from bot.app import run_bot
    from bot.core import Core
    from tests.bot.helpers import make_settings

    settings = make_settings(fake)
    core = Core(FakeEngine(), settings)
    task = asyncio.create_task(run_bot(settings, core))
    try:
        await fake.wait_for(lambda: fake.commands and fake.identifies, 60, "sync and identify")
        rec = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        assert "no limits" in rec.text()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
