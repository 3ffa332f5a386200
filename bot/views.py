"""Buttons and menus under the bot's messages.

* :class:`AnswerView`: "More context" (ephemeral), "Sources" (ephemeral), 👍/👎 feedback
  recorded in the index database through ``Engine.record_feedback``. These are
  :class:`AnswerButton` dynamic items: they survive restarts.
* :class:`Pager`: previous/next pages for /search, /article and /quotes.
* :class:`ChoiceView`: a select menu for a card's choices (a name several speakers share).
* :func:`send_reply` / :func:`replace_reply`: a command's reply model as Discord messages.

Callbacks go through :class:`~bot.core.Core` like the commands, and errors through
the one handler in :mod:`bot.errors`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Callable
from typing import Any

import discord

from bot import embeds
from bot.commands.spec import AnswerReply, Card, CommandContext, Reply, Text
from bot.core import Core
from bot.errors import NONE, reply_error
from bot.scopes import shared_servers, viewer_scope
from index.backend import Scope
from retrieval.models import Answer

log = logging.getLogger(__name__)

MAX_CONTEXT_EMBEDS = 3


class BaseView(discord.ui.View):
    """A view that reports its errors through the one handler and disables itself on timeout."""

    message: discord.Message | None = None

    def __init__(self, *, timeout: float | None) -> None:
        super().__init__(timeout=timeout)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await reply_error(
            interaction,
            error,
            where=f"{type(self).__name__} {getattr(item, 'label', '') or ''}".strip(),
        )

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        for child in self.children:
            if isinstance(child, (discord.ui.Button, discord.ui.Select)):
                child.disabled = True
        with contextlib.suppress(discord.HTTPException):
            await self.message.edit(view=self)
        self.message = None


class Pager(BaseView):
    """Previous / next buttons over ``render(page) -> Embed``; only the invoker turns pages."""

    def __init__(
        self,
        render: Callable[[int], discord.Embed],
        pages: int,
        *,
        owner_id: int | None,
        timeout: float,
        page: int = 0,
    ) -> None:
        super().__init__(timeout=timeout)
        self.render = render
        self.pages = pages
        self.page = page
        self.owner_id = owner_id
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page <= 0
        self.next.disabled = self.page >= self.pages - 1
        self.position.label = f"{self.page + 1}/{self.pages}"

    def first_embed(self) -> discord.Embed:
        return self.render(self.page)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if self.owner_id is None or interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages: run the command yourself.",
            ephemeral=True,
            allowed_mentions=NONE,
        )
        return False

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = max(0, min(page, self.pages - 1))
        self._sync()
        await interaction.response.edit_message(
            embed=self.render(self.page), view=self, allowed_mentions=NONE
        )

    @discord.ui.button(emoji="◀", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await self._show(interaction, self.page - 1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.defer()

    @discord.ui.button(emoji="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.page + 1)


class ChoiceSelect(discord.ui.Select[Any]):
    """A menu of choices (e.g. the people sharing a name); its view has ``chosen``."""

    def __init__(self, choices: tuple[str, ...], placeholder: str = "Which speaker?") -> None:
        options = [discord.SelectOption(label=c[:100], value=c[:100]) for c in choices[:25]]
        super().__init__(placeholder=placeholder, options=options, min_values=1, max_values=1)

    async def callback(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.view, ChoiceView | AmbiguousAnswerView)
        await self.view.chosen(interaction, self.values[0])


class ChoiceView(BaseView):
    """A card offering a pick (``Card.choices``): the choice's reply replaces the message."""

    def __init__(self, ctx: CommandContext, card: Card) -> None:
        super().__init__(timeout=ctx.settings.view_timeout)
        self.ctx = ctx
        self.card = card
        self.add_item(ChoiceSelect(card.choices, card.placeholder))

    async def chosen(self, interaction: discord.Interaction, value: str) -> None:
        assert self.card.choose is not None
        await interaction.response.defer()
        await replace_reply(interaction, self.ctx, await self.card.choose(self.ctx, value))
        self.stop()


def context_of(interaction: discord.Interaction) -> CommandContext:
    """The command context of an interaction (user, server, channel)."""
    client = interaction.client
    return CommandContext(
        core=client.core,  # type: ignore[attr-defined]
        user_id=interaction.user.id,
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        bot_name=client.user.name if client.user else "Newsdesk",
        feeds=getattr(client, "feed_service", None),
        member_of=shared_servers(client.settings, interaction.guild_id,  # type: ignore[attr-defined]
                                 interaction.user),
    )


