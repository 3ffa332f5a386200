"""/ingest (Manage Server only): add a .txt or .jsonl file to the index."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from bot import embeds
from bot.commands.spec import Card, Command, CommandContext, Option, Reply, Upload
from index.errors import BadQueryError

log = logging.getLogger(__name__)

ALLOWED_SUFFIXES = (".txt", ".jsonl")
UPLOAD_DIR = ".uploads"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_upload_name(filename: str) -> str:
    """A plain file name for an upload: no directories, no leading dots, only
    ``[A-Za-z0-9._-]``, and a .txt or .jsonl suffix (else :class:`BadQueryError`)."""
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise BadQueryError(
            f"I can only add .txt or .jsonl files, not {suffix or 'files without an extension'}.",
            hint="Seed format .txt (first line `date YYYY-MM-DD`) or JSONL with id, title, date, source, text.",
        )
    stem = _UNSAFE.sub("_", base[: -len(suffix)]).strip("._-")[:100] or "upload"
    return stem + suffix


def upload_path(index_dir: Path, workdir: Path, name: str) -> Path:
    """Where an upload is written: directly inside ``workdir`` (itself inside the index), or refuse."""
    path = (workdir / name).resolve()
    root = (index_dir / UPLOAD_DIR).resolve()
    if path.parent != workdir.resolve() or root not in path.parents:
        raise BadQueryError("That file name is not allowed.")
    return path


async def run(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    upload: Upload = args["file"]
    limit = ctx.settings.ingest_max_bytes
    name = safe_upload_name(upload.filename)
    if upload.size > limit:
        raise BadQueryError(f"{name} is {upload.size:,} bytes; the limit is {limit:,}.")
    data = await upload.read()
    if len(data) > limit:  # the declared size is the sender's word; check what arrived
        raise BadQueryError(f"{name} is larger than the {limit:,}-byte limit.")
    index_dir = ctx.settings.index_dir
    root = index_dir / UPLOAD_DIR
    root.mkdir(mode=0o700, parents=True, exist_ok=True)  # uploads are private like the index
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        path = upload_path(index_dir, Path(tmp), name)
        path.write_bytes(data)
        log.info("User %s ingests %s (%d bytes)", ctx.user_id, name, len(data))
        if ctx.ingest is not None:  # Discord: chunked, servers taking turns, progress shown
            summary = await ctx.ingest(path, name)
        else:
            summary = await ctx.core.ingest([path], owner=ctx.owner)
    return Card.of(embeds.ingest_embed(summary, name))


COMMAND = Command(
    name="ingest",
    description="Add a .txt or .jsonl file to the archive (Manage Server).",
    help="Add a .txt or .jsonl file to the archive (Manage Server only; 10 MB limit).",
    example="/ingest file: articles.jsonl",
    run=run,
    options=(Option("file", "a seed-format .txt or a .jsonl of articles", type="file",
                    required=True),),
    admin=True,
    ephemeral=True,
)
