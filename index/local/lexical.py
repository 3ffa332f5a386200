"""BM25 over passage texts (tantivy, index/local/textindex.py; FTS5 when that derived
index is missing or stale) and over article titles (SQLite FTS5, porter + unicode61)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.backend import ArticleFilter, PassageCandidate, TitleCandidate
from index.local.db import Database

if TYPE_CHECKING:
    from index.local.catalog import PassageCatalog
from index.local.filters import filter_sql
from index.local.textindex import PassageTextIndex, TextRow, invalidate
from index.local.vectorfiles import file_lock

log = logging.getLogger(__name__)

MAX_QUERY_TERMS = 32
_ROWS = ("SELECT p.id, p.article_id, a.date, a.source, a.owner, p.text FROM passages p "
         "JOIN articles a ON a.id = p.article_id")


def match_expression(terms: Sequence[str]) -> str | None:
    """The OR of ``terms``, each quoted so that no text can be FTS syntax; None if empty."""
    words = [t.replace('"', '""') for t in dict.fromkeys(terms) if t.strip()]
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in words[:MAX_QUERY_TERMS])


class LexicalSearch:
    db: Database
    dir: Path
    _text: PassageTextIndex | None  # set by LocalBackend.__init__
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
        text_index = self.text_index()
        if text_index is None:
            return self.fts5_lexical_search(words, k, flt)
        try:
            hits = text_index.search(words, k, flt)
        except (OSError, ValueError) as err:  # damaged files: FTS5 answers; flush rebuilds
            log.warning("lexical index unreadable (%s): answering from FTS5", err)
            with self._text_lock:
                self._text = None
                if not self.db.read_only:
                    invalidate(self.dir)
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

    # ----- the derived text index --------------------------------------------------------

    def text_index(self) -> PassageTextIndex | None:
        """The tantivy index if it reflects the current generation, else None."""
        generation = self.generation()
        with self._text_lock:
            if self._text is None:
                self._text = PassageTextIndex.open(self.dir)
            text = self._text
        if text is not None and self._writing and text.generation == generation - 1:
            return text  # this process's commit is being followed: not stale, just early
        if text is not None and text.generation != generation:
            text.refresh()
        return text if text is not None and text.generation == generation else None

    def ensure_text_index(self) -> None:
        """Rebuild ``lexical/`` from SQLite when it is missing or stale (writable only)."""
        if self.db.read_only or self.text_index() is not None:
            return
        with file_lock(self.dir / "lexical.lock"), self._text_lock:
            self._text = PassageTextIndex.open(self.dir)
            if self._text is not None and self._text.generation == self.generation():
                return
            with self.db.snapshot():
                generation = self.generation()
                self._text = PassageTextIndex.build(self.dir, self._text_rows(), generation)
            log.info("rebuilt the lexical index from SQLite (generation %d)", generation)

    def follow_text_index(self, generation: int, removed: np.ndarray,
                          added: Iterable[int]) -> None:
        """Mirror one commit of this process in ``lexical/`` when it was current just
        before; otherwise leave it stale (FTS5 answers; flush rebuilds)."""
        if self.db.read_only:
            return
        with file_lock(self.dir / "lexical.lock"):
            with self._text_lock:
                text = self._text or PassageTextIndex.open(self.dir)
                self._text = text
            if text is None or text.refresh() != generation - 1:
                return
            # Outside _text_lock: searches go on with tantivy's current reader meanwhile.
            try:
                text.apply(removed.tolist(), list(self._text_rows(list(added))), generation)
            except (OSError, ValueError) as err:  # stays stale: rebuilt on the next flush
                log.warning("lexical index not updated (%s): FTS5 answers until rebuilt", err)

    def _text_rows(self, ids: list[int] | None = None) -> Iterator[TextRow]:
        if ids is not None and not ids:
            return
        sql, params = _ROWS, ()
        if ids is not None:
            sql += " WHERE p.id IN (SELECT value FROM json_each(?))"
            params = (json.dumps([int(i) for i in ids]),)  # type: ignore[assignment]
        for r in self.db.conn().execute(sql, params):
            yield TextRow(int(r[0]), str(r[1]), r[2], r[3], str(r[4] or "operator"), r[5] or "")
