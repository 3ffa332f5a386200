"""Fixtures of the bot tests: a fresh fake Discord per test, and discord.py's endpoints
restored after every test (the bot points them at the fake)."""

from __future__ import annotations

from collections.abc import Iterator

import discord
import pytest

from tests.bot.fake_discord import FakeDiscord


@pytest.fixture(autouse=True)
def restore_discord_endpoints() -> Iterator[None]:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    """A fake Discord that refuses what Discord refuses; a test during which the bot sent
    anything over Discord's limits fails (a test provoking it on purpose clears
    ``fake.rejected`` after checking it)."""
    server = FakeDiscord(heartbeat_interval=0.25).start()
    try:
        yield server
    finally:
        server.stop()
    assert server.rejected == [], f"Discord would refuse these requests: {server.rejected}"
