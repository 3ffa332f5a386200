"""End to end: the real bot (discord.Client + CommandTree) and the real retrieval Engine over
the seed index, against the fake Discord REST API and gateway on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from bot.core import EngineLike
from retrieval.engine import Engine
from tests.bot.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord, InteractionRecord
from tests.bot.helpers import SEED_ID, allowed_mentions_ok, make_settings, running_bot

pytestmark = pytest.mark.timeout(300)

WENBIN = "China-Russia cooperation has no limits"
WANG_YI = "withstood the new test"
MAX_HEARTBEAT_GAP = 2.0  # seconds, with a 0.25 s interval: the loop was never blocked for long


@pytest.fixture(scope="module")
def engine(seed_location: tuple[str, str], embedder: object) -> EngineLike:
    kind, location = seed_location  # each backend: local and milvus
    return Engine.open(location, embedder, backend=kind)  # type: ignore[arg-type]


def check_silent(fake: FakeDiscord) -> None:
    for o in fake.outgoing:
        data = o.message_data()
        if data is not None:
            assert allowed_mentions_ok(data), (o.kind, o.path, data.get("allowed_mentions"))


def cites_seed(record: InteractionRecord) -> bool:
    return any(
        f"id `{SEED_ID}`" in (f.get("value") or "")
        for e in record.embeds()
        for f in e.get("fields", [])
    )


async def test_ask_wang_wenbin_cites_the_seed_article(
    fake: FakeDiscord, engine: EngineLike
) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        assert fake.identifies == 1 and str(GUILD_ID) in fake.commands  # guild-scoped sync
        rec = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        assert rec.callbacks[0]["type"] == 5  # deferred first
        (follow_up,) = rec.followups
        embed = follow_up["embeds"][0]
        assert WENBIN in embed["description"]
        assert cites_seed(rec)
        assert WANG_YI not in rec.text()
        assert "Wang Wenbin" in embed["title"] + embed["description"]  # named in full

        # Buttons: the paragraph around the citation, the source list.
        more = await fake.answered(await fake.click(follow_up, "More context"))
        assert "Foreign ministry spokesman Wang Wenbin told reporters" in more.text()
        sources = await fake.answered(await fake.click(follow_up, "Sources"))
        assert SEED_ID in sources.text()

        # Ambiguity through the menu, with the real speaker index.
        amb = await fake.answered(await fake.slash("quotes", speaker="Wang"))
        assert "Wang Wenbin" in amb.text() and "Wang Yi" in amb.text()
        # No guess: each person's words are shown under that person's name only.
        fields = [f for e in amb.embeds() for f in e.get("fields", [])]
        by_name = {f["name"].split(":")[0]: "" for f in fields}
        for f in fields:
            by_name[f["name"].split(":")[0]] += f["value"]
        assert set(by_name) == {"Wang Wenbin", "Wang Yi"}
        assert WENBIN in by_name["Wang Wenbin"] and WENBIN not in by_name["Wang Yi"]
        assert WANG_YI in by_name["Wang Yi"] and WANG_YI not in by_name["Wang Wenbin"]
        picked = await fake.answered(await fake.choose(amb.followups[0], "Wang Yi"))
        assert WANG_YI in picked.text() and WENBIN not in picked.text()
        # The same through /ask: cited words of both, Sources, and the menu.
        asked = await fake.answered(await fake.slash("ask", question="what did Wang say?"))
        (amb_answer,) = asked.followups
        assert WENBIN in asked.text() and WANG_YI in asked.text()
        assert SEED_ID in (await fake.answered(await fake.click(amb_answer, "Sources"))).text()
        chosen = await fake.answered(await fake.choose(amb_answer, "Wang Wenbin"))
        assert WENBIN in chosen.text() and WANG_YI not in chosen.text()
        auto = await fake.answered(
            await fake.slash("quotes", speaker="Wang W", autocomplete="speaker")
        )
        assert [c["value"] for c in auto.callbacks[0]["data"]["choices"]] == ["Wang Wenbin"]

        # Quoted, but not on the topic: his own words, said to be on other things; never
        # Wang Yi's (or anyone's) words about cricket in his place.
        off = await fake.answered(
            await fake.slash("ask", question="what did Wang Wenbin say about cricket?"))
        assert "No close match for “cricket” among Wang Wenbin's 3 statements" in off.text()
        assert WENBIN in off.text() and WANG_YI not in off.text()
        none = await fake.answered(
            await fake.slash("quotes", speaker="Wang Wenbin", about="cricket"))
        assert "No quotes by Wang Wenbin in the archive about cricket. 3 on other topics" \
            in none.text()

        search = await fake.answered(
            await fake.slash("search", query="Lavrov new world order", raw_options={"from": "2022"})
        )
        assert SEED_ID in search.text()
        article = await fake.answered(await fake.slash("article", id=SEED_ID))
        assert "Beijing and Moscow advanced a vision" in article.text()
        stats = await fake.answered(await fake.slash("stats"))
        assert "all-MiniLM-L6-v2" in stats.text()
    check_silent(fake)


@pytest.mark.parametrize(
    "question",
    [
        "@everyone what did Wang Wenbin say?",
        "<@123> ||spoiler|| ```py``` ' OR 1=1 -- NEAR( \"*",
        "!!!???",
        "王文斌说了什么？",
    ],
)
async def test_bad_and_hostile_queries(
    fake: FakeDiscord, engine: EngineLike, question: str
) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        rec = await fake.answered(await fake.slash("ask", question=question))
        assert "Sorry, something went wrong" not in rec.text()
        msg = await fake.user_message(question)
        await fake.wait_for(lambda: fake.replies_to(msg["id"]), 60, "a reply to the mention")
        for q, expect in (("   ", "empty"), ("x" * 6000, "1,000")):
            bad = await fake.answered(await fake.slash("ask", question=q))
            assert expect in bad.text() and "Traceback" not in bad.text()
    check_silent(fake)
    if "@everyone" in question:  # shown verbatim, yet pinging nobody
        assert any(
            "@everyone" in e.get("title", "")
            for r in fake.interactions.values()
            for e in r.embeds()
        )


async def test_mention_reply_and_thread_follow_up(fake: FakeDiscord, engine: EngineLike) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        msg = await fake.user_message("what did Wang Wenbin say?")
        (reply,) = await fake.wait_for(lambda: fake.replies_to(msg["id"]), 60, "a reply")
        assert WENBIN in reply["embeds"][0]["description"] and reply["channel_id"] == str(
            CHANNEL_ID
        )
        thread_id = await fake.wait_for(lambda: next(iter(fake.threads), None), 60, "a thread")
        follow = await fake.user_message(
            "what did Wang Yi say?", channel_id=thread_id, mention_bot=False
        )
        (answer,) = await fake.wait_for(
            lambda: fake.replies_to(follow["id"]), 20, "a reply in the thread"
        )
        assert answer["channel_id"] == str(thread_id)
        assert WANG_YI in answer["embeds"][0]["description"]
    check_silent(fake)


async def test_feedback_is_recorded_in_the_index(
    fake: FakeDiscord, seed_index: Path, embedder: object, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    engine = Engine.open(index_dir, embedder)  # type: ignore[arg-type]
    async with running_bot(fake, engine, make_settings(fake, index_dir=index_dir)):
        rec = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        vote = await fake.answered(await fake.click(rec.followups[0], "👍", user_id=31337))
        assert "Thanks" in vote.text()
    import sqlite3

    with sqlite3.connect(index_dir / "newsdesk.sqlite") as db:
        rows = db.execute(
            "SELECT user_id, question, answer_kind, vote, article_ids FROM feedback"
        ).fetchall()
    assert len(rows) == 1
    user_id, question, kind, value, article_ids = rows[0]
    assert (user_id, question, kind, value) == ("31337", "what did Wang Wenbin say?", "quotes", 1)
    assert SEED_ID in article_ids


async def test_twenty_concurrent_asks_all_answered_while_heartbeats_flow(
    fake: FakeDiscord, engine: EngineLike
) -> None:
    settings = make_settings(fake)  # cooldown off in tests: every one must be answered
    async with running_bot(fake, engine, settings) as bot:
        beats_before = len(fake.heartbeats)
        records = await asyncio.gather(
            *(
                fake.slash("ask", question="what did Wang Wenbin say?", user_id=5000 + i)
                for i in range(20)
            )
        )
        await asyncio.gather(*(fake.answered(r, 60) for r in records))
        await asyncio.sleep(0.6)
        assert all(WENBIN in r.text() for r in records)
        assert all(r.callbacks[0]["type"] == 5 for r in records)
        assert len(fake.heartbeats) > beats_before
        gaps = fake.heartbeat_gaps()
        assert max(gaps) < MAX_HEARTBEAT_GAP, max(gaps)
        assert fake.connections == 1 and bot.latency < 1.0
    check_silent(fake)


async def test_load_fifty_interactions_from_ten_users(
    fake: FakeDiscord, engine: EngineLike
) -> None:
    """50 at once from 10 users with the default cooldown (3 per 10 s): each one is answered
    or told to retry, none dropped; heartbeats on time; memory bounded. Prints p50/p95."""
    settings = make_settings(fake, cooldown_rate=3, cooldown_per=10.0)  # default pool size
    process = psutil.Process(os.getpid())
    questions: list[tuple[str, dict[str, Any]]] = [
        ("ask", {"question": "what did Wang Wenbin say?"}),
        ("ask", {"question": "What did Lavrov say about the world order?"}),
        ("search", {"query": "Russia China relations", "k": 3}),
        ("quotes", {"speaker": "Wang Yi"}),
        ("ask", {"question": "@everyone who met in Huangshan?"}),
    ]
    async with running_bot(fake, engine, settings) as bot:
        await fake.answered(await fake.slash("ask", question="warm up", user_id=1))
        rss_before = process.memory_info().rss
        started = time.monotonic()
        sends = []
        for i in range(50):
            user = 7000 + i % 10
            name, options = questions[i % len(questions)]
            sends.append(fake.slash(name, user_id=user, **options))
        records = await asyncio.gather(*sends)
        await asyncio.gather(*(fake.answered(r, 120) for r in records))
        wall = time.monotonic() - started
        await asyncio.sleep(0.6)
        rss_after = process.memory_info().rss

        answered = [r for r in records if "Try again in" not in r.text()]
        told_to_retry = [r for r in records if "Try again in" in r.text()]
        assert len(answered) + len(told_to_retry) == 50
        assert len(answered) == 30 and len(told_to_retry) == 20  # 3 per user per 10 s
        for r in told_to_retry:
            assert r.callbacks[0]["type"] == 4 and r.callbacks[0]["data"]["flags"] & 64
        for r in answered:
            assert r.callbacks[0]["type"] == 5 and r.followups
            assert "Sorry, something went wrong" not in r.text()
        times = sorted((r.answered_at or 0) - r.sent_at for r in answered)
        defers = sorted((r.first_response_at or 0) - r.sent_at for r in records)
        p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        gaps = fake.heartbeat_gaps()
        print(
            f"\nLOAD 50 interactions/10 users: {len(answered)} answered, {len(told_to_retry)} told to retry; "
            f"answer p50 {p50 * 1000:.0f} ms p95 {p95 * 1000:.0f} ms max {times[-1] * 1000:.0f} ms; "
            f"first response p95 {defers[int(0.95 * (len(defers) - 1))] * 1000:.0f} ms; wall {wall:.2f} s; "
            f"heartbeat max gap {max(gaps):.2f} s (interval 0.25 s); workers {settings.workers}; "
            f"RSS +{(rss_after - rss_before) / 1e6:.1f} MB; peak running {bot.core.limiter.peak_running}"
        )
        assert max(gaps) < MAX_HEARTBEAT_GAP
        assert fake.connections == 1
        assert rss_after - rss_before < 150e6
        assert bot.core.limiter.peak_running <= settings.max_concurrency
    check_silent(fake)


async def test_ingest_through_the_bot_then_answer(
    fake: FakeDiscord, seed_index: Path, embedder: object, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    engine = Engine.open(index_dir, embedder)  # type: ignore[arg-type]
    body = (
        b"date 2022-04-02 Ministers meet in Oslo\n"
        b'The Norwegian foreign minister Anniken Huitfeldt said "fish exports are at a record high" '
        b"after the meeting in Oslo on Saturday.\n"
    )
    async with running_bot(fake, engine, make_settings(fake, index_dir=index_dir)):
        upload = fake.add_attachment("../oslo_2022-04-02.txt", body)
        done = await fake.answered(
            await fake.slash("ingest", file=upload["id"], attachments=[upload], permissions=1 << 5),
            120,
        )
        assert "Added 1" in done.text(), done.text()
        rec = await fake.answered(
            await fake.slash("ask", question="what did Anniken Huitfeldt say?")
        )
        assert "fish exports are at a record high" in rec.text()
    assert not (tmp_path / "oslo_2022-04-02.txt").exists()
    assert list((index_dir / ".uploads").iterdir()) == []
