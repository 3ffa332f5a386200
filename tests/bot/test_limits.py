from __future__ import annotations

import asyncio

import pytest

from bot.limits import ConcurrencyLimiter, Cooldown, RetryLater


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_allows_rate_then_says_when() -> None:
    clock = Clock()
    cd = Cooldown(2, 10.0, clock)
    cd.check("u")
    clock.now = 1.0
    cd.check("u")
    with pytest.raises(RetryLater) as err:
        cd.check("u")
    assert err.value.retry_after == pytest.approx(9.0)
    assert "Try again in 9 seconds" in err.value.user_message()
    cd.check("other")  # per user
    clock.now = 10.5
    cd.check("u")


def test_cooldown_forgets_idle_users() -> None:
    clock = Clock()
    cd = Cooldown(1, 5.0, clock)
    for i in range(100):
        cd.check(i)
    clock.now = 20.0
    cd.check("new")
    assert len(cd) == 1


async def test_limiter_bounds_running_and_waiting() -> None:
    lim = ConcurrencyLimiter(2, 3)
    release = asyncio.Event()

    async def job() -> str:
        async with lim.slot():
            await release.wait()
        return "done"

    tasks = [asyncio.create_task(job()) for _ in range(5)]
    await asyncio.sleep(0.05)
    assert lim.running == 2 and lim.waiting == 3
    with pytest.raises(RetryLater) as err:
        async with lim.slot():
            pass
    assert err.value.retry_after >= 1.0
    release.set()
    assert await asyncio.gather(*tasks) == ["done"] * 5
    assert lim.peak_running == 2 and lim.rejected == 1


# ---------------------------------------------------------------- the fake refuses what Discord refuses


def test_fake_discord_limits_are_discords_numbers() -> None:
    from tests.bot import discord_limits as dl

    ok = {"content": "x" * 2000, "embeds": [{"title": "t" * 256, "description": "d" * 4096}]}
    assert dl.message_errors(ok) == []
    assert dl.message_errors({"content": "x" * 2001})
    assert dl.message_errors({"embeds": [{"title": "t" * 257}]})
    assert dl.message_errors({"embeds": [{"description": "d" * 4097}]})
    field = {"name": "n", "value": "v" * 1024}
    assert dl.message_errors({"embeds": [{"fields": [field] * 25}]}) != []  # 25.6k > 6,000
    assert dl.message_errors({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]})
    assert dl.message_errors({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})
    assert dl.message_errors({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]})
    rows = [{"type": 1, "components": [{"type": 2, "label": "b", "custom_id": "c"}]}]
    assert dl.message_errors({"components": rows * 5}) == []
    assert dl.message_errors({"components": rows * 6})
    select = {"type": 3, "custom_id": "s", "options": [{"label": "x", "value": "x"}] * 26}
    assert dl.message_errors({"components": [{"type": 1, "components": [select]}]})
    assert dl.callback_errors({"type": 8, "data": {"choices": [{"name": "a", "value": "a"}] * 26}})
    assert dl.callback_errors({"type": 8, "data": {"choices": [{"name": "a" * 101, "value": "a"}]}})
    assert dl.invalid_form_body(["x"])["code"] == 50035


async def test_the_fake_answers_400_invalid_form_body() -> None:
    import aiohttp

    from tests.bot.fake_discord import FakeDiscord

    fake = FakeDiscord().start()
    try:
        async with aiohttp.ClientSession() as http:
            url = f"{fake.api_base}/channels/1/messages"
            async with http.post(url, json={"content": "x" * 2001},
                                 headers={"Authorization": f"Bot {fake.token}"}) as resp:
                body = await resp.json()
        assert resp.status == 400 and body["code"] == 50035
        assert body["message"] == "Invalid Form Body" and fake.rejected
        assert fake.channel_messages == []  # nothing was stored
    finally:
        fake.stop()
