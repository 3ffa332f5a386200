"""The conversation store: per place and user, per answer, TTL, size bound, restarts."""

from __future__ import annotations

from pathlib import Path

from bot.conversations import ConversationStore
from retrieval.conversation import ConversationState, Person
from retrieval.models import Filters


def state(speaker: str, turns: int = 1) -> ConversationState:
    return ConversationState(question=f"what did {speaker} say?", kind="quotes", quoting=True,
                             speakers=(Person(speaker, "m", ("spokesman",)),),
                             filters=Filters(source="Valley Wire"), turns=turns)


def test_each_user_has_their_own_state_and_newcomers_get_the_opening(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "state.sqlite")
    store.put("thread:1", "alice", state("Wang Wenbin"), opening=True)
    store.put("thread:1", "bob", state("Sergei Lavrov"))
    assert store.get("thread:1", "alice") == state("Wang Wenbin")
    assert store.get("thread:1", "bob") == state("Sergei Lavrov")
    assert store.get("thread:1", "carol") == state("Wang Wenbin")
    assert store.get("thread:2", "alice") is None
    assert store.knows("thread:1") and not store.knows("dm:1")


def test_states_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    first = ConversationStore(path)
    first.put("dm:9", "alice", state("Wang Yi", turns=3))
    first.remember_answer(12345, "dm:9", state("Wang Yi", turns=3))
    first.close()
    again = ConversationStore(path)
    assert again.get("dm:9", "alice") == state("Wang Yi", turns=3)
    assert again.after_answer("12345") == state("Wang Yi", turns=3)
    assert again.after_answer(999) is None


def test_expired_states_are_gone(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "s.sqlite", ttl=-1.0)
    store.put("dm:1", "u", state("Wang Yi"))
    store.remember_answer(1, "dm:1", state("Wang Yi"))
    assert store.get("dm:1", "u") is None and store.after_answer(1) is None
    store.prune()
    assert store.count() == (0, 0)


def test_size_is_bounded_newest_kept(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "s.sqlite", max_rows=3)
    for n in range(6):
        store.put(f"dm:{n}", "u", state("Wang Yi", turns=n))
        store.remember_answer(n, None, state("Wang Yi", turns=n))
    store.prune()
    assert store.count() == (3, 3)
    assert store.get("dm:5", "u") is not None and store.get("dm:0", "u") is None


def test_an_unwritable_path_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = ConversationStore(blocker / "sub" / "state.sqlite")
    store.put("dm:1", "u", state("Wang Yi"))
    assert store.get("dm:1", "u") == state("Wang Yi")


def test_an_unreadable_state_starts_afresh(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "s.sqlite")
    store.put("dm:1", "u", state("Wang Yi"))
    with store._conn:
        store._conn.execute("UPDATE conversations SET state = '{\"filters\": 5}'")
    assert store.get("dm:1", "u") is None
