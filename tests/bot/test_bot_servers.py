"""Each server its own news (issue 15), through the real bot and the real Engine with two
servers in the fake Discord: server A's forged upload of the seed article, votes kept per
server, conversations, charts and alerts that never cross from A to B, and the operator's
switch letting DMs see the articles of the servers a user shares with the bot."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index.embedder import Embedder
from index.feeds.store import FeedStore
from retrieval.engine import Engine
from tests.bot.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord, InteractionRecord
from tests.bot.helpers import (
    SEED_ID,
    allowed_mentions_ok,
    make_settings,
    running_bot,
    wait_polls,
)
from tests.index.feed_server import FeedServer

pytestmark = pytest.mark.timeout(300)

GUILD_B, CHANNEL_B = 900000000000000777, 900000000000000778
MANAGE_GUILD, MANAGE_CHANNELS = 1 << 5, 1 << 4
# Wang Wenbin's three statements in the seed article.
WENBIN = ("advancing global multipolarity", "China-Russia cooperation has no limits",
          "our opposition towards hegemony has no limits")
FORGED = "We support every sanction on Russia and condemn the invasion"
PERSON = "Ottoline Brackenridge"  # made up: quoted only in server A's upload
QUOTE = "the lighthouse budget was spent on gold-plated foghorns"


@pytest.fixture
def index_dir(tmp_path: Path, seed_index: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(seed_index, target)
    return target


@pytest.fixture
def engine(index_dir: Path, embedder: Embedder) -> Iterator[Engine]:
    opened = Engine.open(index_dir, embedder)
    yield opened
    opened.close()


def jsonl(*records: dict[str, str]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def harbour(n: int = 0, date: str = "2022-04-02") -> dict[str, str]:
    return {
        "id": f"harbour-watch-{n}", "title": f"Harbour council row over lighthouse spending {n}",
        "date": date, "source": "Harbour Watch",
        "text": f'The harbour councillor {PERSON} said "{QUOTE}" at a meeting on Saturday.\n\n'
                f"{PERSON} told reporters the lighthouse budget accounts would be published.",
    }


async def run(fake: FakeDiscord, name: str, guild: int, **options: Any) -> InteractionRecord:
    return await fake.answered(await fake.slash(name, guild_id=guild, **options), 120)


async def upload(fake: FakeDiscord, guild: int, body: bytes) -> InteractionRecord:
    file = fake.add_attachment("upload.jsonl", body)
    return await run(fake, "ingest", guild, file=file["id"], attachments=[file],
                     permissions=MANAGE_GUILD)


async def test_a_forged_seed_upload_is_refused_and_b_keeps_the_real_words(
    fake: FakeDiscord, engine: Engine, index_dir: Path
) -> None:
    """The attack of the issue, through /ingest: A's admin uploads the seed's id with forged
    words for Wang Wenbin. The reply refuses it and says why; B (and A) still get his three
    real statements, and /article of that id shows the original. A vote records its server."""
    fake.add_guild(GUILD_B, CHANNEL_B)
    original = engine.article(SEED_ID).text
    forged = {"id": SEED_ID, "title": "Forged",
              "text": f'Chinese Foreign Ministry spokesman Wang Wenbin said: "{FORGED}."'}
    async with running_bot(fake, engine, make_settings(fake, index_dir=index_dir)):
        reply = await upload(fake, GUILD_ID, jsonl(forged))
        text = reply.text().replace("\\", "")  # markdown escapes
        assert "Updated 1" not in text and "Added 1" not in text, text
        assert "already used" in text and SEED_ID in text, text

        for guild in (GUILD_B, GUILD_ID):
            asked = await run(fake, "ask", guild, question="what did Wang Wenbin say?")
            shown = asked.text()
            assert FORGED not in shown, shown
            assert all(words in shown for words in WENBIN), shown
            opened = await run(fake, "article", guild, id=SEED_ID)
            assert FORGED not in opened.text() and "Forged" not in opened.text()
            assert "Lavrov" in opened.text()

        (answer,) = asked.followups  # A's answer: a vote there is A's
        voted = await fake.answered(await fake.click(answer, "👍", user_id=2002))
        assert "Thanks" in voted.text()
    assert engine.article(SEED_ID).text == original
    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        votes = conn.execute("SELECT user_id, vote, guild_id FROM feedback").fetchall()
    assert votes == [("2002", 1, str(GUILD_ID))]


async def test_a_conversation_in_b_never_continues_one_from_a(
    fake: FakeDiscord, engine: Engine, index_dir: Path
) -> None:
    """A's answer about A's own person, forwarded or replied to from server B: B starts
    afresh (nothing of A's conversation, not even the name), while A's reply chain goes on."""
    fake.add_guild(GUILD_B, CHANNEL_B)
    settings = make_settings(fake, index_dir=index_dir, state_path=index_dir / "state.sqlite")
    async with running_bot(fake, engine, settings):
        assert "Added 1" in (await upload(fake, GUILD_ID, jsonl(harbour()))).text()
        asked = await fake.user_message(f"what did {PERSON} say?")
        (a_answer,) = await fake.wait_for(lambda: fake.replies_to(asked["id"]), 120, "A's answer")
        assert QUOTE in json.dumps(a_answer), a_answer

        from_b = await fake.user_message("what else did she say?", guild_id=GUILD_B,
                                         channel_id=CHANNEL_B, reference=a_answer)
        (b_reply,) = await fake.wait_for(lambda: fake.replies_to(from_b["id"]), 120, "B's reply")
        assert allowed_mentions_ok(b_reply)
        shown = json.dumps(b_reply)
        assert PERSON not in shown and QUOTE not in shown and "harbour-watch" not in shown, shown

        # The same follow-up in A continues A's conversation (the state is there, for A).
        in_a = await fake.user_message("what else did she say?", reference=a_answer)
        (a_reply,) = await fake.wait_for(lambda: fake.replies_to(in_a["id"]), 120, "A's reply")
        assert PERSON in json.dumps(a_reply), a_reply


async def test_trend_in_b_does_not_count_server_as_articles(
    fake: FakeDiscord, engine: Engine, index_dir: Path
) -> None:
    fake.add_guild(GUILD_B, CHANNEL_B)
    records = [harbour(n, f"2022-0{n + 1}-1{n}") for n in range(3)]
    async with running_bot(fake, engine, make_settings(fake, index_dir=index_dir)):
        assert "Added 3" in (await upload(fake, GUILD_ID, jsonl(*records))).text()
        in_a = await run(fake, "trend", GUILD_ID, query="lighthouse budget foghorns")
        in_b = await run(fake, "trend", GUILD_B, query="lighthouse budget foghorns")
    assert "3 articles match" in in_a.text(), in_a.text()
    assert "3 articles" not in in_b.text() and "2022-01-10" not in in_b.text(), in_b.text()
    assert [m for m in in_a.followups if m.get("attachments")]  # A's chart was drawn


# ----- alerts ------------------------------------------------------------------------------


def posted_in(fake: FakeDiscord, channel: int) -> list[str]:
    return [m.get("content") or "" for m in fake.channel_messages
            if int(m.get("channel_id", 0)) == channel]


async def test_alerts_in_b_never_fire_for_server_as_articles(
    fake: FakeDiscord, engine: Engine, index_dir: Path, site: FeedServer
) -> None:
    """A's own feed publishes an article quoting Wang Wenbin: A's speaker follow fires in
    A's channel; B's follows of the same speaker and of a topic the article is about never
    fire in B."""
    fake.add_guild(GUILD_B, CHANNEL_B)
    site.state["wang"] = []
    FeedStore.for_index(index_dir).add(site.url("news/wang.xml"), owner=str(GUILD_ID),
                                       source="World desk")
    settings = make_settings(fake, index_dir, feeds_allow_hosts=frozenset({"127.0.0.1"}),
                             state_path=index_dir / "bot-state.sqlite")
    async with running_bot(fake, engine, settings) as bot:
        service = bot.feed_service
        assert service is not None
        for guild, options in ((GUILD_ID, {"speaker": "Wang Wenbin"}),
                               (GUILD_B, {"speaker": "Wang Wenbin"}),
                               (GUILD_B, {"topic": "sea lanes"})):
            follow = await run(fake, "follow", guild, permissions=MANAGE_CHANNELS, **options)
            assert "Following" in follow.text(), follow.text()
        await wait_polls(service, service.polls + 1)
        site.state["wang"] = ["wenbin"]
        await wait_polls(service, service.polls + 1)
        await fake.wait_for(lambda: any("quoted in" in c for c in posted_in(fake, CHANNEL_ID)),
                            60, "A's alert")
        await wait_polls(service, service.polls + 1)  # anything else queued is sent by now
    assert posted_in(fake, CHANNEL_B) == []


# ----- DMs and the operator's switch ------------------------------------------------------


async def test_dms_see_the_users_servers_only_when_the_operator_allows_it(
    fake: FakeDiscord, engine: Engine, index_dir: Path
) -> None:
    """User 1001 is a member of server A only; A and B each uploaded an article. Off (the
    default), a DM sees the shared archive only. On, user 1001's DMs also see A's article
    (never B's), and user 1002, who shares no server with the bot, still sees neither."""
    fake.add_guild(GUILD_B, CHANNEL_B, members={1003})
    fake.members[GUILD_ID] = {1001}
    b_record = {**harbour(9), "id": "b-only-article", "source": "Bee Courier"}
    query = "lighthouse budget foghorns"

    def shows(record: InteractionRecord, guild_article: str) -> bool:
        return guild_article in record.text()

    async def dm(user: int, **options: Any) -> InteractionRecord:
        return await fake.answered(await fake.slash("search", guild=False, user_id=user,
                                                    **options), 120)

    async with running_bot(fake, engine, make_settings(fake, index_dir=index_dir)) as bot:
        assert not bot.intents.members  # off by default: no privileged intent asked for
        assert "Added 1" in (await upload(fake, GUILD_ID, jsonl(harbour()))).text()
        assert "Added 1" in (await upload(fake, GUILD_B, jsonl(b_record))).text()
        off = await dm(1001, query=query)
        assert not shows(off, "harbour-watch-0") and not shows(off, "b-only-article"), off.text()

    on = make_settings(fake, index_dir=index_dir, dm_server_articles=True)
    async with running_bot(fake, engine, on) as bot:
        assert bot.intents.members
        await fake.wait_for(lambda: (g := bot.get_guild(GUILD_B)) is not None
                            and g.get_member(1003), 30, "B's members")
        member = await dm(1001, query=query)
        assert shows(member, "harbour-watch-0"), member.text()
        assert not shows(member, "b-only-article"), member.text()
        stranger = await dm(1002, query=query)
        assert not shows(stranger, "harbour-watch-0") and not shows(stranger, "b-only-article")
        # The DM conversation (a message, not a command) sees the same.
        msg = await fake.user_message(f"what did {PERSON} say?", guild=False, mention_bot=False,
                                      channel_id=1001 + 1)
        (reply,) = await fake.wait_for(lambda: fake.replies_to(msg["id"]), 120, "a DM reply")
        assert QUOTE in json.dumps(reply), reply
