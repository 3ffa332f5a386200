"""A terminal session: the bot without Discord (``newsdesk serve`` with no DISCORD_TOKEN).

Typed text goes through the same core and embed builders as ``/ask``; slash commands
can be typed with Discord's ``option: value`` syntax::

    what did Wang Wenbin say?
    /search Lavrov visit from: 2022-03 k: 3
    /quotes Wang about: Russia
    /article lavrov_china_2022-03-31
    /stats    /help    /quit

and, about the last reply: ``/sources``, ``/context [n]``, ``/next``, ``/prev``,
``/vote up|down``, or a number to pick a speaker when a name is ambiguous.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot import embeds
from bot.chart_terminal import chart_commands
from bot.core import Core, make_filters
from bot.errors import log_unexpected, user_message
from bot.terminal_live import LiveCommands
from bot.terminal_text import strip_controls
from index.errors import BadQueryError
from retrieval.conversation import ConversationState
from retrieval.dialogue import Dialogue
from retrieval.models import Answer, Filters

log = logging.getLogger(__name__)

OPTION_KEYS = ("question", "query", "speaker", "about", "from", "to", "source", "k", "id", "page",
               "topic", "every", "by", "of", "png")
_OPTION = re.compile(rf"(?:^|\s)({'|'.join(OPTION_KEYS)}):", re.I)
ANSI_BOLD = ("\x1b[1m", "\x1b[0m")

TERMINAL_HELP = """Commands (type a question to /ask it):
  /ask <question>
  /search <words> [from: 2022-03-01] [to: 2022-03-31] [source: CNN] [k: 5]
  /quotes <speaker> [about: <topic>] [from: ...] [to: ...]
  /article <id> [page: 2]
  /feeds [list] | /feeds add <url> [source: NAME] [every: 15m] | /feeds remove <n> | /feeds check
  /follow speaker: <name>  |  /follow topic: <words>    /following    /unfollow <n>
  /trend <topic> [from: ...] [to: ...] [by: day|week|month|year] [png: FILE]
  /timeline <speaker> [from: ...] [to: ...] [by: ...] [png: FILE]
  /compare <name or topic>, <another>[, ...] [of: topics|speakers] [by: ...] [png: FILE]
  /stats   /help   /quit
