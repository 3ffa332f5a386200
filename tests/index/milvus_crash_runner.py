"""Index a corpus into an embedded Milvus and SIGKILL ourselves at a chosen moment.

    python -m tests.index.milvus_crash_runner URI CORPUS KILL_AT

KILL_AT: ``none``, ``<checkpoint>:<n>`` (the n-th time that checkpoint is reached:
``before_commit`` fires between the Milvus writer's steps, ``encoded`` and
``after_commit`` around each batch) or ``timer:<seconds>``. The fake embedder keeps a
process cheap (the real model's load would dominate the loop).
"""

from __future__ import annotations

import os
import signal
import sys
import threading


def main() -> int:
    uri, corpus, kill_at = sys.argv[1:4]
    from index import ingest
    from index.milvus import MilvusBackend
    from tests.index.index_fakes import FakeEmbedder

    ingest.BATCH_PASSAGES = 6  # many small batches: many commits to land in
    name, _, arg = kill_at.partition(":")
    if name == "timer":
        threading.Timer(float(arg), lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
    elif name != "none":
        seen = 0

        def hook(point: str) -> None:
            nonlocal seen
            if point == name:
                seen += 1
                if seen == int(arg):
                    os.kill(os.getpid(), signal.SIGKILL)

        ingest.CHECKPOINT_HOOK = hook
    backend = MilvusBackend.open(uri, create=True)
    summary = ingest.Indexer(backend, FakeEmbedder()).add([corpus])
    backend.close()
    print(f"added={summary.added} updated={summary.updated} embedded={summary.passages_embedded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
