"""/ingest (Manage Server only): add a .txt or .jsonl attachment to the index."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path, PurePosixPath

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.app import Newsdesk, begin
from bot.cogs import send_reply
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


class Admin(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot

    @app_commands.command(
        name="ingest", description="Add a .txt or .jsonl file to the archive (Manage Server)."
    )
    @app_commands.describe(file="a seed-format .txt or a .jsonl of articles")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ingest(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        limit = self.bot.settings.ingest_max_bytes
        name = safe_upload_name(file.filename)
        if file.size > limit:
            raise BadQueryError(f"{name} is {file.size:,} bytes; the limit is {limit:,}.")
        core = await begin(interaction, ephemeral=True)
        data = await file.read()
        if len(data) > limit:  # the declared size is the client's word; check what arrived
            raise BadQueryError(f"{name} is larger than the {limit:,}-byte limit.")
        index_dir = core.settings.index_dir
        root = index_dir / UPLOAD_DIR
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            path = upload_path(index_dir, Path(tmp), name)
            path.write_bytes(data)
            log.info("User %s ingests %s (%d bytes)", interaction.user.id, name, len(data))
            summary = await core.ingest([path])
        await send_reply(interaction, embeds.ingest_embed(summary, name), ephemeral=True)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Admin(bot))
