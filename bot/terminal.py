"""A terminal session: the bot without Discord (``newsdesk serve`` with no DISCORD_TOKEN).

Every command of the registry (bot/commands/) can be typed with Discord's
``option: value`` syntax; the first required option may be typed without its name,
and text without a leading slash is an /ask::

    what did Wang Wenbin say?
    /search Lavrov visit from: 2022-03 k: 3
    /quotes Wang about: Russia
    /article lavrov_china_2022-03-31 page: 2
    /trend ferry strike by: week png: strike.png
    /feeds add https://example.org/rss.xml every: 1h
    /ingest path/to/articles.jsonl
    /stats    /help    /quit

and, about the last reply (what Discord's buttons do): ``/sources``, ``/context [n]``,
``/next``, ``/prev``, ``/vote up|down``, or a number to pick one of the offered choices.
The terminal is the operator's console: admin commands (/ingest) are allowed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot import embeds
from bot.commands import GROUPS, find, group_commands, registry
from bot.commands.quotes import quotes_card
from bot.commands.spec import (
    AnswerReply,
    Command,
    CommandContext,
    Option,
    Reply,
    ReplyFile,
    Text,
    Upload,
)
from bot.core import Core
from bot.errors import log_unexpected, user_message
from bot.terminal_live import LiveFeeds
from bot.terminal_text import strip_controls
from index.errors import BadQueryError
from retrieval.conversation import ConversationState
from retrieval.dialogue import Dialogue
from retrieval.models import Answer

log = logging.getLogger(__name__)

ANSI_BOLD = ("\x1b[1m", "\x1b[0m")
SESSION_HELP = """About the last reply: /sources  /context [n]  /next  /prev  /vote up|down  <number> (pick a choice)
/quit ends the session"""


def _option_pattern() -> re.Pattern[str]:
    return _pattern_for(registry())


@functools.cache
def _pattern_for(commands: tuple[Command, ...]) -> re.Pattern[str]:
    names = {o.name for c in commands for o in c.options}
    keys = sorted(names, key=len, reverse=True)
    return re.compile(rf"(?:^|\s)({'|'.join(map(re.escape, keys))}):", re.I)


def parse_command(line: str) -> tuple[str, str, dict[str, str]]:
    """``"/search lavrov from: 2022 k: 3"`` -> ``("search", "lavrov", {"from": "2022", "k": "3"})``.

    Text without a leading slash is an /ask. Option values run to the next option. A
    group's subcommand joins the name: ``"/feeds add URL"`` -> ``("feeds add", "URL", {})``
    (``/feeds`` alone: ``/feeds list``).
    """
    text = line.strip()
    if not text.startswith("/"):
        return "ask", text, {}
    name, _, rest = text[1:].partition(" ")
    if name.lower() in GROUPS:
        sub, _, rest = rest.strip().partition(" ")
        name = f"{name} {sub or 'list'}"
    parts = _option_pattern().split(" " + rest)
    free = parts[0].strip()
    options: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        options[key.lower()] = value.strip().strip('"')
    return name.lower(), free, options


def usage(command: Command) -> str:
    """``/search <query> [from: ...] [to: ...]`` for the terminal's help."""
    parts = [command.path]
    for option in command.options:
        if option is command.free_option:
            parts.append(f"<{option.name}>")
        else:
            parts.append(f"[{option.name}: ...]" if not option.required else f"{option.name}: ...")
    return " ".join(parts)


async def _local_file(path_text: str) -> Upload:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise BadQueryError(f"No file at {path}.")

    async def read() -> bytes:
        return await asyncio.to_thread(path.read_bytes)

    return Upload(path.name, path.stat().st_size, read)


async def convert(command: Command, free: str, options: Mapping[str, str]) -> dict[str, Any]:
    """Typed values for the command's options, from what was typed."""
    known = {o.name for o in command.options}
    unknown = [k for k in options if k not in known]
    if unknown:
        raise BadQueryError(
            f"{command.path} has no option {unknown[0]}:.", hint=f"Usage: {usage(command)}"
        )
    args: dict[str, Any] = {}
    for option in command.options:
        raw = options.get(option.name)
        if raw is None and option is command.free_option:
            raw = free
        args[option.name] = await _typed(command, option, raw)
    return args


