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
