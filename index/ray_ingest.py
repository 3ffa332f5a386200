"""`newsdesk index add PATHS --ray [auto|ADDRESS]`: ingestion spread over a Ray cluster.

Ray Data reads the files (one task per file; JSONL shards on shared storage) and prepares
articles in CPU tasks (content hash, passages, quotes; unchanged articles are only
hashed). The driver keeps the plain run's bookkeeping (duplicate ids, owners, tallies, in
input order), asks the backend which passage texts already have a vector, and sends only
the others to an actor pool that embeds (one actor per GPU; on a machine without GPUs,
CPU actors). Batches are written in order through the backend's one writer, so the
result equals a plain `Indexer.add` run, and no stored or already-submitted text is
embedded twice. Only this module imports ray.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.backend import OPERATOR, Backend, PreparedArticle, StoredVersion
from index.ingest import (
    BATCH_ARTICLES,
    BATCH_PASSAGES,
    Indexer,
    _owned_elsewhere,
    _Run,
    content_hash,
)
from index.models import IngestSummary, Skipped
from index.readers import SourceFile, collect_files, read_file

log = logging.getLogger(__name__)

STAGE_CPUS = 0.5  # each Data stage and CPU actor: two 1-CPU stages on 2 CPUs stalled silently
IN_FLIGHT_PER_ACTOR = 2


def connect(address: str | None) -> Any:
    """Join the cluster at ``address``; "auto"/None: $RAY_ADDRESS or a running local
    cluster, else a new local one."""
    import ray

    if not ray.is_initialized():
        if address in (None, "", "auto"):
            try:
                ray.init(address="auto", log_to_driver=False)
            except ConnectionError:
                start_local_cluster()
        else:
            ray.init(address=address, log_to_driver=False)
    return ray


# Ray waits 30 s for a new local cluster's control store (GCS) to publish its port; on a
# busy 2-core machine that start timed out once in a CI run. An operator's own
# RAY_gcs_server_port_wait_time_s still wins.
LOCAL_START_WAIT_S = 120
# Ray then waits a fixed 30 s (not configurable) for its raylet to register; a busy
# 2-core machine missed that once too, and a second try on the same machine succeeded.
LOCAL_START_ATTEMPTS = 3


def start_local_cluster(**options: Any) -> None:
    """A new local Ray cluster in this process (``options`` go to ``ray.init``); a start
    that times out is shut down and tried again, up to LOCAL_START_ATTEMPTS times."""
    import ray

    os.environ.setdefault("RAY_gcs_server_port_wait_time_s", str(LOCAL_START_WAIT_S))
    for attempt in range(1, LOCAL_START_ATTEMPTS + 1):
        try:
            ray.init(include_dashboard=False, log_to_driver=False, **options)
            return
        except Exception as error:  # Ray raises a bare Exception for a slow raylet
            if "timed out" not in str(error).lower() or attempt == LOCAL_START_ATTEMPTS:
                raise
            log.warning("a local Ray cluster did not start in time (%s); trying again "
                        "(%d of %d)", error, attempt + 1, LOCAL_START_ATTEMPTS)
            ray.shutdown()


class _Embed:
    """One embedding actor: the model on this actor's device (its GPU, or the CPU)."""

    def __init__(self, model_path: str | None, device: str | None) -> None:
        from index.embedder import ingest_device, load_embedder

        self.embedder = load_embedder(model_path, device=ingest_device(device))

    def info(self) -> tuple[str, int, str]:
        return self.embedder.name, self.embedder.dim, self.embedder.device

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.embedder.encode(texts, batch_size=self.embedder.batch_size),
                          dtype=np.float32)


def _read(row: dict[str, Any]) -> list[dict[str, Any]]:
    """One file -> rows of its articles (pickled), skips and warnings."""
    result = read_file(pickle.loads(row["source"]))
    out = [{"kind": "article", "n": row["n"], "payload": pickle.dumps((where, article))}
           for where, article in result.articles]
    out += [{"kind": "skipped", "n": row["n"], "payload": pickle.dumps(s)} for s in result.skipped]
    out += [{"kind": "warning", "n": row["n"], "payload": pickle.dumps(w)} for w in result.warnings]
    return out


