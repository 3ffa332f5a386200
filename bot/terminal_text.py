"""Text for a terminal: control characters and escape sequences removed, embeds as text.

Everything the CLI and the terminal session print that came from an article, an
upload or a user passes through :func:`strip_controls`, so a title cannot clear the
screen, retitle the window or fake coloured output. Our own styling is added after.
No discord import: the CLI's plain commands use this too.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any, TypeVar

from bot.markdown import unescape

if TYPE_CHECKING:
    import discord

# ESC/CSI sequences (7-bit and 8-bit forms), OSC/DCS/APC/PM/SOS strings up to their
# terminator (BEL or ST), then any other C0/C1 control except newline and tab.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI ... final byte
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC etc.
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences (charset, keypad, ...)
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def strip_controls(text: str | None) -> str:
    """``text`` without terminal escape sequences or C0/C1 controls (newline and tab kept)."""
    if not text:
        return ""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


T = TypeVar("T")


def clean_record(record: T) -> T:
    """A frozen dataclass (and the ones it holds) with every string passed through
    :func:`strip_controls`. Only for records whose offsets are not sliced afterwards."""
    return _clean_value(record)


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, tuple):
        return tuple(_clean_value(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _clean_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def dumps_json(data: Any, **kwargs: Any) -> str:
    """JSON for a terminal: like ``json.dumps(ensure_ascii=False)``, with DEL and the C1
    controls written as ``\\u`` escapes too (json leaves them raw; some terminals act on them)."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def embed_to_text(embed: discord.Embed, *, bold: tuple[str, str] = ("", "")) -> str:
    """Render an embed as plain text (the terminal session): markdown escapes removed,
    ``**bold**`` turned into ``bold[0]...bold[1]`` (e.g. ANSI codes, or nothing)."""

    def plain(text: str | None) -> str:
        if not text:
            return ""
        parts = _split_bold(text)
        rebuilt = strip_controls(unescape(parts[0]))
        for i, part in enumerate(parts[1:]):
            rebuilt += (bold[0] if i % 2 == 0 else bold[1]) + strip_controls(unescape(part))
        return rebuilt

    lines: list[str] = []
    if embed.title:
        title = plain(embed.title)
        lines += [title, "=" * min(len(title), 78)]
    if embed.description:
        lines += [plain(embed.description), ""]
    for f in embed.fields:
        lines.append(plain(f.name))
        lines += ["    " + line for line in plain(f.value).splitlines()]
        lines.append("")
    if embed.footer and embed.footer.text:
        lines.append(f"({strip_controls(embed.footer.text)})")
    return "\n".join(lines).rstrip() + "\n"


def _split_bold(text: str) -> list[str]:
    """``text`` split at its unescaped ``**`` markers."""
    parts: list[str] = []
    start = i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith("**", i):
            parts.append(text[start:i])
            i += 2
            start = i
        else:
            i += 1
    parts.append(text[start:])
    return parts
