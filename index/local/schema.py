"""The SQLite schema and its ordered migrations (see docs/ARCHITECTURE.md).

A new index gets the version-1 tables and then every migration in order, so a fresh
index and a migrated one are built by the same statements. `schema_version` in `meta`
is checked on every open: an older index is migrated in one transaction (a read-only
open migrates first if it may write the file, else it says which command does), a
newer one is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.errors import IndexDamagedError, IndexNotFoundError, SchemaVersionError
from index.local.db import DB_FILE, Database, damaged, recovery_hint

SQLITE_HEADER = b"SQLite format 3\x00"

V1_SCHEMA = """
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

# v2: who added each article ("operator" = shared by every server, else a server id).
# Every article that existed before ownership was the operator's.
_V2_OWNER = """
ALTER TABLE articles ADD COLUMN owner TEXT NOT NULL DEFAULT 'operator';
CREATE INDEX IF NOT EXISTS articles_owner ON articles(owner);
"""

# v3: titles searchable in SQLite (BM25 over titles was an in-memory table rebuilt from
# every article on each change); kept in step with `articles` by triggers.
_V3_TITLES = """
CREATE VIRTUAL TABLE IF NOT EXISTS titles_fts USING fts5(
    title, content='articles', content_rowid='rowid', tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS titles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO titles_fts(rowid, title) VALUES (new.rowid, coalesce(new.title, ''));
END;
CREATE TRIGGER IF NOT EXISTS titles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO titles_fts(titles_fts, rowid, title)
        VALUES ('delete', old.rowid, coalesce(old.title, ''));
END;
INSERT INTO titles_fts(rowid, title) SELECT rowid, coalesce(title, '') FROM articles;
"""

# v4: the server each vote was given in (NULL: a DM, the terminal, or a vote from before
# v4), so votes are read per server like articles.
_V4_VOTE_SERVER = """
ALTER TABLE feedback ADD COLUMN guild_id TEXT;
CREATE INDEX IF NOT EXISTS feedback_guild ON feedback(guild_id);
"""


@dataclass(frozen=True)
class Migration:
    version: int  # the schema version after this step
    what: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in _statements(sql):
            conn.execute(statement)

    return run


def _statements(sql: str) -> list[str]:
    """Split a script into statements (triggers hold ';' inside BEGIN ... END)."""
    out, current = [], ""
    for line in sql.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return out


MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "article owners (existing articles become shared)", _script(_V2_OWNER)),
    Migration(3, "title search table", _script(_V3_TITLES)),
    Migration(4, "the server of each vote (existing votes: no server)", _script(_V4_VOTE_SERVER)),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def check_file(directory: Path, create: bool) -> bool:
    """Is there an index file to open? Refuses anything that is not one, never replacing
    it (a 0-byte or foreign file must not silently become an empty index)."""
    try:
        directory.stat()
    except PermissionError as err:
        raise IndexDamagedError(
            f"The index at {directory} cannot be read: permission denied.",
            hint=f"Run as the user owning {directory}, or make it readable.",
        ) from err
    except OSError:
        pass  # missing: handled below
    if directory.exists() and not directory.is_dir():
        raise IndexNotFoundError(
            f"{directory} is a file, not an index directory.",
            hint="Give --index a directory (it is created if missing).",
        )
    path = directory / DB_FILE
    if not path.exists():
        if create:
            return False
        raise IndexNotFoundError(
            f"No index at {directory}.",
            hint=f"Build one with `newsdesk index add --index {directory} PATH...` "
            "(or set NEWSDESK_INDEX).",
        )
    if not path.is_file():
        raise damaged(directory, f"{DB_FILE} is not a regular file")
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except PermissionError as err:
        raise IndexDamagedError(
            f"The index at {directory} cannot be read: permission denied.",
            hint=f"Run as the user owning {path}, or make it readable.",
        ) from err
    except OSError as err:
        raise damaged(directory, f"{DB_FILE} cannot be read: {err.strerror}") from err
    if not header:
        never_indexed = not any((directory / f).exists() for f in ("vectors.json", "vectors.faiss"))
        if create and never_indexed:
            return False  # a run killed while creating the index: start it again
        raise damaged(directory, f"{DB_FILE} is empty (0 bytes)")
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise damaged(directory, f"{DB_FILE} is not a SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid_count = header[24:28] == header[92:96]
    wal = directory / (DB_FILE + "-wal")
    wal_empty = not wal.exists() or wal.stat().st_size == 0
    if valid_count and wal_empty and path.stat().st_size < pages * page_size:
        raise damaged(directory, f"{DB_FILE} is truncated")
    return True


def create_schema(db: Database) -> None:
    """A new index: version-1 tables, then every migration, in one transaction."""
    with db.write() as conn:
        for statement in _statements(V1_SCHEMA):
            conn.execute(statement)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('vectors_generation', '0')")
        for step in MIGRATIONS:
            step.apply(conn)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                     (str(SCHEMA_VERSION),))


def stored_version(db: Database) -> int:
    try:
        raw = db.meta("schema_version")
    except sqlite3.OperationalError as err:
        if "no such table" in str(err):
            raise damaged(db.dir, "it holds no Newsdesk tables") from err
        raise
    if raw is None or not raw.strip().isdigit():
        raise damaged(db.dir, f"unreadable schema_version {raw!r}")
    return int(raw)


def needs_migration(db: Database) -> bool:
    version = stored_version(db)
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"The index at {db.dir} has schema version {version}, newer than this Newsdesk "
            f"understands ({SCHEMA_VERSION}).",
            hint="Upgrade Newsdesk (`pip install -U newsdesk`), or rebuild the index with "
            f"`newsdesk index add --index NEW_DIR PATH...`. {recovery_hint(db.dir)}",
        )
    if version < 1:
        raise SchemaVersionError(
            f"The index at {db.dir} has schema version {version}, older than any this "
            "Newsdesk can migrate.",
            hint=recovery_hint(db.dir),
        )
    return version < SCHEMA_VERSION


def migrate(db: Database) -> list[str]:
    """Apply the pending migrations in order, in one transaction; what was done."""
    done: list[str] = []
    with db.write() as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0])
        for step in MIGRATIONS:
            if step.version > version:
                step.apply(conn)
                done.append(f"v{step.version}: {step.what}")
                version = step.version
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    return done


def migrate_hint(directory: Path) -> str:
    return f"Run `newsdesk index migrate --index {directory}` as the user who owns it."