async def _typed(command: Command, option: Option, raw: str | None) -> Any:
    if raw is None or (not raw.strip() and option.type != "text"):
        if option.required and option.type == "file":
            raise BadQueryError(f"Please give a {option.name}.", hint=f"Usage: {usage(command)}")
        return option.default
    if option.type == "file":
        return await _local_file(raw.strip())
    if option.type in ("integer", "number"):
        try:  # "#3" as /feeds list and /following show numbers
            return int(raw.strip().lstrip("#")) if option.type == "integer" else float(raw)
        except ValueError:
            bounds = f" from {option.min} to {option.max}" if option.max is not None else ""
            raise BadQueryError(f"{option.name} must be a number{bounds}.") from None
    if option.type == "boolean":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw


@dataclass
class _Paged:
    render: Callable[[int], discord.Embed]
    pages: int
    page: int = 0


class TerminalSession:
    """Reads lines, prints replies. ``write`` receives whole rendered blocks."""

    def __init__(self, core: Core, write: Callable[[str], None], *, colour: bool = False) -> None:
        self.core = core
        self.write = write
        self.bold = ANSI_BOLD if colour else ("", "")
        self.last_answer: Answer | None = None
        self.paged: _Paged | None = None
        self.choices: tuple[str, ...] = ()
        self.choose: Callable[[CommandContext, str], Awaitable[Reply]] | None = None
        # Typed questions are one conversation: "what else did he say?" follows the last.
        self.dialogue = Dialogue(core)
        self.conversation = ConversationState()
        self.session_commands: dict[str, Callable[[str, dict[str, str]], Awaitable[None]]] = {
            "ask": self.ask,
            "sources": self.sources,
            "context": self.context,
            "next": self.next_page,
            "prev": self.prev_page,
            "vote": self.vote,
        }
        self.live = LiveFeeds(core, write)  # feeds polled, alerts printed (once started)

    @property
    def ctx(self) -> CommandContext:
        """The operator's context: every server's articles, admin commands allowed."""
        return CommandContext(core=self.core, user_id="terminal", operator=True,
                              feeds=self.live.service)

    def show(self, embed: discord.Embed) -> None:
        self.write(embeds.embed_to_text(embed, bold=self.bold))

    async def handle(self, line: str) -> bool:
        """Run one line; False when the session should end."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in ("/quit", "/exit", "quit", "exit"):
            return False
        try:
            if text.isdigit() and self.choices:
                await self._choose(int(text))
                return True
            name, free, options = parse_command(text)
            session_command = self.session_commands.get(name)
            if session_command is not None:
                await session_command(free, options)
                return True
            command = find(*name.split(" ", 1))
            if command is None:
                group = name.split(" ", 1)[0]
                subs = ", ".join(c.name for c in group_commands(group))
                raise BadQueryError(f"Unknown command /{name}.",
                                    hint=f"/{group} takes {subs}." if subs else
                                    "Type /help for the list.")
            reply = await command.run(self.ctx, await convert(command, free, options))
            self.present(reply)
            if command.name == "help":
                self.write("\n".join(usage(c) for c in registry()) + "\n" + SESSION_HELP + "\n")
        except Exception as error:
            message, unexpected = user_message(error, operator=True)
            if unexpected:
                message = f"{message} (ref {log_unexpected(error, 'terminal')})"
            self.write(f"error: {strip_controls(message)}\n")
        return True

    async def run(self, read: Callable[[], str] | None = None) -> None:
        """Loop until /quit or end of input. ``read`` blocks, so it runs in a thread."""
        reader = read or (lambda: input("newsdesk> "))
        self.write(
            "Newsdesk terminal session (no DISCORD_TOKEN set). Type a question, /help, or /quit.\n"
        )
        while True:
            try:
                line = await asyncio.to_thread(reader)
            except (EOFError, KeyboardInterrupt):
                self.write("\n")
                return
            if not await self.handle(line):
                return

    # -- replies -----------------------------------------------------------------

    def present(self, reply: Reply) -> None:
        """A command's reply model as text: pages, choices, files."""
        if isinstance(reply, AnswerReply):
            self._answer(reply.answer)
            return
        if isinstance(reply, Text):
            self.write(strip_controls(reply.plain or reply.content).rstrip("\n") + "\n")
            return
        if reply.text is not None:
            self.paged = None
            self.write(strip_controls(reply.text).rstrip("\n") + "\n")
        elif reply.choices and reply.choose is not None:
            self.paged = None
            self.show(reply.render(reply.page))
        else:
            self._page(reply.render, reply.pages, reply.page)
        if reply.choices and reply.choose is not None:
            self._offer(reply.choices, reply.choose)
        for file in reply.files:
            self._save(file)

    async def ask(self, free: str, options: dict[str, str]) -> None:
        """/ask (and a typed question) through the dialogue, so follow-ups resolve."""
        turn = await self.dialogue.turn(self.conversation, options.get("question") or free)
        self.conversation = turn.state
        if turn.reply_lead:
            self.write(turn.reply_lead + "\n")
        if turn.answer is not None:
            self._answer(turn.answer)

    def _answer(self, answer: Answer) -> None:
        self.last_answer = answer
        self.paged = None
        self.show(embeds.answer_embed(answer))
        if answer.kind == "ambiguous" and answer.candidates:

            async def choose(ctx: CommandContext, name: str) -> Reply:
                return await quotes_card(ctx, name, None, answer.filters)

            self._offer(answer.candidates, choose)
        if answer.citations:
            self.write(
                "(/sources for all sources, /context <n> for the paragraph around [n], /vote up|down)\n"
            )

    def _save(self, file: ReplyFile) -> None:
        """Write a reply's file (a chart) where it asks, else in the current folder; a
        path that cannot be written is a clear error, not a traceback."""
        path = file.path or Path.cwd() / Path(file.name).name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.data)
        except OSError as err:
            raise BadQueryError(
                f"Could not write the {file.kind.lower()} to {path}: {err.strerror or err}.",
                hint="Give another file with png: FILE.") from err
        self.write(f"{file.kind} written to {path}\n")

    # -- about the last reply ---------------------------------------------------------

    async def sources(self, free: str, options: dict[str, str] | None = None) -> None:
        if self.last_answer is None:
            raise BadQueryError("Ask a question first.")
        self.show(embeds.sources_embed(self.last_answer))

    async def context(self, free: str, options: dict[str, str] | None = None) -> None:
        answer = self.last_answer
        if answer is None or not answer.citations:
            raise BadQueryError("Ask a question first.")
        wanted = int(free) if free.strip().isdigit() else answer.citations[0].marker
        citation = next((c for c in answer.citations if c.marker == wanted), None)
        if citation is None:
            raise BadQueryError(f"There is no source [{wanted}].")
        excerpt = await self.core.context(citation.article_id, citation.start, citation.end)
        self.show(embeds.context_embed(citation, excerpt))

    async def vote(self, free: str, options: dict[str, str] | None = None) -> None:
        answer = self.last_answer
        if answer is None:
            raise BadQueryError("Ask a question first.")
        choice = free.strip().lower()
        if choice not in ("up", "down", "+1", "-1", "👍", "👎"):
            raise BadQueryError("Type /vote up or /vote down.")
        vote = 1 if choice in ("up", "+1", "👍") else -1
        await self.core.record_feedback(
            answer.question,
            answer.kind,
            vote,
            user_id="terminal",
            article_ids=tuple(dict.fromkeys(c.article_id for c in answer.citations)),
        )
        self.write("Thanks: feedback recorded.\n")

    async def next_page(self, free: str, options: dict[str, str] | None = None) -> None:
        await self._turn(+1)

    async def prev_page(self, free: str, options: dict[str, str] | None = None) -> None:
        await self._turn(-1)

    # -- helpers ---------------------------------------------------------------

    def _page(self, render: Callable[[int], discord.Embed], pages: int, page: int = 0) -> None:
        self.paged = _Paged(render, pages, max(0, min(page, pages - 1)))
        self.show(render(self.paged.page))
        if pages > 1:
            self.write(f"(page {self.paged.page + 1}/{pages}: /next, /prev)\n")

    async def _turn(self, step: int) -> None:
        if self.paged is None:
            raise BadQueryError("Nothing to page through.")
        target = self.paged.page + step
        if not 0 <= target < self.paged.pages:
            raise BadQueryError("No more pages that way.")
        self.paged.page = target
        self.show(self.paged.render(target))
        self.write(f"(page {target + 1}/{self.paged.pages})\n")

    def _offer(
        self, choices: tuple[str, ...], choose: Callable[[CommandContext, str], Awaitable[Reply]]
    ) -> None:
        self.choices = tuple(choices[:25])
        self.choose = choose
        lines = [f"  {i}. {strip_controls(name)}" for i, name in enumerate(self.choices, start=1)]
        self.write("Type a number to choose:\n" + "\n".join(lines) + "\n")

    async def _choose(self, number: int) -> None:
        if not 1 <= number <= len(self.choices):
            raise BadQueryError(f"Choose a number from 1 to {len(self.choices)}.")
        value, choose = self.choices[number - 1], self.choose
        self.choices, self.choose = (), None
        assert choose is not None
        self.present(await choose(self.ctx, value))


async def run_terminal(core: Core) -> None:
    def write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    session = TerminalSession(core, write, colour=sys.stdout.isatty())
    await session.live.start()
    try:
        await session.run()
    finally:
        await session.live.stop()