class _Prepare:
    """Hash each article; split and extract quotes of those that changed."""

    def __init__(self, known: dict[str, StoredVersion], owner: str, quotes: bool) -> None:
        self.known, self.owner = known, owner
        self.indexer = Indexer(".", quotes=quotes)
        self.extract = self.indexer._quote_extractor(_Run()) if quotes else None

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        payloads = []
        for kind, payload in zip(batch["kind"], batch["payload"], strict=True):
            if kind != "article":
                payloads.append(payload)
                continue
            where, article = pickle.loads(payload)
            digest = content_hash(article)
            old = self.known.get(article.id)
            fresh = old is None or (old.owner == self.owner and old.content_hash != digest)
            prepared = self.indexer._prepare(article, digest, self.extract, self.owner) \
                if fresh else None
            payloads.append(pickle.dumps((where, article.id, digest, prepared)))
        return {"kind": batch["kind"], "payload": payloads}


def ray_add(backend: Backend, paths: Iterable[str | Path], *, address: str | None = "auto",
            owner: str = OPERATOR, model_path: str | None = None, quotes: bool = True,
            actors: int | None = None, device: str | None = None) -> IngestSummary:
    """Index ``paths`` into ``backend`` through Ray (see the module docstring).
    ``device``: the actors' embedding device (``settings.device``; None: auto)."""
    started = time.monotonic()
    ray = connect(address)
    from ray.data import DataContext

    run = _Run()
    sources, bad = collect_files(paths)
    run.skipped += bad
    with backend.ingest_lock():
        pool = _actors(ray, model_path, actors, device)
        name, dim, device = ray.get(pool[0].info.remote())
        log.info("embedding on %d actor(s), device %s", len(pool), device)
        backend.check_model(name, dim, record=True)
        known = backend.stored_versions()
        context = DataContext.get_current()
        context.execution_options.preserve_order = True  # as a plain run
        # Ray Data reserves a share of the cluster per operator; on a small, busy cluster
        # (2 CPUs, one embedding actor) the read stage's budget stayed at zero and the run
        # hung ("Cluster resources are not enough to run any task from FlatMap(_read)"):
        # 2 of 2 test runs with both cores saturated, none with this off.
        context.op_resource_reservation_enabled = False
        rows = _pipeline(ray, sources, known, owner, quotes)
        writer = _Writer(backend, pool, run)
        for batch in _batches(_changed(rows, known, owner, run)):
            writer.submit(batch)
        writer.drain()
        if run.added or run.updated:
            backend.prune_embeddings()
        backend.flush()
        indexer = Indexer(backend, quotes=quotes)
        extract = indexer._quote_extractor(run) if quotes else None
        if extract is not None:
            indexer._refresh_quotes(backend, run, extract)
        for actor in pool:
            ray.kill(actor)
    return IngestSummary(added=run.added, updated=run.updated, unchanged=run.unchanged,
                         passages_embedded=run.embedded, quotes_refreshed=run.requoted,
                         skipped=tuple(run.skipped), warnings=tuple(run.warnings),
                         seconds=time.monotonic() - started)


