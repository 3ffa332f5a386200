"""End to end through the fake Discord: a channel follows Wang Wenbin, the feed publishes
an article quoting him and one quoting Wang Yi; exactly his quote is posted, once; a
restart repeats nothing; an outage delays alerts instead of losing them; heartbeats keep
coming during a poll of 200 feeds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from index.embedder import Embedder
from index.feeds.models import PollReport
from index.feeds.store import FeedStore
from retrieval.engine import Engine
from tests.bot.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.bot.helpers import allowed_mentions_ok, make_settings, running_bot, wait_polls
from tests.index.feed_server import FeedServer

MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
HIS_WORDS = "China supports every effort to keep the sea lanes open and safe for all nations."
OTHER_WORDS = "Our two countries should deepen cooperation"


@pytest.fixture
def index_dir(seed_copy: Path) -> Path:
    return seed_copy


def alert_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [m for m in fake.channel_messages if int(m.get("channel_id", 0)) == CHANNEL_ID
            and "quoted in" in (m.get("content") or "")]


async def test_speaker_alert_once_and_never_again(fake: FakeDiscord, site: FeedServer,
                                                  index_dir: Path, embedder: Embedder) -> None:
    site.state["wang"] = []
    FeedStore.for_index(index_dir).add(site.url("news/wang.xml"), source="World desk")
    settings = make_settings(fake, index_dir, feeds_allow_hosts=frozenset({"127.0.0.1"}),
                             state_path=index_dir / "bot-state.sqlite")
    engine = Engine.open(index_dir, embedder)
    async with running_bot(fake, engine, settings) as bot:
        service = bot.feed_service
        assert service is not None
        record = await fake.slash("follow", speaker="Wang Wenbin", permissions=MANAGE_CHANNELS)
        await fake.answered(record)
        assert "Following" in record.text() and "Wang Wenbin" in record.text()
        await wait_polls(service, service.polls + 1)
        assert alert_messages(fake) == []
        site.state["wang"] = ["wenbin", "wangyi"]
        await wait_polls(service, service.polls + 1)  # one poll interval
        posted = alert_messages(fake)
        assert len(posted) == 1, posted
        content = posted[0]["content"]
        posted_id = next(a for a in (service.last_report.article_ids if service.last_report else ())
                         if "wenbin" in a)
        assert HIS_WORDS in content.replace("\\", "") and OTHER_WORDS not in content
        assert f"`{posted_id}`" in content  # the citation: the article id
        sent = [o.payload for o in fake.outgoing if o.kind == "message"]
        assert len(sent) == 1 and allowed_mentions_ok(sent[0])
        report = service.last_report
        assert report is not None and len(report.article_ids) == 2
        owners = report.owners
    # A restart: the same articles matched again (as after a crash mid-poll) post nothing.
    engine = Engine.open(index_dir, embedder)
    async with running_bot(fake, engine, settings) as bot:
        service = bot.feed_service
        assert service is not None
        await service._alert(PollReport(owners=owners))
        await wait_polls(service, service.polls + 1)
        assert len(alert_messages(fake)) == 1


async def test_outage_delays_alerts(fake: FakeDiscord, site: FeedServer, index_dir: Path,
                                    embedder: Embedder) -> None:
    site.state["wang"] = []
    FeedStore.for_index(index_dir).add(site.url("news/wang.xml"))
    settings = make_settings(fake, index_dir, feeds_allow_hosts=frozenset({"127.0.0.1"}),
                             state_path=index_dir / "bot-state.sqlite")
    engine = Engine.open(index_dir, embedder)
    async with running_bot(fake, engine, settings) as bot:
        service = bot.feed_service
        assert service is not None
        record = await fake.slash("follow", speaker="Wang Wenbin", permissions=MANAGE_CHANNELS)
        await fake.answered(record)

        def outage(request: web.Request) -> web.Response | None:
            if request.method == "POST" and request.path.endswith(f"/channels/{CHANNEL_ID}/messages"):
                return web.json_response({"message": "Service Unavailable", "code": 0}, status=503)
            return None

        fake.rest_fault = outage
        site.state["wang"] = ["wenbin"]
        await wait_polls(service, service.polls + 1)
        assert alert_messages(fake) == []
        assert service.follows.queued_count() == 1
        fake.rest_fault = None
        await service.deliver()
        assert len(alert_messages(fake)) == 1
        assert service.follows.queued_count() == 0


async def test_heartbeats_keep_coming_during_a_poll_of_200_feeds(
        fake: FakeDiscord, site: FeedServer, index_dir: Path, embedder: Embedder) -> None:
    store = FeedStore.for_index(index_dir)
    for n in range(200):
        store.add(site.url(f"f/{n}.xml"))
    site.state["per_feed"] = 1
    settings = make_settings(fake, index_dir, feeds_allow_hosts=frozenset({"127.0.0.1"}),
                             state_path=index_dir / "bot-state.sqlite")
    engine = Engine.open(index_dir, embedder)
    async with running_bot(fake, engine, settings) as bot:
        service = bot.feed_service
        assert service is not None
        beats_before = len(fake.heartbeats)
        started = time.monotonic()
        await wait_polls(service, 1, timeout=300)
        elapsed = time.monotonic() - started
        beats = len(fake.heartbeats) - beats_before
        report = service.last_report
        assert report is not None and len(report.outcomes) == 200
        assert all(o.status == "ok" for o in report.outcomes)
        assert len(report.article_ids) == 200
        # The loop stayed free: heartbeats kept their rhythm while the poll ran (at least
        # half the beats the interval allows; a blocked loop sends none).
        assert beats >= max(2, int(elapsed / fake.heartbeat_interval) // 2), (beats, elapsed)


async def test_feeds_commands_in_discord(fake: FakeDiscord, site: FeedServer, index_dir: Path,
                                         embedder: Embedder) -> None:
    settings = make_settings(fake, index_dir, feeds_allow_hosts=frozenset({"127.0.0.1"}),
                             state_path=index_dir / "bot-state.sqlite")
    engine = Engine.open(index_dir, embedder)
    async with running_bot(fake, engine, settings) as bot:
        assert bot.feed_service is not None
        denied = await fake.slash("feeds", subcommand="add", url=site.url("atom.xml"))
        await fake.answered(denied)
        assert "Manage Server" in denied.text() or "permission" in denied.text().lower()
        assert FeedStore.for_index(index_dir).feeds() == []
        refused = await fake.slash("feeds", subcommand="add", url="http://169.254.169.254/feed",
                                   permissions=MANAGE_GUILD)
        await fake.answered(refused)
        assert "private or reserved" in refused.text()
        added = await fake.slash("feeds", subcommand="add", url=site.url("atom.xml"),
                                 source="Alder *bold*", permissions=MANAGE_GUILD)
        await fake.answered(added)
        assert "Added feed #1" in added.text()
        feeds = FeedStore.for_index(index_dir).feeds()
        assert [(f.owner, f.source) for f in feeds] == [(str(GUILD_ID), "Alder *bold*")]
        listed = await fake.slash("feeds", subcommand="list", permissions=MANAGE_GUILD)
        await fake.answered(listed)
        assert site.url("atom.xml") in listed.text()
        removed = await fake.slash("feeds", subcommand="remove", feed=1, permissions=MANAGE_GUILD)
        await fake.answered(removed)
        assert "Removed feed #1" in removed.text()


async def test_follow_commands_keep_their_permission_rules(
        fake: FakeDiscord, index_dir: Path, embedder: Embedder) -> None:
    """From the registry (bot/commands/follows.py): a channel follow needs Manage
    Channels, a personal one does not; /following shows only one's own personal follows;
    /unfollow of another's personal follow is refused; DMs are refused."""
    settings = make_settings(fake, index_dir, state_path=index_dir / "bot-state.sqlite")
    engine = Engine.open(index_dir, embedder)
    async with running_bot(fake, engine, settings) as bot:
        assert bot.feed_service is not None
        store = bot.feed_service.follows
        denied = await fake.answered(await fake.slash("follow", topic="ferry strike"))
        assert "Manage Channels" in denied.text() and store.follows(str(GUILD_ID)) == []
        assert denied.messages[-1].get("flags", 0) & 64  # only the asker sees it
        mine = await fake.answered(await fake.slash("follow", topic="ferry strike",
                                                    personal=True))
        assert "Following: #1: news on **ferry strike** → your DMs" in mine.text()
        channel = await fake.answered(await fake.slash("follow", speaker="Wang Wenbin",
                                                       permissions=MANAGE_CHANNELS))
        assert f"quotes by **Wang Wenbin** → <#{CHANNEL_ID}>" in channel.text()
        neither = await fake.answered(await fake.slash("follow", permissions=MANAGE_CHANNELS))
        assert "Give either speaker: or topic:" in neither.text()
        others = await fake.answered(await fake.slash("following", user_id=2002))
        assert "#2" in others.text() and "ferry strike" not in others.text()
        stolen = await fake.answered(await fake.slash("unfollow", follow=1, user_id=2002,
                                                      permissions=MANAGE_CHANNELS))
        assert "You have no follow #1 here" in stolen.text()
        gone = await fake.answered(await fake.slash("unfollow", follow=1))
        assert "Stopped: #1" in gone.text()
        assert [f.id for f in store.follows(str(GUILD_ID))] == [2]
        dm = await fake.answered(await fake.slash("following", guild=False))
        assert "server" in dm.text().lower() and "#2" not in dm.text()
        carrying = [o.message_data() or {} for o in fake.outgoing if o.message_data()]
        assert carrying and all(allowed_mentions_ok(m) for m in carrying)
