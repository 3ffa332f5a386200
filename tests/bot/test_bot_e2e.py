"""The real bot (discord.Client + CommandTree) against the fake Discord, with a fake engine.

These cover the plumbing quickly: sync, defer/follow-up, buttons, menus, paging,
mentions and threads, admin checks, uploads, bad input, cooldowns and gateway faults.
The real engine over the seed index is exercised in test_bot_real_engine.py.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.errors import RedactTokenFilter
from index.backend import OPERATOR_SCOPE, Scope
from retrieval.models import Answer, Filters, Hit
from tests.bot.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.bot.helpers import (
    SEED_ID,
    SENTINEL_TOKEN,
    FakeEngine,
    allowed_mentions_ok,
    make_settings,
    running_bot,
)

pytestmark = pytest.mark.timeout(120)

EPHEMERAL = 64


def every_message_is_silent(fake: FakeDiscord) -> None:
    carrying = [o for o in fake.outgoing if o.message_data() is not None]
    assert carrying, "the bot sent no messages"
    for o in carrying:
        assert allowed_mentions_ok(o.message_data() or {}), (o.kind, o.path, o.payload)


async def test_identifies_syncs_guild_commands_and_answers_ask(fake: FakeDiscord) -> None:
    engine = FakeEngine()
    async with running_bot(fake, engine, make_settings(fake)):
        assert fake.identifies == 1
        assert fake.intents is not None and fake.intents & (1 << 15)  # message content
        names = sorted(c["name"] for c in fake.commands[str(GUILD_ID)])
        assert names == ["article", "ask", "compare", "feeds", "follow", "following", "help",
                         "ingest", "quotes", "search", "stats", "timeline", "trend", "unfollow"]
        feeds = fake.command_definition("feeds")
        assert int(feeds["default_member_permissions"]) == 1 << 5  # Manage Server
        ingest = fake.command_definition("ingest")
        assert int(ingest["default_member_permissions"]) == 1 << 5  # Manage Server
        rec = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        assert rec.callbacks[0]["type"] == 5  # deferred at once
        assert rec.first_response_at is not None and rec.answered_at is not None
        assert rec.first_response_at <= rec.answered_at
        assert "China-Russia cooperation has no limits" in rec.text()
        assert engine.calls == [("answer", "what did Wang Wenbin say?")]
    every_message_is_silent(fake)
    assert fake.unknown_routes == []


async def test_global_sync_without_guild_id(fake: FakeDiscord) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake, guild_id=None)):
        assert "global" in fake.commands and str(GUILD_ID) not in fake.commands
        rec = await fake.answered(await fake.slash("stats"))
        assert "Articles" in rec.text()


async def test_answer_buttons_context_sources_feedback(fake: FakeDiscord) -> None:
    engine = FakeEngine()
    async with running_bot(fake, engine, make_settings(fake)):
        rec = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        message = rec.followups[0]
        sources = await fake.answered(await fake.click(message, "Sources"))
        assert sources.callbacks[0]["data"]["flags"] & EPHEMERAL
        assert "[1]" in sources.text()
        more = await fake.answered(await fake.click(message, "More context"))
        assert more.callbacks[0]["type"] == 5 and more.callbacks[0]["data"]["flags"] & EPHEMERAL
        assert "**China-Russia cooperation has no limits**" in more.text()
        assert (
            "repeating a line used by President Vladimir Putin" in more.text()
        )  # the paragraph around it
        up = await fake.answered(await fake.click(message, "👍", user_id=2002))
        assert "Thanks" in up.text()
        assert engine.feedback == [("what did Wang Wenbin say?", "quotes", 1, "2002", (SEED_ID,))]
        assert engine.feedback_guilds == [str(GUILD_ID)]  # votes are kept per server
        again = await fake.answered(await fake.click(message, "👎", user_id=2002))
        assert "already" in again.text()
        down = await fake.answered(await fake.click(message, "👎", user_id=2003))
        assert "noted" in down.text()
        assert [f[2] for f in engine.feedback] == [1, -1]
    every_message_is_silent(fake)


async def test_answer_buttons_survive_a_restart(fake: FakeDiscord, tmp_path: Path) -> None:
    engine = FakeEngine()
    settings = make_settings(fake, state_path=tmp_path / "state.sqlite")
    async with running_bot(fake, engine, settings):
        rec = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        message = rec.followups[0]
        await fake.answered(await fake.click(message, "👍", user_id=2002))
    # A new process: nothing of the old one in memory, only the state file.
    async with running_bot(fake, engine, settings):
        sources = await fake.answered(await fake.click(message, "Sources"))
        assert "[1]" in sources.text() and sources.callbacks[0]["data"]["flags"] & EPHEMERAL
        more = await fake.answered(await fake.click(message, "More context"))
        assert "**China-Russia cooperation has no limits**" in more.text()
        again = await fake.answered(await fake.click(message, "👎", user_id=2002))
        assert "already" in again.text()
        assert [f[2] for f in engine.feedback] == [1]
        # A button whose answer is gone (pruned, or another bot's state) says so.
        forged = {**message, "id": "999999999999999999", "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "Sources",
             "custom_id": "nd:answer:0123456789abcdef:sources"}]}]}
        gone = await fake.answered(await fake.click(forged, "Sources"))
        assert "ask again" in gone.text()
    every_message_is_silent(fake)


async def test_search_pages_only_for_the_asker(fake: FakeDiscord) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        rec = await fake.answered(
            await fake.slash("search", query="Lavrov", k=7, raw_options={"from": "2022-03"})
        )
        message = rec.followups[0]
        assert "Page 1/3" in rec.text()
        other = await fake.answered(await fake.click(message, "▶", user_id=999))
        assert "Only the person who asked" in other.text()
        nxt = await fake.answered(await fake.click(message, "▶"))
        assert nxt.callbacks[0]["type"] == 7 and "Page 2/3" in nxt.text()
        bad = await fake.answered(
            await fake.slash("search", query="Lavrov", raw_options={"from": "2022-02-30"})
        )
        assert "not a real date" in bad.text()
        too_many = await fake.answered(await fake.slash("search", query="Lavrov", k=50))
        assert "between 1 and 10" in too_many.text()


async def test_quotes_autocomplete_and_ambiguity_menu(fake: FakeDiscord) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        auto = await fake.answered(await fake.slash("quotes", speaker="Wa", autocomplete="speaker"))
        assert auto.callbacks[0]["type"] == 8
        assert [c["name"] for c in auto.callbacks[0]["data"]["choices"]] == [
            "Wang Wenbin",
            "Wang Yi",
        ]
        rec = await fake.answered(await fake.slash("quotes", speaker="Wang"))
        assert "Which one" in rec.text()
        menu = rec.followups[0]
        picked = await fake.answered(await fake.choose(menu, "Wang Wenbin"))
        assert picked.callbacks[0]["type"] == 6
        assert "What Wang Wenbin said" in picked.text()
        assert "China-Russia cooperation has no limits" in picked.text()
        ask = await fake.answered(await fake.slash("ask", question="what did Wang say?"))
        assert "Which one" in ask.text()
        assert any(
            c["type"] == 3 for row in ask.followups[0]["components"] for c in row["components"]
        )


async def test_article_stats_help_and_path_like_ids(fake: FakeDiscord) -> None:
    engine = FakeEngine()
    async with running_bot(fake, engine, make_settings(fake)):
        rec = await fake.answered(await fake.slash("article", id=SEED_ID))
        assert "Beijing and Moscow advanced a vision" in rec.text()
        for bad in ("../../etc/passwd", "/etc/passwd", "..\\..\\secrets"):
            r = await fake.answered(await fake.slash("article", id=bad))
            assert "not an article id" in r.text()
            assert r.messages[-1].get("flags", 0) & EPHEMERAL
        missing = await fake.answered(await fake.slash("article", id="nope"))
        assert "No article" in missing.text()
        assert [c for c in engine.calls if c[0] == "article"] == [
            ("article", SEED_ID),
            ("article", "nope"),
        ]
        help_ = await fake.answered(await fake.slash("help"))
        assert help_.callbacks[0]["type"] == 4 and "/ask" in help_.text()
        stats = await fake.answered(await fake.slash("stats"))
        assert "all-MiniLM-L6-v2" in stats.text()


async def test_ingest_admin_only_types_sizes_and_paths(fake: FakeDiscord, tmp_path: Path) -> None:
    engine = FakeEngine()
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    outside = tmp_path / "evil.txt"
    settings = make_settings(fake, index_dir=index_dir, ingest_max_bytes=1000)
    body = b"date 2022-03-31 Title\nSome text.\n"
    async with running_bot(fake, engine, settings):
        ok_file = fake.add_attachment("../../evil.txt", body)
        refused = await fake.answered(
            await fake.slash("ingest", file=ok_file["id"], attachments=[ok_file], permissions=0)
        )
        assert "Manage Server" in refused.text() and engine.ingested == []
        admin = 1 << 5
        done = await fake.answered(
            await fake.slash("ingest", file=ok_file["id"], attachments=[ok_file], permissions=admin)
        )
        assert "Added 1" in done.text()
        (path,) = engine.ingested[0]
        assert (
            path.name == "evil.txt" and (index_dir / ".uploads").resolve() in path.resolve().parents
        )
        assert not path.exists() and not outside.exists()  # written inside the index, removed after
        assert engine.ingested_bytes == [body]
        assert "newsdesk-ingest_0" in engine.threads  # not one of the query workers
        exe = fake.add_attachment("tool.exe", b"MZ")
        r = await fake.answered(
            await fake.slash("ingest", file=exe["id"], attachments=[exe], permissions=admin)
        )
        assert ".txt or .jsonl" in r.text()
        big = fake.add_attachment("big.jsonl", b"x" * 2000)
        r = await fake.answered(
            await fake.slash("ingest", file=big["id"], attachments=[big], permissions=admin)
        )
        assert "limit" in r.text()
        liar = fake.add_attachment("liar.txt", b"y" * 2000, size=10)  # declared small, is big
        r = await fake.answered(
            await fake.slash("ingest", file=liar["id"], attachments=[liar], permissions=admin)
        )
        assert "limit" in r.text()
        assert len(engine.ingested) == 1
        dm = await fake.answered(
            await fake.slash("ingest", file=ok_file["id"], attachments=[ok_file], guild=False)
        )
        assert "Manage Server" in dm.text() or "only works in a server" in dm.text()
    # Uploads only go to .uploads; bot-state.sqlite holds the answers behind buttons.
    assert sorted(p.name for p in index_dir.iterdir()) == [".uploads", "bot-state.sqlite",
                                                           "feeds.sqlite"]
    assert list((index_dir / ".uploads").iterdir()) == []


@pytest.mark.parametrize(
    "question, expect",
    [
        ("   ", "empty"),
        ("x" * 6000, "limit is 1,000"),
        ("crash please", "Sorry, something went wrong"),
    ],
)
async def test_bad_queries_get_a_clear_ephemeral_message(
    fake: FakeDiscord, question: str, expect: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        rec = await fake.answered(await fake.slash("ask", question=question))
        assert expect in rec.text()
        assert "Traceback" not in rec.text() and "RuntimeError" not in rec.text()
        # still up
        ok = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        assert "no limits" in ok.text()
    if expect.startswith("Sorry"):
        assert "engine exploded" in caplog.text  # logged with its traceback, not shown


@pytest.mark.parametrize(
    "question",
    [
        "@everyone what did Wang Wenbin say?",
        "<@123> <@&456> ||spoiler|| ```code``` \" * NEAR( ' OR 1=1 --",
        "王文斌说了什么？",
    ],
)
async def test_odd_queries_never_ping_or_crash(fake: FakeDiscord, question: str) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        rec = await fake.answered(await fake.slash("ask", question=question))
        assert "Sorry" not in rec.text()
        msg = await fake.user_message(question)
        await fake.wait_for(lambda: fake.replies_to(msg["id"]), 60, "a reply")
    every_message_is_silent(fake)


async def test_mentions_reply_open_a_thread_and_answer_follow_ups(fake: FakeDiscord) -> None:
    engine = FakeEngine()
    async with running_bot(fake, engine, make_settings(fake)):
        msg = await fake.user_message("what did Wang Wenbin say?")
        (reply,) = await fake.wait_for(lambda: fake.replies_to(msg["id"]), 60, "a reply")
        assert reply["channel_id"] == str(CHANNEL_ID)
        assert "no limits" in reply["embeds"][0]["fields"][0]["value"]
        assert fake.typing == [CHANNEL_ID]
        thread_id = await fake.wait_for(lambda: next(iter(fake.threads), None), 60, "a thread")
        assert thread_id == int(reply["id"])
        follow = await fake.user_message(
            "and about Russia?", channel_id=thread_id, mention_bot=False
        )
        (answer,) = await fake.wait_for(
            lambda: fake.replies_to(follow["id"]), 10, "a reply in the thread"
        )
        assert answer["channel_id"] == str(thread_id)
        assert len(fake.threads) == 1  # no thread inside the thread
        chatter = await fake.user_message("lunch anyone?", mention_bot=False)
        dm = await fake.user_message(
            "what did Wang Wenbin say?", mention_bot=False, guild=False, channel_id=555
        )
        await fake.wait_for(lambda: fake.replies_to(dm["id"]), 60, "a DM reply")
        assert fake.replies_to(chatter["id"]) == []
        by_role = await fake.user_message("what did Wang Wenbin say?", mention_role=True)
        (role_reply,) = await fake.wait_for(
            lambda: fake.replies_to(by_role["id"]), 10, "a reply to a role mention"
        )
        assert "no limits" in role_reply["embeds"][0]["description"]
        assert engine.calls[-1] == ("answer", "what did Wang Wenbin say?")
        empty = await fake.user_message("")
        (hint,) = await fake.wait_for(lambda: fake.replies_to(empty["id"]), 60, "a hint")
        assert "Ask me something" in hint["content"]
    every_message_is_silent(fake)


async def test_channel_restriction(fake: FakeDiscord) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake, channels=frozenset({12345}))):
        msg = await fake.user_message("what did Wang Wenbin say?")
        dm = await fake.user_message("hi", mention_bot=False, guild=False, channel_id=555)
        await fake.wait_for(lambda: fake.replies_to(dm["id"]), 60, "a DM reply")
        await asyncio.sleep(0.2)
        assert fake.replies_to(msg["id"]) == []


async def test_cooldown_tells_when_to_retry(fake: FakeDiscord) -> None:
    engine = FakeEngine()
    async with running_bot(fake, engine, make_settings(fake, cooldown_rate=2, cooldown_per=60)):
        for _ in range(2):
            await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        third = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        assert third.callbacks[0]["type"] == 4 and third.callbacks[0]["data"]["flags"] & EPHEMERAL
        assert "Try again in" in third.text()
        other = await fake.answered(
            await fake.slash("ask", question="what did Wang Wenbin say?", user_id=4242)
        )
        assert "no limits" in other.text()
        msg = await fake.user_message("what did Wang Wenbin say?")
        (reply,) = await fake.wait_for(lambda: fake.replies_to(msg["id"]), 60, "a reply")
        assert "Try again in" in reply["content"]
        assert len([c for c in engine.calls if c[0] == "answer"]) == 3


@pytest.mark.parametrize(
    "fault", ["close", "close_1000", "drop", "reconnect", "invalid_resumable", "invalid_session"]
)
async def test_gateway_faults_resume_and_keep_answering(fake: FakeDiscord, fault: str) -> None:
    async with running_bot(fake, FakeEngine(), make_settings(fake)) as bot:
        first = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        assert "no limits" in first.text()
        connections = fake.connections
        if fault == "close":
            await fake.close_gateway(4000)
        elif fault == "close_1000":
            await fake.close_gateway(1000)
        elif fault == "drop":
            await fake.drop_gateway()
        elif fault == "reconnect":
            await fake.send_reconnect()
        elif fault == "invalid_resumable":
            await fake.invalidate_session(resumable=True)
        else:
            await fake.invalidate_session(resumable=False)
        during = None
        if fault != "invalid_session":
            # Sent while the bot reconnects: kept by the gateway and replayed on RESUME.
            during = await fake.slash("ask", question="what did Wang Wenbin say?", user_id=77)
        await fake.wait_for(lambda: fake.connections > connections, 60, "a new connection")
        if fault == "invalid_session":
            await fake.wait_for(lambda: fake.identifies == 2, 60, "a new IDENTIFY")
        else:
            await fake.wait_for(lambda: fake.resumed_ok >= 1, 60, "a RESUME")
            assert fake.identifies == 1
            assert during is not None
            assert "no limits" in (await fake.answered(during, 20)).text()
        again = await fake.answered(
            await fake.slash("ask", question="what did Wang Wenbin say?"), timeout=30
        )
        assert "no limits" in again.text()
        n = len(fake.heartbeats)
        await fake.wait_for(lambda: len(fake.heartbeats) > n + 1, 60, "heartbeats after the fault")
        assert bot.is_ready() and not bot.is_closed()


async def test_sentinel_token_never_leaks(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.token = SENTINEL_TOKEN
    caplog.set_level(logging.DEBUG)
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        for q in ("what did Wang Wenbin say?", "crash now", "   "):
            await fake.answered(await fake.slash("ask", question=q))
        msg = await fake.user_message("crash it")
        await fake.wait_for(lambda: fake.replies_to(msg["id"]), 60, "a reply")
        await fake.close_gateway(4000)
        await fake.wait_for(lambda: fake.resumed_ok >= 1, 60, "a RESUME")
    assert fake.identifies >= 1  # the token did reach the gateway...
    assert SENTINEL_TOKEN not in caplog.text  # ...but never a log line
    assert all(SENTINEL_TOKEN not in str(o.payload) for o in fake.outgoing)  # nor a reply


def test_token_filter_redacts_records() -> None:
    flt = RedactTokenFilter(SENTINEL_TOKEN)
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "login with %s failed", (SENTINEL_TOKEN,), None
    )
    try:
        raise RuntimeError(f"bad token {SENTINEL_TOKEN}")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert flt.filter(record)
    formatted = logging.Formatter().format(record)
    assert SENTINEL_TOKEN not in formatted and "[token]" in formatted


async def test_over_the_concurrency_bound_users_are_told_to_retry(fake: FakeDiscord) -> None:
    engine = FakeEngine(delay=0.4)
    settings = make_settings(fake, max_concurrency=1, max_waiting=1, workers=1)
    async with running_bot(fake, engine, settings) as bot:
        records = await asyncio.gather(
            *(
                fake.slash("ask", question="what did Wang Wenbin say?", user_id=100 + i)
                for i in range(4)
            )
        )
        await asyncio.gather(*(fake.answered(r, 20) for r in records))
        texts = [r.text() for r in records]
        assert sum("no limits" in t for t in texts) == 2  # one running, one queued
        assert sum("Try again in" in t for t in texts) == 2  # the rest told when to retry
        assert all(r.callbacks[0]["type"] == 5 for r in records)  # all deferred at once
        assert bot.core.limiter.rejected == 2


class HugeEngine(FakeEngine):
    """Everything as long as it gets: every reply must still fit Discord's limits."""

    LONG = ("Officials said the storm forced thousands from their homes along the coast "
            "and that shelters opened in three counties. ") * 60

    def answer(self, question: str, filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE,
               background: str = "") -> Answer:
        base = super().answer("what did Wang Wenbin say?", filters)
        cites = tuple(replace(base.citations[0], marker=i, title="T" * 400) for i in range(1, 31))
        text = " ".join(f"{self.LONG[:300]} [{i}]." for i in range(1, 31))
        return replace(base, text=text, citations=cites)

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE) -> list[Hit]:
        return [replace(h, title="T" * 500) for h in super().search(query, k, filters)]

    def speakers(self, prefix: str = "", limit: int = 25, *, scope: Scope = OPERATOR_SCOPE) -> list[str]:
        return [f"Speaker {i} " + "x" * 200 for i in range(limit)]


async def test_every_reply_fits_discords_limits(fake: FakeDiscord) -> None:
    """The fake refuses (400, 50035) anything over Discord's limits; the fixture fails on it."""
    async with running_bot(fake, HugeEngine(), make_settings(fake)):
        ask = await fake.answered(await fake.slash("ask", question="x"))
        assert ask.followups and "Sorry" not in ask.text()
        more = await fake.answered(await fake.click(ask.followups[0], "More context"))
        assert more.followups
        sources = await fake.answered(await fake.click(ask.followups[0], "Sources"))
        assert sources.callbacks[0]["type"] == 4
        search = await fake.answered(await fake.slash("search", query="storm", k=10))
        assert "Page 1/" in search.text()
        auto = await fake.answered(await fake.slash("quotes", speaker="S", autocomplete="speaker"))
        assert len(auto.callbacks[0]["data"]["choices"]) == 25
    assert fake.rejected == []
