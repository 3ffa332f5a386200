"""Schema versions and migrations: every step opens an index made by the layout before it."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from index.backend import NO_FILTER, OPERATOR, Scope
from index.errors import SchemaVersionError
from index.local import LocalBackend, schema
from index.local.db import Database
from tests.index.index_fakes import FakeEmbedder, lexical

FIXTURES = Path(__file__).parent / "fixtures"


def _copy_v1(tmp_path: Path) -> Path:
    """The committed index built by the schema-1 code (fake embedder, two articles)."""
    target = tmp_path / "v1"
    shutil.copytree(FIXTURES / "v1", target)
    return target


def _version(index_dir: Path) -> int:
    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        return int(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])


def test_fixture_is_schema_1(tmp_path: Path) -> None:
    index_dir = _copy_v1(tmp_path)
    assert _version(index_dir) == 1
    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(articles)")]
    assert "owner" not in columns


def test_v1_index_opens_migrated_with_everything_intact(tmp_path: Path) -> None:
    index_dir = _copy_v1(tmp_path)
    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        before = conn.execute("SELECT id, text, title, content_hash FROM articles "
                              "ORDER BY id").fetchall()
        quotes_before = conn.execute("SELECT speaker, text, start, end FROM quotes "
                                     "ORDER BY id").fetchall()
    backend = LocalBackend.open(index_dir)
    assert backend.schema_version() == schema.SCHEMA_VERSION == _version(index_dir)
    assert [(a, t, ti, h) for a, t, ti, h in before] == [
        (a.id, a.text, a.title, backend.stored_versions()[a.id].content_hash)
        for a in backend.get_articles([r[0] for r in before]).values()
    ]
    # v2: every article that existed is the operator's (shared by all servers).
    assert set(backend.owner_counts()) == {OPERATOR}
    assert backend.stats(Scope.for_guild("42")).articles == len(before)
    # v3: titles are searchable.
    assert [t.article_id for t in backend.title_search(["storm"], 5, NO_FILTER)] == ["fx-2"]
    assert lexical(backend, "damage severe", 5)
    quotes = [(q.quote.speaker, q.quote.text, q.quote.start, q.quote.end)
              for q in backend.quotes_by_speakers(["wang wenbin", "maria lopez"], NO_FILTER)]
    assert sorted(quotes) == sorted(quotes_before)
    vector = FakeEmbedder().encode(["storm coast damage"])[0]
    assert backend.dense_search(vector, 1, NO_FILTER)[0].article_id == "fx-2"
    backend.close()
    assert LocalBackend.open(index_dir).schema_version() == schema.SCHEMA_VERSION  # idempotent


def test_each_migration_in_order(tmp_path: Path) -> None:
    """Apply the steps one by one on a v1 layout built from the v1 statements."""
    index_dir = tmp_path / "steps"
    index_dir.mkdir()
    db = Database(index_dir)
    with db.write() as conn:
        for statement in schema._statements(schema.V1_SCHEMA):
            conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        conn.execute("INSERT INTO articles VALUES ('x', 'T', '2022-01-01', 's', NULL, NULL, "
                     "'text', 'h', NULL)")
    versions = [m.version for m in schema.MIGRATIONS]
    assert versions == sorted(versions) and versions[0] == 2
    for step in schema.MIGRATIONS:
        with db.write() as conn:
            step.apply(conn)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                         (str(step.version),))
        if step.version == 2:
            owner = db.conn().execute("SELECT owner FROM articles").fetchone()[0]
            assert owner == OPERATOR
        if step.version == 3:
            rows = db.conn().execute(
                "SELECT rowid FROM titles_fts WHERE titles_fts MATCH 't'").fetchall()
            assert len(rows) == 1
    db.close()
    assert LocalBackend.open(index_dir).schema_version() == schema.SCHEMA_VERSION


def test_too_new_is_refused_with_the_fix(tmp_path: Path) -> None:
    index_dir = _copy_v1(tmp_path)
    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError) as err:
        LocalBackend.open(index_dir)
    assert "newer" in str(err.value) and "pip install -U newsdesk" in (err.value.hint or "")


def test_read_only_open_migrates_when_it_may_write(tmp_path: Path) -> None:
    index_dir = _copy_v1(tmp_path)
    backend = LocalBackend.open(index_dir, read_only=True)
    assert backend.schema_version() == schema.SCHEMA_VERSION
    with pytest.raises(RuntimeError):
        backend.record_feedback("q", "answer", 1)


def test_new_index_files_are_private(tmp_path: Path) -> None:
    index_dir = tmp_path / "new" / "idx"
    backend = LocalBackend.open(index_dir, create=True)
    backend.record_feedback("q", "answer", 1)  # a write: the WAL files exist now
    assert stat.S_IMODE(index_dir.stat().st_mode) == 0o700
    for f in index_dir.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name


def test_a_creation_killed_before_the_schema_is_started_again(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    (index_dir / "newsdesk.sqlite").write_bytes(b"")  # nothing indexed, no vector files
    assert LocalBackend.open(index_dir, create=True).schema_version() == schema.SCHEMA_VERSION


def test_v3_index_keeps_its_votes_as_votes_of_no_server(tmp_path: Path) -> None:
    """The committed index built by the schema-3 code, with three votes: after the v4
    upgrade they are all there, with no server; a new vote carries its server."""
    index_dir = tmp_path / "v3"
    shutil.copytree(FIXTURES / "v3", index_dir)
    assert _version(index_dir) == 3
    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        before = conn.execute("SELECT id, created_at, user_id, question, answer_kind, vote, "
                              "article_ids FROM feedback ORDER BY id").fetchall()
    assert len(before) == 3
    backend = LocalBackend.open(index_dir)
    assert backend.schema_version() == schema.SCHEMA_VERSION >= 4
    backend.record_feedback("what did Lavrov say?", "quotes", -1, user_id="44",
                            guild_id="900000000000000777")
    backend.close()
    with sqlite3.connect(index_dir / "newsdesk.sqlite") as conn:
        after = conn.execute("SELECT id, created_at, user_id, question, answer_kind, vote, "
                             "article_ids, guild_id FROM feedback ORDER BY id").fetchall()
    assert [row[:7] for row in after[:3]] == before
    assert [row[7] for row in after] == [None, None, None, "900000000000000777"]
