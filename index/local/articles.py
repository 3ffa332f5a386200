"""Articles and passages: reads by id, and the batch writes of the indexer."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from index.backend import (
    OPERATOR_SCOPE,
    ArticleFilter,
    PreparedArticle,
    Scope,
    StoredVersion,
    found_or_missing,
)
from index.local.db import Database
from index.local.filters import filter_sql, scope_sql
from index.local.quotes import insert_quotes
from index.models import Article, Passage

PASSAGE_COLS = "id, article_id, ordinal, start, end, text, paragraph_start, paragraph_end"
ARTICLE_COLS = "a.id, a.text, a.title, a.date, a.source, a.url, a.author"


class ArticleTables:
    """Reads and writes of `articles`, `passages` and `embeddings`."""

    db: Database

    # ----- reads -------------------------------------------------------------------------

    def get_article(self, article_id: str, scope: Scope = OPERATOR_SCOPE) -> Article:
        return found_or_missing(self.get_articles([article_id], scope), article_id)

    def get_articles(self, ids: Iterable[str], scope: Scope = OPERATOR_SCOPE) -> dict[str, Article]:
        where, params = scope_sql(scope)
        sql = f"SELECT {ARTICLE_COLS} FROM articles a WHERE a.id IN (SELECT value FROM json_each(?))"
        rows = self.db.conn().execute(sql + (f" AND {where}" if where else ""),
                                      [json.dumps(list(ids)), *params])
        return {r[0]: Article(*r) for r in rows}

    def passages_for(self, article_id: str) -> list[Passage]:
        rows = self.db.conn().execute(
            f"SELECT {PASSAGE_COLS} FROM passages WHERE article_id = ? ORDER BY ordinal",
            (article_id,),
        )
        return [Passage(*r) for r in rows]

    def get_passages(self, ids: Iterable[int]) -> list[Passage]:
        id_list = [int(i) for i in ids]
        rows = self.db.conn().execute(
            f"SELECT {PASSAGE_COLS} FROM passages WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(id_list),),
        )
        by_id = {r[0]: Passage(*r) for r in rows}
        return [by_id[i] for i in id_list if i in by_id]

    def newest_articles(self, flt: ArticleFilter, limit: int) -> list[Article]:
        where, params = filter_sql(flt)
        sql = f"SELECT {ARTICLE_COLS} FROM articles a"
        sql += f" WHERE {where}" if where else ""
        sql += " ORDER BY coalesce(a.date, '') DESC, a.id DESC LIMIT ?"
        return [Article(*r) for r in self.db.conn().execute(sql, [*params, int(limit)])]

    def latest_date(self, scope: Scope = OPERATOR_SCOPE) -> str | None:
        where, params = scope_sql(scope)
        sql = "SELECT max(a.date) FROM articles a" + (f" WHERE {where}" if where else "")
        row = self.db.conn().execute(sql, params).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def passage_ids(self, flt: ArticleFilter | None = None) -> np.ndarray:
        """Sorted int64 ids of the passages whose article passes ``flt`` (all if None)."""
        where, params = filter_sql(flt) if flt is not None else ("", [])
        sql = "SELECT p.id FROM passages p"
        if where:
            sql += f" JOIN articles a ON a.id = p.article_id WHERE {where}"
        rows = self.db.conn().execute(sql + " ORDER BY p.id", params).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def passages_since(self, high: int) -> PassageChanges:
        """What other writers changed since a copy of the vectors held every passage id up
        to ``high``: new passages (ids above it: ids are never reused) with their vectors,
        and how many passages exist in all (fewer than copy + new: some were removed).
        One read transaction; nothing is read for passages the copy already holds."""
        with self.db.snapshot() as conn:
            generation = self.generation()
            now_high = passage_id_high(conn)
            count = int(conn.execute("SELECT count(*) FROM passages").fetchone()[0])
            ids, vectors = self.passage_vectors(after=high)
        return PassageChanges(generation, now_high, count, ids, vectors)

    def passage_ids_upto(self, high: int) -> np.ndarray:
        """Sorted ids of the passages at or below ``high`` (to find removed ones)."""
        rows = self.db.conn().execute(
            "SELECT id FROM passages WHERE id <= ? ORDER BY id", (int(high),)).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def passage_vectors(self, ids: Iterable[int] | None = None, *,
                        after: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of passages (all when ``ids`` is None), from the embeddings table."""
        dim = int(self.db.meta("model_dim") or 0)
        sql = "SELECT p.id, e.vector FROM passages p JOIN embeddings e ON e.text_hash = p.text_hash"
        params: tuple[object, ...] = ()
        if ids is not None:
            sql += " WHERE p.id IN (SELECT value FROM json_each(?))"
            params = (json.dumps([int(i) for i in ids]),)
        elif after is not None:
            sql += " WHERE p.id > ?"
            params = (int(after),)
        rows = self.db.conn().execute(sql + " ORDER BY p.id", params).fetchall()
        out_ids = np.array([r[0] for r in rows], dtype=np.int64)
        if not rows:
            return out_ids, np.zeros((0, dim), dtype=np.float32)
        blob = b"".join(r[1] for r in rows)
        if dim and len(blob) != len(rows) * dim * 4:
            raise sqlite3.DatabaseError("embedding vectors of the wrong size")
        vectors = np.frombuffer(blob, dtype=np.float32)
        return out_ids, vectors.reshape(len(rows), -1).copy()

    # ----- the writer's reads ----------------------------------------------------------------

    def stored_versions(self, ids: Iterable[str] | None = None) -> dict[str, StoredVersion]:
        sql = "SELECT id, content_hash, owner FROM articles"
        params: list[object] = []
        if ids is not None:
            sql += " WHERE id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(ids)))
        return {r[0]: StoredVersion(r[1], r[2]) for r in self.db.conn().execute(sql, params)}

    def content_hashes(self) -> dict[str, str]:
        return {i: v.content_hash for i, v in self.stored_versions().items()}

    def article_ids(self, owner: str | None = None) -> list[str]:
        if owner is None:
            rows = self.db.conn().execute("SELECT id FROM articles ORDER BY id")
        else:
            rows = self.db.conn().execute(
                "SELECT id FROM articles WHERE owner = ? ORDER BY id", (owner,))
        return [r[0] for r in rows]

    def cached_hashes(self, hashes: Iterable[str]) -> set[str]:
        rows = self.db.conn().execute(
            "SELECT text_hash FROM embeddings WHERE text_hash IN (SELECT value FROM json_each(?))",
            (json.dumps(list(hashes)),),
        )
        return {r[0] for r in rows}

    # ----- writes ---------------------------------------------------------------------------

    def write_rows(
        self, items: Sequence[PreparedArticle], embeddings: Mapping[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Replace/insert ``items`` in one transaction that also bumps the generation.
        Returns (removed passage ids, added passage ids, new generation)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        removed: list[int] = []
        added: list[int] = []
        with self.db.write() as conn:
            next_id = passage_id_high(conn) + 1
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings VALUES (?, ?)",
                ((h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in embeddings.items()),
            )
            for item in items:
                a = item.article
                removed += [r[0] for r in conn.execute(
                    "SELECT id FROM passages WHERE article_id = ?", (a.id,))]
                # Children first (the FTS triggers fire on explicit deletes), then the
                # article by DELETE + INSERT: REPLACE would skip the titles' delete trigger.
                conn.execute("DELETE FROM passages WHERE article_id = ?", (a.id,))
                conn.execute("DELETE FROM quotes WHERE article_id = ?", (a.id,))
                conn.execute("DELETE FROM articles WHERE id = ?", (a.id,))
                conn.execute(
                    "INSERT INTO articles(id, title, date, source, url, author, text, "
                    "content_hash, indexed_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.id, a.title, a.date, a.source, a.url, a.author, a.text,
                     item.content_hash, now, item.owner),
                )
                for p in item.passages:
                    conn.execute(
                        "INSERT INTO passages(id, article_id, ordinal, start, end, text, "
                        "paragraph_start, paragraph_end, text_hash) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (next_id, a.id, p.ordinal, p.start, p.end, p.text, p.paragraph_start,
                         p.paragraph_end, p.text_hash),
                    )
                    added.append(next_id)
                    next_id += 1
                insert_quotes(conn, a.id, item.quotes)
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                         (PASSAGE_ID_HIGH, str(next_id - 1)))
            generation = bump_generation(conn)
        return np.array(removed, np.int64), np.array(added, np.int64), generation

    def delete_rows(self, ids: Iterable[str]) -> tuple[list[str], np.ndarray, int]:
        """Delete articles in one transaction: (deleted ids, removed passage ids, generation)."""
        wanted = json.dumps(list(ids))
        with self.db.write() as conn:
            found = [r[0] for r in conn.execute(
                "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))", (wanted,))]
            if not found:
                return [], np.zeros(0, np.int64), self.generation()
            # Pin the high-water mark before the largest ids may go (an older index).
            conn.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)",
                         (PASSAGE_ID_HIGH, str(passage_id_high(conn))))
            sel = "article_id IN (SELECT value FROM json_each(?))"
            doomed = [r[0] for r in conn.execute(f"SELECT id FROM passages WHERE {sel}", (wanted,))]
            conn.execute(f"DELETE FROM passages WHERE {sel}", (wanted,))
            conn.execute(f"DELETE FROM quotes WHERE {sel}", (wanted,))
            conn.execute("DELETE FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                         (wanted,))
            generation = bump_generation(conn)
        return found, np.array(doomed, np.int64), generation

    def set_owner(self, ids: Iterable[str], owner: str) -> int:
        """Ownership changes what scopes see, so it bumps the generation too."""
        with self.db.write() as conn:
            cur = conn.execute(
                "UPDATE articles SET owner = ? WHERE owner != ? AND "
                "id IN (SELECT value FROM json_each(?))", (owner, owner, json.dumps(list(ids))))
            if cur.rowcount:
                bump_generation(conn)
            return int(cur.rowcount)

    def prune_embeddings(self) -> int:
        with self.db.write() as conn:
            cur = conn.execute(
                "DELETE FROM embeddings WHERE text_hash NOT IN (SELECT text_hash FROM passages)"
            )
            return int(cur.rowcount)

    def generation(self) -> int:
        return int(self.db.meta("vectors_generation") or 0)


PASSAGE_ID_HIGH = "passage_id_high"


@dataclass(frozen=True)
class PassageChanges:
    """`ArticleTables.passages_since`: the state after other processes' commits."""

    generation: int
    high: int  # the highest passage id ever given
    count: int  # passages stored now
    ids: np.ndarray  # passages added above the copy's high mark
    vectors: np.ndarray


def passage_id_high(conn: sqlite3.Connection) -> int:
    """The highest passage id ever given (a `meta` high-water mark: new passages get ids
    above it, never a removed passage's id, so a reader's copy of the vectors can catch
    up by loading only ids above its own mark). An index written before the mark
    existed starts from its largest id."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PASSAGE_ID_HIGH,)).fetchone()
    if row is not None:
        return int(row[0])
    top = conn.execute("SELECT max(id) FROM passages").fetchone()[0]
    return int(top or 0)


def bump_generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'vectors_generation'").fetchone()
    generation = int(row[0] if row else 0) + 1
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('vectors_generation', ?)", (str(generation),))
    return generation
