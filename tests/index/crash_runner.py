"""Run `newsdesk index add` and SIGKILL ourselves at a chosen moment (crash tests).

    python -m tests.index.crash_runner INDEX_DIR CORPUS KILL_AT

KILL_AT is ``none``, ``<checkpoint>:<n>`` (the n-th time index/ingest.py reaches that
checkpoint; ``faiss_write`` is the middle of writing the FAISS temp file) or
``timer:<seconds>`` (a kill at an arbitrary moment, e.g. inside an SQLite commit).
Uses the fake embedder: a real model load per process would dominate the loop.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install(kill_at: str) -> None:
    """Patch in the fake embedder and the kill; heavy imports first, so that a timer
    measures time spent working, not importing."""
    import faiss  # noqa: F401
    import numpy  # noqa: F401

    from index import embedder, ingest, local, vectors  # noqa: F401
    from tests.index.index_fakes import FakeEmbedder

    fake = FakeEmbedder()
    setattr(embedder, "load_embedder", lambda model_path=None, **_: fake)  # noqa: B010 (untyped patch)
    setattr(embedder, "model_name", lambda model_path=None: fake.name)  # noqa: B010
    ingest.BATCH_PASSAGES = 6  # many small batches: many commits to land in
    ingest.CHECKPOINT_SECONDS = 0.0  # write the FAISS file after every batch
    if kill_at == "none":
        return
    name, _, arg = kill_at.partition(":")
    if name == "timer":
        threading.Timer(float(arg), die).start()
        return
    if name == "faiss_write":
        from index import vectors

        real_write = vectors.write_bytes
        calls = 0

        def write_half(blob: Any, path: str) -> None:
            nonlocal calls
            calls += 1
            real_write(blob, path)
            if calls == int(arg):
                size = Path(path).stat().st_size
                with open(path, "r+b") as f:
                    f.truncate(size // 2)
                die()

        vectors.write_bytes = write_half
        return
    seen = 0

    def hook(point: str) -> None:
        nonlocal seen
        if point == name:
            seen += 1
            if seen == int(arg):
                die()

    ingest.CHECKPOINT_HOOK = hook


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("index_dir")
    parser.add_argument("corpus")
    parser.add_argument("kill_at")
    args = parser.parse_args()
    install(args.kill_at)
    from bot.cli import index_cmds

    cli = argparse.ArgumentParser()
    index_cmds.register(cli.add_subparsers())
    ns = cli.parse_args(
        ["index", "add", args.corpus, "--index", args.index_dir, "--no-progress", "--no-quotes"]
    )
    return int(ns.func(ns))


if __name__ == "__main__":
    sys.exit(main())
