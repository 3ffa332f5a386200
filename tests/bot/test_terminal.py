"""The terminal session: typed text through the same core and embed builders as /ask."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import Core
from bot.terminal import TerminalSession, parse_command
from index.embedder import Embedder
from retrieval.engine import Engine
from tests.bot.helpers import SEED_ID, FakeEngine, make_settings


def test_parse_command() -> None:
    assert parse_command("what did Lavrov say?") == ("ask", "what did Lavrov say?", {})
    assert parse_command("/search Lavrov visit from: 2022-03 k: 3") == (
        "search",
        "Lavrov visit",
        {"from": "2022-03", "k": "3"},
    )
    assert parse_command('/quotes Wang Yi about: "Russia ties"') == (
        "quotes",
        "Wang Yi",
        {"about": "Russia ties"},
    )
    assert parse_command("/stats") == ("stats", "", {})
    # A group's subcommand joins the name (/feeds alone lists).
    assert parse_command("/feeds add https://x.org/rss source: World desk") == (
        "feeds add", "https://x.org/rss", {"source": "World desk"})
    assert parse_command("/feeds") == ("feeds list", "", {})


async def test_unknown_subcommand_names_the_ones_there_are(
    session: tuple[TerminalSession, list[str], FakeEngine],
) -> None:
    term, out, _ = session
    await term.handle("/feeds bogus")
    assert "error: Unknown command /feeds bogus." in "".join(out)
    assert "/feeds takes add, list, remove, check." in "".join(out)
    out.clear()
    await term.handle("/feeds list")  # no index here: feeds are off, said plainly
    assert "error: Feeds are off in this session" in "".join(out)


@pytest.fixture
def session() -> tuple[TerminalSession, list[str], FakeEngine]:
    out: list[str] = []
    engine = FakeEngine()
    return TerminalSession(Core(engine, make_settings()), out.append), out, engine


async def test_typed_question_is_answered_with_citations(
    session: tuple[TerminalSession, list[str], FakeEngine],
) -> None:
    term, out, engine = session
    assert await term.handle("what did Wang Wenbin say?")
    text = "".join(out)
    assert "China-Russia cooperation has no limits" in text and "[1]" in text
    assert "\\_" not in text and "**" not in text  # rendered as text, not markdown
    out.clear()
    await term.handle("/sources")
    assert SEED_ID in "".join(out)
    out.clear()
    await term.handle("/context 1")
    assert "repeating a line used by President Vladimir Putin" in "".join(out)
    await term.handle("/vote up")
    assert engine.feedback and engine.feedback[0][2] == 1


async def test_commands(session: tuple[TerminalSession, list[str], FakeEngine]) -> None:
    term, out, engine = session
    await term.handle("/search Lavrov k: 7 from: 2022")
    assert "Page 1/3" in "".join(out)
    out.clear()
    await term.handle("/next")
    assert "Page 2/3" in "".join(out)
    out.clear()
    await term.handle("/quotes Wang")
    assert "1. Wang Wenbin" in "".join(out)
    out.clear()
    await term.handle("2")
    assert "What Wang Yi said" in "".join(out)
    out.clear()
    await term.handle(f"/article {SEED_ID}")
    assert "Beijing and Moscow" in "".join(out)
    out.clear()
    await term.handle(f"/article {SEED_ID} page: 9")  # past the end: the last page
    assert "Beijing and Moscow" in "".join(out) or "Page" in "".join(out)
    out.clear()
    await term.handle(f"/article {SEED_ID} page: two")
    assert "error: page must be a number from 1 to 1000" in "".join(out)
    out.clear()
    await term.handle("/stats")
    await term.handle("/help")
    assert "/quotes" in "".join(out)


@pytest.mark.parametrize(
    "line, expect",
    [
        ("   x" * 2000, "limit is 1,000"),
        ("/search Lavrov k: ten", "k must be a number"),
        ("/search Lavrov from: 2022-02-30", "not a real date"),
        ("/article ../../etc/passwd", "not an article id"),
        ("/frobnicate", "Unknown command"),
        ("/next", "Nothing to page"),
        ("crash now", "Sorry, something went wrong"),
    ],
)
async def test_errors_are_messages_not_tracebacks(
    session: tuple[TerminalSession, list[str], FakeEngine], line: str, expect: str
) -> None:
    term, out, _ = session
    assert await term.handle(line)
    text = "".join(out)
    assert text.startswith("error: ") and expect in text and "Traceback" not in text


async def test_run_until_quit_or_eof(
    session: tuple[TerminalSession, list[str], FakeEngine],
) -> None:
    term, out, engine = session
    lines = iter(["what did Wang Wenbin say?", "/quit", "never read"])
    await term.run(lambda: next(lines))
    # One question answered (the conversation also reads the archive's names and sources).
    assert [c[0] for c in engine.calls if c[0] == "answer"] == ["answer"]

    def eof() -> str:
        raise EOFError

    await term.run(eof)


async def test_admin_file_command_takes_a_local_path(
    session: tuple[TerminalSession, list[str], FakeEngine], tmp_path: Path
) -> None:
    term, out, engine = session
    term.core.settings.index_dir = tmp_path / "index"
    article = tmp_path / "new.txt"
    article.write_text("date 2022-03-31 Title\nSome text.\n")
    await term.handle(f"/ingest {article}")
    assert "Added 1" in "".join(out) and engine.ingested_bytes == [article.read_bytes()]
    out.clear()
    await term.handle(f"/ingest {tmp_path / 'missing.txt'}")
    assert "error: No file at" in "".join(out)


async def test_follow_ups_over_the_real_engine(seed_index: Path, embedder: Embedder) -> None:
    out: list[str] = []
    core = Core(Engine.open(seed_index, embedder), make_settings())
    term = TerminalSession(core, out.append)
    await term.handle("tell me about the electric ferry plan")
    out.clear()
    await term.handle("how much will it cost?")
    text = "".join(out)
    assert "Understood as: how much will the electric ferry plan cost?" in text
    assert "$38 million" in text and "error" not in text.lower()
    out.clear()
    await term.handle("what did the council decide about harbour fees?")
    await term.handle("who objected to them?")
    text = "".join(out)
    assert "(about “Council passes budget with higher harbour fees”)" in text
    assert "The fishing co-operative objected." in text
