"""Privacy by default: bot state is private and pruned; `newsdesk privacy forget` deletes
one person's questions and votes; old feedback is pruned from the index."""

from __future__ import annotations

import logging
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.conversations import ConversationStore
from bot.core import prune_feedback
from bot.follows import Alert, FollowStore
from bot.logs import PrivacyFilter
from bot.state import AnswerMemory
from index.local import LocalBackend
from retrieval.conversation import ConversationState
from retrieval.models import Answer
from tests.bot.helpers import make_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_file_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "bot-state.sqlite"
    memory = AnswerMemory(path)
    memory.remember(Answer("q", "t", ()), "42")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and mode(wal) == 0o600
    memory.close()


def test_an_old_world_readable_state_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "bot-state.sqlite"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    AnswerMemory(path).close()
    assert mode(path) == 0o600


def test_answers_and_votes_older_than_the_setting_are_pruned(tmp_path: Path) -> None:
    memory = AnswerMemory(tmp_path / "s.sqlite", keep_days=2)
    old = memory.remember(Answer("old question", "t", ()), "1")
    new = memory.remember(Answer("new question", "t", ()), "1")
    memory.add_vote(old, "7")
    memory.add_vote(new, "7")
    with memory._conn:
        memory._conn.execute("UPDATE answers SET created = ? WHERE key = ?",
                             (time.time() - 3 * 86400, old))
    assert memory.prune() == 1
    assert memory.recall(old) is None and memory.recall(new) is not None
    assert not memory.add_vote(new, "7")  # the new answer's vote is kept
    assert memory.add_vote(old, "7")  # the old one's vote went with it
    memory.close()


def _index_with_feedback(tmp_path: Path) -> Path:
    index_dir = tmp_path / "index"
    store = LocalBackend.open(index_dir, create=True)
    store.record_feedback("what did Lavrov say?", "quotes", 1, user_id="42")
    store.record_feedback("who is Wang?", "answer", -1, user_id="43")
    with store.db.write() as conn:
        conn.execute("UPDATE feedback SET created_at = '2020-01-01T00:00:00+00:00' "
                     "WHERE user_id = '43'")
    store.close()
    return index_dir


def _feedback_users(index_dir: Path) -> list[str]:
    conn = sqlite3.connect(index_dir / "newsdesk.sqlite")
    try:
        return [r[0] for r in conn.execute("SELECT user_id FROM feedback ORDER BY id")]
    finally:
        conn.close()


def test_old_feedback_is_pruned_by_the_retention_setting(tmp_path: Path) -> None:
    index_dir = _index_with_feedback(tmp_path)
    settings = make_settings(index_dir=index_dir, keep_feedback_days=90)
    assert prune_feedback(settings) == 1
    assert _feedback_users(index_dir) == ["42"]


def test_privacy_forget_deletes_one_users_questions_and_votes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = _index_with_feedback(tmp_path)
    state = index_dir / "bot-state.sqlite"
    memory = AnswerMemory(state)
    mine = memory.remember(Answer("my question", "t", ()), "42")
    theirs = memory.remember(Answer("their question", "t", ()), "43")
    memory.add_vote(theirs, "42")
    memory.add_vote(theirs, "43")
    memory.close()
    talks = ConversationStore(state)
    talks.put("dm:1", "42", ConversationState(question="mine", turns=1))
    talks.remember_answer(7, "dm:1", ConversationState(question="mine", turns=1), "42")
    talks.put("dm:2", "43", ConversationState(question="theirs", turns=1))
    talks.close()
    follows = FollowStore(state)
    dm, _ = follows.add(guild="9", channel="5", user="42", personal=True, kind="speaker",
                        value="Wang Yi")
    channel, _ = follows.add(guild="9", channel="5", user="42", personal=False, kind="topic",
                             value="floods")
    other, _ = follows.add(guild="9", channel="5", user="43", personal=False, kind="topic",
                           value="floods")
    follows.enqueue([Alert(f.id, "a1", f.target, "new", "floods") for f in (dm, channel, other)])
    follows.mark([Alert(dm.id, "a1", dm.target, "new", "floods")], "sent")
    follows.enqueue([Alert(999, "a2", "user:42", "left by an older version", "x")])
    follows.close()
    assert main(["privacy", "forget", "--user", "42", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "deleted 1 feedback row(s)" in out and "1 answer(s), 1 vote mark(s)" in out
    assert "2 conversation state(s), 2 follow(s) and 3 alert(s)" in out
    follows = FollowStore(state)
    assert [f.user for f in follows.follows(every=True)] == ["43"]
    assert [a.follow_id for a in follows.queued()] == [other.id]
    follows.close()
    talks = ConversationStore(state)
    assert talks.get("dm:1", "42") is None and talks.after_answer(7) is None
    assert talks.get("dm:2", "43") is not None
    talks.close()
    assert _feedback_users(index_dir) == ["43"]
    memory = AnswerMemory(state)
    assert memory.recall(mine) is None and memory.recall(theirs) is not None
    assert memory.add_vote(theirs, "42") and not memory.add_vote(theirs, "43")
    memory.close()
    assert main(["privacy", "forget", "--user", "not-an-id", "--index", str(index_dir)]) == 2


def test_the_command_line_logs_through_the_privacy_filter(tmp_path: Path) -> None:
    assert main(["-v", "privacy", "forget", "--user", "1", "--index", str(tmp_path)]) == 0
    handlers = logging.getLogger().handlers
    assert handlers and all(
        any(isinstance(f, PrivacyFilter) for f in h.filters) for h in handlers
    )


def test_scrub_removes_contents_authors_and_tokens_without_touching_the_payload() -> None:
    from bot.logs import scrub, scrub_text

    event: dict[str, Any] = {"t": "MESSAGE_CREATE", "d": {"id": "1", "content": "secret plan",
                                           "author": {"id": "9", "username": "ann"}}}
    interaction = {"t": "INTERACTION_CREATE", "d": {"id": "2", "token": "aW50ZXJhY3Rpb24" * 5}}
    cleaned = scrub([event, interaction])
    assert "secret plan" not in repr(cleaned) and "ann" not in repr(cleaned)
    assert "aW50ZXJhY3Rpb24" not in repr(cleaned) and cleaned[0]["d"]["id"] == "1"
    assert event["d"]["content"] == "secret plan"  # the live payload is left alone
    url = "POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb24aW50ZXJh/callback"
    assert scrub_text(url).endswith("/interactions/123/[token]/callback")
    assert "abc" not in scrub_text("{'content': 'abc', 'x': 1}")
