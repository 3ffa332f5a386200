"""The command registry: one spec appears in Discord, the terminal and /help."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bot.commands
from bot.commands import registry
from bot.commands.spec import Command, Option
from bot.core import Core
from bot.terminal import TerminalSession, usage
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import FakeEngine, make_settings, running_bot


@pytest.fixture
def with_echo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The registry plus one module: the one line a new command adds."""
    monkeypatch.setattr(
        bot.commands, "COMMAND_MODULES", (*bot.commands.COMMAND_MODULES, "tests.bot.echo_command")
    )
    registry.cache_clear()
    yield
    registry.cache_clear()


async def test_a_registered_command_reaches_discord_terminal_and_help(
    fake: FakeDiscord, with_echo: None
) -> None:
    out: list[str] = []
    term = TerminalSession(Core(FakeEngine(), make_settings()), out.append)
    await term.handle("/echo hi times: 2")
    assert "hi hi (from no server)" in "".join(out)
    out.clear()
    await term.handle("/echo hi times: many")
    assert "times must be a number from 1 to 3" in "".join(out)
    out.clear()
    await term.handle("/help")
    assert "/echo" in "".join(out) and "/echo <words> [times: ...] [style: ...]" in "".join(out)
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        echo = fake.command_definition("echo")
        options = {o["name"]: o for o in echo["options"]}
        assert options["words"]["required"] and options["words"]["max_length"] == 100
        assert options["times"]["type"] == 4 and options["times"]["max_value"] == 3
        assert [c["value"] for c in options["style"]["choices"]] == ["plain", "loud"]
        rec = await fake.answered(await fake.slash("echo", words="hi", times=3))
        assert "hi hi hi (from a server)" in rec.text()
        loud = await fake.answered(await fake.slash("echo", words="hi", style="loud"))
        assert "HI (from a server)" in loud.text()
        help_ = await fake.answered(await fake.slash("help"))
        assert "/echo words: hello times: 2" in help_.text()


async def test_synced_options_match_the_specs(fake: FakeDiscord) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        for spec in registry():
            if not spec.slash:
                continue
            synced = fake.command_definition(spec.name)
            assert synced["description"] == spec.description
            assert [o["name"] for o in synced.get("options", [])] == [
                o.name for o in spec.options
            ]
        search = {o["name"]: o for o in fake.command_definition("search")["options"]}
        assert search["k"]["min_value"] == 1 and search["k"]["max_value"] == 10
        assert search["query"]["max_length"] == 1000
        quotes = {o["name"]: o for o in fake.command_definition("quotes")["options"]}
        assert quotes["speaker"]["autocomplete"] is True


def test_specs_refuse_what_discord_refuses() -> None:
    async def run(ctx: object, args: object) -> None:
        raise AssertionError

    with pytest.raises(ValueError, match="1-32"):
        Command("Ask", "x", run)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1-100"):
        Command("ask", "x" * 101, run)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="6000"):
        Option("q", "x", max=6001)
    with pytest.raises(ValueError, match="25 choices"):
        Option("q", "x", choices=tuple(str(i) for i in range(26)))
    with pytest.raises(ValueError, match="required options come first"):
        Command("ask", "x", run, options=(Option("a", "x"), Option("b", "x", required=True)))  # type: ignore[arg-type]


def test_terminal_usage_lines() -> None:
    lines = [usage(c) for c in registry()]
    assert "/search <query> [from: ...] [to: ...] [source: ...] [k: ...]" in lines
    assert "/ingest <file>" in lines
