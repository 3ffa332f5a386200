"""The one error handler: every failure becomes a short message, the bot stays up.

Known errors (:class:`~index.errors.NewsdeskError`, :class:`~bot.limits.RetryLater`,
failed permission checks, bad option values) become a short ephemeral message saying
what to do. Anything else is logged with its traceback and answered with a generic
apology. The bot token is scrubbed from every log record (:class:`RedactTokenFilter`).
"""

from __future__ import annotations

import logging
import uuid

import discord
from discord import app_commands

from bot.embeds import fit_content
from index.errors import (
    IndexDamagedError,
    IndexNotFoundError,
    ModelLoadError,
    ModelMismatchError,
    NewsdeskError,
    SchemaVersionError,
)

log = logging.getLogger(__name__)

# The index itself is broken or missing: the message names server paths and operator
# commands, so Discord users get a plain sentence and the log gets the details.
OPERATOR_ERRORS = (IndexDamagedError, IndexNotFoundError, ModelLoadError, ModelMismatchError,
                   SchemaVersionError)
UNAVAILABLE = "The archive can't be read right now; the operator has been told (see the bot's log)."

APOLOGY = (
    "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
)
NONE = discord.AllowedMentions.none()


def _unwrap(error: BaseException) -> BaseException:
    """The exception behind discord.py's wrappers (a command's own error, a transformer's)."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(
        error.__cause__, NewsdeskError
    ):
        return error.__cause__
    return error


def user_message(error: BaseException, *, operator: bool = False) -> tuple[str, bool]:
    """(message for the user, whether it is unexpected and must be logged with traceback).
    ``operator``: the reader runs this machine (the terminal session): paths are fine."""
    error = _unwrap(error)
    if isinstance(error, OPERATOR_ERRORS) and not operator:
        log.error("%s", error.user_message())
        return UNAVAILABLE, False
    if isinstance(error, NewsdeskError):
        return error.user_message(), False
    if isinstance(error, app_commands.MissingPermissions):
        perms = ", ".join(
            p.replace("_", " ").replace("guild", "server").title()
            for p in error.missing_permissions
        )
        return f"Only members with {perms} can use this command.", False
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server.", False
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s.", False
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here.", False
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't read {error.value!r} as a {error.type.name.replace('_', ' ')}.", False
    if isinstance(error, app_commands.CommandNotFound):
        return "I don't know that command any more; the list is being refreshed.", False
    return APOLOGY, True


def log_unexpected(error: BaseException, where: str) -> str:
    """Log with traceback; return a short reference the user can quote."""
    ref = uuid.uuid4().hex[:8]
    err = _unwrap(error)
    log.error(
        "Unexpected error in %s (ref %s)", where, ref, exc_info=(type(err), err, err.__traceback__)
    )
    return ref


async def reply_error(
    interaction: discord.Interaction, error: BaseException, where: str | None = None
) -> None:
    """Tell the user what went wrong, ephemerally, whatever state the interaction is in."""
    message, unexpected = user_message(error)
    if unexpected:
        ref = log_unexpected(error, where or _where(interaction))
        message = f"{message} (ref {ref})"
    else:
        log.info("%s: %s", where or _where(interaction), message.splitlines()[0])
    message = fit_content(message)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NONE)
        else:
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NONE)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for %s", where or _where(interaction))


def _where(interaction: discord.Interaction) -> str:
    command = interaction.command
    return f"/{command.qualified_name}" if command else f"interaction {interaction.type.name}"


async def on_tree_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """``CommandTree.on_error``: the single place app command errors end up."""
    await reply_error(interaction, error)


class RedactTokenFilter(logging.Filter):
    """Replace the bot token with ``[token]`` in every record that passes a handler."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is not ours to fix
            return True
        if self.token in message:
            record.msg = message.replace(self.token, "[token]")
            record.args = None
        if (
            record.exc_info
            and record.exc_info[1] is not None
            and self.token in str(record.exc_info[1])
        ):
            record.exc_text = (
                logging.Formatter().formatException(record.exc_info).replace(self.token, "[token]")
            )
            record.exc_info = None
            record.msg = f"{record.msg}\n{record.exc_text}"
            record.exc_text = None
        return True


def install_token_filter(token: str | None) -> RedactTokenFilter | None:
    """Attach the filter to the root logger's handlers (and the root logger itself)."""
    if not token:
        return None
    flt = RedactTokenFilter(token)
    root = logging.getLogger()
    root.addFilter(flt)
    for handler in root.handlers:
        handler.addFilter(flt)
    return flt
