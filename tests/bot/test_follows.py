"""The follow store and the alert outbox: once only, across restarts; capped per target;
an outage keeps alerts queued; the queue is bounded."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot import follows as follows_module
from bot.follows import Alert, FollowStore, SendFailed, flush


async def run(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(fn, *args)


def alert(n: int, target: str = "channel:1", follow_id: int = 1) -> Alert:
    return Alert(follow_id, f"art-{n}", target, f"alert {n}", "harbour")


async def test_alerts_are_delivered_once_even_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot-state.sqlite"
    store = FollowStore(path)
    follow, created = store.add(guild="9", channel="1", user="2", personal=False,
                                kind="speaker", value="Wang Wenbin")
    assert created and follow.target == "channel:1"
    assert store.add(guild="9", channel="1", user="2", personal=False, kind="speaker",
                     value="Wang Wenbin") == (follow, False)
    sent: list[tuple[str, str]] = []

    async def send(target: str, content: str) -> None:
        sent.append((target, content))

    assert store.enqueue([alert(1, follow_id=follow.id)]) == 1
    result = await flush(store, send, 5, run)
    assert result.sent == 1 and sent == [("channel:1", "alert 1")]
    store.close()
    store = FollowStore(path)  # a restart
    assert store.enqueue([alert(1, follow_id=follow.id)]) == 0
    await flush(store, send, 5, run)
    assert len(sent) == 1
    assert [f.value for f in store.follows("9")] == ["Wang Wenbin"]
    assert store.follows("8") == [] and store.follows(None) == []


async def test_at_most_n_per_target_then_one_summary_line() -> None:
    store = FollowStore()
    store.enqueue([alert(n) for n in range(7)] + [alert(9, "user:5", follow_id=2)])
    sent: list[tuple[str, str]] = []

    async def send(target: str, content: str) -> None:
        sent.append((target, content))

    result = await flush(store, send, 3, run)
    channel = [c for t, c in sent if t == "channel:1"]
    assert channel[:3] == ["alert 0", "alert 1", "alert 2"]
    assert channel[3] == "… and 4 more: /search harbour" and len(channel) == 4
    assert ("user:5", "alert 9") in sent
    assert (result.sent, result.summarised) == (4, 4)
    assert store.queued_count() == 0


async def test_outage_keeps_alerts_and_permanent_failures_drop_them() -> None:
    store = FollowStore()
    store.enqueue([alert(1), alert(2, "channel:404", follow_id=3)])

    async def down(target: str, content: str) -> None:
        raise SendFailed("503", permanent=target == "channel:404")

    result = await flush(store, down, 5, run)
    assert (result.failed, result.dropped) == (1, 1)
    assert [a.article_id for a in store.queued()] == ["art-1"]
    delivered: list[str] = []

    async def up(target: str, content: str) -> None:
        delivered.append(content)

    await flush(store, up, 5, run)
    assert delivered == ["alert 1"] and store.queued_count() == 0


def test_queue_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follows_module, "MAX_QUEUED", 3)
    store = FollowStore()
    store.enqueue([alert(n) for n in range(5)])
    assert [a.article_id for a in store.queued()] == ["art-2", "art-3", "art-4"]
    assert store.dropped == 2


def test_server_articles_alert_only_that_server() -> None:
    store = FollowStore()
    follow, _ = store.add(guild="9", channel="1", user="2", personal=True, kind="topic",
                          value="harbour")
    assert follow.target == "user:2"
    assert follow.sees("operator") and follow.sees("9") and not follow.sees("8")


def test_alert_messages_are_escaped_and_fit_discord() -> None:
    from bot.alerts import speaker_message, topic_message
    from retrieval.models import QuoteHit

    hostile = "**@everyone** [click](http://evil.example) `x` " * 60
    quote = QuoteHit(article_id="site-a-1", speaker="Wang *Wenbin*", text=hostile, start=0,
                     end=len(hostile), cue="said", direct=True, paragraph=1, title=hostile,
                     date="2024-11-21", source="__src__", url="javascript:alert(1)")
    message = speaker_message("Wang *Wenbin*", [quote] * 3, terminal=False)
    assert len(message) <= 2000
    assert "[click](http" not in message and "javascript:" not in message
    assert "\\*\\*\\@everyone" in message and "\\_\\_src\\_\\_" in message
    assert message.endswith("`site-a-1`")
    topic = topic_message("harbour *bridge*", hostile, None, None, "site-a-1",
                          "https://example.org/a", terminal=False)
    assert len(topic) <= 2000 and "<https://example.org/a>" in topic and "harbour \\*bridge\\*" in topic
