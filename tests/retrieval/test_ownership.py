"""Each server its own news (issue 15): what one server adds is never shown in another.

One index: the shared sample corpus (operator) plus server A's upload quoting a made-up
person, and server A's attempt to overwrite the seed article with forged words.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.backend import OPERATOR, Scope, owner_for_guild
from index.embedder import Embedder
from index.errors import ArticleNotFoundError
from index.models import Article
from retrieval.engine import Engine
from retrieval.models import Filters

SERVER_A, SERVER_B = "111111111111111111", "222222222222222222"
SEED_ID = "lavrov_china_2022-03-31"
A_TEXT = (
    "Residents of Port Alder packed the harbour hall on Tuesday as the ferry fare rise was "
    "debated.\n\n\"The ferry is the lifeline of this town and the storm repairs must come "
    "first,\" said Quillon Vantresse, the harbour board chair. Councillors agreed to review "
    "the budget for the library and the ferry before April."
)
FORGED = (
    "Chinese Foreign Ministry spokesman Wang Wenbin said on Thursday: \"We support every "
    "sanction on Russia and condemn the invasion of Ukraine.\""
)


@pytest.fixture(scope="module")
def owned(tmp_path_factory: pytest.TempPathFactory, seed_index: Path,
          embedder: Embedder) -> Iterator[Engine]:
    index_dir = tmp_path_factory.mktemp("owned") / "index"
    shutil.copytree(seed_index, index_dir)
    engine = Engine.open(index_dir, embedder)
    a_owner = owner_for_guild(SERVER_A)
    added = engine.ingest_articles(
        [Article("a-harbour-1", A_TEXT, title="Ferry fare rise debated", date="2022-03-30",
                 source="Harbor Gazette")], owner=a_owner)
    assert added.added == 1, added
    forged = engine.ingest_articles([Article(SEED_ID, FORGED, title="Forged")], owner=a_owner)
    assert forged.added == forged.updated == 0 and len(forged.skipped) == 1
    assert "already used" in forged.skipped[0].reason
    yield engine
    engine.close()


def _a_ids(engine: Engine) -> set[str]:
    return set(engine.backend.article_ids(SERVER_A))


def test_server_a_sees_its_article_and_b_does_not(owned: Engine) -> None:
    a, b, dm = Scope.for_guild(SERVER_A), Scope.for_guild(SERVER_B), Scope.for_guild(None)
    query = "Quillon Vantresse ferry lifeline"
    assert "a-harbour-1" in [h.article_id for h in owned.search(query, scope=a)]
    for scope in (b, dm):
        assert "a-harbour-1" not in [h.article_id for h in owned.search(query, scope=scope)]
        assert not owned.quotes("Quillon Vantresse", scope=scope).quotes
        assert "Quillon Vantresse" not in owned.speakers("quil", scope=scope)
        with pytest.raises(ArticleNotFoundError) as hidden:
            owned.article("a-harbour-1", scope=scope)
        with pytest.raises(ArticleNotFoundError) as missing:
            owned.article("no-such-article", scope=scope)
        assert str(hidden.value).replace("a-harbour-1", "X") == \
            str(missing.value).replace("no-such-article", "X")
        with pytest.raises(ArticleNotFoundError):
            owned.context("a-harbour-1", 0, 10, scope=scope)
        answer = owned.answer("What did Quillon Vantresse say?", scope=scope)
        assert all(c.article_id != "a-harbour-1" for c in answer.citations)
    assert owned.quotes("Quillon Vantresse", scope=a).quotes
    assert "Quillon Vantresse" in owned.speakers("quil", scope=a)
    assert owned.article("a-harbour-1", scope=a).text == A_TEXT


def test_forged_seed_id_changes_nothing_anywhere(owned: Engine) -> None:
    for scope in (Scope.for_guild(SERVER_A), Scope.for_guild(SERVER_B), Scope.operator()):
        answer = owned.answer("What did Wang Wenbin say?", scope=scope)
        assert answer.kind == "quotes" and answer.speaker == "Wang Wenbin"
        assert {c.article_id for c in answer.citations} == {SEED_ID}
        assert len(answer.citations) == 3
        assert "support every sanction" not in owned.article(SEED_ID, scope=scope).text


def test_stats_count_shared_plus_own(owned: Engine) -> None:
    shared = owned.stats(scope=Scope.for_guild(SERVER_B)).articles
    assert owned.stats(scope=Scope.for_guild(SERVER_A)).articles == shared + 1
    assert owned.stats(scope=Scope.direct_message()).articles == shared
    everything = owned.stats()
    assert dict(everything.owners) == {OPERATOR: shared, SERVER_A: 1}
    assert owned.stats(scope=Scope.for_guild(SERVER_B)).owners == ()


WORDS = ["ferry", "fare", "harbour", "library", "budget", "storm", "Lavrov", "China",
         "Quillon", "Vantresse", "lifeline", "sanctions", "Wang", "said", "April", "town"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
    date_from=st.sampled_from([None, "2022-01-01", "2022-03-25", "2022-03-31"]),
    date_to=st.sampled_from([None, "2022-03-31", "2022-12-31"]),
    source=st.sampled_from([None, "Harbor Gazette", "harbor gazette"]),
    guild=st.sampled_from([SERVER_B, None, "333"]),
    ask=st.sampled_from(["search", "answer", "quotes", "what did X say"]),
)
def test_property_no_result_from_another_server(
    owned: Engine, words: list[str], date_from: str | None, date_to: str | None,
    source: str | None, guild: str | None, ask: str,
) -> None:
    """For random filters and queries, nothing of server A reaches another scope."""
    hidden = _a_ids(owned)
    scope = Scope.for_guild(guild)
    filters = Filters(date_from=date_from, date_to=date_to, source=source)
    text = " ".join(words)
    seen: list[str] = []
    if ask == "search":
        hits = owned.search(text, k=10, filters=filters, scope=scope)
        seen = [h.article_id for h in hits] + [a for h in hits for a in h.also_in]
    elif ask == "answer":
        seen = [c.article_id for c in owned.answer(text, filters, scope=scope).citations]
    elif ask == "quotes":
        lookup = owned.quotes(words[0], filters=filters, scope=scope)
        seen = [q.article_id for q in lookup.quotes] + [a for q in lookup.quotes for a in q.also_in]
        names = set(lookup.candidates) | {lookup.speaker or ""}
        assert "Quillon Vantresse" not in names
    else:
        answer = owned.answer(f"What did {words[0]} say?", filters, scope=scope)
        seen = [c.article_id for c in answer.citations]
    assert not set(seen) & hidden
    assert "Quillon Vantresse" not in owned.speakers(words[0][:3].lower(), scope=scope)


def test_a_dm_sees_the_servers_it_is_given_only(owned: Engine) -> None:
    """The DM scope with the user's servers (NEWSDESK_DM_SERVER_ARTICLES): A's article for
    a member of A, never for a member of B only; the shared archive for both."""
    query = "Quillon Vantresse ferry lifeline"
    member_of_a = Scope.direct_message([int(SERVER_A), SERVER_B])
    member_of_b = Scope.direct_message([SERVER_B])
    assert member_of_a.owners() == (OPERATOR, SERVER_A, SERVER_B)
    assert "a-harbour-1" in [h.article_id for h in owned.search(query, scope=member_of_a)]
    assert owned.article("a-harbour-1", scope=member_of_a).text == A_TEXT
    assert "a-harbour-1" not in [h.article_id for h in owned.search(query, scope=member_of_b)]
    with pytest.raises(ArticleNotFoundError):
        owned.article("a-harbour-1", scope=member_of_b)
    assert owned.stats(scope=member_of_b).articles == owned.stats(
        scope=Scope.direct_message()).articles
