"""Conversations end to end: the real bot and the real engine over the seed index, against
the fake Discord. Follow-ups in the thread the bot opens, in DMs and in reply chains, two
users in one thread, and the state surviving a restart of the bot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.conversations import ConversationStore
from bot.core import EngineLike
from retrieval.engine import Engine
from tests.bot.fake_discord import BOT_ID, CHANNEL_ID, GUILD_ID, FakeDiscord, user_payload
from tests.bot.helpers import allowed_mentions_ok, make_settings, running_bot

pytestmark = pytest.mark.timeout(300)

HEGEMONY = "our opposition towards hegemony has no limits"
WANG_YI = "withstood the new test"


@pytest.fixture(scope="module")
def engine(seed_index: Path, embedder: object) -> EngineLike:
    return Engine.open(seed_index, embedder)  # type: ignore[arg-type]


def text_of(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for e in message.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f.get("value") or "" for f in e.get("fields", [])]
    return "\n".join(parts)


async def answer_to(fake: FakeDiscord, message: dict[str, Any]) -> dict[str, Any]:
    (reply,) = await fake.wait_for(lambda: fake.replies_to(message["id"]), 60, "a reply")
    assert allowed_mentions_ok(reply)
    return reply


async def say(fake: FakeDiscord, text: str, channel_id: int, *, user_id: int = 1001,
              guild: bool = True) -> dict[str, Any]:
    msg = await fake.user_message(text, channel_id=channel_id, mention_bot=False,
                                  guild=guild, user_id=user_id)
    return await answer_to(fake, msg)


async def reply_to(fake: FakeDiscord, answer: dict[str, Any], text: str, *,
                   user_id: int = 1001) -> dict[str, Any]:
    """A user's Discord reply (no mention) to one of the bot's answers."""
    msg: dict[str, Any] = {
        "id": str(fake.snowflake()), "channel_id": answer["channel_id"],
        "author": user_payload(user_id, "reader"), "content": text, "timestamp": answer["timestamp"],
        "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 19,
        "flags": 0, "components": [], "guild_id": str(GUILD_ID),
        "member": {k: v for k, v in fake.member_payload(user_id, "reader").items() if k != "user"},
        "message_reference": {"message_id": answer["id"], "channel_id": answer["channel_id"],
                              "guild_id": str(GUILD_ID)},
        "referenced_message": answer,
    }
    fake.messages[int(msg["id"])] = msg
    await fake.dispatch("MESSAGE_CREATE", msg)
    return await answer_to(fake, msg)


async def open_thread(fake: FakeDiscord, question: str, user_id: int = 1001) -> tuple[int, Any]:
    msg = await fake.user_message(question, user_id=user_id)
    first = await answer_to(fake, msg)
    thread_id = await fake.wait_for(lambda: next(iter(fake.threads), None), 60, "a thread")
    return int(thread_id), first


async def test_thread_follow_ups_are_understood(fake: FakeDiscord, engine: EngineLike) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        thread_id, first = await open_thread(fake, "what did Wang Wenbin say?")
        assert "Understood as" not in text_of(first)  # nothing carried into a first question
        hegemony = await say(fake, "what else did he say about hegemony?", thread_id)
        assert hegemony["content"].startswith(
            "Understood as: what did Wang Wenbin say about hegemony?")
        assert HEGEMONY in text_of(hegemony) and hegemony["channel_id"] == str(thread_id)
        wang_yi = await say(fake, "and Wang Yi?", thread_id)
        assert wang_yi["content"].startswith("Understood as: what did Wang Yi say about hegemony?")
        assert WANG_YI in text_of(wang_yi)
        new = await say(fake, "how much will the new ferry boats cost?", thread_id)
        assert not new["content"]  # a new question: answered as asked, nothing carried
        assert "38 million" in text_of(new)
        assert len(fake.threads) == 1


async def test_it_and_they_in_a_thread(fake: FakeDiscord, engine: EngineLike) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        thread_id, _ = await open_thread(fake, "tell me about the electric ferry plan")
        cost = await say(fake, "how much will it cost?", thread_id)
        assert cost["content"].startswith(
            "Understood as: how much will the electric ferry plan cost?")
        assert "38 million" in text_of(cost)
        fees = await say(fake, "what did the council decide about harbour fees?", thread_id)
        assert not fees["content"]
        they = await say(fake, "who objected to them?", thread_id)
        # (Discord shows "\\(" as "(": the bot escapes brackets so quoted text makes no link.)
        assert they["content"].replace("\\", "").startswith(
            "Understood as: who objected to them? (about “Council passes budget with higher "
            "harbour fees”)")
        assert "The fishing co-operative objected." in text_of(they)


async def test_dm_conversation(fake: FakeDiscord, engine: EngineLike) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        missing = await say(fake, "what about in 2023?", 555, guild=False)
        assert "no earlier question" in missing["content"] and not missing.get("embeds")
        await say(fake, "what did Sergei Lavrov say?", 555, guild=False)
        second = await say(fake, "the second one", 555, guild=False)
        assert second["content"].startswith("Understood as: source [2]")
        assert "multipolar, just, democratic world order" in text_of(second)
        when = await say(fake, "when was that?", 555, guild=False)
        assert when["content"].startswith("Understood as: when and where source [2]")
        assert "2022-03-31" in text_of(when) and "lavrov_china_2022-03-31" in text_of(when)
        she = await say(fake, "what did she say?", 555, guild=False)
        assert "doesn't fit" in she["content"] and not she.get("embeds")


async def test_a_reply_chain_outside_a_thread(fake: FakeDiscord, engine: EngineLike) -> None:
    async with running_bot(fake, engine, make_settings(fake)):
        msg = await fake.user_message("what did Wang Wenbin say?")
        first = await answer_to(fake, msg)
        chained = await reply_to(fake, first, "and Wang Yi?")
        assert chained["channel_id"] == str(CHANNEL_ID)  # answered where the reply was
        assert chained["content"].startswith("Understood as: what did Wang Yi say?")
        assert WANG_YI in text_of(chained)
        # Replying to the first answer again continues *that* answer's conversation.
        again = await reply_to(fake, first, "what else did he say about hegemony?")
        assert again["content"].startswith(
            "Understood as: what did Wang Wenbin say about hegemony?")
        deeper = await reply_to(fake, chained, "when was that?")
        assert "2022-03-31" in text_of(deeper)
        assert len(fake.threads) == 1  # only the mention opened a thread


async def test_state_survives_a_restart(fake: FakeDiscord, engine: EngineLike,
                                        tmp_path: Path) -> None:
    settings = make_settings(fake, state_path=tmp_path / "bot-state.sqlite")
    async with running_bot(fake, engine, settings):
        thread_id, first = await open_thread(fake, "what did Wang Wenbin say?")
        saved = ConversationStore(settings.answer_store_path())
        await fake.wait_for(lambda: saved.knows(f"thread:{thread_id}"), 60, "the thread's state")
        saved.close()
    async with running_bot(fake, engine, settings):  # a new process: only the file remains
        hegemony = await say(fake, "what else did he say about hegemony?", thread_id)
        assert hegemony["content"].startswith(
            "Understood as: what did Wang Wenbin say about hegemony?")
        chained = await reply_to(fake, first, "and Wang Yi?")
        assert chained["content"].startswith("Understood as: what did Wang Yi say?")


async def test_two_users_in_one_thread(fake: FakeDiscord, engine: EngineLike) -> None:
    alice, bob = 1001, 2002
    async with running_bot(fake, engine, make_settings(fake)):
        thread_id, _ = await open_thread(fake, "what did Wang Wenbin say?", user_id=alice)
        await say(fake, "what did Sergei Lavrov say?", thread_id, user_id=bob)
        mine = await say(fake, "what else did he say about hegemony?", thread_id, user_id=alice)
        assert mine["content"].startswith(
            "Understood as: what did Wang Wenbin say about hegemony?")
        his = await say(fake, "what else did he say about the world order?", thread_id,
                        user_id=bob)
        assert his["content"].startswith(
            "Understood as: what did Sergei Lavrov say about the world order?")
        # A third person starts from the thread's opening question.
        carol = await say(fake, "and Wang Yi?", thread_id, user_id=3003)
        assert carol["content"].startswith("Understood as: what did Wang Yi say?")
    assert BOT_ID  # the replies above came from the bot (replies_to checks the reference)
