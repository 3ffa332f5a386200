"""`index add` / `index remove`: files -> articles -> passages -> vectors -> one index dir.

Work is done in batches of articles. For each batch: split passages, embed only
texts whose hash has no cached vector (all in one length-sorted encode call), then
write articles, passages, embeddings, FTS rows and quotes in ONE SQLite transaction
that also bumps ``vectors_generation``. The in-memory FAISS index follows each
commit and is written to disk at checkpoints and at the end; a kill in between
leaves a stale FAISS file, which the next open rebuilds from SQLite.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.backend import (
    OPERATOR,
    Backend,
    PreparedArticle,
    PreparedPassage,
    StoredVersion,
    backend_kind,
    open_backend,
)
from index.ids import id_problem
from index.models import Article, IngestSummary, Quote, Skipped
from index.passages import split_passages
from index.readers import MAX_ARTICLE_CHARS, collect_files, read_file
from index.settings import NewsdeskSettings

log = logging.getLogger(__name__)

BATCH_PASSAGES = 1024  # passages to embed per batch: big enough for length-sorted encoding
BATCH_ARTICLES = 500  # also flush after this many changed articles (metadata-only edits)
REQUOTE_BATCH = 500  # articles per transaction when quotes are re-extracted
CHECKPOINT_SECONDS = 120.0  # write the FAISS file at least this often during long runs

# Test hook: called with a checkpoint name at interesting moments (crash tests SIGKILL here).
CHECKPOINT_HOOK: Callable[[str], None] | None = None


class EmbedderLike(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> Any: ...


def _checkpoint(name: str) -> None:
    if CHECKPOINT_HOOK is not None:
        CHECKPOINT_HOOK(name)


def content_hash(article: Article) -> str:
    """Changes when anything stored about the article changes."""
    fields = [article.text, article.title, article.date, article.source, article.url, article.author]
    return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    """Key of the embeddings cache: identical passage text is embedded once."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass
class _Run:
    """Mutable tallies of one `add` run."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    embedded: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quote_failures: int = 0
    requoted: int = 0
    fresh: set[str] = field(default_factory=set)  # ids whose quotes this run extracted
    bad_quotes: int = 0


class Indexer:
    """Adds and removes articles of one index through its backend's writer.

    ``index`` is a location (an index directory, or a Milvus URI with
    NEWSDESK_BACKEND=milvus: see `index.backend.open_backend`) or an open `Backend`
    (the engine's own, so that its searches follow the writes without reloading).
    ``embedder`` defaults to `load_embedder(model_path)` (loaded on first need).
    ``quotes=False`` skips quote extraction (faster; the quotes table stays empty).
    ``settings`` (optional) applies the model, thread and vector-index settings.
    """

    def __init__(
        self,
        index: str | Path | Backend | None,
        embedder: EmbedderLike | None = None,
        *,
        model_path: str | Path | None = None,
        progress: bool = False,
        quotes: bool = True,
        settings: NewsdeskSettings | None = None,
    ) -> None:
        if settings is not None:  # the CLI's run: thread counts and vector kind from settings
            from index import vectors
            from index.embedder import set_torch_threads

            vectors.configure(settings.vector_index, settings.faiss_threads)
            set_torch_threads(settings.torch_threads)
            model_path = model_path or settings.model
            if index is None and backend_kind() == "local":
                index = settings.index_dir
        self._backend: Backend | None = None
        # A directory, a Milvus URI, or None for the configured default.
        self.location: str | Path | None = None
        if index is None or isinstance(index, str | Path):
            self.location = index
        else:
            self._backend, self.location = index, index.location
        self._embedder = embedder
        self._model_path = model_path
        self.progress = progress
        self.quotes = quotes

    @property
    def embedder(self) -> EmbedderLike:
        if self._embedder is None:
            from index.embedder import ingest_device, load_embedder

            self._embedder = load_embedder(self._model_path, device=ingest_device())
        return self._embedder

    @contextlib.contextmanager
    def _open(self, create: bool) -> Iterator[Backend]:
        if self._backend is not None:
            yield self._backend
            return
        backend = open_backend(self.location, create=create)
        try:
            yield backend
        finally:
            backend.close()

    # ----- add --------------------------------------------------------------------------

    def add(self, paths: Iterable[str | Path], *, owner: str = OPERATOR) -> IngestSummary:
        """Index files and folders; bad input is reported in the summary, never raised."""
        started = time.monotonic()
        run = _Run()
        sources, bad_paths = collect_files(paths)
        run.skipped += bad_paths
        bar = self._bar(sources)

        def articles() -> Iterator[tuple[str, Article]]:
            for source in sources:
                result = read_file(source)
                run.skipped += result.skipped
                run.warnings += result.warnings
                bar.update(len(result.skipped))
                _checkpoint("read")
                yield from result.articles

        return self._ingest(articles(), owner, run, bar, started)

    def add_articles(self, articles: Iterable[Article], where: str = "feed", *,
                     owner: str = OPERATOR) -> IngestSummary:
        """Index `Article`s built elsewhere (feeds, Ray batches): the same id and size
        rules as files, and the same writer, checks and summary as `add`; ``where`` names
        them in the summary."""
        started = time.monotonic()
        run = _Run()

        def items() -> Iterator[tuple[str, Article]]:
            for a in articles:
                problem = id_problem(a.id) or (
                    f"article text is over {MAX_ARTICLE_CHARS:,} characters"
                    if len(a.text) > MAX_ARTICLE_CHARS else None)
                if problem:
                    run.skipped.append(Skipped(f"{where}:{a.id[:80]}", problem))
                else:
                    yield f"{where}:{a.id}", a

        return self._ingest(items(), owner, run, _NoBar(), started)

    def _ingest(self, items: Iterable[tuple[str, Article]], owner: str, run: _Run, bar: Any,
                started: float) -> IngestSummary:
        with self._open(create=True) as backend:
            hook = lambda: _checkpoint("before_commit")  # noqa: E731
            if hasattr(backend, "before_commit"):
                backend.before_commit = hook
            try:
                with backend.ingest_lock():
                    self._add(backend, items, owner, run, bar)
            finally:
                if hasattr(backend, "before_commit"):
                    backend.before_commit = None
        return IngestSummary(
            added=run.added,
            updated=run.updated,
            unchanged=run.unchanged,
            passages_embedded=run.embedded,
            quotes_refreshed=run.requoted,
            skipped=tuple(run.skipped),
            warnings=tuple(run.warnings),
            seconds=time.monotonic() - started,
        )

    def _add(self, backend: Backend, items: Iterable[tuple[str, Article]], owner: str,
             run: _Run, bar: Any) -> None:
        self._check_model(backend, load=backend.model() is None)
        last_save = time.monotonic()
        batch: list[PreparedArticle] = []
        extract = self._quote_extractor(run) if self.quotes else None
        known = backend.stored_versions()
        for item in self._changed(items, known, owner, run, bar, extract):
            batch.append(item)
            if sum(len(b.passages) for b in batch) < BATCH_PASSAGES and len(batch) < BATCH_ARTICLES:
                continue
            self._write_batch(backend, batch, run)
            bar.update(len(batch))
            batch = []
            if time.monotonic() - last_save > CHECKPOINT_SECONDS:
                self._save(backend)
                last_save = time.monotonic()
        if batch:
            self._write_batch(backend, batch, run)
            bar.update(len(batch))
        bar.close()
        if run.added or run.updated:
            backend.prune_embeddings()
        self._save(backend)  # also repairs a stale file left by a crash
        _checkpoint("end")
        if extract is not None:
            self._refresh_quotes(backend, run, extract)
        if run.quote_failures:
            run.warnings.append(f"quote extraction failed on {run.quote_failures} article(s)")
        if run.bad_quotes:
            run.warnings.append(f"{run.bad_quotes} quote(s) with wrong offsets were dropped")

    def _changed(
        self,
        items: Iterable[tuple[str, Article]],
        known: dict[str, StoredVersion],
        owner: str,
        run: _Run,
        bar: Any,
        extract: Callable[[Article], list[Quote]] | None,
    ) -> Iterator[PreparedArticle]:
        """New and changed articles, prepared for storage; tallies everything else."""
        seen: dict[str, str] = {}  # article id -> where this run first read it
        for where, article in items:
            if article.id in seen:
                reason = f"duplicate id {article.id!r} (first read from {seen[article.id]})"
                run.skipped.append(Skipped(where, reason))
                bar.update(1)
                continue
            seen[article.id] = where
            old = known.get(article.id)
            if old is not None and old.owner != owner:
                run.skipped.append(Skipped(where, _owned_elsewhere(article.id, old.owner, owner)))
                bar.update(1)
                continue
            digest = content_hash(article)
            if old is not None and old.content_hash == digest:
                run.unchanged += 1
                bar.update(1)
                continue
            if old is None:
                run.added += 1
            else:
                run.updated += 1
            if extract is not None:
                run.fresh.add(article.id)
            yield self._prepare(article, digest, extract, owner)

    def _prepare(
        self, article: Article, digest: str,
        extract: Callable[[Article], list[Quote]] | None, owner: str,
    ) -> PreparedArticle:
        passages = tuple(
            PreparedPassage(p.ordinal, p.start, p.end, p.text, p.paragraph_start,
                            p.paragraph_end, text_hash(p.text))
            for p in split_passages(article)
        )
        quotes = tuple(extract(article)) if extract else ()
        return PreparedArticle(article, digest, passages, quotes, owner)

    def _write_batch(self, backend: Backend, batch: Sequence[PreparedArticle], run: _Run) -> int:
        """Embed only the text no stored vector covers, then commit the batch."""
        hashes: dict[str, str] = {}
        for item in batch:
            for p in item.passages:
                hashes.setdefault(p.text_hash, p.text)
        cached = backend.cached_hashes(hashes)
        missing = [h for h in hashes if h not in cached]
        new_vectors: dict[str, np.ndarray] = {}
        if missing:
            self._check_model(backend, load=True)
            # One call: sentence-transformers sorts by length, so padding stays small.
            encoded = self.embedder.encode([hashes[h] for h in missing], batch_size=32)
            new_vectors = dict(zip(missing, np.asarray(encoded, dtype=np.float32), strict=True))
            run.embedded += len(missing)
        _checkpoint("encoded")
        generation = backend.write(batch, new_vectors)
        _checkpoint("after_commit")
        return generation

    def _check_model(self, backend: Backend, load: bool) -> None:
        """Refuse a model other than the index's. Loading takes seconds, so while nothing
        needs embedding (an unchanged corpus) only the name is compared."""
        if self._embedder is None and not load:
            from index.embedder import model_name

            backend.check_model(model_name(self._model_path), None)
            return
        backend.check_model(self.embedder.name, self.embedder.dim, record=True)

    def _save(self, backend: Backend) -> None:
        _checkpoint("before_save")
        backend.flush()
        _checkpoint("after_save")

    def _refresh_quotes(
        self, store: Backend, run: _Run, extract: Callable[[Article], list[Quote]]
    ) -> None:
        """Quote rules changed since the index was built: re-extract the quotes of the
        articles this run did not touch, from their stored text (no embedding). Batches
        commit one by one and the version is recorded after the last, so a crash midway
        only means the next run starts over."""
        from index.quotes import rules_version

        rules = rules_version()
        if store.quote_rules() == rules:
            return
        stale = [i for i in store.article_ids() if i not in run.fresh]
        if stale:
            log.info("Quote rules changed since this index was built: re-extracting the "
                     "quotes of %d article(s) (no re-embedding).", len(stale))
        bar = self._bar_over(len(stale), "re-extracting quotes")
        for n in range(0, len(stale), REQUOTE_BATCH):
            ids = stale[n : n + REQUOTE_BATCH]
            articles = store.get_articles(ids)
            found = {i: extract(articles[i]) for i in ids if i in articles}
            store.replace_quotes(found)
            run.requoted += len(found)
            bar.update(len(ids))
        bar.close()
        store.replace_quotes({}, rules)

    def _quote_extractor(self, run: _Run) -> Callable[[Article], list[Quote]] | None:
        """`index.quotes.extract_quotes` guarded so one article's failure never stops a run."""
        # Looked up at run time: the quotes package is built alongside this one.
        try:
            module = importlib.import_module("index.quotes")
        except ImportError as err:
            log.warning("quote extraction unavailable: %s", err)
            return None
        extract_quotes = getattr(module, "extract_quotes", None)
        speaker_key = getattr(module, "speaker_key", None)
        if extract_quotes is None:
            log.warning("quote extraction unavailable: index.quotes has no extract_quotes")
            return None

        def extract(article: Article) -> list[Quote]:
            try:
                found = extract_quotes(article)
            except Exception as err:  # a bug on one article must not stop the run
                log.debug("quote extraction failed on %s: %s", article.id, err)
                run.quote_failures += 1
                return []
            good = []
            for q in found:
                if article.text[q.start : q.end] != q.text:
                    run.bad_quotes += 1  # never store what is not verbatim
                    continue
                if not q.speaker_key and speaker_key is not None:
                    q = _with_key(q, speaker_key(q.speaker))
                good.append(q)
            return good

        return extract

    def _bar(self, sources: Sequence[Any]) -> Any:
        """A tqdm bar over articles (JSONL lines are counted up front: cheap next to embedding)."""
        if not self.progress:
            return _NoBar()
        total = 0
        for s in sources:
            if s.path.suffix.lower() == ".jsonl":
                try:
                    with open(s.path, "rb") as f:
                        total += sum(1 for line in f if line.strip())
                except OSError:
                    pass
            else:
                total += 1
        return self._bar_over(total, "indexing")

    def _bar_over(self, total: int, desc: str) -> Any:
        if not self.progress or not total:
            return _NoBar()
        from tqdm import tqdm

        return tqdm(total=total, unit="article", desc=desc, dynamic_ncols=True)

    # ----- remove -----------------------------------------------------------------------

    def remove(self, ids: Iterable[str]) -> IngestSummary:
        """Delete articles by id; unknown ids are reported as warnings."""
        started = time.monotonic()
        wanted = list(dict.fromkeys(ids))
        with self._open(create=False) as backend, backend.ingest_lock():
            deleted = backend.delete(wanted)
            if deleted:
                backend.prune_embeddings()
                self._save(backend)
        missing = [i for i in wanted if i not in set(deleted)]
        return IngestSummary(
            removed=len(deleted),
            warnings=tuple(f"no article with id {i!r}" for i in missing),
            seconds=time.monotonic() - started,
        )

    def remove_owner(self, owner: str) -> IngestSummary:
        """Delete every article of one owner (a server the bot left, say)."""
        with self._open(create=False) as backend:
            ids = backend.article_ids(owner)
        return self.remove(ids) if ids else IngestSummary()


def _owned_elsewhere(article_id: str, stored_owner: str, owner: str) -> str:
    """Why an id another owner holds is refused. A server learns nothing about who."""
    if owner != OPERATOR:
        return (f"id {article_id!r} is already used by another article in the archive; "
                "give the article another id")
    return (f"id {article_id!r} belongs to server {stored_owner}; remove it "
            f"(`newsdesk index remove --server {stored_owner}`) or share it "
            f"(`newsdesk index share --server {stored_owner}`) first")


def _with_key(q: Quote, key: str) -> Quote:
    from dataclasses import replace

    return replace(q, speaker_key=key)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass
