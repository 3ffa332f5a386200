"""`newsdesk eval conversation`'s scoring, on dialogues over the seed index (no ../shared)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from retrieval.conversation import Understood, Vocabulary
from retrieval.engine import Engine
from retrieval.eval_conversation import (
    DEFAULT_DIALOGUES,
    collect_articles,
    expected_of,
    judge,
    load_dialogues,
    report,
    run_dialogues,
)
from retrieval.models import Filters

VOCAB = Vocabulary(latest="2022-04-08")


def test_expected_question_is_compared_by_meaning() -> None:
    e = expected_of({"message": "and in March?",
                     "expect": {"question": "what did Lavrov say in March 2022?"}}, VOCAB)
    assert (e.speaker, e.date_from, e.date_to) == ("Lavrov", "2022-03-01", "2022-03-31")
    same = Understood("ask", "and in March?", "what did Sergei Lavrov say in March 2022?",
                      Filters("2022-03-01", "2022-03-31"), "Sergei Lavrov", None, True)
    assert judge(same, e)
    other_month = Understood("ask", "x", "q", Filters("2022-02-01", "2022-02-28"),
                             "Sergei Lavrov", None, True)
    assert not judge(other_month, e)


def test_a_carried_new_question_is_a_false_carry() -> None:
    e = expected_of({"message": "who visited China?", "expect": {"new": True}}, VOCAB)
    assert judge(Understood("ask", "who visited China?", "who visited China?"), e)
    assert not judge(Understood("ask", "who visited China?", "x", carried=True), e)


def test_scores_over_the_seed_index(seed_engine: Engine) -> None:
    dialogues = [
        {"id": "a", "turns": [
            {"message": "what did Wang Wenbin say?"},
            {"message": "what else did he say about hegemony?",
             "expect": {"question": "what did Wang Wenbin say about hegemony?"}},
            {"message": "when was that?", "expect": {"action": "where", "marker": 1}},
            {"message": "who visited China?", "expect": {"new": True}},
            {"message": "and in 2023?", "expect": {"question": "who visited China in 2022?"}},
        ]},
    ]
    out = report(asyncio.run(run_dialogues(seed_engine, dialogues)))
    assert out["followups"] == 3 and out["topic_changes"] == 1
    assert out["resolution"] == 0.667  # the last expectation is wrong on purpose
    assert out["false_carry_rate"] == 0.0
    assert out["answer_right"] == 1.0
    assert [f["message"] for f in out["failures"]] == ["and in 2023?"]


def test_the_committed_dialogues_hold_no_article_text() -> None:
    dialogues = load_dialogues(DEFAULT_DIALOGUES)
    assert len(dialogues) >= 60
    for d in dialogues:
        assert set(d) <= {"id", "articles", "turns"}
        assert len(d["turns"]) >= 2
        for turn in d["turns"]:
            assert set(turn) <= {"message", "pattern", "expect"} and len(turn["message"]) < 200


def test_unknown_article_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown article folder"):
        collect_articles([{"id": "x", "articles": ["cnn:1"]}], tmp_path)
    with pytest.raises(FileNotFoundError):
        collect_articles([{"id": "x", "articles": ["bbc:1"]}], tmp_path)
    (tmp_path / "bbc").mkdir()
    (tmp_path / "bbc" / "articles.jsonl").write_text(json.dumps({"id": "2", "text": "t"}) + "\n")
    with pytest.raises(ValueError, match="not found"):
        collect_articles([{"id": "x", "articles": ["bbc:1"]}], tmp_path)
