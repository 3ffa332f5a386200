"""Which article (and date) each passage id belongs to, in memory, for one generation;
and which passages an `ArticleFilter` allows, from the same arrays.

Dense and lexical search return passage ids; ranking needs their articles and dates.
Asking SQLite for 200 ids (json_each + join) cost ~0.7 ms a search per engine, a fifth of
what a search spends beyond the query encode at 21k passages (profiled, issue 13); two
sorted arrays answer it in microseconds. A date, source, id or owner filter listed its
allowed passage ids in SQL: ~20 ms at 1M passages; the per-article columns here answer it
with numpy masks in a few ms (issue 13). The catalog is valid for exactly the generation
it was read at: the backend reads it again when the generation moves (at most every 30 s,
so an ingest run's stream of commits does not re-read it each time) and asks SQLite while
it is stale.

Memory: 12 bytes a passage (int64 id + int32 article row) plus, per article, an id
string, a date string and three small codes: ~20 MB at 1M passages in ~90k articles.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from index.backend import ArticleFilter, PassageCandidate, TitleCandidate

FEW_ARTICLES = 3  # below 1/3 of the articles, gather their passage runs instead of masking
NO_DATE = -1  # an undated article never passes a date bound (as NULL in SQL)
_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def date_number(iso: str) -> int | None:
    """YYYY[-MM[-DD]] as 20220615 (missing parts as 0: orders exactly as SQLite compares
    the text); None for anything else (then SQL must answer)."""
    if not _ISO.fullmatch(iso):
        return None
    return int(iso.replace("-", "").ljust(8, "0"))


def sql_lower(text: str) -> str:
    """SQLite's lower(): ASCII letters only."""
    return text.translate(_ASCII_LOWER)


def _codes(values: Sequence[str | None]) -> tuple[np.ndarray, tuple[str, ...]]:
    """int32 code per value (-1: None) and the distinct values the codes index."""
    distinct = tuple(sorted({v for v in values if v is not None}))
    at = {v: i for i, v in enumerate(distinct)}
    return np.fromiter((-1 if v is None else at[v] for v in values), np.int32,
                       len(values)), distinct


