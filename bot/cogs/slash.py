"""Slash commands, built from the command registry (bot/commands/): one
``app_commands.Command`` per spec, with the spec's options, limits and permissions.

Each callback checks the user's cooldown, defers at once (Discord's 3 s deadline),
runs the handler and sends its reply model through :func:`bot.views.send_reply`.
"""

from __future__ import annotations

import inspect
import keyword
from typing import Any

import discord
from discord import app_commands

from bot.app import Newsdesk
from bot.commands import registry
from bot.commands.spec import Command, Option, Upload
from bot.errors import NONE
from bot.views import context_of, reply_parts, send_reply


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


def build(spec: Command) -> app_commands.Command[Any, Any, None]:
    """The slash command for ``spec``."""
    names = {param_name(o): o for o in spec.options}

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        ctx = context_of(interaction)
        if spec.cooldown:
            ctx.core.check_cooldown(interaction.user.id)
        args = {o.name: _value(o, values.get(p)) for p, o in names.items()}
        if not spec.defer:
            reply = await spec.run(ctx, args)
            embed, view, files = await reply_parts(ctx, reply)
            kwargs: dict[str, Any] = {"view": view} if view is not None else {}
            await interaction.response.send_message(
                embed=embed, files=files, ephemeral=spec.ephemeral, allowed_mentions=NONE,
                **kwargs,
            )
            return
        await interaction.response.defer(thinking=True, ephemeral=spec.ephemeral)
        await send_reply(interaction, ctx, await spec.run(ctx, args), ephemeral=spec.ephemeral)

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
    if spec.admin:
        app_commands.guild_only()(callback)
        app_commands.default_permissions(manage_guild=True)(callback)
        app_commands.checks.has_permissions(manage_guild=True)(callback)
    return app_commands.Command(name=spec.name, description=spec.description, callback=callback)


def _autocomplete(option: Option) -> Any:
    suggest = option.autocomplete
    assert suggest is not None

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = await suggest(context_of(interaction), current)
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]

    return complete


async def setup(bot: Newsdesk) -> None:
    for spec in registry():
        if spec.slash:
            bot.tree.add_command(build(spec))

