"""``newsdesk serve``: the Discord bot when DISCORD_TOKEN is set, else a terminal session."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.cli.options import add_index_option
from index.errors import NewsdeskError

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the Discord bot (or a terminal session without DISCORD_TOKEN)",
        description=(
            "Run the Discord bot. Without DISCORD_TOKEN (environment or .env) it opens a "
            "terminal session that answers typed questions and /search, /quotes, /article, "
            "/stats, /help commands through the same handlers."
        ),
    )
    add_index_option(parser)
    parser.add_argument(
        "--terminal", action="store_true", help="terminal session even if DISCORD_TOKEN is set"
    )
    parser.set_defaults(func=serve)


def _settings_error(err: ValidationError) -> str:
    lines = []
    for problem in err.errors():
        where = ".".join(str(p) for p in problem.get("loc", ())) or "settings"
        lines.append(f"  {where}: {problem.get('msg')}")
    return (
        "invalid settings:\n"
        + "\n".join(lines)
        + "\nCheck your environment and .env (see .env.example)."
    )


def serve(args: argparse.Namespace) -> int:
    from bot.settings import Settings

    try:
        settings = Settings() if args.index is None else Settings(index_dir=args.index)
    except ValidationError as err:
        print(f"error: {_settings_error(err)}", file=sys.stderr)
        return 2
    token = settings.token()
    from bot.errors import install_token_filter

    logging.getLogger("faiss").setLevel(logging.WARNING)  # its loader chatter is not news

    install_token_filter(token)
    from bot import metrics

    try:
        metrics.serve(settings.metrics_port, settings.metrics_host)
    except OSError as err:
        print(f"error: cannot serve metrics on port {settings.metrics_port}: {err}",
              file=sys.stderr)
        return 1
    if token and not args.terminal:
        return _serve_discord(settings)
    if not args.terminal:
        print(
            "DISCORD_TOKEN is not set: starting a terminal session instead of the Discord bot "
            "(see .env.example and README.md, 'The Discord bot').",
            file=sys.stderr,
        )
    return _serve_terminal(settings)


def _serve_terminal(settings: Settings) -> int:
    from bot.core import Core
    from bot.terminal import run_terminal

    async def main() -> None:
        core = await Core.open(settings)
        try:
            await run_terminal(core)
        finally:
            core.close()

    print(f"Opening the index at {settings.index_dir} ...", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0


def _serve_discord(settings: Settings) -> int:
    import discord

    from bot.app import run_bot
    from bot.core import Core

    async def main() -> None:
        core = await Core.open(settings)
        try:
            await run_bot(settings, core)
        finally:
            core.close()

    print(f"Opening the index at {settings.index_dir} ...", file=sys.stderr)
    try:
        asyncio.run(main())
    except discord.LoginFailure:
        print(
            "error: Discord rejected DISCORD_TOKEN.\n"
            "Copy the bot token again from https://discord.com/developers/applications -> your app -> Bot "
            "-> Reset Token, and put it in .env (see README.md, 'The Discord bot').",
            file=sys.stderr,
        )
        return 1
    except discord.PrivilegedIntentsRequired:
        print(
            "error: Discord refused the Message Content intent.\n"
            "Enable it in the developer portal (your app -> Bot -> Privileged Gateway Intents), "
            "or set NEWSDESK_MESSAGE_CONTENT=false (the bot then still answers mentions and DMs, "
            "but not follow-ups in threads).",
            file=sys.stderr,
        )
        return 1
    except NewsdeskError:
        raise  # the CLI prints these with their hint
    except (OSError, discord.HTTPException, discord.GatewayNotFound) as err:
        print(
            f"error: could not reach Discord ({type(err).__name__}). Check the network, "
            "DISCORD_API_BASE_URL / DISCORD_GATEWAY_URL if you set them, and try again.",
            file=sys.stderr,
        )
        log.debug("connection failure", exc_info=True)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
