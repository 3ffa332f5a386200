"""`newsdesk search` / `newsdesk ask` on the seed index: text, JSON, stdin JSONL, errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json(seed_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["search", "Lavrov China", "--index", str(seed_index), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    hit = data["hits"][0]
    assert data["query"] == "Lavrov China"
    assert {"article_id", "passage_id", "score", "text", "start", "end", "title", "date",
            "source"} <= hit.keys()
    assert hit["date"] == "2022-03-31"


def test_search_text_is_plain_when_not_a_tty(seed_index: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["search", "Lavrov", "--index", str(seed_index), "-k", "2"], capsys)
    assert code == 0 and "1." in out and "\033[" not in out


def test_ask_stdin_jsonl(seed_index: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    lines = "What did Wang Wenbin say?\n\n\"\nHas Beijing condemned the invasion?\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    code, out, _ = _run(["ask", "-", "--index", str(seed_index)], capsys)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3  # the blank line is skipped
    assert records[0]["kind"] == "quotes" and records[0]["citations"]
    c = records[0]["citations"][0]
    assert {"article_id", "text", "start", "end"} <= c.keys()
    assert "error" in records[1] and records[1]["question"] == '"'
    assert records[2]["answer"]


def test_search_stdin_jsonl(seed_index: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Lavrov\n" + "x" * 6000 + "\n"))
    code, out, _ = _run(["search", "-", "--index", str(seed_index)], capsys)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and records[0]["hits"] and "too long" in records[1]["error"]


@pytest.mark.parametrize("argv", [
    ["search", "   "],
    ["ask", "@everyone"],
    ["search", "Lavrov", "--from", "yesterday"],
])
def test_bad_input_is_a_message(seed_index: Path, capsys: pytest.CaptureFixture[str],
                                argv: list[str]) -> None:
    code, out, err = _run([*argv, "--index", str(seed_index)], capsys)
    assert code == 1 and err.startswith("error: ") and "Traceback" not in err


def test_missing_index_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["ask", "anything", "--index", str(tmp_path / "none")], capsys)
    assert code == 1 and "No index" in err
