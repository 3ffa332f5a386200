"""Uploads: chunks, fair turns between servers, progress, late results to the channel,
leftovers cleaned at start, skip reasons naming the upload (not server paths)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Hashable
from pathlib import Path

import pytest

from bot import uploads
from bot.uploads import Chunk, FairIngest, clean_leftovers, split_upload
from index.models import IngestSummary, Skipped
from tests.bot.fake_discord import CHANNEL_ID, FakeDiscord
from tests.bot.helpers import FakeEngine, make_settings, running_bot

pytestmark = pytest.mark.timeout(120)


async def test_a_small_upload_is_not_stuck_behind_another_servers_big_one() -> None:
    ran: list[str] = []
    finished: list[str] = []

    async def run(paths: list[Path], server: Hashable) -> IngestSummary:
        assert paths[0].name.startswith(("big", "again") if server == "server-a" else "small")
        ran.append(paths[0].name)
        await asyncio.sleep(0)
        return IngestSummary(added=1)

    queue = FairIngest(run)
    big = [Chunk(Path(f"big{i}")) for i in range(6)]

    async def upload(key: str, name: str, chunks: list[Chunk]) -> None:
        summary = await queue.submit(key, name, chunks)
        finished.append(name)
        assert summary.added == len(chunks)

    first = asyncio.create_task(upload("server-a", "big", big))
    await asyncio.sleep(0)
    second = asyncio.create_task(upload("server-a", "big-again", [Chunk(Path("again0"))]))
    third = asyncio.create_task(upload("server-b", "small", [Chunk(Path("small0"))]))
    await asyncio.gather(first, second, third)
    assert finished.index("small") < finished.index("big")  # B waited for one chunk, not six
    assert ran.index("small0") <= 2
    assert finished.index("big") < finished.index("big-again")  # first come, first served


async def test_a_failing_chunk_fails_its_job_only() -> None:
    async def run(paths: list[Path], server: Hashable) -> IngestSummary:
        if paths[0].name == "bad":
            raise RuntimeError("disk full")
        return IngestSummary(added=1)

    queue = FairIngest(run)
    bad = asyncio.create_task(queue.submit("a", "bad", [Chunk(Path("bad"))]))
    good = asyncio.create_task(queue.submit("b", "good", [Chunk(Path("good"))]))
    with pytest.raises(RuntimeError):
        await bad
    assert (await good).added == 1


def test_split_upload_and_skips_name_the_upload_and_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "CHUNK_BYTES", 200)
    lines = [json.dumps({"id": f"a{i}", "text": "x" * 40}) for i in range(10)]
    lines[7] = "{not json"
    path = tmp_path / "tmpXYZ" / "up.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n")
    chunks = split_upload(path, "up.jsonl")
    assert len(chunks) > 2 and not path.exists()
    assert [c.first_line for c in chunks][0] == 1
    assert b"".join(c.path.read_bytes() for c in chunks).decode() == "\n".join(lines) + "\n"
    holder = next(c for c in chunks if c.first_line <= 8 < c.first_line + 3)
    local = 8 - holder.first_line + 1
    summary = IngestSummary(skipped=(
        Skipped(f"{holder.path}:{local}", f"line {local}: malformed JSON (Expecting value)"),
    ))
    named = uploads.name_skips(summary, holder, "up.jsonl")
    assert named.skipped == (Skipped("up.jsonl:8", "line 8: malformed JSON (Expecting value)"),)


def test_leftover_upload_folders_are_removed(tmp_path: Path) -> None:
    (tmp_path / "tmpabc").mkdir()
    (tmp_path / "tmpabc" / "x.jsonl").write_text("{}")
    (tmp_path / "keep.txt").write_text("x")
    assert clean_leftovers(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    assert clean_leftovers(tmp_path / "missing") == 0


async def test_progress_late_result_to_the_channel_and_cleanup(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "CHUNK_BYTES", 300)
    index_dir = tmp_path / "index"
    leftover = index_dir / ".uploads" / "tmpkilled"
    leftover.mkdir(parents=True)
    (leftover / "half.jsonl").write_text("{}")
    engine = FakeEngine()
    body = "".join(json.dumps({"id": f"a{i}", "text": "y" * 60}) + "\n" for i in range(12))
    async with running_bot(fake, engine, make_settings(fake, index_dir=index_dir)) as bot:
        assert not leftover.exists()  # removed when the bot started
        cog = bot.get_cog("Admin")
        assert cog is not None and type(cog).__name__ == "Admin"
        cog.progress_every_s = 0.0  # type: ignore[attr-defined]
        upload = fake.add_attachment("many.jsonl", body.encode())
        admin_perms = 1 << 5
        rec = await fake.slash("ingest", file=upload["id"], attachments=[upload],
                               permissions=admin_perms)
        await fake.wait_for(lambda: rec.followups, what="the ingest result")
        assert len(engine.ingested) > 2  # chunked
        assert b"".join(engine.ingested_bytes).decode() == body
        progress = [e.get("content") or "" for e in rec.edits]
        assert any("part 1 of" in p for p in progress), progress
        # A job finishing after the token's life is reported in the channel.
        cog.reply_window_s = 0.0  # type: ignore[attr-defined]
        late = fake.add_attachment("late.txt", b"date 2022-01-01\n\nLate text.")
        await fake.slash("ingest", file=late["id"], attachments=[late], permissions=admin_perms)
        await fake.wait_for(lambda: fake.channel_messages, what="a channel message")
        posted = fake.channel_messages[-1]
        assert str(posted.get("channel_id")) == str(CHANNEL_ID)
        assert "Ingested late.txt" in json.dumps(posted)


async def test_queued_chunks_share_one_writer_session() -> None:
    """A large upload is one session, not one per chunk: opened when the queue gets work,
    closed when it empties; an upload that arrives after that gets a new one."""
    import contextlib
    from collections.abc import AsyncIterator

    events: list[str] = []

    @contextlib.asynccontextmanager
    async def session() -> AsyncIterator[None]:
        events.append("open")
        yield
        events.append("close")

    async def run(paths: list[Path], server: Hashable) -> IngestSummary:
        events.append(paths[0].name)
        await asyncio.sleep(0)
        return IngestSummary(added=1)

    queue = FairIngest(run, session)
    big = queue.submit("a", "big", [Chunk(Path(f"big{i}")) for i in range(3)])
    small = queue.submit("b", "small", [Chunk(Path("small0"))])
    assert [s.added for s in await asyncio.gather(big, small)] == [3, 1]
    assert events[0] == "open" and events[-1] == "close"
    assert events.count("open") == 1 and len(events) == 6
    assert (await queue.submit("a", "later", [Chunk(Path("later0"))])).added == 1
    assert events[6:] == ["open", "later0", "close"]


async def test_a_session_that_fails_to_open_fails_the_uploads_with_its_error() -> None:
    import contextlib
    from collections.abc import AsyncIterator

    @contextlib.asynccontextmanager
    async def session() -> AsyncIterator[None]:
        raise RuntimeError("index is read-only")
        yield

    async def run(paths: list[Path], server: Hashable) -> IngestSummary:
        raise AssertionError("no chunk runs without a session")

    queue = FairIngest(run, session)
    with pytest.raises(RuntimeError, match="read-only"):
        await queue.submit("a", "up", [Chunk(Path("up0"))])


async def test_core_marks_engine_calls_as_queries_for_the_writer() -> None:
    """Ingestion in the bot's process yields to what Core runs: every engine call is
    counted on the engine's query gate while it runs."""
    from bot.core import Core
    from index.backend import OPERATOR_SCOPE, Scope
    from index.gate import QueryGate
    from index.models import IndexStats

    seen: list[bool] = []

    class GateEngine(FakeEngine):
        query_gate = QueryGate()

        def stats(self, *, scope: Scope = OPERATOR_SCOPE) -> IndexStats:
            seen.append(self.query_gate.busy())
            return super().stats(scope=scope)

    engine = GateEngine()
    core = Core(engine, make_settings())
    await core.stats()
    core.close()
    assert seen == [True] and not engine.query_gate.busy()
