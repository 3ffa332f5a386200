"""The command registry: every command the bot offers, read by every front end.

Slash commands (``bot/cogs/slash.py``), the terminal session (``bot/terminal.py``) and
``/help`` all list :func:`registry`. Adding a command is one module exposing
``COMMAND`` (a :class:`~bot.commands.spec.Command`) plus one line in ``COMMAND_MODULES``
(see docs/ARCHITECTURE.md, "Adding a command").
"""

from __future__ import annotations

import functools
import importlib

from bot.commands.spec import Command

# One line per command, in /help order.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.commands.ask",
    "bot.commands.search",
    "bot.commands.quotes",
    "bot.commands.article",
    "bot.commands.stats",
    "bot.commands.ingest",
    "bot.commands.help",
)


@functools.cache
def registry() -> tuple[Command, ...]:
    commands = tuple(importlib.import_module(name).COMMAND for name in COMMAND_MODULES)
    names = [c.name for c in commands]
    if len(set(names)) != len(names):
        raise ValueError(f"two commands share a name: {sorted(names)}")
    return commands


def find(name: str) -> Command | None:
    return next((c for c in registry() if c.name == name.lower()), None)
