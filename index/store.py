"""The SQLite side of an index directory: the source of truth (see docs/ARCHITECTURE.md).

One connection per thread (sqlite3 connections are not shareable), WAL so that
readers in this and other processes keep working while a writer commits, and
every write in one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.errors import IndexNotFoundError, ModelMismatchError, NewsdeskError
from index.models import Article, IndexStats, Passage, Quote
from index.text.fts import fts_query

if TYPE_CHECKING:
    from index.vectors import VectorIndex

log = logging.getLogger(__name__)

DB_FILE = "newsdesk.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, title TEXT, date TEXT, source TEXT, url TEXT, author TEXT,
    text TEXT NOT NULL, content_hash TEXT NOT NULL, indexed_at TEXT);
CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS articles_source ON articles(lower(source));
CREATE TABLE IF NOT EXISTS passages(
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal INT, start INT, end INT, text TEXT,
    paragraph_start INT, paragraph_end INT, text_hash TEXT);
CREATE INDEX IF NOT EXISTS passages_article ON passages(article_id, ordinal);
CREATE INDEX IF NOT EXISTS passages_hash ON passages(text_hash);
CREATE TABLE IF NOT EXISTS embeddings(text_hash TEXT PRIMARY KEY, vector BLOB);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    text, content='passages', content_rowid='id', tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS passages_fts_insert AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS passages_fts_delete AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TABLE IF NOT EXISTS quotes(
    id INTEGER PRIMARY KEY,
    article_id TEXT REFERENCES articles(id) ON DELETE CASCADE,
    speaker TEXT, speaker_key TEXT, mention TEXT, cue TEXT, text TEXT,
    start INT, end INT, direct INT, paragraph INT);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_key);
CREATE TABLE IF NOT EXISTS feedback(
    id INTEGER PRIMARY KEY, created_at TEXT, user_id TEXT, question TEXT,
    answer_kind TEXT, vote INT, article_ids TEXT);
"""

_PASSAGE_COLS = "id, article_id, ordinal, start, end, text, paragraph_start, paragraph_end"
_QUOTE_COLS = (
    "id, article_id, speaker, speaker_key, mention, cue, text, start, end, direct, paragraph"
)
_ARTICLE_COLS = "id, text, title, date, source, url, author"
@dataclass(frozen=True)
class StoredArticle:
    """An article to write with its derived rows (passages carry their ``text_hash``)."""

    article: Article
    content_hash: str
    passages: Sequence[tuple[int, int, int, str, int, int, str]]
    # (ordinal, start, end, text, paragraph_start, paragraph_end, text_hash)
    quotes: Sequence[Quote] = ()


