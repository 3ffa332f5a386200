"""`newsdesk chat` on the seed index: JSON lines in and out, one state per conversation id."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main


def chat(lines: list[object], seed_index: Path, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["chat", "--index", str(seed_index)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_chat_keeps_each_conversation_apart(seed_index: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = chat([
        {"conversation": "a", "message": "what did Wang Wenbin say?"},
        {"conversation": "b", "message": "what did Sergei Lavrov say?"},
        {"conversation": "a", "message": "what else did he say about hegemony?"},
        {"conversation": "b", "message": "and Wang Yi?"},
        {"conversation": "c", "message": "what else did he say?"},
        "not json",
        {"conversation": "a", "message": "when was that?"},
    ], seed_index, capsys, monkeypatch)
    assert len(out) == 7
    first, _, hegemony, wang_yi, nobody, bad, when = out
    assert first["understood_as"] == first["message"] == "what did Wang Wenbin say?"
    answer = first["answer"]
    assert isinstance(answer, dict) and answer["kind"] == "quotes"
    assert {"question", "answer", "kind", "speaker", "citations", "filters"} <= answer.keys()
    assert hegemony["understood_as"] == "what did Wang Wenbin say about hegemony?"
    assert "hegemony" in json.dumps(hegemony["answer"])
    assert wang_yi["understood_as"] == "what did Wang Yi say?"  # b's speaker, not a's topic
    assert nobody["answer"] is None and nobody["understood_as"] is None
    assert "who" in str(nobody["missing"])
    assert "error" in bad
    assert "2022-03-31" in json.dumps(when["answer"])


def test_more_after_no_close_match_pages_through_the_rest(
        seed_index: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Elena Marsh said nothing about cricket: the answer shows her 3 closest statements of
    5, "more" the other 2 (not the 11th onwards, as after a page of 10 on-topic quotes)."""
    first, more, again = chat([
        {"conversation": "m", "message": "what did Elena Marsh say about cricket?"},
        {"conversation": "m", "message": "more"},
        {"conversation": "m", "message": "more"},
    ], seed_index, capsys, monkeypatch)
    shown = first["answer"]
    assert isinstance(shown, dict) and shown["kind"] == "quotes"
    assert str(shown["answer"]).startswith(
        "No close match for “cricket” among Elena Marsh's 5 statements; the 3 closest:")
    page = more["answer"]
    assert isinstance(page, dict)
    assert str(page["answer"]).startswith(
        "Elena Marsh (4-5 of 5, closest to “cricket” first):")
    assert len(page["citations"]) == 2
    first_ids = {(c["article_id"], c["start"]) for c in shown["citations"]}
    assert not first_ids & {(c["article_id"], c["start"]) for c in page["citations"]}
    assert "No more quotes: all 5 were shown." in json.dumps(again["answer"])
