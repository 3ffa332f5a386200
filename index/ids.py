"""Article ids: one rule for every way an id enters (JSONL, file names, uploads, lookups).

An accepted id is NFC-normalised, at most ``MAX_ID_CHARS`` characters, printable, and
has no whitespace, control, zero-width or bidirectional-format characters (so two ids
that look the same are the same id) and nothing that reads as a path (``/``, ``\\``,
``..``, a leading ``.`` or ``~``), so every accepted id can be typed into ``/article``.
"""

from __future__ import annotations

import re
import unicodedata

MAX_ID_CHARS = 200
_SPACES = re.compile(r"\s+")


def normalise_id(raw: str) -> str:
    """The id as stored and looked up: NFC, surrounding whitespace removed."""
    return unicodedata.normalize("NFC", raw).strip()


def id_problem(article_id: str) -> str | None:
    """Why ``article_id`` (already normalised) is refused, or None when it is fine."""
    if not article_id:
        return "the id is empty"
    if len(article_id) > MAX_ID_CHARS:
        return f"the id is {len(article_id)} characters long; the limit is {MAX_ID_CHARS}"
    for ch in article_id:
        category = unicodedata.category(ch)
        if ch.isspace() or category[0] == "Z":
            return f"the id contains whitespace ({_name(ch)})"
        if category[0] == "C":  # control, format (zero-width, bidi), unassigned, private
            return f"the id contains an invisible or control character ({_name(ch)})"
    if "/" in article_id or "\\" in article_id:
        return "the id contains a path separator (/ or \\)"
    if ".." in article_id or article_id.startswith((".", "~")):
        return "the id looks like a path (.., or a leading . or ~)"
    return None


def checked_id(raw: str) -> str:
    """``raw`` normalised, or ValueError saying why it cannot be an article id."""
    article_id = normalise_id(raw)
    problem = id_problem(article_id)
    if problem is not None:
        raise ValueError(f"{problem}: {ascii(article_id)[:80]}")
    return article_id


def id_from_file_name(stem: str) -> str:
    """A .txt file's id: its name without extension, whitespace runs made ``_``."""
    return _SPACES.sub("_", normalise_id(stem))


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '').lower()}".strip()