def article_filter_sql(
    date_from: str | None,
    date_to: str | None,
    source: str | None,
    article_ids: Iterable[str] | None,
) -> tuple[str, list[object]]:
    """SQL conditions on alias ``a`` (articles) and their parameters: the one definition of
    what the date, source and article filters mean, for passages and quotes alike."""
    clauses: list[str] = []
    params: list[object] = []
    if date_from:
        clauses.append("a.date >= ?")
        params.append(date_from)
    if date_to:
        clauses.append("a.date <= ?")
        params.append(date_to)
    if source:
        # "CNN" matches "cnn" and the domain form "cnn.com".
        s = source.strip().lower()
        like = s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"
        clauses.append("(lower(a.source) = ? OR lower(a.source) LIKE ? ESCAPE '\\')")
        params += [s, like]
    if article_ids is not None:
        clauses.append("a.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(article_ids)))
    return " AND ".join(clauses), params


class IndexStore:
    """Reads and writes of one index's SQLite database; safe to share between threads."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.path = self.dir / DB_FILE
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._all_conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        # Called inside every write transaction just before COMMIT (crash tests use it).
        self.before_commit: Callable[[], None] | None = None

    @classmethod
    def open(cls, directory: str | Path, create: bool = False) -> IndexStore:
        """Open the index at ``directory``; with ``create`` make it if missing."""
        directory = Path(directory).expanduser()
        if not (directory / DB_FILE).is_file():
            if not create:
                raise IndexNotFoundError(
                    f"No index at {directory}.",
                    hint="Build one with `newsdesk index add PATH...` (or set NEWSDESK_INDEX).",
                )
            directory.mkdir(parents=True, exist_ok=True)
        store = cls(directory)
        if not store._has_schema():
            with store._write_lock:
                store.conn().executescript(
                    "BEGIN IMMEDIATE;"
                    + _SCHEMA
                    + f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');"
                    "INSERT OR IGNORE INTO meta VALUES ('vectors_generation', '0');"
                    "COMMIT;"
                )
        return store

    def _has_schema(self) -> bool:
        try:
            return self.meta("schema_version") is not None
        except sqlite3.OperationalError:  # no meta table yet
            return False

    # ----- connections -----------------------------------------------------------------

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: transactions are explicit)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._conns_lock:
                self._all_conns.append(conn)
        return conn

    def close(self) -> None:
        with self._conns_lock:
            for conn in self._all_conns:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all_conns.clear()
        self._local = threading.local()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on error."""
        with self._write_lock:
            conn = self.conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if self.before_commit is not None:
                    self.before_commit()
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state."""
        conn = self.conn()
        if conn.in_transaction:  # nested use on this thread: already consistent
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    # ----- meta ------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def generation(self) -> int:
        """Bumped by every committed change to passages (the FAISS file must match it)."""
        return int(self.meta("vectors_generation") or 0)

    def model(self) -> tuple[str, int] | None:
        name, dim = self.meta("model_name"), self.meta("model_dim")
        return (name, int(dim)) if name and dim else None

    def check_model(self, name: str, dim: int | None, record: bool = False) -> None:
        """Refuse an embedder other than the index's (``dim=None``: compare names only);
        with ``record`` an index without a model yet is claimed for this one."""
        current = self.model()
        if current is None:
            if record and dim is not None:
                with self.write() as conn:
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

    # ----- articles and passages -----------------------------------------------------------

    def get_article(self, article_id: str) -> Article:
        from index.errors import ArticleNotFoundError

        row = self.conn().execute(
            f"SELECT {_ARTICLE_COLS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise ArticleNotFoundError(
                f"No article with id {article_id!r}.", hint="Article ids appear in search results."
            )
        return Article(*row)

    def get_articles(self, ids: Iterable[str]) -> dict[str, Article]:
        """The articles among ``ids`` that exist, keyed by id."""
        rows = self.conn().execute(
            f"SELECT {_ARTICLE_COLS} FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return {r[0]: Article(*r) for r in rows}

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn().execute("SELECT id FROM articles ORDER BY id")]

    def content_hashes(self) -> dict[str, str]:
        return dict(self.conn().execute("SELECT id, content_hash FROM articles").fetchall())

    def passages_for(self, article_id: str) -> list[Passage]:
        rows = self.conn().execute(
            f"SELECT {_PASSAGE_COLS} FROM passages WHERE article_id = ? ORDER BY ordinal",
            (article_id,),
        )
        return [Passage(*r) for r in rows]

    def get_passages(self, ids: Iterable[int]) -> list[Passage]:
        """Passages in the order of ``ids``; unknown ids are left out."""
        id_list = [int(i) for i in ids]
        rows = self.conn().execute(
            f"SELECT {_PASSAGE_COLS} FROM passages WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(id_list),),
        )
        by_id = {r[0]: Passage(*r) for r in rows}
        return [by_id[i] for i in id_list if i in by_id]

    def passage_ids(
        self,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        article_ids: Iterable[str] | None = None,
    ) -> np.ndarray:
        """Sorted int64 ids of the passages whose article passes the filters (all if none)."""
        where, params = article_filter_sql(date_from, date_to, source, article_ids)
        sql = "SELECT p.id FROM passages p"
        if where:
            sql += f" JOIN articles a ON a.id = p.article_id WHERE {where}"
        rows = self.conn().execute(sql + " ORDER BY p.id", params).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def passage_vectors(self, ids: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of passages (all when ``ids`` is None), from the embeddings table."""
        dim = (self.model() or ("", 0))[1]
        sql = "SELECT p.id, e.vector FROM passages p JOIN embeddings e ON e.text_hash = p.text_hash"
        params: tuple[object, ...] = ()
        if ids is not None:
            sql += " WHERE p.id IN (SELECT value FROM json_each(?))"
            params = (json.dumps([int(i) for i in ids]),)
        rows = self.conn().execute(sql + " ORDER BY p.id", params).fetchall()
        out_ids = np.array([r[0] for r in rows], dtype=np.int64)
        if not rows:
            return out_ids, np.zeros((0, dim), dtype=np.float32)
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
        return out_ids, vectors.reshape(len(rows), -1).copy()

    def lexical_search(
        self,
        query: str,
        k: int = 20,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        article_ids: Iterable[str] | None = None,
    ) -> list[tuple[int, float]]:
        """Top-``k`` (passage id, bm25 score; higher is better) among filtered passages.

        Any user text is safe here: it is reduced to quoted words (see `fts_query`).
        """
        match = fts_query(query)
        if match is None or k <= 0:
            return []
        where, params = article_filter_sql(date_from, date_to, source, article_ids)
        sql = (
            "SELECT p.id, bm25(passages_fts) AS score FROM passages_fts "
            "JOIN passages p ON p.id = passages_fts.rowid "
        )
        if where:
            sql += "JOIN articles a ON a.id = p.article_id "
        sql += "WHERE passages_fts MATCH ? "
        if where:
            sql += f"AND {where} "
        sql += "ORDER BY score LIMIT ?"
        rows = self.conn().execute(sql, [match, *params, int(k)]).fetchall()
        return [(int(r[0]), -float(r[1])) for r in rows]

    # ----- quotes ------------------------------------------------------------------------

    def quotes_for(self, article_id: str) -> list[Quote]:
        rows = self.conn().execute(
            f"SELECT {_QUOTE_COLS} FROM quotes WHERE article_id = ? ORDER BY start", (article_id,)
        )
        return [_quote(r) for r in rows]

    def quotes_by_speaker(
        self,
        speaker_key: str,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        article_ids: Iterable[str] | None = None,
    ) -> list[Quote]:
        """All quotes grouped under ``speaker_key``, newest article first."""
        where, params = article_filter_sql(date_from, date_to, source, article_ids)
        sql = (
            f"SELECT {', '.join('q.' + c.strip() for c in _QUOTE_COLS.split(','))} "
            "FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.speaker_key = ?"
        )
        if where:
            sql += f" AND {where}"
        sql += " ORDER BY a.date DESC, q.article_id, q.start"
        return [_quote(r) for r in self.conn().execute(sql, [speaker_key, *params])]

    def speakers(self, prefix: str = "", limit: int = 25) -> list[tuple[str, str, int]]:
        """(most common spelling, speaker_key, quote count), most quoted first."""
        like = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.conn().execute(
            "SELECT speaker, speaker_key, COUNT(*) AS n FROM quotes "
            "WHERE speaker_key != '' AND (lower(speaker) LIKE ? ESCAPE '\\' "
            "OR speaker_key LIKE ? ESCAPE '\\') "
            "GROUP BY speaker_key ORDER BY n DESC, speaker LIMIT ?",
            (like + "%", like + "%", int(limit)),
        ).fetchall()
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    # ----- writes (used by index/ingest.py) ---------------------------------------------------

    def cached_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The text hashes among ``hashes`` that already have an embedding."""
        rows = self.conn().execute(
            "SELECT text_hash FROM embeddings WHERE text_hash IN (SELECT value FROM json_each(?))",
            (json.dumps(list(hashes)),),
        )
        return {r[0] for r in rows}

    def write_articles(
        self, items: Sequence[StoredArticle], embeddings: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Replace/insert ``items`` in one transaction that also bumps the generation.

        Returns (removed passage ids, added passage ids, new generation).
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        removed: list[int] = []
        added: list[int] = []
        with self.write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings VALUES (?, ?)",
                ((h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in embeddings.items()),
            )
            for item in items:
                a = item.article
                removed += [
                    r[0]
                    for r in conn.execute("SELECT id FROM passages WHERE article_id = ?", (a.id,))
                ]
                # Children first: the FTS trigger fires on explicit passage deletes.
                conn.execute("DELETE FROM passages WHERE article_id = ?", (a.id,))
                conn.execute("DELETE FROM quotes WHERE article_id = ?", (a.id,))
                conn.execute(
                    "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.id, a.title, a.date, a.source, a.url, a.author, a.text,
                     item.content_hash, now),
                )
                for p in item.passages:
                    cur = conn.execute(
                        "INSERT INTO passages(article_id, ordinal, start, end, text, "
                        "paragraph_start, paragraph_end, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (a.id, *p),
                    )
                    added.append(int(cur.lastrowid or 0))
                conn.executemany(
                    f"INSERT INTO quotes({_QUOTE_COLS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (_quote_row(a.id, q) for q in item.quotes),
                )
            generation = self._bump(conn)
        return np.array(removed, np.int64), np.array(added, np.int64), generation

    def replace_quotes(self, quotes: Mapping[str, Sequence[Quote]], rules: str | None = None) -> None:
        """Swap the quotes of these articles in one transaction (passages untouched);
        with ``rules``, also record the extractor version they come from."""
        with self.write() as conn:
            for article_id, found in quotes.items():
                conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
                conn.executemany(
                    f"INSERT INTO quotes({_QUOTE_COLS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (_quote_row(article_id, q) for q in found),
                )
            if rules is not None:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('quote_rules', ?)", (rules,))

    def delete_articles(self, ids: Iterable[str]) -> tuple[list[str], np.ndarray, int]:
        """Delete articles in one transaction: (deleted ids, removed passage ids, generation)."""
        with self.write() as conn:
            wanted = json.dumps(list(ids))
            found = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))", (wanted,)
                )
            ]
            if not found:
                return [], np.zeros(0, np.int64), self.generation()
            sel = "article_id IN (SELECT value FROM json_each(?))"
            doomed = [r[0] for r in conn.execute(f"SELECT id FROM passages WHERE {sel}", (wanted,))]
            conn.execute(f"DELETE FROM passages WHERE {sel}", (wanted,))
            conn.execute(f"DELETE FROM quotes WHERE {sel}", (wanted,))
            conn.execute("DELETE FROM articles WHERE id IN (SELECT value FROM json_each(?))", (wanted,))
            generation = self._bump(conn)
        return found, np.array(doomed, np.int64), generation

    def prune_embeddings(self) -> int:
        """Drop cached vectors no passage uses any more; returns how many."""
        with self.write() as conn:
            cur = conn.execute(
                "DELETE FROM embeddings WHERE text_hash NOT IN (SELECT text_hash FROM passages)"
            )
            return cur.rowcount

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'vectors_generation'").fetchone()
        generation = int(row[0] if row else 0) + 1
        conn.execute(
            "INSERT OR REPLACE INTO meta VALUES ('vectors_generation', ?)", (str(generation),)
        )
        return generation

    # ----- feedback and stats ------------------------------------------------------------------

    def record_feedback(
        self,
        question: str,
        answer_kind: str,
        vote: int,
        user_id: str | None = None,
        article_ids: Sequence[str] = (),
    ) -> int:
        """Store one 👍/👎 (vote +1/-1); returns the feedback row id."""
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO feedback(created_at, user_id, question, answer_kind, vote, article_ids) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), user_id, question,
                 answer_kind, int(vote), json.dumps(list(article_ids))),
            )
            return int(cur.lastrowid or 0)

    def prune_feedback(self, keep_days: float | None = None, user_id: str | None = None) -> int:
        """Delete feedback rows older than ``keep_days``, or given by ``user_id`` (either
        condition); returns how many."""
        where, args = [], []
        if keep_days is not None:
            cutoff = datetime.now(UTC) - timedelta(days=keep_days)
            where.append("created_at < ?")
            args.append(cutoff.isoformat(timespec="seconds"))
        if user_id is not None:
            where.append("user_id = ?")
            args.append(user_id)
        if not where:
            return 0
        with self.write() as conn:
            return conn.execute(f"DELETE FROM feedback WHERE {' OR '.join(where)}", args).rowcount

    def stats(self) -> IndexStats:
        with self.snapshot() as conn:
            articles, date_min, date_max = conn.execute(
                "SELECT COUNT(*), MIN(date), MAX(date) FROM articles"
            ).fetchone()
            passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
            quotes, speakers = conn.execute(
                "SELECT COUNT(*), COUNT(DISTINCT NULLIF(speaker_key, '')) FROM quotes"
            ).fetchone()
            sources = conn.execute(
                "SELECT COALESCE(source, '(none)'), COUNT(*) AS n FROM articles "
                "GROUP BY 1 ORDER BY n DESC, 1"
            ).fetchall()
            model = self.model() or ("(none)", 0)
        kind = "none"
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            kind = str(json.loads((self.dir / "vectors.json").read_text())["kind"])
        size = 0
        for f in self.dir.iterdir():
            with contextlib.suppress(OSError):  # a writer's temp file may vanish meanwhile
                size += f.stat().st_size if f.is_file() else 0
        return IndexStats(
            articles=articles,
            passages=passages,
            quotes=quotes,
            speakers=speakers,
            date_min=date_min,
            date_max=date_max,
            sources=tuple((str(s), int(n)) for s, n in sources),
            model=model[0],
            dimension=model[1],
            vector_index=kind,
            size_bytes=size,
        )

    def load_vectors(self, save: bool = True) -> VectorIndex:
        """The FAISS index matching SQLite's current generation.

        A missing, corrupt or stale file is rebuilt from the embeddings table
        (and, with ``save``, written back so the next open is fast).
        """
        logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # CPU-feature chatter
        from index.vectors import VectorIndex

        with contextlib.suppress(NewsdeskError):
            vi, generation = VectorIndex.load(self.dir)
            model = self.model()
            if generation == self.generation() and (model is None or model[1] == vi.dim):
                return vi
        with self.snapshot():
            generation = self.generation()
            ids, vectors = self.passage_vectors()
        dim = (self.model() or ("", 384))[1]
        vi = VectorIndex.build(ids, vectors) if len(ids) else VectorIndex.create(dim)
        if len(ids):
            log.info("rebuilt the vector index from SQLite (%d vectors)", len(ids))
        if save:
            self.save_vectors(vi, generation)
        return vi

    def save_vectors(self, vi: VectorIndex, generation: int) -> None:
        """Write the FAISS files for ``generation`` (atomic; serialised across processes)."""
        with self.vectors_lock():
            # Temp files of a writer killed mid-save (nobody else writes under the lock).
            for stale in self.dir.glob(".vectors.*.tmp"):
                stale.unlink(missing_ok=True)
            vi.save(self.dir, generation)

    def vectors_lock(self) -> contextlib.AbstractContextManager[None]:
        """Cross-process lock around writing the FAISS files (a writer and a reader
        rebuilding at the same moment must not interleave their two files)."""
        return _file_lock(self.dir / "vectors.lock")

    def ingest_lock(self) -> contextlib.AbstractContextManager[None]:
        """One indexing run (add/remove) per index at a time, across processes: a run
        mirrors its own commits in its in-memory FAISS index, so two interleaved runs
        would each save a vector file missing the other's passages."""
        return _file_lock(self.dir / "ingest.lock", waiting="another indexing run")


@contextlib.contextmanager
def _file_lock(path: Path, waiting: str | None = None) -> Iterator[None]:
    with open(path, "a+b") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                log.warning("waiting for %s on %s to finish", waiting, path.parent)
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _quote_row(article_id: str, q: Quote) -> tuple[object, ...]:
    return (article_id, q.speaker, q.speaker_key, q.mention, q.cue, q.text, q.start, q.end,
            int(q.direct), q.paragraph)


def _quote(row: Sequence[object]) -> Quote:
    qid, article_id, speaker, key, mention, cue, text, start, end, direct, paragraph = row
    return Quote(
        article_id=str(article_id),
        speaker=str(speaker),
        text=str(text),
        start=int(start),  # type: ignore[call-overload]
        end=int(end),  # type: ignore[call-overload]
        cue=str(cue or ""),
        direct=bool(direct),
        mention=str(mention or ""),
        speaker_key=str(key or ""),
        paragraph=int(paragraph or 0),  # type: ignore[call-overload]
        id=int(qid),  # type: ignore[call-overload]
    )