def _actors(ray: Any, model_path: str | None, count: int | None,
            device: str | None = None) -> list[Any]:
    gpus = int(ray.cluster_resources().get("GPU", 0))
    if gpus:
        cls = ray.remote(num_gpus=1)(_Embed)
        count = count or gpus
    else:
        cls = ray.remote(num_cpus=STAGE_CPUS)(_Embed)
        count = count or max(1, int(ray.cluster_resources().get("CPU", 1)) // 4)
    return [cls.remote(model_path, device) for _ in range(count)]


def _pipeline(ray: Any, sources: Sequence[SourceFile], known: dict[str, StoredVersion],
              owner: str, quotes: bool) -> Iterator[dict[str, Any]]:
    if not sources:
        return iter(())
    from ray.data import ActorPoolStrategy

    files = ray.data.from_items([{"n": n, "source": pickle.dumps(s)}
                                 for n, s in enumerate(sources)])
    prepared = files.flat_map(_read, num_cpus=STAGE_CPUS).map_batches(
        _Prepare, fn_constructor_args=(known, owner, quotes), batch_size=16,
        compute=ActorPoolStrategy(min_size=1, max_size=_prepare_actors(ray)),
        num_cpus=STAGE_CPUS)
    rows: Iterator[dict[str, Any]] = prepared.iter_rows()
    return rows


def _prepare_actors(ray: Any) -> int:
    """Preparing (quote extraction) is the CPU-bound stage: up to one actor per 2 CPUs."""
    return max(1, int(ray.cluster_resources().get("CPU", 2)) // 2)


def _changed(rows: Iterable[dict[str, Any]], known: dict[str, StoredVersion], owner: str,
             run: _Run) -> Iterator[PreparedArticle]:
    """The plain run's bookkeeping, in input order (`Indexer._changed`)."""
    seen: dict[str, str] = {}
    for row in rows:
        value = pickle.loads(row["payload"])
        if row["kind"] == "skipped":
            run.skipped.append(value)
            continue
        if row["kind"] == "warning":
            run.warnings.append(value)
            continue
        where, article_id, digest, prepared = value
        if article_id in seen:
            reason = f"duplicate id {article_id!r} (first read from {seen[article_id]})"
            run.skipped.append(Skipped(where, reason))
            continue
        seen[article_id] = where
        old = known.get(article_id)
        if old is not None and old.owner != owner:
            run.skipped.append(Skipped(where, _owned_elsewhere(article_id, old.owner, owner)))
            continue
        if old is not None and old.content_hash == digest:
            run.unchanged += 1
            continue
        run.added += old is None
        run.updated += old is not None
        run.fresh.add(article_id)
        yield prepared


def _batches(items: Iterable[PreparedArticle]) -> Iterator[list[PreparedArticle]]:
    batch: list[PreparedArticle] = []
    for item in items:
        batch.append(item)
        if sum(len(b.passages) for b in batch) >= BATCH_PASSAGES or len(batch) >= BATCH_ARTICLES:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """Embeds batches on the actors, several in flight, and writes them in order."""

    def __init__(self, backend: Backend, pool: list[Any], run: _Run) -> None:
        self.backend, self.pool, self.run = backend, pool, run
        self.queue: deque[tuple[list[PreparedArticle], list[str], Any]] = deque()
        self.submitted: set[str] = set()  # text hashes sent to an actor in this run
        self.turn = 0

    def submit(self, batch: list[PreparedArticle]) -> None:
        texts: dict[str, str] = {}
        for item in batch:
            for p in item.passages:
                texts.setdefault(p.text_hash, p.text)
        cached = self.backend.cached_hashes(texts)
        # Text an earlier batch of this run embeds is stored before this batch is written.
        missing = [h for h in texts if h not in cached and h not in self.submitted]
        self.submitted.update(missing)
        ref = None
        if missing:
            actor = self.pool[self.turn % len(self.pool)]
            self.turn += 1
            ref = actor.encode.remote([texts[h] for h in missing])
        self.queue.append((batch, missing, ref))
        while len(self.queue) > IN_FLIGHT_PER_ACTOR * len(self.pool):
            self._write_oldest()

    def drain(self) -> None:
        while self.queue:
            self._write_oldest()

    def _write_oldest(self) -> None:
        import ray

        batch, missing, ref = self.queue.popleft()
        vectors: dict[str, np.ndarray] = {}
        if ref is not None:
            encoded = ray.get(ref)
            vectors = dict(zip(missing, encoded, strict=True))
            self.run.embedded += len(missing)
        self.backend.write(batch, vectors)
