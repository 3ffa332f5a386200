"""Input checks and the thread pool in front of the engine."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.core import Core, check_article_id, clean_text, make_filters, parse_date
from index.errors import ArticleNotFoundError, BadQueryError
from tests.bot.helpers import FakeEngine, make_settings


@pytest.mark.parametrize("bad", ["", "   ", "\n\t", "\x00\x01"])
def test_empty_questions_are_refused(bad: str) -> None:
    with pytest.raises(BadQueryError):
        clean_text(bad, "question")


def test_long_questions_are_refused_with_the_limit() -> None:
    with pytest.raises(BadQueryError, match="6,000 characters"):
        clean_text("x" * 6000, "question")


def test_control_characters_are_blanked() -> None:
    assert clean_text("a\x00b\u200bc", "q") == "a b c"


def test_dates() -> None:
    assert parse_date("2022", end=False, what="from") == "2022-01-01"
    assert parse_date("2022", end=True, what="to") == "2022-12-31"
    assert parse_date("2022-02", end=True, what="to") == "2022-02-28"
    assert parse_date("2022-12", end=True, what="to") == "2022-12-31"
    assert parse_date("2022-03-31", end=False, what="from") == "2022-03-31"
    with pytest.raises(BadQueryError, match="not a real date"):
        parse_date("2022-02-30", end=False, what="from")
    with pytest.raises(BadQueryError, match="must be a date"):
        parse_date("last tuesday", end=False, what="from")
    with pytest.raises(BadQueryError, match="after"):
        make_filters("2022-05-01", "2022-04-01")
    assert make_filters() is None
    f = make_filters("2022-03", None, " CNN ")
    assert f is not None and f.date_from == "2022-03-01" and f.source == "CNN"


@pytest.mark.parametrize(
    "bad",
    ["../../etc/passwd", "/etc/passwd", "..\\win.ini", "~root", ".env", "a\x00b", "x" * 201, "a/b"],
)
def test_article_ids_cannot_be_paths(bad: str) -> None:
    with pytest.raises(ArticleNotFoundError):
        check_article_id(bad)


def test_article_id_ok() -> None:
    assert check_article_id(" lavrov_china_2022-03-31 ") == "lavrov_china_2022-03-31"


async def test_engine_calls_run_in_the_pool_and_never_block_the_loop() -> None:
    engine = FakeEngine(delay=0.3)
    core = Core(engine, make_settings(workers=2, max_concurrency=2))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    t = asyncio.create_task(ticker())
    start = time.monotonic()
    await asyncio.gather(*(core.answer("what did Wang Wenbin say?") for _ in range(4)))
    elapsed = time.monotonic() - start
    t.cancel()
    core.close()
    assert all(name.startswith("newsdesk-engine") for name in engine.threads)
    assert engine.peak_active <= 2
    assert 0.55 < elapsed < 1.5
    assert ticks > elapsed / 0.01 * 0.5  # the loop kept running while the engine worked


async def test_core_validates_before_calling_the_engine() -> None:
    engine = FakeEngine()
    core = Core(engine, make_settings())
    with pytest.raises(BadQueryError):
        await core.answer("   ")
    with pytest.raises(BadQueryError):
        await core.search("x", k=11)
    with pytest.raises(ArticleNotFoundError):
        await core.article("../../etc/passwd")
    assert engine.calls == []
    core.close()
