"""Mentions, DMs and threads: "@Newsdesk what did Lavrov say?" gets a reply; the bot
opens a thread on its reply and answers follow-ups there without a mention."""

from __future__ import annotations

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
from bot.errors import NONE, log_unexpected, user_message
from bot.views import answer_reply

log = logging.getLogger(__name__)

MAX_TRACKED_THREADS = 2000
THREAD_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 1440


class Mentions(commands.Cog):
    def __init__(self, bot: Newsdesk) -> None:
        self.bot = bot
        self.threads: OrderedDict[int, None] = OrderedDict()  # threads we opened (LRU)

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
        if not (mentioned or is_dm or in_thread):
            return None
        allowed = self.bot.settings.channels
        if (
            allowed
            and not is_dm
            and not in_thread
            and self._root_channel_id(message.channel) not in allowed
        ):
            return None
        text = re.sub(rf"<@!?{me.id}>", " ", message.content)
        for role_id in own_roles:
            text = text.replace(f"<@&{role_id}>", " ")
        return text.strip()

    # -- the handler -------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        question = self.question_for_us(message)
        if question is None:
            return
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
        with contextlib.suppress(discord.HTTPException):  # best effort: no permission, no dots
            await message.channel.typing()
        answer = await core.answer(question)
        ctx = CommandContext(
            core=core,
            user_id=message.author.id,
            guild_id=message.guild.id if message.guild else None,
            channel_id=message.channel.id,
            bot_name=self.bot.user.name if self.bot.user else "Newsdesk",
        )
        embed, view = await answer_reply(ctx, answer)
        reply = await message.reply(
            embed=embed, view=view, allowed_mentions=NONE, mention_author=False
        )
        view.message = reply
        if (
            message.guild is not None
            and not isinstance(message.channel, discord.Thread)
            and not self._is_our_thread(message.channel)
        ):
            await self._open_thread(reply, question)

    async def _open_thread(self, reply: discord.Message, question: str) -> None:
        try:
            thread = await reply.create_thread(
                name=embeds.truncate(" ".join(question.split()), 100),
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
        except (discord.Forbidden, discord.HTTPException) as err:
            log.info("No thread for the reply in %s: %s", reply.channel.id, err)
            return
        self.threads[thread.id] = None
        while len(self.threads) > MAX_TRACKED_THREADS:
            self.threads.popitem(last=False)


async def setup(bot: Newsdesk) -> None:
    await bot.add_cog(Mentions(bot))
