"""Each server its own news (issue 15), end to end: the real bot and the real Engine on a
copy of the seed index, two servers in the fake Discord. Server A's /ingest upload is
seen in server A only; server B's /ask, /search, /quotes (and its autocomplete) and
/article never show it; both see the shared (operator) corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from retrieval.engine import Engine
from tests.bot.fake_discord import GUILD_ID, FakeDiscord, InteractionRecord
from tests.bot.helpers import make_settings, running_bot

pytestmark = pytest.mark.timeout(300)

GUILD_B = 900000000000000777  # a second server the bot is in
ARTICLE_ID = "harbour-watch-2022-04-02"
PERSON = "Ottoline Brackenridge"  # made up: no article of the seed corpus quotes her
QUOTE = "the lighthouse budget was spent on gold-plated foghorns"
WENBIN = "China-Russia cooperation has no limits"


def upload_body() -> bytes:
    record = {
        "id": ARTICLE_ID,
        "title": "Harbour council row over lighthouse spending",
        "date": "2022-04-02",
        "source": "Harbour Watch",
        "text": (
            f'The harbour councillor {PERSON} said "{QUOTE}" at a meeting on Saturday.\n\n'
            f"{PERSON} told reporters the lighthouse accounts would be published in May."
        ),
    }
    return (json.dumps(record) + "\n").encode()


def shows_upload(record: InteractionRecord) -> bool:
    """Any of the upload's words, its id or its source (the person's name alone is in the
    question B asks, so it is not evidence)."""
    text = record.text()
    return any(s in text for s in (QUOTE, ARTICLE_ID, "lighthouse accounts", "Harbour Watch"))


def articles(record: InteractionRecord) -> int:
    """The Articles field of a /stats reply."""
    fields = [f for e in record.embeds() for f in e.get("fields", [])]
    return int(next(f["value"] for f in fields if f["name"] == "Articles").replace(",", ""))


async def test_a_servers_upload_is_seen_in_that_server_only(
    fake: FakeDiscord, seed_index: Path, embedder: object, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    engine = Engine.open(index_dir, embedder)  # type: ignore[arg-type]

    async def run(name: str, guild: int, **options: Any) -> InteractionRecord:
        return await fake.answered(await fake.slash(name, guild_id=guild, **options), 120)

    async with running_bot(fake, engine, make_settings(fake, index_dir=index_dir)):
        upload = fake.add_attachment("harbour.jsonl", upload_body())
        done = await run("ingest", GUILD_ID, file=upload["id"], attachments=[upload],
                         permissions=1 << 5)
        assert "Added 1" in done.text(), done.text()

        question = f"what did {PERSON} say?"
        # Server A: its own upload answers, searches, quotes and opens.
        a_ask = await run("ask", GUILD_ID, question=question)
        assert QUOTE in a_ask.text(), a_ask.text()
        assert ARTICLE_ID in (await run("search", GUILD_ID, query="lighthouse budget foghorns")).text()
        assert QUOTE in (await run("quotes", GUILD_ID, speaker=PERSON)).text()
        assert QUOTE in (await run("article", GUILD_ID, id=ARTICLE_ID)).text()
        a_auto = await run("quotes", GUILD_ID, speaker="Ottoline", autocomplete="speaker")
        assert PERSON in [c["name"] for c in a_auto.callbacks[0]["data"]["choices"]]

        # Server B: none of it, on any path.
        b_ask = await run("ask", GUILD_B, question=question)
        b_search = await run("search", GUILD_B, query="lighthouse budget foghorns")
        b_quotes = await run("quotes", GUILD_B, speaker=PERSON)
        b_auto = await run("quotes", GUILD_B, speaker="Ottoline", autocomplete="speaker")
        for record in (b_ask, b_search, b_quotes, b_auto):
            assert not shows_upload(record), record.text()
        assert b_auto.callbacks[0]["data"]["choices"] == []
        # /article with A's id reads exactly as an id that does not exist.
        b_article = await run("article", GUILD_B, id=ARTICLE_ID)
        missing = await run("article", GUILD_B, id="no-such-article-2022")
        assert QUOTE not in b_article.text()
        assert b_article.text().replace(ARTICLE_ID, "ID") == missing.text().replace(
            "no-such-article-2022", "ID"), (b_article.text(), missing.text())

        # A DM belongs to no server: the shared archive only.
        dm = await fake.answered(await fake.slash("search", guild=False,
                                                  query="lighthouse budget foghorns"), 120)
        assert dm.callbacks or dm.followups
        assert not shows_upload(dm), dm.text()

        # /stats: the shared archive plus the server's own additions; the buttons of A's
        # answer open A's article in A.
        a_stats, b_stats = await run("stats", GUILD_ID), await run("stats", GUILD_B)
        assert articles(a_stats) == articles(b_stats) + 1
        assert "Harbour Watch" in a_stats.text() and "Harbour Watch" not in b_stats.text()
        (a_answer,) = a_ask.followups
        assert QUOTE in (await fake.answered(
            await fake.click(a_answer, "More context"))).text()
        assert ARTICLE_ID in (await fake.answered(await fake.click(a_answer, "Sources"))).text()

        # Both servers see the shared corpus.
        for guild in (GUILD_ID, GUILD_B):
            shared = await run("ask", guild, question="what did Wang Wenbin say?")
            assert WENBIN in shared.text(), shared.text()
