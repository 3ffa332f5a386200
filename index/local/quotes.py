"""Stored quotes: by speaker key (exact word or prefix), by article, and their writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from index.backend import ArticleFilter, QuoteRecord, SpeakerCount
from index.local.db import Database
from index.local.filters import filter_sql, like_escape
from index.models import Quote

QUOTE_COLS = "id, article_id, speaker, speaker_key, mention, cue, text, start, end, direct, paragraph"
_Q_COLS = ", ".join("q." + c.strip() for c in QUOTE_COLS.split(","))


def insert_quotes(conn: sqlite3.Connection, article_id: str, quotes: Iterable[Quote]) -> None:
    conn.executemany(
        f"INSERT INTO quotes({QUOTE_COLS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((article_id, q.speaker, q.speaker_key, q.mention, q.cue, q.text, q.start, q.end,
          int(q.direct), q.paragraph) for q in quotes),
    )


class QuoteTables:
    db: Database

    def speaker_counts(self, words: Sequence[str], flt: ArticleFilter, *,
                       prefix: bool = False) -> list[SpeakerCount]:
        where, params = filter_sql(flt)
        sql = "SELECT q.speaker_key, q.speaker, COUNT(*) FROM quotes q"
        if where:
            sql += " JOIN articles a ON a.id = q.article_id"
        clauses = [where] if where else []
        words = [w for w in words if w]
        if words:
            shape = "(' ' || q.speaker_key) LIKE ? ESCAPE '\\'" if prefix else \
                "(' ' || q.speaker_key || ' ') LIKE ? ESCAPE '\\'"
            clauses.append("(" + " OR ".join(shape for _ in words) + ")")
            tail = "%" if prefix else " %"
            params += [f"% {like_escape(w)}{tail}" for w in words]
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = self.db.conn().execute(sql + " GROUP BY q.speaker_key, q.speaker", params)
        return [SpeakerCount(str(r[0] or ""), str(r[1] or ""), int(r[2])) for r in rows]

    def quote_article_count(self, keys: Sequence[str], flt: ArticleFilter) -> int:
        if not keys:
            return 0
        where, params = filter_sql(flt)
        sql = "SELECT COUNT(DISTINCT q.article_id) FROM quotes q"
        if where:
            sql += " JOIN articles a ON a.id = q.article_id"
        sql += f" WHERE q.speaker_key IN ({','.join('?' * len(keys))})"
        if where:
            sql += f" AND {where}"
        return int(self.db.conn().execute(sql, [*keys, *params]).fetchone()[0])

    def quotes_by_speakers(self, keys: Sequence[str], flt: ArticleFilter) -> list[QuoteRecord]:
        if not keys:
            return []
        where, params = filter_sql(flt)
        sql = (f"SELECT {_Q_COLS}, a.title, a.date, a.source, a.url FROM quotes q "
               "JOIN articles a ON a.id = q.article_id "
               f"WHERE q.speaker_key IN ({','.join('?' * len(keys))})")
        if where:
            sql += f" AND {where}"
        sql += " ORDER BY a.date IS NULL, a.date DESC, q.article_id, q.start"
        rows = self.db.conn().execute(sql, [*keys, *params]).fetchall()
        return [QuoteRecord(row_to_quote(r[:11]), r[11], r[12], r[13], r[14]) for r in rows]

    def quotes_for(self, article_id: str) -> list[Quote]:
        rows = self.db.conn().execute(
            f"SELECT {QUOTE_COLS} FROM quotes WHERE article_id = ? ORDER BY start", (article_id,))
        return [row_to_quote(r) for r in rows]

    def replace_quotes(self, quotes: Mapping[str, Sequence[Quote]],
                       rules: str | None = None) -> None:
        with self.db.write() as conn:
            for article_id, found in quotes.items():
                conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
                insert_quotes(conn, article_id, found)
            if rules is not None:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('quote_rules', ?)", (rules,))

    def quote_rules(self) -> str | None:
        return self.db.meta("quote_rules")


def row_to_quote(row: Sequence[object]) -> Quote:
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
