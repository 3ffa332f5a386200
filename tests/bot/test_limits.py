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
