"""The command registry: one spec appears in Discord, the terminal and /help."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import bot.commands
from bot.commands import find, registry
from bot.commands.spec import Command, Option
from bot.core import Core
from bot.terminal import TerminalSession, parse_command, usage
from tests.bot.fake_discord import GUILD_ID, FakeDiscord
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


def synced_spec(fake: FakeDiscord, spec: Command) -> dict[str, Any]:
    """What Discord holds for ``spec``: the command, or its group's subcommand."""
    if not spec.group:
        return fake.command_definition(spec.name)
    group = fake.command_definition(spec.group)
    return next(o for o in group["options"] if o["name"] == spec.name and o["type"] == 1)


async def test_synced_options_match_the_specs(fake: FakeDiscord) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        for spec in registry():
            if not spec.slash:
                continue
            synced = synced_spec(fake, spec)
            assert synced["description"] == spec.description
            assert [o["name"] for o in synced.get("options", [])] == [
                o.name for o in spec.options if o.slash
            ]
        search = {o["name"]: o for o in fake.command_definition("search")["options"]}
        assert search["k"]["min_value"] == 1 and search["k"]["max_value"] == 10
        assert search["query"]["max_length"] == 1000
        quotes = {o["name"]: o for o in fake.command_definition("quotes")["options"]}
        assert quotes["speaker"]["autocomplete"] is True
        trend = {o["name"]: o for o in fake.command_definition("trend")["options"]}
        assert [c["value"] for c in trend["by"]["choices"]] == ["day", "week", "month", "year"]
        feeds = fake.command_definition("feeds")
        assert int(feeds["default_member_permissions"]) == 1 << 5  # Manage Server
        assert int(fake.command_definition("ingest")["default_member_permissions"]) == 1 << 5


async def test_every_registered_command_is_in_the_tree_the_terminal_and_help(
    fake: FakeDiscord,
) -> None:
    """A command in the registry must reach every front end: the synced slash tree (unless
    terminal-only), the terminal (typed by its path) and /help on both."""
    out: list[str] = []
    term = TerminalSession(Core(FakeEngine(), make_settings()), out.append)
    await term.handle("/help")
    terminal_help = "".join(out)
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        discord_help = (await fake.answered(await fake.slash("help"))).text()
        for spec in registry():
            assert parse_command(f"{spec.path} x")[0] == spec.path[1:], spec.path
            assert find(*spec.path[1:].split(" ")) is spec
            assert usage(spec) in terminal_help and spec.example in terminal_help, spec.path
            if spec.slash:
                assert synced_spec(fake, spec)["name"] == spec.name
                assert spec.path in discord_help and spec.example in discord_help, spec.path
            else:
                assert spec.path not in discord_help, spec.path
    top = {spec.group or spec.name for spec in registry() if spec.slash}
    synced = {c["name"] for c in fake.commands[str(GUILD_ID)] + fake.commands.get("global", [])}
    assert synced == top  # nothing outside the registry either
    assert {"trend", "timeline", "compare", "follow", "following", "unfollow", "feeds",
            "ingest"} <= top


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
    assert "/feeds add <url> [source: ...] [every: ...]" in lines
    assert "/trend <query> [from: ...] [to: ...] [by: ...] [png: ...]" in lines
    assert "/unfollow <follow>" in lines
