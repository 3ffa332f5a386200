"""BM25 over passage texts and over article titles (tantivy, index/local/textindex.py:
``lexical/`` and ``titles/``; SQLite FTS5 answers whenever one is missing or stale)."""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.backend import ArticleFilter, PassageCandidate, TitleCandidate
from index.local.db import Database

if TYPE_CHECKING:
    from index.local.catalog import PassageCatalog
from index.local.filters import filter_sql
from index.local.textindex import (
    DIR_NAME,
    TITLES_DIR_NAME,
    PassageTextIndex,
    TextRow,
    invalidate,
)
from index.local.vectorfiles import file_lock

log = logging.getLogger(__name__)

MAX_QUERY_TERMS = 32
_ROWS = ("SELECT p.id, p.article_id, a.date, a.source, a.owner, p.text FROM passages p "
         "JOIN articles a ON a.id = p.article_id")
# Every article, untitled ones as '': FTS5's titles_fts counts them too (row count and
# average length enter BM25).
_TITLE_ROWS = "SELECT rowid, id, date, source, owner, coalesce(title, '') FROM articles"
DERIVED = (DIR_NAME, TITLES_DIR_NAME)


def match_expression(terms: Sequence[str]) -> str | None:
    """The OR of ``terms``, each quoted so that no text can be FTS syntax; None if empty."""
    words = [t.replace('"', '""') for t in dict.fromkeys(terms) if t.strip()]
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in words[:MAX_QUERY_TERMS])


