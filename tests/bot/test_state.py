"""The bot's small persistent state: answers behind buttons, and votes."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.state import KEEP_DAYS, AnswerMemory
from retrieval.models import Answer, Citation, Filters

ANSWER = Answer(
    question="what did Wang Wenbin say?",
    text="“China-Russia cooperation has no limits” [1]",
    citations=(
        Citation(1, "seed", "T", "2022-03-31", "S", None, "China-Russia cooperation", 10, 34, 6,
                 passage_id=3, highlights=((10, 20), (22, 34))),
    ),
    kind="quotes",
    candidates=("Wang Wenbin",),
    speaker="Wang Wenbin",
    filters=Filters("2022-01-01", None, "S", ("seed", "other")),
)


def test_answers_round_trip_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    memory = AnswerMemory(path)
    key = memory.remember(ANSWER)
    assert len(key) == 16 and memory.recall(key) == ANSWER
    memory.close()
    again = AnswerMemory(path)
    assert again.recall(key) == ANSWER
    assert again.recall("0" * 16) is None
    again.close()


def test_one_vote_per_user_and_answer() -> None:
    memory = AnswerMemory()
    key = memory.remember(ANSWER)
    assert memory.add_vote(key, "u1")
    assert not memory.add_vote(key, "u1")
    assert memory.add_vote(key, "u2")


def test_old_answers_are_pruned_at_start(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    memory = AnswerMemory(path)
    old, new = memory.remember(ANSWER), memory.remember(ANSWER)
    memory.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE answers SET created = ? WHERE key = ?",
                     (time.time() - (KEEP_DAYS + 1) * 86400, old))
    reopened = AnswerMemory(path)
    assert reopened.recall(old) is None and reopened.recall(new) == ANSWER


def test_an_unusable_path_falls_back_to_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    memory = AnswerMemory(blocker / "state.sqlite")
    assert "will not survive a restart" in caplog.text
    assert memory.recall(memory.remember(ANSWER)) == ANSWER
