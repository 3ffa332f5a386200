"""`LocalBackend`: the SQLite + FAISS index directory behind `index.backend.Backend`.

SQLite is the truth (articles, passages, embeddings, FTS, quotes); the FAISS file is a
cache of the embeddings table, read once when the backend opens (or rebuilt from SQLite
when it is stale). One in-memory `VectorIndex` per open backend serves dense search and
follows this process's own commits (no rebuild after a write). A commit by another
process moves the generation: the copy catches up from SQLite, loading only the
passages added since (passage ids are never reused) and dropping removed ones; the file
is not reread. While this process commits, searches keep using the copy as it was (the
commit's passages appear when it is mirrored) instead of waiting for the write.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from index.backend import (
    OPERATOR,
    OPERATOR_SCOPE,
    ArticleFilter,
    PassageCandidate,
    PreparedArticle,
    Scope,
)
from index.errors import IndexDamagedError, ModelMismatchError, SchemaVersionError
from index.local import schema
from index.local.articles import ArticleTables, passage_id_high
from index.local.catalog import PassageCatalog
from index.local.db import Database, create_private_file, make_private_dir, translate_errors
from index.local.feedback import FeedbackAndStats
from index.local.lexical import LexicalSearch
from index.local.quotes import QuoteTables
from index.local.textindex import PassageTextIndex
from index.local.vectorfiles import disk_generation, file_lock, load_file, save_file
from index.vectors import VectorIndex

log = logging.getLogger(__name__)

DEFAULT_DIM = 384
HIDDEN_OVERFETCH_MAX = 5_000  # other servers' passages skipped by searching deeper
# The catalog is re-read (in the background: ~1 s at 1M passages) at most this often;
# between two reads a moved generation is answered by SQLite, so a stream of commits
# costs no re-read each.
CATALOG_REREAD_S = 30.0
HIDDEN_CACHE = 64  # scopes whose hidden passage ids / latest date are kept


class LocalBackend(ArticleTables, LexicalSearch, QuoteTables, FeedbackAndStats):
    """One index directory; thread-safe. Open with `LocalBackend.open` (or
    `index.backend.open_backend`)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.dir = db.dir
        self.location = str(db.dir)
        self._vectors: VectorIndex | None = None
        self._vectors_generation = -1
        self._vectors_high = 0  # the copy holds every stored passage id up to this one
        self._vectors_lock = threading.RLock()
        self._write_lock = threading.RLock()  # this process's writers, one at a time
        self._writing = 0  # own commits being mirrored: readers use the copies as they are
        self._hidden_cache: dict[tuple[int, tuple[str, ...]], np.ndarray | None] = {}
        self._latest_cache: dict[tuple[int, tuple[str, ...] | None], str | None] = {}
        self._visible_cache: dict[tuple[int, tuple[str, ...]], np.ndarray] = {}
        # tantivy over passages and titles, by directory name (lexical.py)
        self._text: dict[str, PassageTextIndex | None] = {}
        self._text_lock = threading.Lock()
        self._catalog: PassageCatalog | None = None  # passage -> article, per generation
        self._catalog_lock = threading.Lock()
        self._catalog_read_at = 0.0
        self._catalog_pool: ThreadPoolExecutor | None = None
        self._catalog_reading: Future[None] | None = None  # the background re-read

    @classmethod
    def open(cls, directory: str | Path, *, create: bool = False,
             read_only: bool = False) -> LocalBackend:
        directory = Path(directory).expanduser()
        exists = schema.check_file(directory, create and not read_only)
        if not exists:
            make_private_dir(directory)
            if not (directory / schema.DB_FILE).exists():
                create_private_file(directory / schema.DB_FILE)
            db = Database(directory)
            _guard(directory, lambda: schema.create_schema(db))
            return cls(db)
        db = Database(directory, read_only=read_only)
        if _guard(directory, lambda: schema.needs_migration(db)):
            _guard(directory, lambda: cls._migrate(db))
        if not read_only:
            _tighten(directory)
        return cls(db)

    @staticmethod
    def _migrate(db: Database) -> None:
        writer = db if not db.read_only else Database(db.dir)
        try:
            done = schema.migrate(writer)
        except Exception as err:
            if "readonly" in str(err) or "unable to open" in str(err):
                raise SchemaVersionError(
                    f"The index at {db.dir} uses an older schema and cannot be upgraded "
                    "by this user.", hint=schema.migrate_hint(db.dir)) from err
            raise
        finally:
            if writer is not db:
                writer.close()
        for step in done:
            log.info("index %s migrated: %s", db.dir, step)

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def before_commit(self) -> object:
        return self.db.before_commit

    @before_commit.setter
    def before_commit(self, hook: object) -> None:
        self.db.before_commit = hook  # type: ignore[assignment]

    def conn(self) -> sqlite3.Connection:
        """This thread's SQLite connection (tests and local tools only)."""
        return self.db.conn()

    def close(self) -> None:
        if self._catalog_pool is not None:
            self._catalog_pool.shutdown(wait=True)
            self._catalog_pool = None
        self.db.close()

    def meta(self, key: str) -> str | None:
        return self.db.meta(key)

    def schema_version(self) -> int:
        return schema.stored_version(self.db)

    # ----- model ------------------------------------------------------------------------

    def model(self) -> tuple[str, int] | None:
        name, dim = self.db.meta("model_name"), self.db.meta("model_dim")
        return (name, int(dim)) if name and dim else None

    def check_model(self, name: str, dim: int | None, record: bool = False) -> None:
        current = self.model()
        if current is None:
            if record and dim is not None:
                with self.db.write() as conn:
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('model_name', ?)", (name,))
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('model_dim', ?)", (str(dim),))
            return
        if current[0] != name or (dim is not None and current[1] != dim):
            asked = f"{name!r}" + (f" ({dim}-d)" if dim is not None else "")
            raise ModelMismatchError(
                f"The index at {self.dir} was built with model {current[0]!r} ({current[1]}-d), "
                f"not {asked}; vectors from different models cannot be mixed.",
                hint="Use the original --model, or build a new index with --index DIR.",
            )

    # ----- dense search -------------------------------------------------------------------

    def dense_search(self, vector: np.ndarray, k: int,
                     flt: ArticleFilter) -> list[PassageCandidate]:
        if k <= 0:
            return []
        allowed, hidden = self._restriction(flt)
        if allowed is not None and allowed.size == 0:
            return []
        vi = self.vectors()
        query = np.asarray(vector, np.float32).reshape(1, -1)
        if hidden is not None:
            # Few passages belong to servers this scope may not see: search a little
            # deeper and drop them, instead of listing every visible passage id.
            scores, ids = vi.search(query, k + int(hidden.size))
            keep = ~np.isin(ids[0], hidden)
            scores, ids = scores[:, keep][:, :k], ids[:, keep][:, :k]
        else:
            scores, ids = vi.search(query, k, allowed_ids=allowed)
        keep = ids[0] >= 0
        pids, cos = ids[0][keep].tolist(), scores[0][keep].tolist()
        if not pids:
            return []
        catalog = self.passage_catalog()
        if catalog is not None:
            return catalog.candidates(pids, cos)
        rows = self.db.conn().execute(
            "SELECT p.id, p.article_id, a.date FROM passages p JOIN articles a "
            "ON a.id = p.article_id WHERE p.id IN (SELECT value FROM json_each(?))",
            (_json_ids(pids),)).fetchall()
        where = {int(r[0]): (str(r[1]), r[2]) for r in rows}
        # Passages deleted since the vectors were loaded are left out.
        return [PassageCandidate(p, where[p][0], float(c), where[p][1])
                for p, c in zip(pids, cos, strict=True) if p in where]

    def passage_catalog(self, wait: bool = False) -> PassageCatalog | None:
        """The passage -> article map of the current generation, or None while it is
        being read (callers then ask SQLite). A stale one is read again on a background
        thread (~1 s at 1M passages: no query waits for it), at most every
        CATALOG_REREAD_S. ``wait``: read it now if stale (the serving warm-up)."""
        generation = self.generation()
        catalog = self._catalog
        if catalog is not None and catalog.generation == generation:
            return catalog
        if wait:
            with self._catalog_lock:
                self._read_catalog()
            catalog = self._catalog
            return catalog if catalog is not None and catalog.generation == generation else None
        if catalog is not None and time.monotonic() - self._catalog_read_at < CATALOG_REREAD_S:
            return None  # commits keep coming (an ingest run): SQLite answers until they pause
        if self._catalog_lock.acquire(blocking=False):
            self._catalog_read_at = time.monotonic()
            if self._catalog_pool is None:  # one thread: one SQLite connection, reused
                self._catalog_pool = ThreadPoolExecutor(1, thread_name_prefix="newsdesk-catalog")
            self._catalog_reading = self._catalog_pool.submit(self._read_catalog, locked=True)
        return None

    def _read_catalog(self, locked: bool = False) -> None:
        """Read the catalog at the current generation (``locked``: release the lock the
        caller took, when done)."""
        try:
            if self._catalog is None or self._catalog.generation != self.generation():
                with self.db.snapshot() as conn:
                    catalog = PassageCatalog.read(conn, self.generation())
                self._catalog, self._catalog_read_at = catalog, time.monotonic()
        except Exception as err:  # noqa: BLE001  # a failed read leaves SQLite answering
            log.warning("passage catalog not read (%s): SQLite answers", err)
        finally:
            if locked:
                self._catalog_lock.release()

    def _restriction(self, flt: ArticleFilter) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(allowed passage ids or None for all, hidden passage ids or None). A scope
        alone usually hides a few server uploads: those are listed, not the archive."""
        if not flt.restricts:
            return None, None
        owners = flt.scope.owners()
        only_scope = not (flt.date_from or flt.date_to or flt.source
                          or flt.article_ids is not None)
        if only_scope and owners is not None:
            hidden = self._hidden_passages(owners)
            if hidden is not None:
                return None, (hidden if hidden.size else None)
            return self._visible_passages(owners, flt), None
        return self.allowed_passages(flt), None

    def allowed_passages(self, flt: ArticleFilter) -> np.ndarray:
        """Sorted ids of the passages ``flt`` allows: from the catalog's arrays (a few ms
        at 1M passages), or SQL while the catalog is stale (~20 ms there)."""
        catalog = self.passage_catalog()
        allowed = catalog.allowed_passages(flt) if catalog is not None else None
        return self.passage_ids(flt) if allowed is None else allowed

    def _visible_passages(self, visible: tuple[str, ...], flt: ArticleFilter) -> np.ndarray:
        """Passage ids a scope sees when too many are hidden from it (another server's
        large upload): cached per generation like the hidden ones, and carried across this
        process's own commits (`_carry_scope_caches`), so a query does not list them
        again in SQL after every commit of an ingest run."""
        key = (self.generation(), visible)
        with self._vectors_lock:
            found = self._visible_cache.get(key)
        if found is not None:
            return found
        found = self.allowed_passages(flt)
        with self._vectors_lock:
            self._visible_cache[key] = found
            _trim(self._visible_cache)
        return found

    def _hidden_passages(self, visible: tuple[str, ...]) -> np.ndarray | None:
        """Passage ids of articles owned by anyone not in ``visible``; None when there
        are more than HIDDEN_OVERFETCH_MAX (at most that many are read). Cached per
        generation: a scope's hidden set changes only when the index does."""
        generation = self.generation()
        key = (generation, visible)
        with self._vectors_lock:
            if key in self._hidden_cache:
                return self._hidden_cache[key]
        rows = self.db.conn().execute(
            "SELECT p.id FROM articles a JOIN passages p ON p.article_id = a.id "
            f"WHERE a.owner NOT IN ({','.join('?' * len(visible))}) LIMIT ?",
            [*visible, HIDDEN_OVERFETCH_MAX + 1]).fetchall()
        hidden = (np.sort(np.array([r[0] for r in rows], dtype=np.int64))
                  if len(rows) <= HIDDEN_OVERFETCH_MAX else None)
        with self._vectors_lock:
            self._hidden_cache[key] = hidden
            _trim(self._hidden_cache)
        return hidden

    def latest_date(self, scope: Scope = OPERATOR_SCOPE) -> str | None:
        """Cached per generation and scope (a scoped MAX scans the visible articles)."""
        key = (self.generation(), scope.owners())
        with self._vectors_lock:
            if key in self._latest_cache:
                return self._latest_cache[key]
        latest = ArticleTables.latest_date(self, scope)
        with self._vectors_lock:
            self._latest_cache[key] = latest
            _trim(self._latest_cache)
        return latest

    def vectors(self) -> VectorIndex:
        """The FAISS index at the current generation: loaded once, then following this
        process's commits and catching up with other processes' (`_catch_up`)."""
        generation = self.generation()
        with self._vectors_lock:
            vi = self._vectors
            if vi is not None and (self._vectors_generation == generation or self._writing):
                return vi
            if vi is None or not self._catch_up(vi):
                self._vectors, self._vectors_generation, self._vectors_high, _ = (
                    self._load_vectors())
            return self._vectors  # type: ignore[return-value]

    def _catch_up(self, vi: VectorIndex) -> bool:
        """Bring the copy to SQLite's generation by loading only the passages added since
        (ids above the copy's mark) and removing those gone; False if it cannot be
        trusted (then the caller reloads)."""
        with self.db.snapshot():
            changes = self.passages_since(self._vectors_high)
            expected = len(vi) + len(changes.ids)
            if changes.count > expected:  # ids not above the mark: not ours to patch
                return False
            gone = np.zeros(0, np.int64)
            if changes.count < expected:
                gone = np.setdiff1d(vi.ids, self.passage_ids_upto(self._vectors_high),
                                    assume_unique=True)
        if gone.size:
            vi.remove(gone)
        if changes.ids.size:
            vi.add(changes.ids, changes.vectors)
        if len(vi) != changes.count:
            return False
        log.debug("vectors caught up to generation %d: %d added, %d removed",
                  changes.generation, changes.ids.size, gone.size)
        self._vectors_generation, self._vectors_high = changes.generation, changes.high
        return True

    def load_vectors(self, save: bool = True) -> VectorIndex:
        """A fresh FAISS index matching SQLite (rebuilt and, with ``save``, written back
        when the file is missing, corrupt or stale)."""
        vi, generation, _, rebuilt = self._load_vectors()
        if save and rebuilt and not self.db.read_only:
            save_file(self.dir, vi, generation)
        return vi

    def _load_vectors(self) -> tuple[VectorIndex, int, int, bool]:
        """(vectors, their generation, their passage id mark, whether they were rebuilt
        from SQLite)."""
        model = self.model()
        with self.db.snapshot() as conn:
            generation, high = self.generation(), passage_id_high(conn)
        vi = load_file(self.dir, generation, model[1] if model else None)
        if vi is not None:
            return vi, generation, high, False
        with self.db.snapshot() as conn:
            generation, high = self.generation(), passage_id_high(conn)
            ids, vectors = self.passage_vectors()
        dim = model[1] if model else DEFAULT_DIM
        if len(ids):
            log.info("rebuilt the vector index from SQLite (%d vectors)", len(ids))
            return VectorIndex.build(ids, vectors), generation, high, True
        return VectorIndex.create(dim), generation, high, True

    # ----- the writer -------------------------------------------------------------------

    def ingest_lock(self) -> contextlib.AbstractContextManager[None]:
        """One indexing run per index at a time, across processes: a run mirrors its own
        commits in its in-memory FAISS index, so two interleaved runs would each save a
        vector file missing the other's passages."""
        return file_lock(self.dir / "ingest.lock", waiting="another indexing run")

    def write(self, items: Sequence[PreparedArticle],
              embeddings: Mapping[str, np.ndarray]) -> int:
        with self._own_commit() as (vi, before):
            removed, added, generation = self.write_rows(items, embeddings)
            self._mirror(vi, before, generation, removed, added)
            self.follow_text_index(generation, removed, added.tolist(),
                                   [item.article.id for item in items])
        if not removed.size and all(item.passages for item in items):
            self._carry_scope_caches(items, added, generation)
        return generation

    def _carry_scope_caches(self, items: Sequence[PreparedArticle], added: np.ndarray,
                            generation: int) -> None:
        """A commit that only added articles: each scope's hidden and visible passages
        and latest date at ``generation`` follow from those of the generation before
        plus the new rows (cost in proportion to the commit, not to the archive), instead
        of every scope's next query asking SQLite again."""
        owners = np.repeat(np.array([item.owner for item in items], dtype=object),
                           [len(item.passages) for item in items])
        dates = [(item.owner, item.article.date) for item in items if item.article.date]
        previous = generation - 1
        with self._vectors_lock:
            for (gen, visible), hidden in list(self._hidden_cache.items()):
                if gen == previous:
                    more = added[~np.isin(owners, visible)]
                    grown = None if hidden is None else np.union1d(hidden, more)
                    self._hidden_cache[(generation, visible)] = (
                        grown if grown is not None and grown.size <= HIDDEN_OVERFETCH_MAX
                        else None)
            for (gen, visible), seen in list(self._visible_cache.items()):
                if gen == previous:
                    self._visible_cache[(generation, visible)] = np.union1d(
                        seen, added[np.isin(owners, visible)])
            for (gen, scope), latest in list(self._latest_cache.items()):
                if gen == previous:
                    newer = [d for o, d in dates if scope is None or o in scope]
                    self._latest_cache[(generation, scope)] = max(
                        [d for d in (latest, *newer) if d is not None], default=None)
            _trim(self._hidden_cache)
            _trim(self._visible_cache)
            _trim(self._latest_cache)

    def delete(self, ids: Iterable[str]) -> list[str]:
        with self._own_commit() as (vi, before):
            found, removed, generation = self.delete_rows(ids)
            if found:
                self._mirror(vi, before, generation, removed, np.zeros(0, np.int64))
                self.follow_text_index(generation, removed, [], found)
        return found

    @contextlib.contextmanager
    def _own_commit(self) -> Iterator[tuple[VectorIndex, int]]:
        """One commit of this process: searches meanwhile use the vectors and the text
        index as they were (never a reload because the generation moved under them)."""
        with self._write_lock:
            vi = self.vectors()
            with self._vectors_lock:
                before = self._vectors_generation
                self._writing += 1
            try:
                yield vi, before
            finally:
                with self._vectors_lock:
                    self._writing -= 1

    def set_owner(self, ids: Iterable[str], owner: str) -> int:
        """The text index filters by owner too: its rows of these articles are rewritten."""
        ids = list(ids)
        changed = ArticleTables.set_owner(self, ids, owner)
        if changed:
            pids = [int(r[0]) for r in self.db.conn().execute(
                "SELECT id FROM passages WHERE article_id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),))]
            self.follow_text_index(self.generation(), np.array(pids, np.int64), pids, ids)
        return changed

    def _mirror(self, vi: VectorIndex, before: int, generation: int,
                removed: np.ndarray, added: np.ndarray) -> None:
        """Follow one commit in memory; if another process committed in between, leave
        the copy behind (the next read catches up with both commits)."""
        if generation != before + 1:
            return
        stored = self.passage_vectors(added)[1] if added.size else None
        with self._vectors_lock:
            if removed.size:
                vi.remove(removed, convert=False)
            if stored is not None:
                vi.add(added, stored, convert=False)
                self._vectors_high = max(self._vectors_high, int(added.max()))
            self._vectors_generation = generation
        vi.convert_if_due()  # a flat -> IVF rebuild runs beside the searches, not under a lock

    def flush(self) -> None:
        if self.db.read_only:
            return
        generation = self.generation()
        if disk_generation(self.dir) != generation:  # also repairs a crash's stale file
            save_file(self.dir, self.vectors(), generation)
        self.ensure_text_index()

    def prepare_for_serving(self) -> None:
        """Load the vectors and the text index now, not on the first question. (Thread
        counts come from the settings: `retrieval.engine.Engine.open` applies them.)"""
        self.vectors()
        self.ensure_text_index()
        self.passage_catalog(wait=True)

    def save_vectors(self, vi: VectorIndex, generation: int) -> None:
        save_file(self.dir, vi, generation)

    def owner_counts(self) -> dict[str, int]:
        rows = self.db.conn().execute("SELECT owner, COUNT(*) FROM articles GROUP BY owner")
        return {str(r[0]): int(r[1]) for r in rows}

    def operator_owned(self) -> bool:
        return set(self.owner_counts()) <= {OPERATOR}


def _tighten(directory: Path) -> None:
    """Indexes made before 0600/0700 get them on the owner's next writable open."""
    import os

    from index.local.db import DIR_MODE, FILE_MODE

    with contextlib.suppress(OSError):
        if directory.stat().st_uid == os.getuid():
            directory.chmod(DIR_MODE)
    for name in (schema.DB_FILE, schema.DB_FILE + "-wal", schema.DB_FILE + "-shm"):
        with contextlib.suppress(OSError):
            path = directory / name
            if path.stat().st_uid == os.getuid():
                path.chmod(FILE_MODE)


def _trim(cache: dict[Any, Any]) -> None:
    """Drop the oldest entries of a per-generation cache beyond HIDDEN_CACHE."""
    while len(cache) > HIDDEN_CACHE:
        cache.pop(next(iter(cache)))


def _json_ids(ids: list[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _guard(directory: Path, step: object) -> object:
    """Run an open step; damage reported as `IndexDamagedError`, never a traceback."""
    import sqlite3

    from index.local.db import damaged

    try:
        return step()  # type: ignore[operator]
    except IndexDamagedError:
        raise
    except sqlite3.DatabaseError as err:
        raise damaged(directory, err) from err


def _dir_of(self: LocalBackend, *args: object, **kwargs: object) -> Path:
    return self.dir


def _wrap_public_methods() -> None:
    """SQLite damage found later (a bad page read during a search) is reported the same
    way as damage found on open."""
    for name in dir(LocalBackend):
        member = inspect.getattr_static(LocalBackend, name)
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        setattr(LocalBackend, name, translate_errors(_dir_of)(member))


_wrap_public_methods()
