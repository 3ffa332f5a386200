"""Logging setup, private by default.

Every handler of the root logger gets :class:`PrivacyFilter`: at any level, including
DEBUG (where discord.py dumps whole gateway events and request URLs), records never
hold what people wrote in messages (``content``, and the author of a message), nor
interaction tokens (in payloads, and in the ``/interactions/<id>/<token>`` and
``/webhooks/<id>/<token>`` URLs that answer an interaction). The bot token is
removed by :class:`bot.errors.RedactTokenFilter`. No discord import here.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
TOKEN = "[token]"

# Keys whose values are people's words or identities in a message object, or secrets.
_MESSAGE_KEYS = frozenset(
    {"content", "author", "member", "mentions", "embeds", "attachments", "referenced_message",
     "message_snapshots", "poll", "sticker_items", "components"}
)
_SECRET_KEYS = frozenset({"token", "access_token"})
_URL_TOKEN = re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9_.\-]{20,}")
_INLINE_TOKEN = re.compile(r"""(["']token["']\s*:\s*)(["'])[^"']+\2""")
_INLINE_CONTENT = re.compile(r"""(["']content["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2""")


def scrub(value: Any) -> Any:
    """A copy of a payload with message contents and secrets replaced."""
    if isinstance(value, dict):
        is_message = "content" in value or "author" in value
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if key in _SECRET_KEYS and item:
                out[key] = TOKEN
            elif is_message and key in _MESSAGE_KEYS and item:
                out[key] = REDACTED
            else:
                out[key] = scrub(item)
        return out
    if isinstance(value, list | tuple):
        return type(value)(scrub(v) for v in value)
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_text(text: str) -> str:
    """Interaction tokens and message contents removed from already formatted text."""
    text = _URL_TOKEN.sub(rf"\1{TOKEN}", text)
    text = _INLINE_TOKEN.sub(rf"\1\2{TOKEN}\2", text)
    return _INLINE_CONTENT.sub(rf"\1\2{REDACTED}\2", text)


class PrivacyFilter(logging.Filter):
    """Rewrites each record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            if isinstance(record.args, dict):
                record.args = scrub(record.args)
            elif record.args:
                record.args = tuple(scrub(a) for a in record.args)
            if isinstance(record.msg, str):
                record.msg = scrub_text(record.msg)
        except Exception:  # a log line is never worth a crash
            record.msg, record.args = "(log record withheld: could not be scrubbed)", None
        return True


def install_privacy_filter(logger: logging.Logger | None = None) -> PrivacyFilter:
    """Attach one :class:`PrivacyFilter` to every handler of ``logger`` (default: root)."""
    root = logger or logging.getLogger()
    flt = next(
        (f for h in root.handlers for f in h.filters if isinstance(f, PrivacyFilter)),
        PrivacyFilter(),
    )
    for handler in root.handlers:
        if flt not in handler.filters:
            handler.addFilter(flt)
    return flt


def configure_logging(verbose: bool) -> None:
    """The CLI's logging: INFO (DEBUG with -v) to stderr, through the privacy filter."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    install_privacy_filter()