def _files(card: Card) -> list[discord.File]:
    return [discord.File(io.BytesIO(f.data), filename=f.name, description=f.description or None)
            for f in card.files]


async def reply_parts(
    ctx: CommandContext, reply: Reply
) -> tuple[discord.Embed, BaseView | None, list[discord.File]]:
    """What Discord shows for a reply: its embed, its buttons or menu, its files."""
    if isinstance(reply, AnswerReply):
        embed, answer_view = await answer_reply(ctx, reply.answer)
        return embed, answer_view, []
    if isinstance(reply, Text):  # where only an embed can go (a replaced message)
        return discord.Embed(description=reply.content[: embeds.DESCRIPTION_LIMIT]), None, []
    view: BaseView | None = None
    owner = ctx.user_id if isinstance(ctx.user_id, int) else None
    if reply.choices and reply.choose is not None:
        view = ChoiceView(ctx, reply)
    elif reply.pages > 1:
        view = Pager(reply.render, reply.pages, owner_id=owner,
                     timeout=ctx.settings.view_timeout, page=reply.page)
    return reply.render(reply.page), view, _files(reply)


async def send_reply(
    interaction: discord.Interaction, ctx: CommandContext, reply: Reply, *, ephemeral: bool = False
) -> None:
    """The follow-up to a deferred interaction; never pings anyone."""
    if isinstance(reply, Text):
        await interaction.followup.send(reply.content, ephemeral=ephemeral, allowed_mentions=NONE)
        return
    embed, view, files = await reply_parts(ctx, reply)
    kwargs: dict[str, Any] = {"embed": embed, "ephemeral": ephemeral, "files": files}
    if view is not None:
        kwargs["view"] = view
    message = await interaction.followup.send(allowed_mentions=NONE, wait=True, **kwargs)
    if view is not None:
        view.message = message


async def replace_reply(
    interaction: discord.Interaction, ctx: CommandContext, reply: Reply
) -> None:
    """Replace the (deferred) message of a component interaction with ``reply``."""
    embed, view, files = await reply_parts(ctx, reply)
    message = await interaction.edit_original_response(
        embed=embed, view=view, attachments=files, allowed_mentions=NONE
    )
    if view is not None:
        view.message = message


# ---------------------------------------------------------------- answer buttons