About the last reply: /sources  /context [n]  /next  /prev  /vote up|down  <number> (pick a speaker)
"""


def parse_command(line: str) -> tuple[str, str, dict[str, str]]:
    """``"/search lavrov from: 2022 k: 3"`` -> ``("search", "lavrov", {"from": "2022", "k": "3"})``.

    Text without a leading slash is an /ask. Option values run to the next option.
    """
    text = line.strip()
    if not text.startswith("/"):
        return "ask", text, {}
    name, _, rest = text[1:].partition(" ")
    parts = _OPTION.split(" " + rest)
    free = parts[0].strip()
    options: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        options[key.lower()] = value.strip().strip('"')
    return name.lower(), free, options


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
        self.choice_about: str | None = None
        self.choice_filters: Filters | None = None
        # Typed questions are one conversation: "what else did he say?" follows the last.
        self.dialogue = Dialogue(core)
        self.conversation = ConversationState()
        self.commands: dict[str, Callable[[str, dict[str, str]], Awaitable[None]]] = {
            "ask": self.ask,
            "search": self.search,
            "quotes": self.quotes,
            "article": self.article,
            "stats": self.stats,
            "help": self.help,
            "sources": self.sources,
            "context": self.context,
            "next": self.next_page,
            "prev": self.prev_page,
            "vote": self.vote,
        }
        self.live = LiveCommands(self)
        self.commands.update(self.live.commands())
        self.commands.update(chart_commands(core, write))  # /trend, /timeline, /compare

    def show(self, embed: discord.Embed) -> None:
        self.write(embeds.embed_to_text(embed, bold=self.bold))

    async def handle(self, line: str) -> bool:
        """Run one line; False when the session should end."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in ("/quit", "/exit", "quit", "exit"):
            return False
        if text.isdigit() and self.choices:
            await self._choose(int(text))
            return True
        name, free, options = parse_command(text)
        handler = self.commands.get(name)
        try:
            if handler is None:
                raise BadQueryError(f"Unknown command /{name}.", hint="Type /help for the list.")
            await handler(free, options)
        except Exception as error:
            message, unexpected = user_message(error)
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

    # -- commands --------------------------------------------------------------

    async def ask(self, free: str, options: dict[str, str]) -> None:
        turn = await self.dialogue.turn(self.conversation, options.get("question") or free)
        self.conversation = turn.state
        if turn.reply_lead:
            self.write(turn.reply_lead + "\n")
        if turn.answer is None:
            return
        answer = turn.answer
        self.last_answer = answer
        self.paged = None
        self.show(embeds.answer_embed(answer))
        if answer.kind == "ambiguous" and answer.candidates:
            self._offer(answer.candidates, None, answer.filters)
        if answer.citations:
            self.write(
                "(/sources for all sources, /context <n> for the paragraph around [n], /vote up|down)\n"
            )

    async def search(self, free: str, options: dict[str, str]) -> None:
        query = options.get("query") or free
        try:
            k = int(options.get("k", "5"))
        except ValueError:
            raise BadQueryError("k must be a number from 1 to 10.") from None
        filters = make_filters(options.get("from"), options.get("to"), options.get("source"))
        hits = await self.core.search(query, k=k, filters=filters)
        self._page(lambda p: embeds.search_embed(query, hits, p), embeds.search_pages(hits))

    async def quotes(self, free: str, options: dict[str, str]) -> None:
        speaker = options.get("speaker") or free
        about = options.get("about") or None
        filters = make_filters(options.get("from"), options.get("to"))
        await self._quotes(speaker, about, filters)

    async def _quotes(self, speaker: str, about: str | None, filters: Filters | None) -> None:
        lookup = await self.core.quotes(speaker, about, filters)
        if lookup.ambiguous:
            self.show(embeds.quotes_embed(lookup, about))
            self._offer(lookup.candidates, about, filters)
            return
        per = embeds.QUOTES_PER_EMBED
        self._page(
            lambda p: embeds.quotes_embed(lookup, about, offset=p * per),
            max(1, -(-len(lookup.quotes) // per)),
        )

    async def article(self, free: str, options: dict[str, str]) -> None:
        article_id, _, page_text = (options.get("id") or free).partition(" ")
        page_text = options.get("page") or page_text
        article = await self.core.article(article_id)
        page = int(page_text) - 1 if page_text.strip().isdigit() else 0
        self._page(
            lambda p: embeds.article_embed(article, p), len(embeds.article_pages(article)), page
        )

    async def stats(self, free: str, options: dict[str, str]) -> None:
        self.show(embeds.stats_embed(await self.core.stats()))

    async def help(self, free: str, options: dict[str, str]) -> None:
        self.show(embeds.help_embed())
        self.write(TERMINAL_HELP)

    async def sources(self, free: str, options: dict[str, str]) -> None:
        if self.last_answer is None:
            raise BadQueryError("Ask a question first.")
        self.show(embeds.sources_embed(self.last_answer))

    async def context(self, free: str, options: dict[str, str]) -> None:
        answer = self.last_answer
        if answer is None or not answer.citations:
            raise BadQueryError("Ask a question first.")
        wanted = int(free) if free.strip().isdigit() else answer.citations[0].marker
        citation = next((c for c in answer.citations if c.marker == wanted), None)
        if citation is None:
            raise BadQueryError(f"There is no source [{wanted}].")
        excerpt = await self.core.context(citation.article_id, citation.start, citation.end)
        self.show(embeds.context_embed(citation, excerpt))

    async def vote(self, free: str, options: dict[str, str]) -> None:
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

    async def next_page(self, free: str, options: dict[str, str]) -> None:
        await self._turn(+1)

    async def prev_page(self, free: str, options: dict[str, str]) -> None:
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
        self, candidates: tuple[str, ...], about: str | None, filters: Filters | None
    ) -> None:
        self.choices = tuple(candidates[:25])
        self.choice_about = about
        self.choice_filters = filters
        lines = [f"  {i}. {strip_controls(name)}" for i, name in enumerate(self.choices, start=1)]
        self.write("Type a number to choose:\n" + "\n".join(lines) + "\n")

    async def _choose(self, number: int) -> None:
        if not 1 <= number <= len(self.choices):
            self.write(f"error: choose a number from 1 to {len(self.choices)}\n")
            return
        speaker = self.choices[number - 1]
        self.choices = ()
        try:
            await self._quotes(speaker, self.choice_about, self.choice_filters)
        except Exception as error:
            message, unexpected = user_message(error)
            if unexpected:
                message = f"{message} (ref {log_unexpected(error, 'terminal')})"
            self.write(f"error: {strip_controls(message)}\n")


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
