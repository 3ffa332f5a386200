"""Ranking as of now: once the index has feeds, questions pass today's date as as_of;
a static archive passes nothing (relative dates count back from its newest article)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bot import core as core_module
from bot.core import Core
from index.feeds.store import FeedStore
from retrieval.models import Answer
from tests.bot.helpers import FakeEngine, make_settings


class DatedEngine(FakeEngine):
    def __init__(self) -> None:
        super().__init__()
        self.as_of: list[Any] = []

    def answer(self, question: str, filters: Any = None, **kwargs: Any) -> Answer:
        self.as_of.append(kwargs.get("as_of"))
        return super().answer(question, filters)


async def test_as_of_only_once_the_archive_is_live(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(core_module, "LIVE_RECHECK_SECONDS", 0.0)
    engine = DatedEngine()
    core = Core(engine, make_settings(None, tmp_path))
    try:
        await core.answer("what did Wang Wenbin say?")
        FeedStore.for_index(tmp_path).add("https://example.org/rss.xml")
        await core.answer("what did Wang Wenbin say?")
    finally:
        core.close()
    assert engine.as_of == [None, dt.date.today().isoformat()]