# (label, emoji, style) of each button under an answer, by action.
_ANSWER_BUTTONS: dict[str, tuple[str | None, str, discord.ButtonStyle]] = {
    "context": ("More context", "🔎", discord.ButtonStyle.secondary),
    "sources": ("Sources", "📚", discord.ButtonStyle.secondary),
    "up": (None, "👍", discord.ButtonStyle.success),
    "down": (None, "👎", discord.ButtonStyle.danger),
}


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"nd:answer:(?P<key>[0-9a-f]{16}):(?P<action>context|sources|up|down)",
):
    """A button under an answer. Its custom id holds the key of the answer in the bot's
    state (bot/state.py), so it keeps working after a restart: registered with
    ``Client.add_dynamic_items``, discord.py rebuilds it from the id on every click."""

    def __init__(self, key: str, action: str, *, disabled: bool = False) -> None:
        label, emoji, style = _ANSWER_BUTTONS[action]
        super().__init__(
            discord.ui.Button(
                label=label, emoji=emoji, style=style, disabled=disabled,
                custom_id=f"nd:answer:{key}:{action}",
            )
        )
        self.key = key
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(match["key"], match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        # Dynamic items bypass View.on_error: errors go to the one handler from here.
        try:
            core: Core = interaction.client.core  # type: ignore[attr-defined]
            answer = await core.recall(self.key)
            # The answer (and so its sources) was made in the scope of the server whose
            # message carries these buttons, the only place they can be clicked; the
            # context is read again, in the scope of the click.
            scope = viewer_scope(core.settings, interaction.guild_id, interaction.user)
            if answer is None:
                await interaction.response.send_message(
                    "That answer is too old to act on; ask again.",
                    ephemeral=True, allowed_mentions=NONE,
                )
            elif self.action == "context":
                await _more_context(core, answer, interaction, scope)
            elif self.action == "sources":
                await interaction.response.send_message(
                    embed=embeds.sources_embed(answer), ephemeral=True, allowed_mentions=NONE
                )
            else:
                await _vote(core, self.key, answer, interaction, 1 if self.action == "up" else -1)
        except Exception as err:  # noqa: BLE001 - every failure gets a user message
            await reply_error(interaction, err, where=f"answer button {self.action}")


async def _more_context(core: Core, answer: Answer, interaction: discord.Interaction,
                        scope: Scope) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    found: list[discord.Embed] = []
    shown = answer.citations[:MAX_CONTEXT_EMBEDS]
    per_embed = embeds.TOTAL_LIMIT // max(1, len(shown)) - 500  # 6,000 across all embeds
    for citation in shown:
        excerpt = await core.context(citation.article_id, citation.start, citation.end,
                                     scope=scope)
        found.append(embeds.context_embed(citation, excerpt, limit=per_embed))
    await interaction.followup.send(embeds=found, ephemeral=True, allowed_mentions=NONE)


async def _vote(
    core: Core, key: str, answer: Answer, interaction: discord.Interaction, vote: int
) -> None:
    if not await core.add_vote(key, str(interaction.user.id)):
        await interaction.response.send_message(
            "You already rated this answer, thanks!", ephemeral=True, allowed_mentions=NONE
        )
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    await core.record_feedback(
        answer.question,
        answer.kind,
        vote,
        user_id=str(interaction.user.id),
        article_ids=tuple(dict.fromkeys(c.article_id for c in answer.citations)),
        guild_id=interaction.guild_id,  # votes are kept per server
    )
    await interaction.followup.send(
        "Thanks for the feedback: noted." if vote > 0 else "Thanks: noted, it helps us improve.",
        ephemeral=True,
        allowed_mentions=NONE,
    )


def add_answer_buttons(view: discord.ui.View, key: str, answer: Answer) -> None:
    for action in _ANSWER_BUTTONS:
        cited_only = action in ("context", "sources")
        view.add_item(AnswerButton(key, action, disabled=cited_only and not answer.citations))


class AnswerView(BaseView):
    """Under every answer: More context, Sources, and feedback. No timeout and no
    state here: every button is an :class:`AnswerButton`."""

    def __init__(self, key: str, answer: Answer) -> None:
        super().__init__(timeout=None)
        add_answer_buttons(self, key, answer)


class AmbiguousAnswerView(BaseView):
    """An answer for a name several people share: each one's quotes are cited, so it
    keeps the answer buttons, plus a menu to pick one person. On timeout BaseView
    disables the menu only: the answer buttons are dynamic items, not Buttons."""

    def __init__(self, ctx: CommandContext, key: str, answer: Answer) -> None:
        super().__init__(timeout=ctx.settings.view_timeout)
        self.ctx = ctx
        self.answer = answer
        add_answer_buttons(self, key, answer)
        self.add_item(ChoiceSelect(answer.candidates))

    async def chosen(self, interaction: discord.Interaction, speaker: str) -> None:
        from bot.commands.quotes import quotes_card

        await interaction.response.defer()
        card = await quotes_card(self.ctx, speaker, None, self.answer.filters)
        await replace_reply(interaction, self.ctx, card)
        self.stop()


async def answer_reply(ctx: CommandContext, answer: Answer) -> tuple[discord.Embed, BaseView]:
    """The embed and view for an answer (with a speaker menu when the name is ambiguous).
    The answer is stored first, so its buttons keep working after a restart."""
    if answer.kind == "ambiguous" and answer.candidates and not answer.citations:
        from bot.commands.quotes import quotes_card

        async def choose(ctx: CommandContext, name: str) -> Reply:
            return await quotes_card(ctx, name, None, answer.filters)

        card = Card.of(embeds.answer_embed(answer), choices=tuple(answer.candidates[:25]),
                       choose=choose, placeholder="Which speaker?")
        return card.render(0), ChoiceView(ctx, card)
    key = await ctx.core.remember(answer, ctx.user_id)
    if answer.kind == "ambiguous" and answer.candidates:
        return embeds.answer_embed(answer), AmbiguousAnswerView(ctx, key, answer)
    return embeds.answer_embed(answer), AnswerView(key, answer)
