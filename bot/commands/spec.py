"""What a command is, independent of where it is typed.

A :class:`Command` names its typed :class:`Option`\\ s (with Discord's limits) and an
async handler ``run(ctx, args) -> Reply``. Front ends (slash commands in
``bot/cogs/slash.py``, the terminal in ``bot/terminal.py``, ``/help``) read these specs;
a handler never sees an interaction, a view or a terminal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands

from bot.core import Core
from bot.settings import Settings
from index.backend import OPERATOR_SCOPE, Scope, owner_for_guild
from index.models import IngestSummary
from retrieval.models import Answer

OptionType = Literal["text", "integer", "number", "boolean", "file"]

# Discord's own limits for application commands (documented API limits).
NAME_LIMIT = 32
DESCRIPTION_LIMIT = 100
OPTIONS_LIMIT = 25
TEXT_OPTION_MAX = 6000
CHOICES_LIMIT = 25
CHOICE_CHARS = 100


@dataclass(frozen=True)
class Upload:
    """A file given to a command: a Discord attachment, or a path typed in the terminal."""

    filename: str
    size: int  # as declared by the sender; check what ``read`` returns too
    read: Callable[[], Awaitable[bytes]]


@dataclass(frozen=True)
class CommandContext:
    """Who runs a command, and where. ``guild_id`` is None in DMs and the terminal; it is
    the scope per-server data is kept under. ``operator``: the terminal session, which
    sees every server's articles (as the CLI does)."""

    core: Core
    user_id: int | str
    guild_id: int | None = None
    channel_id: int | None = None
    bot_name: str = "Newsdesk"
    feeds: Any = None  # the running bot.feeds.FeedService, if any (feeds, alerts, /stats)
    operator: bool = False
    member_of: tuple[int, ...] = ()  # a DM: servers whose articles it sees (bot/scopes.py)
    # The invoker's permissions in this channel (Discord); None: the operator, allowed all.
    permissions: discord.Permissions | None = None
    # How a front end ingests an uploaded file (Discord: chunked, servers taking turns,
    # progress shown); None: straight through the Core.
    ingest: Callable[[Path, str], Awaitable[IngestSummary]] | None = None

    def allowed(self, permission: str) -> bool:
        """Whether the invoker holds ``permission`` (e.g. "manage_channels") here."""
        return self.permissions is None or bool(getattr(self.permissions, permission))

    def require(self, permission: str) -> None:
        """Refuse (as Discord's own checks do) unless the invoker holds ``permission``."""
        if not self.allowed(permission):
            raise app_commands.MissingPermissions([permission])

    @property
    def scope(self) -> Scope:
        """What this viewer may see: the shared archive plus this server's own articles
        (a DM: the shared archive, plus ``member_of``'s; the terminal: everything)."""
        if self.operator:
            return OPERATOR_SCOPE
        if self.guild_id is None:
            return Scope.direct_message(self.member_of)
        return Scope.for_guild(self.guild_id)

    @property
    def owner(self) -> str:
        """Who owns what this viewer uploads: this server, or the operator."""
        return owner_for_guild(None if self.operator else self.guild_id)

    @property
    def settings(self) -> Settings:
        return self.core.settings


@dataclass(frozen=True)
class ReplyFile:
    """A file sent with a reply (e.g. a chart); an embed shows it as ``attachment://name``."""

    name: str
    data: bytes
    description: str = ""
    kind: str = "File"  # what the terminal says it wrote: "Chart written to PATH"
    path: Path | None = None  # where a text front end writes it (default: the current folder)


@dataclass(frozen=True)
class Card:
    """One embed, or ``pages`` of them (◀ ▶ on Discord, /next /prev in the terminal).

    ``choices`` offers a pick (a select menu on Discord, numbers in the terminal);
    ``choose(ctx, value)`` gives the reply that replaces this one.
    """

    render: Callable[[int], discord.Embed]
    pages: int = 1
    page: int = 0
    files: tuple[ReplyFile, ...] = ()
    choices: tuple[str, ...] = ()
    choose: Callable[[CommandContext, str], Awaitable[Reply]] | None = None
    placeholder: str = "Choose one"
    text: str | None = None  # the reply in words for a text front end (default: the embed)

    @classmethod
    def of(cls, embed: discord.Embed, **kwargs: Any) -> Card:
        return cls(lambda page: embed, **kwargs)


