"""Which article (and date) each passage id belongs to, in memory, for one generation.

Dense and lexical search return passage ids; ranking needs their articles and dates.
Asking SQLite for 200 ids (json_each + join) cost ~0.7 ms a search per engine, a fifth of
what a search spends beyond the query encode at 21k passages (profiled, issue 13); two
sorted arrays answer it in microseconds. The catalog is valid for exactly the generation
it was read at (passage ids can be reused after a delete): the backend reads it again when
the generation moves (at most every 30 s, so an ingest run's stream of commits does not
re-read it each time) and asks SQLite while it is stale.

Memory: 12 bytes a passage (int64 id + int32 article row) plus one id and date string
per article: ~14 MB at 1M passages in ~90k articles; built from SQLite in ~1 s there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.backend import PassageCandidate


@dataclass(frozen=True)
class PassageCatalog:
    generation: int
    passage_ids: np.ndarray  # sorted int64
    article_rows: np.ndarray  # int32: the row of each passage's article below
    article_ids: tuple[str, ...]
    dates: tuple[str | None, ...]

    @classmethod
    def read(cls, conn: sqlite3.Connection, generation: int) -> PassageCatalog:
        """Read inside a snapshot whose generation is ``generation``."""
        arts = conn.execute("SELECT rowid, id, date FROM articles ORDER BY rowid").fetchall()
        rowids = np.fromiter((r[0] for r in arts), np.int64, len(arts))
        pairs = conn.execute(
            "SELECT p.id, a.rowid FROM passages p JOIN articles a ON a.id = p.article_id "
            "ORDER BY p.id").fetchall()
        flat = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        return cls(generation, flat[:, 0].copy(),
                   np.searchsorted(rowids, flat[:, 1]).astype(np.int32),
                   tuple(str(r[1]) for r in arts), tuple(r[2] for r in arts))

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
