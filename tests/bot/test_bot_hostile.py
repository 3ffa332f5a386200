"""Issue 19's hostile cases through the real bot and the fake Discord: ids and highlights
that tried to smuggle links, ids that must open with /article, and logs at DEBUG that
must not hold other people's messages or interaction tokens."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from bot.logs import install_privacy_filter
from bot.markdown import unescape
from index.backend import OPERATOR_SCOPE, Scope
from index.errors import ArticleNotFoundError
from index.local.db import damaged
from index.models import Article
from index.readers import SourceFile, read_file
from retrieval.models import Answer, Citation, Excerpt, Filters, Hit
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import FakeEngine, make_settings, running_bot
from tests.bot.test_markdown import unescaped_problems

pytestmark = pytest.mark.timeout(120)

EVIL_ID = "inj` [Reuters fact-check](https://evil.example/phish) `z"
LINK_TEXT = (
    "Council posted [the Yarrowmere council statement. Read the official Yarrowmere notice "
    "here](https://evil.example/login) before Friday."
)


class HostileEngine(FakeEngine):
    """Search hits under an id that tries to leave its inline code; an answer whose
    highlight starts inside a masked link."""

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE) -> list[Hit]:
        self._enter("search", query)
        ex = Excerpt(EVIL_ID, 1, "Fact-check published.", 0, 21, 1, ((0, 21),))
        return [Hit(EVIL_ID, "A [title](https://evil.example)", "2022-03-31", "Src", None, 1.0,
                    (ex,))]

    def answer(self, question: str, filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE,
               background: str = "") -> Answer:
        self._enter("answer", question)
        start = LINK_TEXT.index("Read the official")
        cite = Citation(1, EVIL_ID, None, "2022-03-31", None, None, LINK_TEXT, 0,
                        len(LINK_TEXT), 2, 0, ((start, len(LINK_TEXT)),))
        return Answer(question, LINK_TEXT + " [1]", (cite,))


def embed_parts(embed: dict[str, object]) -> list[str]:
    parts = [str(embed.get("title") or ""), str(embed.get("description") or "")]
    for f in embed.get("fields") or []:  # type: ignore[attr-defined]
        parts += [re.sub(r"^\d+\. ", "", f["name"]), f["value"]]
    return parts


def assert_no_smuggled_markup(embeds: list[dict[str, object]]) -> None:
    assert embeds
    for embed in embeds:
        for part in embed_parts(embed):
            assert unescaped_problems(part, {"plain"}) == [], part
            assert "](https://evil" not in part


async def test_ids_and_highlights_cannot_make_links(fake: FakeDiscord) -> None:
    async with running_bot(fake, HostileEngine(), make_settings(fake)):
        search = await fake.answered(await fake.slash("search", query="fact check"))
        assert_no_smuggled_markup(search.embeds())
        asked = await fake.answered(await fake.slash("ask", question="what did the council post?"))
        assert_no_smuggled_markup(asked.embeds())
        description = asked.embeds()[0]["description"]
        assert "\\(https\\://evil.example/login\\)" in description
        sources = await fake.answered(await fake.click(asked.followups[0], "Sources"))
        assert_no_smuggled_markup(sources.embeds())
        assert "inj\\` [Reuters fact\\-check\\]" not in sources.text()  # escaped, not code
        assert "inj\\`" in sources.text()


class ArchiveEngine(FakeEngine):
    """/article over the articles a JSONL upload yields (the readers' real output)."""

    def __init__(self, articles: dict[str, Article]) -> None:
        super().__init__()
        self.by_id = articles

    def article(self, article_id: str, *, scope: Scope = OPERATOR_SCOPE) -> Article:
        self._enter("article", article_id)
        if article_id not in self.by_id:
            raise ArticleNotFoundError(f"No article with id {article_id!r}.")
        return self.by_id[article_id]


async def test_every_accepted_id_opens_with_article(fake: FakeDiscord, tmp_path: Path) -> None:
    ids = ["plain", "café", "Ünïcødé-id_2022.03", "a:b", "x" * 200, "tilde~inside~", "a`b",
           "a/b", "a\u200bb", "two words", "..dots", "rtl\u202eid"]
    path = tmp_path / "ids.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": f"Text of {i}."}) + "\n" for i in ids),
                    encoding="utf-8")
    result = read_file(SourceFile(path, "ids"))
    accepted = {a.id: a for _, a in result.articles}
    assert set(accepted) == {"plain", "café", "Ünïcødé-id_2022.03", "a:b", "x" * 200,
                             "tilde~inside~", "a`b"}
    assert len(result.skipped) == 5
    async with running_bot(fake, ArchiveEngine(accepted), make_settings(fake)):
        for article_id in accepted:
            rec = await fake.answered(await fake.slash("article", id=article_id))
            assert f"Text of {article_id}." in unescape(rec.text()), article_id


async def test_debug_logs_hold_no_message_content_nor_interaction_tokens(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "my neighbour's private plans for Friday"
    caplog.set_level(logging.DEBUG)
    install_privacy_filter()  # as `newsdesk -v serve` does (bot/cli configure_logging)
    async with running_bot(fake, FakeEngine(), make_settings(fake)):
        await fake.user_message(secret, mention_bot=False)
        await fake.user_message(f"also {secret}", mention_bot=False, user_id=1002)
        rec = await fake.answered(await fake.slash("ask", question="what did Wang Wenbin say?"))
        await fake.answered(await fake.click(rec.followups[0], "Sources"))
        await fake.wait_for(lambda: any("MESSAGE_CREATE" in r.getMessage()
                                        for r in caplog.records), timeout=60)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "WebSocket Event" in text  # discord.py's DEBUG dump was captured
    assert secret not in text
    assert "itoken-" not in text  # the fake's interaction tokens
    assert "[token]" in text


class DamagedEngine(FakeEngine):
    """An index whose database broke while the bot was serving."""

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *,
               scope: Scope = OPERATOR_SCOPE) -> list[Hit]:
        self._enter("search", query)
        raise damaged(Path("/srv/secret/newsdesk-index"), "database disk image is malformed")


async def test_a_damaged_index_does_not_show_server_paths_on_discord(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(fake, DamagedEngine(), make_settings(fake)):
        rec = await fake.answered(await fake.slash("search", query="budget"))
    assert "can't be read right now" in rec.text()
    assert "/srv/secret" not in rec.text() and "newsdesk index add" not in rec.text()
    assert "/srv/secret/newsdesk-index is damaged" in caplog.text  # the operator's log has it