@dataclass(frozen=True)
class AnswerReply:
    """A cited answer: on Discord it gets the persistent answer buttons (context, sources,
    votes); in the terminal, /sources, /context and /vote act on it."""

    answer: Answer


@dataclass(frozen=True)
class Text:
    """A plain message: ``content`` is Discord markdown (untrusted parts already escaped);
    ``plain`` is the same for a terminal (default: ``content``)."""

    content: str
    plain: str | None = None


Reply = Card | AnswerReply | Text
Handler = Callable[[CommandContext, Mapping[str, Any]], Awaitable[Reply]]
Autocomplete = Callable[[CommandContext, str], Awaitable[list[str]]]


@dataclass(frozen=True)
class Option:
    """A typed option. ``min``/``max`` bound a number's value or a text's length (Discord
    enforces them in its client; handlers still check what matters)."""

    name: str
    description: str
    type: OptionType = "text"
    required: bool = False
    default: Any = None
    min: int | float | None = None
    max: int | float | None = None
    choices: tuple[str, ...] = ()
    autocomplete: Autocomplete | None = None
    slash: bool = True  # False: a terminal-only option (e.g. png: FILE for a chart)

    def __post_init__(self) -> None:
        if not 1 <= len(self.name) <= NAME_LIMIT or not 1 <= len(self.description) <= DESCRIPTION_LIMIT:
            raise ValueError(f"option {self.name!r}: name 1-32 and description 1-100 characters")
        if self.type == "text" and self.max is not None and self.max > TEXT_OPTION_MAX:
            raise ValueError(f"option {self.name!r}: Discord allows at most {TEXT_OPTION_MAX} characters")
        if len(self.choices) > CHOICES_LIMIT or any(len(c) > CHOICE_CHARS for c in self.choices):
            raise ValueError(f"option {self.name!r}: at most 25 choices of 100 characters")


@dataclass(frozen=True)
class Command:
    """A command every front end offers. ``admin``: Manage Server on Discord, server only.
    ``guild_only``: not in DMs. ``ephemeral``: only the invoker sees the reply.
    ``defer=False`` answers at once (for replies that need no engine call). ``example`` is
    shown by /help. ``group``: a subcommand (``/feeds add``: group "feeds", name "add";
    the group's description is in ``bot.commands.GROUPS``). ``free``: the option typed
    without its name in the terminal (default: the first required text or file option)."""

    name: str
    description: str
    run: Handler
    options: tuple[Option, ...] = ()
    example: str = ""
    admin: bool = False
    ephemeral: bool = False
    defer: bool = True
    cooldown: bool = True
    slash: bool = True  # False: the terminal only (e.g. /feeds check polls the feeds now)
    help: str = ""  # a longer line for /help (default: the description)
    guild_only: bool = False
    group: str = ""
    free: str = ""

    def __post_init__(self) -> None:
        if not 1 <= len(self.name) <= NAME_LIMIT or self.name != self.name.lower():
            raise ValueError(f"command {self.name!r}: a lower-case name of 1-32 characters")
        if not 1 <= len(self.description) <= DESCRIPTION_LIMIT:
            raise ValueError(f"command {self.name!r}: description of 1-100 characters")
        if len(self.options) > OPTIONS_LIMIT:
            raise ValueError(f"command {self.name!r}: at most 25 options")
        required = [o.required for o in self.options]
        if required != sorted(required, reverse=True):
            raise ValueError(f"command {self.name!r}: required options come first")
        if self.free and self.free not in {o.name for o in self.options}:
            raise ValueError(f"command {self.name!r}: free option {self.free!r} is not an option")

    @property
    def path(self) -> str:
        """How it is typed: ``/search``, ``/feeds add``."""
        return f"/{self.group} {self.name}" if self.group else f"/{self.name}"

    @property
    def free_option(self) -> Option | None:
        """The option typed without its name in the terminal (``/search lavrov``)."""
        if self.free:
            return next(o for o in self.options if o.name == self.free)
        return next((o for o in self.options if o.required and o.type in ("text", "file")), None)
