"""The terminal session demonstrates the live loop: add a feed on 127.0.0.1, follow a
speaker, and the alert prints; the new article is answerable at once."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core import Core
from bot.terminal import TerminalSession
from index.embedder import Embedder
from retrieval.engine import Engine
from tests.bot.helpers import make_settings
from tests.index.feed_server import FeedServer

HIS_WORDS = "China supports every effort to keep the sea lanes open and safe for all nations."


async def test_terminal_feed_follow_alert(tmp_path: Path, seed_index: Path, site: FeedServer,
                                          embedder: Embedder) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    settings = make_settings(None, index_dir, feeds_allow_hosts=frozenset({"127.0.0.1"}))
    core = Core(Engine.open(index_dir, embedder), settings)
    out: list[str] = []
    session = TerminalSession(core, out.append)
    await session.live.start()
    try:
        site.state["wang"] = []
        await session.handle(f"/feeds add {site.url('news/wang.xml')} source: World desk")
        assert "Added feed #1" in "".join(out)
        await session.handle("/follow speaker: Wang Wenbin")
        await session.handle("/follow topic: harbour bridge reopened after repairs")
        await session.handle("/following")
        assert "quotes by Wang Wenbin" in "".join(out)
        out.clear()
        site.state["wang"] = ["wenbin", "wangyi", "harbour"]
        await session.handle("/feeds check")
        text = "".join(out)
        assert "3 added" in text, text
        alerts = text.split("\n[alert] ")[1:]
        quoted = [a for a in alerts if "quoted in" in a]
        assert len(quoted) == 1 and HIS_WORDS in quoted[0] and "Wang Yi" not in quoted[0]
        topical = [a for a in alerts if a.startswith("📰")]
        assert len(topical) == 1 and "Harbour bridge reopens after repairs" in topical[0]
        assert len(alerts) == 2
        out.clear()
        await session.handle("/feeds")
        assert "3 article(s) added" in "".join(out)
        out.clear()
        await session.handle("/ask what did Wang Wenbin say about the sea lanes?")
        assert HIS_WORDS in "".join(out)
        out.clear()
        await session.handle("/unfollow 1")
        assert "Stopped" in "".join(out)
    finally:
        await session.live.stop()
        core.close()
