"""Input checks and the thread pool in front of the engine."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.core import Core, check_article_id, clean_text, make_filters
from index.backend import OPERATOR_SCOPE, Scope
from index.errors import ArticleNotFoundError, BadQueryError
from retrieval.models import Answer, Filters
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


def test_filters_use_the_toolkit_date_bounds() -> None:
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


class GatedEngine(FakeEngine):
    """Answers block until the test opens the gate: what runs at once is counted, not timed."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.inside = 0
        self.most_inside = 0
        self._count = threading.Lock()

    def answer(self, question: str, filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE,
               background: str = "") -> Answer:
        with self._count:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        try:
            assert self.gate.wait(30), "the test never opened the gate"
            return super().answer(question, filters)
        finally:
            with self._count:
                self.inside -= 1


async def test_engine_calls_run_in_the_pool_and_never_block_the_loop() -> None:
    engine = GatedEngine()
    core = Core(engine, make_settings(workers=2, max_concurrency=2, max_waiting=10))
    calls = asyncio.gather(*(core.answer("what did Wang Wenbin say?") for _ in range(4)))
    # Two calls are blocked inside the engine, yet this coroutine keeps running: the event
    # loop is free. The other two wait for a slot (max_concurrency=2).
    for _ in range(6000):  # a bound for a broken pool, not a timing assertion
        if engine.inside == 2:
            break
        await asyncio.sleep(0.005)
    for _ in range(20):  # more turns of the loop: still two inside, never a third
        await asyncio.sleep(0.005)
    assert engine.inside == 2 and core.limiter.waiting == 2
    engine.gate.set()
    answers = await calls
    core.close()
    assert len(answers) == 4 and engine.most_inside == 2
    assert all(name.startswith("newsdesk-engine") for name in engine.threads)


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
