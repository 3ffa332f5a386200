"""Uploads to the index, with bounded cost and fair turns between servers.

The index has one writer, so jobs cannot run side by side; instead a JSONL upload is
cut into chunks (:func:`split_upload`, at most ``CHUNK_BYTES`` / ``CHUNK_LINES``) and
:class:`FairIngest` runs one chunk at a time, taking turns between servers (round
robin), first come first served within one server. A server's 60-byte upload thus
waits for at most one chunk of another server's 10 MB one, never for all of it.
Chunks only bound reading and fairness: while the queue has work, the chunks run in
one writer session (``session``, the core's `ingest_session`), so the end-of-run work
(the vector file, pruning) is done once when the queue empties, not per chunk.
No discord imports: the admin cog reports progress and delivers the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.ingest import merge_summaries
from index.models import IngestSummary, Skipped

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
CHUNK_LINES = 2000

Progress = Callable[["JobProgress"], Awaitable[None]]


@dataclass(frozen=True)
class JobProgress:
    """Where one upload stands: ``done`` of ``total`` chunks; ``ahead`` jobs queued before it."""

    name: str
    done: int
    total: int
    ahead: int
    summary: IngestSummary


@dataclass(frozen=True)
class Chunk:
    """A piece of an upload: ``path`` holds its lines from ``first_line`` (1-based) on."""

    path: Path
    first_line: int = 1


def split_upload(path: Path, name: str) -> list[Chunk]:
    """A .jsonl upload cut at line ends into chunk files beside it; anything else whole."""
    if path.suffix.lower() != ".jsonl" or path.stat().st_size <= CHUNK_BYTES:
        return [Chunk(path)]
    chunks: list[Chunk] = []
    out = None
    size = lines = 0
    with path.open("rb") as source:
        for number, line in enumerate(source, start=1):
            full = (size + len(line) > CHUNK_BYTES and lines > 0) or lines >= CHUNK_LINES
            if out is None or full:
                if out is not None:
                    out.close()
                chunk = path.with_name(f"{path.stem}.part{len(chunks) + 1:04d}.jsonl")
                out = chunk.open("wb")
                chunks.append(Chunk(chunk, number))
                size = lines = 0
            out.write(line)
            size += len(line)
            lines += 1
    if out is not None:
        out.close()
    path.unlink()  # the chunks hold it all now
    return chunks


def name_skips(summary: IngestSummary, chunk: Chunk, name: str) -> IngestSummary:
    """The summary with the chunk's server path replaced by the upload's name, and JSONL
    line numbers counted from the start of the whole upload."""
    where = str(chunk.path)

    def rename(text: str) -> str:
        def line(m: re.Match[str]) -> str:
            return f"{name}:{int(m.group(1)) + chunk.first_line - 1}"

        text = re.sub(re.escape(where) + r":(\d+)", line, text)
        text = re.sub(r"\bline (\d+)\b",
                      lambda m: f"line {int(m.group(1)) + chunk.first_line - 1}", text)
        return text.replace(where, name)

    return replace(
        summary,
        skipped=tuple(Skipped(rename(s.source), rename(s.reason)) for s in summary.skipped),
        warnings=tuple(rename(w) for w in summary.warnings),
    )


@dataclass
class _Job:
    key: Hashable
    name: str
    chunks: Sequence[Chunk]
    progress: Progress | None
    result: asyncio.Future[IngestSummary]
    done: int = 0
    summary: IngestSummary = field(default_factory=IngestSummary)


class FairIngest:
    """One chunk at a time, servers taking turns. ``run(paths, server)`` ingests one chunk
    file for the server that uploaded it (its owner)."""

    def __init__(
        self,
        run: Callable[[list[Path], Hashable], Awaitable[IngestSummary]],
        session: Callable[[], contextlib.AbstractAsyncContextManager[None]] | None = None,
    ) -> None:
        self._run = run
        self._session = session or contextlib.nullcontext
        self._queues: OrderedDict[Hashable, deque[_Job]] = OrderedDict()
        self._worker: asyncio.Task[None] | None = None
        self.order: list[tuple[Hashable, str, int]] = []  # (server, upload, chunk) as run

    def waiting(self) -> int:
        return sum(len(q) for q in self._queues.values())

    async def submit(
        self, key: Hashable, name: str, chunks: Sequence[Chunk], progress: Progress | None = None
    ) -> IngestSummary:
        """Queue an upload's chunks; resolves with their merged summary."""
        job = _Job(key, name, chunks, progress, asyncio.get_running_loop().create_future())
        ahead = self.waiting()
        self._queues.setdefault(key, deque()).append(job)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="newsdesk-uploads")
        if progress is not None and ahead:
            await _quietly(progress(JobProgress(name, 0, len(chunks), ahead, job.summary)))
        return await job.result

    async def _work(self) -> None:
        while self._queues:  # jobs may arrive while a session closes: then another opens
            try:
                async with self._session():
                    await self._drain()
            except Exception as error:  # the session failed to open or close
                log.exception("upload session failed")
                for queue in self._queues.values():
                    for job in queue:
                        if not job.result.done():
                            job.result.set_exception(error)
                self._queues.clear()

    async def _drain(self) -> None:
        while self._queues:
            key, queue = next(iter(self._queues.items()))
            self._queues.move_to_end(key)  # the next turn goes to another server
            job = queue[0]
            chunk = job.chunks[job.done]
            self.order.append((key, job.name, job.done))
            try:
                part = await self._run([chunk.path], key)
            except Exception as error:  # one bad chunk fails its job, not the queue
                queue.popleft()
                if not job.result.done():
                    job.result.set_exception(error)
            else:
                job.summary = merge_summaries(job.summary, name_skips(part, chunk, job.name))
                job.done += 1
                if job.done == len(job.chunks):
                    queue.popleft()
                    if not job.result.done():
                        job.result.set_result(job.summary)
                elif job.progress is not None:
                    await _quietly(
                        job.progress(JobProgress(job.name, job.done, len(job.chunks), 0, job.summary))
                    )
            if not queue:
                del self._queues[key]


async def _quietly(call: Awaitable[None]) -> None:
    """Progress reports are best effort: a failed edit never stops the ingestion."""
    with contextlib.suppress(Exception):  # e.g. an expired interaction token
        await call


def clean_leftovers(uploads: Path) -> int:
    """Remove temporary upload folders left by a run that was killed (at start only)."""
    if not uploads.is_dir():
        return 0
    removed = 0
    for leftover in uploads.glob("tmp*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed += 1
    return removed
