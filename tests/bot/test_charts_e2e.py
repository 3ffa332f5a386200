"""End to end: /trend, /timeline and /compare through the real bot and the real engine
against the fake Discord, which reads and checks the multipart upload; and the same
charts in the terminal session and the `newsdesk` command line."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image

from bot.charts import SIZE_PX
from bot.cli import main
from bot.core import Core
from bot.terminal import TerminalSession
from index.embedder import Embedder
from retrieval.engine import Engine
from retrieval.models import Filters
from tests.bot.fake_discord import FakeDiscord, InteractionRecord
from tests.bot.helpers import allowed_mentions_ok, make_settings, running_bot
from tests.retrieval.trend_corpus import trend_index  # noqa: F401

pytestmark = pytest.mark.timeout(300)
EPHEMERAL = 64


@pytest.fixture(scope="module")
def engine(trend_index: Path, embedder: Embedder) -> Engine:  # noqa: F811
    return Engine.open(trend_index, embedder)


def the_upload(fake: FakeDiscord,
               rec: InteractionRecord) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """The one follow-up, its one attachment, and the bytes Discord received."""
    (message,) = rec.followups
    (attachment,) = message["attachments"]
    data = fake.attachments[int(attachment["id"])]
    return message, attachment, data


async def test_trend_posts_one_png_shown_in_the_embed(fake: FakeDiscord, engine: Engine) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        rec = await fake.answered(await fake.slash("trend", query="ferry strike"))
        assert rec.callbacks[0]["type"] == 5  # deferred first
        message, attachment, data = the_upload(fake, rec)
        assert attachment["filename"] == "trend.png" and attachment["size"] == len(data)
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == SIZE_PX
        (embed,) = message["embeds"]
        assert embed["image"]["url"] == "attachment://trend.png"
        chart = engine.trend("ferry strike")
        assert chart.summary.split(";")[0] in embed["description"]
        assert attachment["description"].startswith(chart.title)  # alt text for screen readers
        assert len(embed["fields"]) == len(chart.items) >= 1
        (upload,) = [o for o in fake.outgoing if o.kind == "followup"]
        assert allowed_mentions_ok(upload.payload)

        dated = await fake.answered(await fake.slash(
            "trend", query="ferry strike", raw_options={"from": "2022-03", "to": "2022-03",
                                                       "by": "day"}))
        _, _, png = the_upload(fake, dated)
        assert Image.open(io.BytesIO(png)).size == SIZE_PX
        day_chart = engine.trend("ferry strike", Filters("2022-03-01", "2022-03-31"), "day")
        assert day_chart.summary.split(";")[0] in dated.followups[0]["embeds"][0]["description"]


async def test_timeline_and_compare_keep_namesakes_apart(fake: FakeDiscord, engine: Engine) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        auto = await fake.answered(
            await fake.slash("timeline", speaker="Wang W", autocomplete="speaker"))
        assert [c["value"] for c in auto.callbacks[0]["data"]["choices"]] == ["Wang Wenbin"]
        rec = await fake.answered(await fake.slash("timeline", speaker="Wang Wenbin"))
        message, attachment, data = the_upload(fake, rec)
        assert attachment["filename"] == "timeline.png"
        assert message["embeds"][0]["image"]["url"] == "attachment://timeline.png"
        assert "4 statements" in rec.text() and "The door to dialogue remains open" in rec.text()
        assert "withstood" not in rec.text() and "Wang Yi" not in rec.text()
        assert Image.open(io.BytesIO(data)).size == SIZE_PX

        both = await fake.answered(await fake.slash("timeline", speaker="Wang"))
        assert "matches 2 people" in both.text()
        assert "Wang Wenbin 4" in both.text() and "Wang Yi 2" in both.text()

        compared = await fake.answered(
            await fake.slash("compare", first="Wang Wenbin", second="Wang Yi"))
        _, attachment, _ = the_upload(fake, compared)
        assert attachment["filename"] == "compare.png"
        assert "Wang Wenbin 4, Wang Yi 2 statements" in compared.text()


async def test_bad_chart_input_gets_a_clear_message_and_no_upload(
    fake: FakeDiscord, engine: Engine
) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        for options in ({"query": "ferry", "from": "March"},
                        {"query": "ferry", "from": "2000", "to": "2022", "by": "day"}):
            rec = await fake.answered(await fake.slash("trend", raw_options=options))
            assert rec.messages[-1].get("flags", 0) & EPHEMERAL
            assert "Sorry, something went wrong" not in rec.text()
            assert all(not m.get("attachments") for m in rec.followups)
        ambiguous = await fake.answered(await fake.slash(
            "compare", first="Wang", second="Wang Yi", of="speakers"))
        assert "Wang Wenbin" in ambiguous.text() and "Pick one" in ambiguous.text()


async def test_the_fake_refuses_an_upload_discord_would_refuse(fake: FakeDiscord,
                                                               engine: Engine) -> None:
    """A files[n] part not declared in payload_json is a 400 with code 50035, as on Discord."""
    async with running_bot(fake, engine, make_settings(fake)):
        rec = await fake.slash("trend", query="ferry strike")
        form = aiohttp.FormData()
        form.add_field("payload_json", json.dumps({"content": "x", "attachments": []}),
                       content_type="application/json")
        form.add_field("files[0]", b"\x89PNG", filename="chart.png", content_type="image/png")
        url = f"{fake.api_base}/webhooks/1/{rec.token}"
        async with aiohttp.ClientSession() as http, http.post(url, data=form) as resp:
            assert resp.status == 400
            body = await resp.json()
        assert body["code"] == 50035 and "not declared" in body["errors"][0]
        assert rec.followups == []


async def test_terminal_writes_the_png_and_prints_path_and_summary(
    engine: Engine, tmp_path: Path
) -> None:
    out: list[str] = []
    core = Core(engine, make_settings())
    term = TerminalSession(core, out.append)
    target = tmp_path / "strike.png"
    await term.handle(f"/trend ferry strike by: week png: {target}")
    text = "".join(out)
    assert f"Chart written to {target}" in text
    assert engine.trend("ferry strike").summary in text
    assert Image.open(target).size == SIZE_PX
    out.clear()
    await term.handle(f"/compare Wang Wenbin, Wang Yi png: {tmp_path / 'c.png'}")
    assert "Wang Wenbin 4, Wang Yi 2 statements" in "".join(out)
    out.clear()
    await term.handle("/trend ferry strike png: /proc/nope/x.png")
    assert "error: Could not write the chart" in "".join(out)
    core.close()


def test_cli_json_carries_the_counts_and_the_png_is_written(
    engine: Engine, trend_index: Path, tmp_path: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    png = tmp_path / "t.png"
    assert main(["trend", "ferry strike", "--index", str(trend_index), "--png", str(png),
                 "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    chart = engine.trend("ferry strike")
    assert record["periods"] == list(chart.periods)
    assert [s["counts"] for s in record["series"]] == [list(s.counts) for s in chart.series]
    assert record["png"] == str(png) and Image.open(png).size == SIZE_PX
    assert main(["timeline", "Wang Yi", "--index", str(trend_index)]) == 0
    text = capsys.readouterr().out
    assert "Wang Yi: 2 statements" in text and "Wenbin" not in text
    assert main(["trend", "ferry", "--index", str(trend_index), "--from", "2022-13-01"]) == 1
    assert "not a real date" in capsys.readouterr().err  # the one date parser (index/text/dates.py)
