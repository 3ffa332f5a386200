"""`newsdesk search` / `newsdesk ask` on the seed index: text, JSON, stdin JSONL, errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

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


def test_search_dates_accept_the_bot_forms(seed_index: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`--from 2022-03` means what `/search from: 2022-03` means (one date parser)."""
    code, out, _ = _run(["search", "Lavrov", "--index", str(seed_index), "--json",
                         "--from", "2022-03", "--to", "2022"], capsys)
    dates = [h["date"] for h in json.loads(out)["hits"]]
    assert code == 0 and "2022-03-31" in dates and all("2022-03-01" <= d <= "2022-12-31" for d in dates)
    code, out, _ = _run(["search", "Lavrov", "--index", str(seed_index), "--json",
                         "--from", "2022-04"], capsys)
    assert code == 0
    dates = [h["date"] for h in json.loads(out)["hits"]]
    assert dates and all(d >= "2022-04-01" for d in dates)  # not the 2022-03-31 seed article
    code, _, err = _run(["search", "Lavrov", "--index", str(seed_index), "--from", "2022-02-30"],
                        capsys)
    assert code == 1 and "not a real date" in err


def test_quotes_about_ranks_like_the_bot(seed_index: Path, capsys: pytest.CaptureFixture[str],
                                         seed_engine: Any) -> None:
    """`newsdesk quotes --about` goes through Engine.quotes, as /quotes about: does."""
    code, out, _ = _run(["quotes", "Wang Wenbin", "--about", "hegemony", "--index",
                         str(seed_index), "--json"], capsys)
    assert code == 0
    cli = [q["text"] for q in json.loads(out)["quotes"]]
    assert cli and cli == [q.text for q in seed_engine.quotes("Wang Wenbin", "hegemony").quotes]
    # Nothing on the topic: the person is named, with what else they said.
    code, out, _ = _run(["quotes", "Wang Wenbin", "--about", "cricket", "--index",
                         str(seed_index)], capsys)
    assert code == 0 and out.startswith("No quotes by Wang Wenbin about “cricket” in the "
                                        "index; 3 on other topics (leave out --about")
    code, out, _ = _run(["quotes", "Wang Wenbin", "--about", "cricket", "--index",
                         str(seed_index), "--json"], capsys)
    record = json.loads(out)
    assert record["quotes"] == [] and len(record["other_topics"]) == 3
    code, out, _ = _run(["quotes", "Wang Wenbin", "--from", "2023-01-01", "--index",
                         str(seed_index)], capsys)
    assert out.startswith("Wang Wenbin is quoted in the index, but not in those dates.")
