"""Fixtures of the bot tests: a fresh fake Discord per test."""

from __future__ import annotations

from collections.abc import Iterator

import discord
import pytest

from tests.bot.fake_discord import FakeDiscord


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    server = FakeDiscord(heartbeat_interval=0.25).start()
    try:
        yield server
    finally:
        server.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway
