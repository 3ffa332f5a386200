"""`index add` / `index remove`: files -> articles -> passages -> vectors -> one index dir.

Work is done in batches of articles. For each batch: split passages, embed only
texts whose hash has no cached vector (all in one length-sorted encode call), then
write articles, passages, embeddings, FTS rows and quotes in ONE SQLite transaction
that also bumps ``vectors_generation``. The in-memory FAISS index follows each
commit and is written to disk at checkpoints and at the end; a kill in between
leaves a stale FAISS file, which the next open rebuilds from SQLite.

A writer session (`Indexer.session`) holds the ingest lock across many `add` calls
(the chunks of a large upload, uploads queued back to back): the end-of-run work
(pruning unused vectors, writing the vector file, re-extracting stale quotes) runs
once when it closes, not per call. ``pause`` (`index.gate.QueryGate.pause`) is called
between articles, between encode pieces and before each commit, so a serving process
answers its queries first.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from index.backend import (
    OPERATOR,
    Backend,
    PreparedArticle,
    PreparedPassage,
    backend_kind,
    open_backend,
)
from index.gate import background_thread
from index.ids import id_problem
from index.models import Article, IngestSummary, Quote, Skipped
from index.passages import split_passages
from index.readers import MAX_ARTICLE_CHARS, collect_files, read_file
from index.settings import NewsdeskSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH_PASSAGES = 1024  # passages to embed per batch: big enough for length-sorted encoding
BATCH_ARTICLES = 500  # also flush after this many changed articles (metadata-only edits)
REQUOTE_BATCH = 500  # articles per transaction when quotes are re-extracted
CHECKPOINT_SECONDS = 120.0  # write the FAISS file at least this often during long runs
LOOKUP_ARTICLES = 500  # stored versions are looked up this many ids at a time (not all)
# Beside queries (an Indexer with a ``pause``, the serving engine's): a question that
# arrives mid-step waits for the model call in progress (one lock) and shares the CPU with
# the step until the writer's next yield point, so steps are kept short (index/gate.py).
SERVING_ENCODE_PIECE = 8  # texts per encode call (a CLI run encodes a batch in one call)
SERVING_BATCH_PASSAGES = 256  # passages per commit (the commit's work grows with it)

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

    def summary(self, started: float) -> IngestSummary:
        return IngestSummary(
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            passages_embedded=self.embedded,
            quotes_refreshed=self.requoted,
            skipped=tuple(self.skipped),
            warnings=tuple(self.warnings),
            seconds=time.monotonic() - started,
        )


class Indexer:
    """Adds and removes articles of one index through its backend's writer.

    ``index`` is a location (an index directory, or a Milvus URI with
    NEWSDESK_BACKEND=milvus: see `index.backend.open_backend`) or an open `Backend`
    (the engine's own, so that its searches follow the writes without reloading).
    ``embedder`` defaults to `load_embedder(model_path)` (loaded on first need).
    ``quotes=False`` skips quote extraction (faster; the quotes table stays empty).
    ``settings`` (optional) applies the model, device, thread and vector-index settings
    (without it the model loads on the ingestion default device, auto).
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
        pause: Callable[[], None] | None = None,
    ) -> None:
        device: str | None = None
        if settings is not None:  # the CLI's run: thread counts and vector kind from settings
            from index import vectors
            from index.embedder import set_torch_threads

            vectors.configure(settings.vector_index, settings.faiss_threads)
            set_torch_threads(settings.torch_threads)
            model_path = model_path or settings.model
            device = settings.device
            if index is None and backend_kind(None, settings) == "local":
                index = settings.index_dir
        self._settings = settings
        self._backend: Backend | None = None
        # A directory, a Milvus URI, or None for the configured default.
        self.location: str | Path | None = None
        if index is None or isinstance(index, str | Path):
            self.location = index
        else:
            self._backend, self.location = index, index.location
        self._embedder = embedder
        self._model_path = model_path
        self._device = device
        self.progress = progress
        self.quotes = quotes
        self.pause: Callable[[], None] = pause or (lambda: None)
        self.serving = pause is not None  # beside queries: short steps, background priority
        # Alone (the CLI), one encode call per batch is fastest (and fills a GPU); beside
        # queries, small pieces keep a question's wait for the shared model short.
        self.encode_piece = SERVING_ENCODE_PIECE if self.serving else sys.maxsize

    @property
    def embedder(self) -> EmbedderLike:
        if self._embedder is None:
            from index.embedder import ingest_device, load_embedder

            self._embedder = load_embedder(self._model_path, device=ingest_device(self._device))
        return self._embedder

    @contextlib.contextmanager
    def _open(self, create: bool) -> Iterator[Backend]:
        if self._backend is not None:
            yield self._backend
            return
        backend = open_backend(self.location, create=create, settings=self._settings)
        try:
            yield backend
        finally:
            backend.close()

    # ----- add --------------------------------------------------------------------------

    def add(self, paths: Iterable[str | Path], *, owner: str = OPERATOR) -> IngestSummary:
        """Index files and folders; bad input is reported in the summary, never raised."""
        with self.session() as session:
            return merge_summaries(session.add(paths, owner=owner), session.finish())

    def add_articles(self, articles: Iterable[Article], where: str = "feed", *,
                     owner: str = OPERATOR) -> IngestSummary:
        """Index `Article`s built elsewhere (feeds, Ray batches): the same id and size
        rules as files, and the same writer, checks and summary as `add`; ``where`` names
        them in the summary."""
        with self.session() as session:
            return merge_summaries(session.add_articles(articles, where, owner=owner),
                                   session.finish())

    @contextlib.contextmanager
    def session(self) -> Iterator[IngestSession]:
        """One writer session: the backend open and its ingest lock held until it closes;
        `IngestSession.finish` (called on a normal exit if nobody did) does the
        end-of-run work once."""
        with self._open(create=True) as backend:
            hook = lambda: _checkpoint("before_commit")  # noqa: E731
            if hasattr(backend, "before_commit"):
                backend.before_commit = hook
            try:
                with backend.ingest_lock():
                    session = IngestSession(self, backend)
                    yield session
                    session.finish()
            finally:
                if hasattr(backend, "before_commit"):
                    backend.before_commit = None

    def _add(self, session: IngestSession, items: Iterable[tuple[str, Article]], owner: str,
             run: _Run, bar: Any) -> None:
        backend = session.backend
        if self.serving:
            background_thread()
        self._check_model(backend, load=backend.model() is None)
        batch: list[PreparedArticle] = []
        passages = 0
        limit = SERVING_BATCH_PASSAGES if self.serving else BATCH_PASSAGES
        extract = self._quote_extractor(run) if self.quotes else None
        for item in self._changed(items, backend, owner, run, bar, extract):
            batch.append(item)
            passages += len(item.passages)
            if passages < limit and len(batch) < BATCH_ARTICLES:
                continue
            self._write_batch(backend, batch, run)
            bar.update(len(batch))
            batch, passages = [], 0
            session.checkpoint()
        if batch:
            self._write_batch(backend, batch, run)
            bar.update(len(batch))
        bar.close()
        session.fresh |= run.fresh
        session.changed = session.changed or bool(run.added or run.updated)
        if run.quote_failures:
            run.warnings.append(f"quote extraction failed on {run.quote_failures} article(s)")
        if run.bad_quotes:
            run.warnings.append(f"{run.bad_quotes} quote(s) with wrong offsets were dropped")

    def _changed(
        self,
        items: Iterable[tuple[str, Article]],
        backend: Backend,
        owner: str,
        run: _Run,
        bar: Any,
        extract: Callable[[Article], list[Quote]] | None,
    ) -> Iterator[PreparedArticle]:
        """New and changed articles, prepared for storage; tallies everything else.
        Stored versions are looked up a group of ids at a time: the cost follows the
        upload, not the archive."""
        seen: dict[str, str] = {}  # article id -> where this run first read it
        for group in _groups(items, LOOKUP_ARTICLES):
            known = backend.stored_versions(dict.fromkeys(a.id for _, a in group))
            for where, article in group:
                self.pause()
                if article.id in seen:
                    reason = f"duplicate id {article.id!r} (first read from {seen[article.id]})"
                    run.skipped.append(Skipped(where, reason))
                    bar.update(1)
                    continue
                seen[article.id] = where
                old = known.get(article.id)
                if old is not None and old.owner != owner:
                    run.skipped.append(Skipped(where, _owned_elsewhere(article.id, old.owner,
                                                                       owner)))
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
            new_vectors = self._encode({h: hashes[h] for h in missing})
            run.embedded += len(missing)
        _checkpoint("encoded")
        self.pause()
        generation = backend.write(batch, new_vectors)
        _checkpoint("after_commit")
        return generation

    def _encode(self, texts: dict[str, str]) -> dict[str, np.ndarray]:
        """Vectors by hash, longest texts first (little padding per model batch, as
        sentence-transformers sorts), in pieces with a yield point between them."""
        order = sorted(texts, key=lambda h: len(texts[h]), reverse=True)
        out: dict[str, np.ndarray] = {}
        for n in range(0, len(order), self.encode_piece):
            piece = order[n : n + self.encode_piece]
            self.pause()
            encoded = self.embedder.encode([texts[h] for h in piece], batch_size=32)
            out.update(zip(piece, np.asarray(encoded, dtype=np.float32), strict=True))
        return out

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
            found = {i: self._paused(extract, articles[i]) for i in ids if i in articles}
            store.replace_quotes(found)
            run.requoted += len(found)
            bar.update(len(ids))
        bar.close()
        store.replace_quotes({}, rules)

    def _paused(self, extract: Callable[[Article], list[Quote]], article: Article) -> list[Quote]:
        self.pause()
        return extract(article)

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


class IngestSession:
    """An open writer session of one `Indexer` (see `Indexer.session`): ``add`` and
    ``add_articles`` as often as needed, then ``finish`` once."""

    def __init__(self, indexer: Indexer, backend: Backend) -> None:
        self.indexer = indexer
        self.backend = backend
        self.changed = False  # anything added or updated (unused vectors to prune)
        self.fresh: set[str] = set()  # ids whose quotes this session extracted
        self.finished = False
        self._last_save = time.monotonic()

    def add(self, paths: Iterable[str | Path], *, owner: str = OPERATOR) -> IngestSummary:
        """Index files and folders; bad input is reported in the summary, never raised."""
        started = time.monotonic()
        run = _Run()
        sources, bad_paths = collect_files(paths)
        run.skipped += bad_paths
        bar = self.indexer._bar(sources)

        def articles() -> Iterator[tuple[str, Article]]:
            for source in sources:
                result = read_file(source)
                run.skipped += result.skipped
                run.warnings += result.warnings
                bar.update(len(result.skipped))
                _checkpoint("read")
                yield from result.articles

        self.indexer._add(self, articles(), owner, run, bar)
        return run.summary(started)

    def add_articles(self, articles: Iterable[Article], where: str = "feed", *,
                     owner: str = OPERATOR) -> IngestSummary:
        """`Indexer.add_articles` inside this session."""
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

        self.indexer._add(self, items(), owner, run, _NoBar())
        return run.summary(started)

    def checkpoint(self) -> None:
        """Write the vector file now and then during a long session (a kill then costs
        the next open only the vectors added since, rebuilt from SQLite)."""
        if time.monotonic() - self._last_save > CHECKPOINT_SECONDS:
            self.indexer.pause()
            self.indexer._save(self.backend)
            self._last_save = time.monotonic()

    def finish(self) -> IngestSummary:
        """The end-of-run work, once: unused vectors pruned, the vector file written (also
        repairing a stale one left by a crash), stale quotes re-extracted."""
        if self.finished:
            return IngestSummary()
        self.finished = True
        started = time.monotonic()
        run = _Run(fresh=self.fresh)
        if self.changed:
            self.backend.prune_embeddings()
        self.indexer._save(self.backend)
        _checkpoint("end")
        extract = self.indexer._quote_extractor(run) if self.indexer.quotes else None
        if extract is not None:
            self.indexer._refresh_quotes(self.backend, run, extract)
        if run.quote_failures:
            run.warnings.append(f"quote extraction failed on {run.quote_failures} article(s)")
        return run.summary(started)


def merge_summaries(a: IngestSummary, b: IngestSummary) -> IngestSummary:
    """Two summaries as one (the parts of an upload, or a run and its session's end)."""
    return IngestSummary(
        added=a.added + b.added,
        updated=a.updated + b.updated,
        unchanged=a.unchanged + b.unchanged,
        removed=a.removed + b.removed,
        passages_embedded=a.passages_embedded + b.passages_embedded,
        quotes_refreshed=a.quotes_refreshed + b.quotes_refreshed,
        skipped=a.skipped + b.skipped,
        warnings=a.warnings + tuple(w for w in b.warnings if w not in a.warnings),
        seconds=a.seconds + b.seconds,
    )


def _groups(items: Iterable[T], size: int) -> Iterator[list[T]]:
    group: list[T] = []
    for item in items:
        group.append(item)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


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
