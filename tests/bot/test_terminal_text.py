"""Nothing from the archive reaches a terminal as a control character or an escape
sequence: `newsdesk search`, `ask`, `quotes`, `index add|stats`, and the terminal session."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import embeds
from bot.cli import main
from bot.terminal_text import dumps_json, embed_to_text, strip_controls

CLEAR = "\x1b[2J\x1b[H"
RETITLE = "\x1b]0;pwned\x07"
RED = "\x1b[31m"
C1_CSI = "\x9b2J"
HOSTILE_TITLE = f"{RETITLE}Harbour{CLEAR} ferry {RED}fares\x1b[0m rise{C1_CSI}\x07\x08"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_strip_controls_removes_sequences_and_keeps_the_words() -> None:
    assert strip_controls(HOSTILE_TITLE) == "Harbour ferry fares rise"
    assert strip_controls("a\tb\nc\x00d\x1b(Be\u0085f") == "a\tb\ncdef"
    assert strip_controls("\x1bP1;2|secret\x1b\\after") == "after"  # DCS string


def test_json_escapes_c1_controls_that_json_leaves_raw() -> None:
    out = dumps_json({"t": "a\x9bb\x1bc"})
    assert not CONTROL.search(out)
    assert json.loads(out) == {"t": "a\x9bb\x1bc"}


def test_terminal_rendering_of_an_embed_is_clean() -> None:
    embed = discord.Embed(title=embeds.escape(HOSTILE_TITLE), description=f"x {RED}y")
    embed.add_field(name=RETITLE, value=CLEAR + "z")
    embed.set_footer(text=C1_CSI + "foot")
    text = embed_to_text(embed, bold=("\x1b[1m", "\x1b[0m"))
    assert "Harbour ferry fares rise" in text and "foot" in text
    assert not CONTROL.search(text)


@pytest.fixture
def hostile_index(seed_index: Path, tmp_path: Path) -> Path:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    article = {
        "id": "ferry-fares",
        "title": HOSTILE_TITLE,
        "source": f"{RED}Harbor Gazette{CLEAR}",
        "date": "2022-05-01",
        "text": (
            f"Ferry fares will rise in June{CLEAR}, the port authority said. "
            f"\"Fares must cover fuel{RETITLE},\" said Mara Quill, the authority's director."
        ),
    }
    bad = {"id": "bad\x1b[2Jid", "text": "x"}
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(article) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    assert main(["index", "add", str(path), "--index", str(index_dir), "--no-progress"]) == 0
    return index_dir


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "ferry fares"],
        ["search", "ferry fares", "--json"],
        ["ask", "did ferry fares rise?"],
        ["quotes", "Mara Quill"],
        ["quotes", "Mara Quill", "--json"],
        ["index", "stats"],
    ],
)
def test_cli_output_has_no_control_characters(
    hostile_index: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main([*argv, "--index", str(hostile_index)]) == 0
    out, err = capsys.readouterr()
    assert not CONTROL.search(out.replace("\n", "").replace("\t", "")), out
    assert not CONTROL.search(err.replace("\n", "").replace("\t", ""))
    if argv[0] != "index" and "--json" not in argv:
        assert "Harbour ferry fares rise" in out or "Mara Quill" in out


def test_index_add_report_is_clean(
    seed_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": f"x{RETITLE}", "text": "t"}) + "\n", encoding="utf-8")
    capsys.readouterr()
    main(["index", "add", str(path), "--index", str(index_dir), "--no-progress"])
    out, _ = capsys.readouterr()
    assert "skipped" in out and "invisible or control character" in out
    assert not CONTROL.search(out.replace("\n", ""))


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=80))
def test_no_control_character_survives(text: str) -> None:
    out = strip_controls(text)
    assert not CONTROL.search(out.replace("\n", "").replace("\t", ""))
    assert set(out) <= set(text)  # only removes, never invents
