"""BM25 over passage texts and article titles (SQLite FTS5, porter + unicode61)."""

from __future__ import annotations

from collections.abc import Sequence

from index.backend import ArticleFilter, PassageCandidate, TitleCandidate
from index.local.db import Database
from index.local.filters import filter_sql

MAX_QUERY_TERMS = 32


def match_expression(terms: Sequence[str]) -> str | None:
    """The OR of ``terms``, each quoted so that no text can be FTS syntax; None if empty."""
    words = [t.replace('"', '""') for t in dict.fromkeys(terms) if t.strip()]
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in words[:MAX_QUERY_TERMS])


class LexicalSearch:
    db: Database

    def lexical_search(self, terms: Sequence[str], k: int,
                       flt: ArticleFilter) -> list[PassageCandidate]:
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