@dataclass(frozen=True)
class PassageCatalog:
    generation: int
    passage_ids: np.ndarray  # sorted int64
    article_rows: np.ndarray  # int32: the row of each passage's article below
    article_rowids: np.ndarray  # sorted int64: each article's SQLite rowid
    # Where each article's passages start in id order (one more entry: the end), when
    # article_rows never decreases (articles written in turn, as the writer does); else None.
    article_starts: np.ndarray | None
    article_ids: tuple[str, ...]
    dates: tuple[str | None, ...]
    date_numbers: np.ndarray  # int64 per article (NO_DATE: none)
    dates_exact: bool  # every stored date is YYYY[-MM[-DD]]: date bounds need no SQL
    source_codes: np.ndarray  # int32 per article into source_values (-1: none)
    source_values: tuple[str, ...]  # lower()ed as SQLite does
    owner_codes: np.ndarray  # int32 per article into owner_values
    owner_values: tuple[str, ...]

    @classmethod
    def read(cls, conn: sqlite3.Connection, generation: int) -> PassageCatalog:
        """Read inside a snapshot whose generation is ``generation``."""
        arts = conn.execute(
            "SELECT rowid, id, date, source, owner FROM articles ORDER BY rowid").fetchall()
        rowids = np.fromiter((r[0] for r in arts), np.int64, len(arts))
        # Passages in id order with their article's rowid; the join is by the article id
        # index, and passages are stored in id order, so no sort is needed.
        flat = np.array(conn.execute(
            "SELECT p.id, a.rowid FROM passages p JOIN articles a ON a.id = p.article_id "
            "ORDER BY p.id").fetchall(), dtype=np.int64).reshape(-1, 2)
        rows = np.searchsorted(rowids, flat[:, 1]).astype(np.int32)
        dates = tuple(r[2] for r in arts)
        numbers = [NO_DATE if d is None else date_number(str(d)) for d in dates]
        sources, source_values = _codes([None if r[3] is None else sql_lower(str(r[3]))
                                         for r in arts])
        owners, owner_values = _codes([str(r[4]) for r in arts])
        return cls(generation, flat[:, 0].copy(),
                   rows, rowids,
                   np.searchsorted(rows, np.arange(len(arts) + 1, dtype=np.int32))
                   if np.all(rows[1:] >= rows[:-1]) else None,
                   tuple(str(r[1]) for r in arts), dates,
                   np.array([NO_DATE if n is None else n for n in numbers], np.int64),
                   all(n is not None for n in numbers), sources, source_values,
                   owners, owner_values)

    def candidates(self, passage_ids: Sequence[int],
                   scores: Sequence[float]) -> list[PassageCandidate]:
        """Candidates in the given order; ids not in this generation are left out."""
        if not len(passage_ids) or not self.passage_ids.size:
            return []
        ids = np.asarray(passage_ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.passage_ids, ids), self.passage_ids.size - 1)
        found = self.passage_ids[at] == ids
        rows = self.article_rows[at].tolist()
        return [PassageCandidate(int(pid), self.article_ids[row], float(score), self.dates[row])
                for pid, score, row, ok in zip(ids.tolist(), scores, rows, found.tolist(),
                                               strict=True) if ok]

    def title_candidates(self, rowids: Sequence[int],
                         scores: Sequence[float]) -> list[TitleCandidate]:
        """Title hits (keyed by article rowid) in the given order; rowids not in this
        generation are left out."""
        if not len(rowids) or not self.article_rowids.size:
            return []
        ids = np.asarray(rowids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.article_rowids, ids), self.article_rowids.size - 1)
        found = (self.article_rowids[at] == ids).tolist()
        return [TitleCandidate(self.article_ids[row], float(score), self.dates[row])
                for row, score, ok in zip(at.tolist(), scores, found, strict=True) if ok]

    def allowed_passages(self, flt: ArticleFilter) -> np.ndarray | None:
        """Sorted ids of the passages whose article passes ``flt``, exactly as
        `index.local.filters.filter_sql` selects them; None when only SQL can say (a
        stored date or a bound that is not YYYY[-MM[-DD]])."""
        articles = self.allowed_articles(flt)
        if articles is None:
            return None
        rows = np.flatnonzero(articles)
        if self.article_starts is not None and rows.size * FEW_ARTICLES < articles.size:
            # Few articles (a date window): their passages are runs of the id order, read
            # in well under a millisecond at 1M passages; masking every passage takes ~3.
            lo, counts = self.article_starts[rows], self.article_starts[rows + 1]
            counts -= lo
            starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
            return self.passage_ids[starts + np.arange(starts.size)]
        return self.passage_ids[articles[self.article_rows]]

    def allowed_articles(self, flt: ArticleFilter) -> np.ndarray | None:
        """A bool mask over the article rows (None: ask SQL)."""
        mask = np.ones(len(self.article_ids), dtype=bool)
        if flt.date_from or flt.date_to:
            if not self.dates_exact:
                return None
            for bound, keep_above in ((flt.date_from, True), (flt.date_to, False)):
                if not bound:
                    continue
                number = date_number(bound)
                if number is None:
                    return None
                dated = self.date_numbers != NO_DATE
                mask &= dated & ((self.date_numbers >= number) if keep_above
                                 else (self.date_numbers <= number))
        if flt.source:
            # "CNN" matches "cnn" and the domain form "cnn.com" (filters.filter_sql).
            s = flt.source.strip().lower()
            codes = [i for i, v in enumerate(self.source_values)
                     if v == s or v.startswith(s + ".")]
            mask &= np.isin(self.source_codes, codes)
        if flt.article_ids is not None:
            rows = [self._row_of_id[i] for i in flt.article_ids if i in self._row_of_id]
            only = np.zeros_like(mask)
            only[rows] = True
            mask &= only
        owners = flt.scope.owners()
        if owners is not None:
            mask &= np.isin(self.owner_codes,
                            [i for i, v in enumerate(self.owner_values) if v in owners])
        return mask

    @cached_property
    def _row_of_id(self) -> dict[str, int]:
        return {article_id: row for row, article_id in enumerate(self.article_ids)}
