"""The command registry: every command the bot offers, read by every front end.

Slash commands (``bot/cogs/slash.py``), the terminal session (``bot/terminal.py``) and
``/help`` all list :func:`registry`. Adding a command is one module exposing
``COMMAND`` (a :class:`~bot.commands.spec.Command`; or ``COMMANDS``, a tuple, for a
family such as /follow, /following, /unfollow) plus one line in ``COMMAND_MODULES``
(see docs/ARCHITECTURE.md, "Adding a command").
"""

from __future__ import annotations

import functools
import importlib

from bot.commands.spec import Command

# One line per module, in /help order.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.commands.ask",
    "bot.commands.search",
    "bot.commands.quotes",
    "bot.commands.article",
    "bot.commands.charts",
    "bot.commands.follows",
    "bot.commands.stats",
    "bot.commands.feeds",
    "bot.commands.ingest",
    "bot.commands.help",
)

# Subcommand groups (``Command.group``) and their descriptions on Discord.
GROUPS: dict[str, str] = {"feeds": "This server's news feeds"}


@functools.cache
def registry() -> tuple[Command, ...]:
    commands: list[Command] = []
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        commands.extend(getattr(module, "COMMANDS", None) or (module.COMMAND,))
    paths = [c.path for c in commands]
    if len(set(paths)) != len(paths):
        raise ValueError(f"two commands share a name: {sorted(paths)}")
    clash = {c.group for c in commands if c.group} & {c.name for c in commands if not c.group}
    if clash or any(c.group and c.group not in GROUPS for c in commands):
        raise ValueError(f"a group needs an entry in GROUPS and no command of its name: {clash}")
    return tuple(commands)


def find(name: str, subcommand: str = "") -> Command | None:
    """The command typed as ``/name`` or, for a group, ``/name subcommand``."""
    name, subcommand = name.lower(), subcommand.lower()
    return next((c for c in registry() if (c.group, c.name) in ((name, subcommand), ("", name))),
                None)


def group_commands(group: str) -> tuple[Command, ...]:
    return tuple(c for c in registry() if c.group == group.lower())
