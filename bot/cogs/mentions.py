"""Mentions, DMs, threads and replies: "@Newsdesk what did Lavrov say?" gets a reply; the
bot opens a thread on its reply and answers follow-ups there without a mention.

Each place is a conversation (retrieval/conversation.py): a thread the bot opened (per
user), a DM, and any Discord reply to one of the bot's answers, which continues that
answer's conversation wherever it is. A follow-up that was rewritten is answered with
"Understood as: ..." first; one that cannot be resolved says what is missing. States are
kept in the bot-state database (bot/conversations.py), so they survive restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import OrderedDict
from typing import Literal

import discord
from discord.ext import commands

from bot import embeds
from bot.app import Newsdesk
from bot.commands.spec import CommandContext
from bot.conversations import ConversationStore
from bot.core import ScopedCore
from bot.errors import NONE, log_unexpected, user_message
from bot.scopes import shared_servers, viewer_scope
from bot.views import answer_reply
from index.backend import Scope
from retrieval.conversation import ConversationState
from retrieval.dialogue import Dialogue, Turn

log = logging.getLogger(__name__)

MAX_TRACKED_THREADS = 2000
MAX_DIALOGUES = 256
THREAD_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 1440


class Mentions(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot
        self.threads: OrderedDict[int, None] = OrderedDict()  # threads we opened (LRU)
        self.conversations = ConversationStore(bot.settings.answer_store_path())
        # One dialogue per scope (a server; DMs: the shared archive, or with the DM setting
        # the user's servers too): each sees only what its viewer may, and its vocabulary
        # (speakers, sources) is that scope's. Bounded: DM scopes vary per user.
        self.dialogues: OrderedDict[Scope, Dialogue] = OrderedDict()

    def _dialogue(self, message: discord.Message) -> Dialogue:
        guild_id = message.guild.id if message.guild else None
        scope = viewer_scope(self.bot.settings, guild_id, message.author)
        dialogue = self.dialogues.get(scope)
        if dialogue is None:
            dialogue = self.dialogues[scope] = Dialogue(ScopedCore(self.bot.core, scope))
            while len(self.dialogues) > MAX_DIALOGUES:
                self.dialogues.popitem(last=False)
        self.dialogues.move_to_end(scope)
        return dialogue

    async def cog_unload(self) -> None:
        self.conversations.close()

    # -- which messages are for us ------------------------------------------------

    def _is_our_thread(self, channel: object) -> bool:
        me = self.bot.user
        if isinstance(channel, discord.Thread) and me is not None and channel.owner_id == me.id:
            return True
        return getattr(channel, "id", None) in self.threads

    def _root_channel_id(self, channel: object) -> int | None:
        if isinstance(channel, discord.Thread):
            return channel.parent_id
        if getattr(channel, "id", None) in self.threads:
            return None  # a thread we opened: its parent was allowed
        return getattr(channel, "id", None)

    def question_for_us(self, message: discord.Message) -> str | None:
        """The question in ``message`` if it is addressed to the bot, else None."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return None
        own_roles = [
            r.id for r in message.role_mentions if r.tags is not None and r.tags.bot_id == me.id
        ]
        mentioned = (
            any(u.id == me.id for u in message.mentions)
            or f"<@{me.id}>" in message.content
            or bool(own_roles)  # "@Newsdesk" autocompleted to the bot's managed role
        )
        is_dm = message.guild is None
        in_thread = self._is_our_thread(message.channel)
        to_us = _replies_to(message, me.id)
        if not (mentioned or is_dm or in_thread or to_us):
            return None
        allowed = self.bot.settings.channels
        if (
            allowed
            and not is_dm
            and not in_thread
            and not to_us
            and self._root_channel_id(message.channel) not in allowed
        ):
            return None
        text = re.sub(rf"<@!?{me.id}>", " ", message.content)
        for role_id in own_roles:
            text = text.replace(f"<@&{role_id}>", " ")
        return text.strip()

    # -- the handler -------------------------------------------------------------

    async def _known_place(self, message: discord.Message) -> bool:
        """After a restart: a reply to an answer we remember, or a thread we opened that
        discord.py has not cached."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return False
        ref = message.reference
        if ref is not None and ref.message_id is not None:
            state = await asyncio.to_thread(self.conversations.after_answer, ref.message_id,
                                            _server(message))
            if state is not None:
                return True
        if await asyncio.to_thread(self.conversations.knows, f"thread:{message.channel.id}"):
            self._track(message.channel.id)  # a thread we opened before a restart
            return True
        return False

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        question = self.question_for_us(message)
        if question is None:
            if not await self._known_place(message):
                return
            question = message.content.strip()
        try:
            await self._answer(message, question)
        except Exception as error:
            text, unexpected = user_message(error)
            if unexpected:
                text = f"{text} (ref {log_unexpected(error, 'mention')})"
            try:
                await message.reply(
                    embeds.fit_content(text), allowed_mentions=NONE, mention_author=False
                )
            except discord.HTTPException:
                log.warning("Could not deliver an error reply in channel %s", message.channel.id)

    def _place(self, message: discord.Message) -> str | None:
        """The conversation key of where the message was written (None: a plain channel)."""
        if message.guild is None:
            return f"dm:{message.channel.id}"
        if isinstance(message.channel, discord.Thread) or self._is_our_thread(message.channel):
            return f"thread:{message.channel.id}"
        if message.channel.id in self.threads:
            return f"thread:{message.channel.id}"
        return None

    async def _state_for(self, message: discord.Message, place: str | None) -> ConversationState:
        """A reply continues the answer it replies to; else this user's state here."""
        store = self.conversations
        ref = message.reference
        if ref is not None and ref.message_id is not None:
            state = await asyncio.to_thread(store.after_answer, ref.message_id,
                                            _server(message))
            if state is not None:
                return state
        if place is not None:
            state = await asyncio.to_thread(store.get, place, str(message.author.id))
            if state is not None:
                return state
        return ConversationState()

    async def _answer(self, message: discord.Message, question: str) -> None:
        if not question:
            name = self.bot.user.name if self.bot.user else "Newsdesk"
            await message.reply(
                f"Ask me something, e.g. `@{name} what did Lavrov say?` or use /help.",
                allowed_mentions=NONE,
                mention_author=False,
            )
            return
        core = self.bot.core
        core.check_cooldown(message.author.id)
        place = self._place(message)
        state = await self._state_for(message, place)
        with contextlib.suppress(discord.HTTPException):  # best effort: no permission, no dots
            await message.channel.typing()
        turn = await self._dialogue(message).turn(state, question)
        reply = await self._send(message, turn)
        user = str(message.author.id)
        if place is not None:
            await asyncio.to_thread(self.conversations.put, place, user, turn.state)
        if reply is not None:
            await asyncio.to_thread(self.conversations.remember_answer, reply.id, place,
                                    turn.state, user, _server(message))
        if (
            reply is not None
            and message.guild is not None
            and place is None
            and message.reference is None
        ):
            # A thread started from a message has that message's id: the state is there
            # before the thread, so a follow-up typed at once already finds it.
            await asyncio.to_thread(self.conversations.put, f"thread:{reply.id}", user,
                                    turn.state, opening=True)
            await self._open_thread(reply, question)

    async def _send(self, message: discord.Message, turn: Turn) -> discord.Message | None:
        lead = turn.reply_lead
        if turn.answer is None:
            await message.reply(embeds.fit_content(embeds.escape(lead or "")),
                                allowed_mentions=NONE, mention_author=False)
            return None
        ctx = CommandContext(
            core=self.bot.core,
            user_id=message.author.id,
            guild_id=message.guild.id if message.guild else None,
            channel_id=message.channel.id,
            member_of=shared_servers(self.bot.settings, message.guild.id if message.guild
                                     else None, message.author),
            bot_name=self.bot.user.name if self.bot.user else "Newsdesk",
        )
        embed, view = await answer_reply(ctx, turn.answer)
        content = embeds.fit_content(embeds.escape(lead)) if lead else None
        reply = await message.reply(
            content, embed=embed, view=view, allowed_mentions=NONE, mention_author=False
        )
        view.message = reply
        return reply

    async def _open_thread(self, reply: discord.Message, question: str) -> discord.Thread | None:
        try:
            thread = await reply.create_thread(
                name=embeds.truncate(" ".join(question.split()), 100),
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
        except (discord.Forbidden, discord.HTTPException) as err:
            log.info("No thread for the reply in %s: %s", reply.channel.id, err)
            return None
        self._track(thread.id)
        return thread

    def _track(self, thread_id: int) -> None:
        self.threads[thread_id] = None
        while len(self.threads) > MAX_TRACKED_THREADS:
            self.threads.popitem(last=False)


def _server(message: discord.Message) -> str:
    """Where a conversation lives: its server's id, or "dm" (state never crosses them)."""
    return str(message.guild.id) if message.guild is not None else "dm"


def _replies_to(message: discord.Message, bot_id: int) -> bool:
    """A Discord reply to one of our messages (when Discord sent the message replied to)."""
    ref = message.reference
    resolved = ref.resolved if ref is not None else None
    return isinstance(resolved, discord.Message) and resolved.author.id == bot_id


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Mentions(bot))
