"""The FAISS files beside the database: a cache of the embeddings table, and the
cross-process locks around writing them and around whole indexing runs."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from index.errors import NewsdeskError
from index.local.db import FILE_MODE
from index.vectors import META_FILE, VectorIndex

log = logging.getLogger(__name__)


def disk_generation(directory: Path) -> int | None:
    """The generation the FAISS files on disk reflect (None: none readable)."""
    try:
        return int(json.loads((directory / META_FILE).read_text())["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_file(directory: Path, generation: int, dim: int | None) -> VectorIndex | None:
    """The FAISS index on disk if it matches ``generation`` (and ``dim``), else None."""
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # CPU-feature chatter
    with contextlib.suppress(NewsdeskError):
        vi, on_disk = VectorIndex.load(directory)
        if on_disk == generation and (dim is None or dim == vi.dim):
            return vi
    return None


def save_file(directory: Path, vi: VectorIndex, generation: int) -> None:
    """Write the FAISS files for ``generation`` (atomic; serialised across processes)."""
    with file_lock(directory / "vectors.lock"):
        # Temp files of a writer killed mid-save (nobody else writes under the lock).
        for stale in directory.glob(".vectors.*.tmp"):
            stale.unlink(missing_ok=True)
        vi.save(directory, generation)


@contextlib.contextmanager
def file_lock(path: Path, waiting: str | None = None) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                log.warning("waiting for %s on %s to finish", waiting, path.parent)
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