class LexicalSearch:
    db: Database
    dir: Path
    _text: dict[str, PassageTextIndex | None]  # by DERIVED name; set by LocalBackend.__init__
    _text_lock: threading.Lock
    _writing: int  # this process is committing: the text index follows it right after

    if TYPE_CHECKING:
        def generation(self) -> int: ...  # ArticleTables
        def passage_catalog(self) -> PassageCatalog | None: ...  # LocalBackend

    def lexical_search(self, terms: Sequence[str], k: int,
                       flt: ArticleFilter) -> list[PassageCandidate]:
        words = [t for t in dict.fromkeys(terms) if t.strip()][:MAX_QUERY_TERMS]
        if not words or k <= 0:
            return []
        hits = self._derived_search(DIR_NAME, words, k, flt)
        if hits is None:
            return self.fts5_lexical_search(words, k, flt)
        if not hits:
            return []
        catalog = self.passage_catalog()
        if catalog is not None:
            return catalog.candidates([pid for pid, _ in hits], [score for _, score in hits])
        rows = self.db.conn().execute(
            "SELECT p.id, p.article_id, a.date FROM passages p JOIN articles a "
            "ON a.id = p.article_id WHERE p.id IN (SELECT value FROM json_each(?))",
            (json.dumps([pid for pid, _ in hits]),)).fetchall()
        where = {int(r[0]): (str(r[1]), r[2]) for r in rows}
        return [PassageCandidate(pid, where[pid][0], score, where[pid][1])
                for pid, score in hits if pid in where]

    def fts5_lexical_search(self, terms: Sequence[str], k: int,
                            flt: ArticleFilter) -> list[PassageCandidate]:
        """The same ranking from SQLite's own FTS5 table (always current)."""
        match = match_expression(terms)
        if match is None or k <= 0:
            return []
        where, params = filter_sql(flt)
        sql = (
            "SELECT p.id, p.article_id, a.date, bm25(passages_fts) AS score FROM passages_fts "
            "JOIN passages p ON p.id = passages_fts.rowid "
            "JOIN articles a ON a.id = p.article_id WHERE passages_fts MATCH ? "
        )
        if where:
            sql += f"AND {where} "
        rows = self.db.conn().execute(sql + "ORDER BY score LIMIT ?",
                                      [match, *params, int(k)]).fetchall()
        return [PassageCandidate(int(r[0]), str(r[1]), -float(r[3]), r[2]) for r in rows]

    def title_search(self, terms: Sequence[str], k: int,
                     flt: ArticleFilter) -> list[TitleCandidate]:
        words = [t for t in dict.fromkeys(terms) if t.strip()][:MAX_QUERY_TERMS]
        if not words or k <= 0:
            return []
        hits = self._derived_search(TITLES_DIR_NAME, words, k, flt)
        if hits is None:
            return self.fts5_title_search(words, k, flt)
        if not hits:
            return []
        catalog = self.passage_catalog()
        if catalog is not None:
            return catalog.title_candidates([rowid for rowid, _ in hits],
                                            [score for _, score in hits])
        rows = self.db.conn().execute(
            "SELECT rowid, id, date FROM articles WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps([rowid for rowid, _ in hits]),)).fetchall()
        where = {int(r[0]): (str(r[1]), r[2]) for r in rows}
        return [TitleCandidate(where[rowid][0], score, where[rowid][1])
                for rowid, score in hits if rowid in where]

    def fts5_title_search(self, terms: Sequence[str], k: int,
                          flt: ArticleFilter) -> list[TitleCandidate]:
        """The same ranking from SQLite's own FTS5 table (always current)."""
        match = match_expression(terms)
        if match is None or k <= 0:
            return []
        where, params = filter_sql(flt)
        sql = (
            "SELECT a.id, a.date, bm25(titles_fts) AS score FROM titles_fts "
            "JOIN articles a ON a.rowid = titles_fts.rowid WHERE titles_fts MATCH ? "
        )
        if where:
            sql += f"AND {where} "
        rows = self.db.conn().execute(sql + "ORDER BY score LIMIT ?",
                                      [match, *params, int(k)]).fetchall()
        return [TitleCandidate(str(r[0]), -float(r[2]), r[1]) for r in rows]

    # ----- the derived text indexes -------------------------------------------------------

    def _derived_search(self, name: str, words: list[str], k: int,
                        flt: ArticleFilter) -> list[tuple[int, float]] | None:
        """(pid, BM25) from the derived index ``name``; None: FTS5 must answer."""
        index = self.text_index() if name == DIR_NAME else self.title_index()
        if index is None:
            return None
        try:
            return index.search(words, k, flt)
        except (OSError, ValueError) as err:  # damaged files: FTS5 answers; flush rebuilds
            log.warning("%s index unreadable (%s): answering from FTS5", name, err)
            with self._text_lock:
                self._text[name] = None
                if not self.db.read_only:
                    invalidate(self.dir, name)
            return None

    def text_index(self) -> PassageTextIndex | None:
        """The tantivy passage index if it reflects the current generation, else None."""
        return self._current(DIR_NAME)

    def title_index(self) -> PassageTextIndex | None:
        """The tantivy title index if it reflects the current generation, else None."""
        return self._current(TITLES_DIR_NAME)

    def _current(self, name: str) -> PassageTextIndex | None:
        generation = self.generation()
        with self._text_lock:
            if self._text.get(name) is None:
                self._text[name] = PassageTextIndex.open(self.dir, name)
            text = self._text[name]
        if text is not None and self._writing and text.generation == generation - 1:
            return text  # this process's commit is being followed: not stale, just early
        if text is not None and text.generation != generation:
            text.refresh()
        return text if text is not None and text.generation == generation else None

    def ensure_text_index(self) -> None:
        """Rebuild ``lexical/`` and ``titles/`` from SQLite when missing or stale (writable
        only; an index made before ``titles/`` existed gets it here)."""
        if self.db.read_only:
            return
        for name in DERIVED:
            if self._current(name) is not None:
                continue
            with file_lock(self.dir / "lexical.lock"), self._text_lock:
                text = PassageTextIndex.open(self.dir, name)
                self._text[name] = text
                if text is not None and text.generation == self.generation():
                    continue
                with self.db.snapshot():
                    generation = self.generation()
                    self._text[name] = PassageTextIndex.build(
                        self.dir, self._rows(name), generation, name)
                log.info("rebuilt the %s index from SQLite (generation %d)", name, generation)

    def follow_text_index(self, generation: int, removed: np.ndarray,
                          added: Iterable[int], articles: Iterable[str] = ()) -> None:
        """Mirror one commit of this process in ``lexical/`` (``removed`` and ``added``
        passages) and ``titles/`` (``articles``: every article the commit wrote, removed
        or changed) when each was current just before; otherwise leave it stale (FTS5
        answers; flush rebuilds)."""
        if self.db.read_only:
            return
        touched = list(dict.fromkeys(articles))
        with file_lock(self.dir / "lexical.lock"):
            jobs: list[tuple[str, Callable[[], None]]] = []
            for name in DERIVED:
                with self._text_lock:
                    text = self._text.get(name) or PassageTextIndex.open(self.dir, name)
                    self._text[name] = text
                if text is None or text.refresh() != generation - 1:
                    continue
                # Rows read here, on this thread's connection; the commits run below.
                if name == DIR_NAME:
                    jobs.append((name, functools.partial(
                        text.apply, removed.tolist(), list(self._rows(name, list(added))),
                        generation)))
                else:
                    jobs.append((name, functools.partial(
                        text.apply, [], list(self._rows(name, touched)), generation,
                        removed_articles=touched)))
            # Both tantivy commits at once: each mostly waits on its files (~0.4 s wall
            # apiece on the loaded box for ~13 ms of CPU). Outside _text_lock: searches go
            # on with tantivy's current readers meanwhile.
            with ThreadPoolExecutor(max(1, len(jobs))) as pool:
                for name, done in [(name, pool.submit(job)) for name, job in jobs]:
                    try:
                        done.result()
                    except (OSError, ValueError) as err:  # stays stale: rebuilt on flush
                        log.warning("%s index not updated (%s): FTS5 answers until rebuilt",
                                    name, err)

    def _rows(self, name: str, keys: list[int] | list[str] | None = None) -> Iterator[TextRow]:
        """Rows of the derived index ``name``: all, or those of these passage ids
        (``lexical/``) or article ids (``titles/``)."""
        if keys is not None and not keys:
            return
        titles = name == TITLES_DIR_NAME
        sql, params = (_TITLE_ROWS if titles else _ROWS), ()
        if keys is not None:
            column = "id" if titles else "p.id"
            sql += f" WHERE {column} IN (SELECT value FROM json_each(?))"
            params = (json.dumps([k if isinstance(k, str) else int(k)  # type: ignore[assignment]
                                  for k in keys]),)
        for r in self.db.conn().execute(sql, params):
            yield TextRow(int(r[0]), str(r[1]), r[2], r[3], str(r[4] or "operator"), r[5] or "")
