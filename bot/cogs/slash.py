"""Slash commands, built from the command registry (bot/commands/): one
``app_commands.Command`` per spec (a subcommand of an ``app_commands.Group`` for specs
with a ``group``), with the spec's options, limits and permissions.

Each callback checks the user's cooldown, defers at once (Discord's 3 s deadline),
runs the handler and sends its reply model: embeds through :func:`bot.views.send_reply`,
plain text as message content. A reply that comes after the interaction token has
expired (a long /ingest) is posted in the channel instead.
"""

from __future__ import annotations

import dataclasses
import inspect
import keyword
import logging
import time
from typing import Any

import discord
from discord import app_commands

from bot.app import Newsdesk
from bot.commands import GROUPS, registry
from bot.commands.spec import Command, CommandContext, Option, Reply, Text, Upload
from bot.errors import NONE
from bot.views import context_of, reply_parts, send_reply

log = logging.getLogger(__name__)


def param_name(option: Option) -> str:
    """A Python parameter name for an option (``from`` is a keyword: ``from_``)."""
    name = option.name.replace("-", "_")
    return name + "_" if keyword.iskeyword(name) or not name.isidentifier() else name


def _annotation(option: Option) -> Any:
    lo, hi = option.min, option.max
    if option.type == "file":
        return discord.Attachment
    if option.type == "boolean":
        return bool
    if option.type == "integer":
        return app_commands.Range[int, lo, hi] if (lo, hi) != (None, None) else int
    if option.type == "number":
        return app_commands.Range[float, lo, hi] if (lo, hi) != (None, None) else float
    if (lo, hi) != (None, None):
        return app_commands.Range[str, lo, hi]
    return str


def _value(option: Option, value: Any) -> Any:
    if value is None:
        return option.default
    if isinstance(value, discord.Attachment):
        return Upload(value.filename, value.size, value.read)
    return value


def _context(interaction: discord.Interaction, started: float) -> CommandContext:
    """The interaction's context, with Discord's ways to ingest (bot/cogs/admin.py)."""
    ctx = dataclasses.replace(context_of(interaction), permissions=interaction.permissions)
    admin = interaction.client.get_cog("Admin")  # type: ignore[attr-defined]
    if admin is not None:
        ctx = dataclasses.replace(ctx, ingest=admin.ingest_for(interaction, started))
    return ctx


async def _send(interaction: discord.Interaction, ctx: CommandContext, spec: Command,
                reply: Reply, started: float) -> None:
    admin = interaction.client.get_cog("Admin")  # type: ignore[attr-defined]
    if admin is not None and admin.expired(started):
        await _post_late(interaction, ctx, spec, reply)
    else:
        await send_reply(interaction, ctx, reply, ephemeral=spec.ephemeral)


async def _post_late(interaction: discord.Interaction, ctx: CommandContext, spec: Command,
                     reply: Reply) -> None:
    """The interaction token has expired: tell the channel instead."""
    channel = interaction.channel
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("%s finished after the reply window, no channel to tell", spec.path)
        return
    note = f"{spec.path} by {interaction.user.display_name}: took over 14 minutes"
    if isinstance(reply, Text):
        await channel.send(f"{reply.content}\n-# {note}"[:2000], allowed_mentions=NONE)
        return
    embed, _, files = await reply_parts(ctx, reply)
    embed.set_footer(text=note)
    await channel.send(embed=embed, files=files, allowed_mentions=NONE)


def _in_a_server(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return True


def build(spec: Command) -> app_commands.Command[Any, Any, None]:
    """The slash command for ``spec``."""
    names = {param_name(o): o for o in spec.options if o.slash}

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        started = time.monotonic()
        ctx = _context(interaction, started)
        if spec.cooldown:
            ctx.core.check_cooldown(interaction.user.id)
        given = {o.name: _value(o, values.get(p)) for p, o in names.items()}
        args = {o.name: given.get(o.name, o.default) for o in spec.options}
        if not spec.defer:
            reply = await spec.run(ctx, args)
            if isinstance(reply, Text):
                await interaction.response.send_message(
                    reply.content, ephemeral=spec.ephemeral, allowed_mentions=NONE)
                return
            embed, view, files = await reply_parts(ctx, reply)
            kwargs: dict[str, Any] = {"view": view} if view is not None else {}
            await interaction.response.send_message(
                embed=embed, files=files, ephemeral=spec.ephemeral, allowed_mentions=NONE,
                **kwargs,
            )
            return
        await interaction.response.defer(thinking=True, ephemeral=spec.ephemeral)
        await _send(interaction, ctx, spec, await spec.run(ctx, args), started)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    for pname, option in names.items():
        parameters.append(inspect.Parameter(
            pname, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(option),
            default=inspect.Parameter.empty if option.required else None,
        ))
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__qualname__ = callback.__name__ = spec.name
    app_commands.describe(**{p: o.description for p, o in names.items()})(callback)
    renames = {p: o.name for p, o in names.items() if p != o.name}
    if renames:
        app_commands.rename(**renames)(callback)
    for pname, option in names.items():
        if option.choices:
            app_commands.choices(**{pname: [app_commands.Choice(name=c, value=c)
                                            for c in option.choices]})(callback)
        if option.autocomplete is not None:
            app_commands.autocomplete(**{pname: _autocomplete(option)})(callback)
    if spec.admin or spec.guild_only:
        if not spec.group:  # Discord hides it in DMs; a group carries this for its subcommands
            app_commands.guild_only()(callback)
        app_commands.check(_in_a_server)(callback)  # and refused here should one come anyway
    if spec.admin:
        if not spec.group:  # Discord reads default permissions of top-level commands only
            app_commands.default_permissions(manage_guild=True)(callback)
        # Checked here too: a server's admins can change the default permissions.
        app_commands.checks.has_permissions(manage_guild=True)(callback)
    return app_commands.Command(name=spec.name, description=spec.description, callback=callback)


def build_group(name: str, specs: list[Command]) -> app_commands.Group:
    """``/name sub ...`` for the specs of one group; server only and Manage Server by
    default when every subcommand is an admin command."""
    admin = all(s.admin for s in specs)
    group = app_commands.Group(
        name=name, description=GROUPS[name],
        guild_only=admin or any(s.guild_only for s in specs),
        default_permissions=discord.Permissions(manage_guild=True) if admin else None,
    )
    for spec in specs:
        group.add_command(build(spec))
    return group


def _autocomplete(option: Option) -> Any:
    suggest = option.autocomplete
    assert suggest is not None

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await suggest(context_of(interaction), current)
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]

    return complete


def slash_commands() -> list[app_commands.Command[Any, Any, None] | app_commands.Group]:
    """Every registry command Discord offers, in registry order (groups where their first
    subcommand stands)."""
    built: list[app_commands.Command[Any, Any, None] | app_commands.Group] = []
    groups: dict[str, list[Command]] = {}
    for spec in registry():
        if not spec.slash:
            continue
        if not spec.group:
            built.append(build(spec))
        elif spec.group not in groups:
            groups[spec.group] = [spec]
            built.append(app_commands.Group(name=spec.group, description=GROUPS[spec.group]))
        else:
            groups[spec.group].append(spec)
    return [build_group(c.name, groups[c.name]) if isinstance(c, app_commands.Group) else c
            for c in built]


async def setup(bot: Newsdesk) -> None:
    for command in slash_commands():
        bot.tree.add_command(command)
