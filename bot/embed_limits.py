"""Discord's size limits for messages and embeds, and the one way text is cut to fit.

Cuts fall at a sentence end with "...", never inside a ``[n]`` citation marker, never
between a markdown escape and its character, and never leave a ``**`` bold open.
"""

from __future__ import annotations

import re

import discord

from bot.markdown import safe_cut, unescaped_bold_markers
from index.sentences import sentence_spans

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
TOTAL_LIMIT = 6000
ELLIPSIS = "..."

# Sentence ends come from index/sentences.py (the offsets-exact splitter); the [n]
# citation markers right after a sentence stay with it.
_MARKERS = re.compile(r"(?:\s*\[\d+\])*")
_SENTENCE_CLOSE = frozenset(".!?…\"'”’»)]")


def truncate(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """``text`` if it fits, else its longest prefix of whole sentences + " ...".

    Falls back to a word boundary (then a hard cut) when no sentence fits.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis) + 4:
        return text[: safe_cut(text, max(0, limit))]
    budget = limit - len(ellipsis) - 3  # room for " " + a closing "**"
    cut = 0
    for _, end in sentence_spans(text, 0, budget):
        if text[end - 1] in _SENTENCE_CLOSE:
            with_markers = _MARKERS.match(text, end, budget)
            cut = with_markers.end() if with_markers else end
    para = text.rfind("\n", 0, budget)  # paragraph breaks are clean places to stop too
    if para > cut:
        cut = para
    if cut < budget // 3:  # no sentence end in reach: a word boundary instead
        space = max(text.rfind(" ", 0, budget), text.rfind("\n", 0, budget))
        cut = space if space > 0 else budget
        tail = text[max(0, cut - 8) : cut]  # never end inside a marker like "[1" or "\[12"
        open_at = tail.rfind("[")
        if open_at != -1 and "]" not in tail[open_at:]:
            cut = max(0, cut - 8) + open_at
    head = text[: safe_cut(text, cut)].rstrip()
    head = head[: safe_cut(head, len(head))]
    if unescaped_bold_markers(head) % 2:
        head += "**"
    return f"{head} {ellipsis}" if head else ellipsis


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Enforce every per-part limit and the 6,000 total, in place (returns ``embed``).

    Over the total, trailing fields are dropped first (with a footer note), then
    the description is shortened.
    """
    if embed.title:
        embed.title = truncate(embed.title, TITLE_LIMIT)
    if embed.description:
        embed.description = truncate(embed.description, DESCRIPTION_LIMIT)
    fields = embed.fields[:FIELD_COUNT_LIMIT]
    embed.clear_fields()
    for f in fields:
        embed.add_field(
            name=truncate(f.name or "\u200b", FIELD_NAME_LIMIT),
            value=truncate(f.value or "\u200b", FIELD_VALUE_LIMIT),
            inline=bool(f.inline),
        )
    footer = embed.footer.text if embed.footer else None
    if footer:
        embed.set_footer(text=truncate(footer, FOOTER_LIMIT))
    dropped = 0
    while len(embed) > TOTAL_LIMIT and len(embed.fields) > 1:
        embed.remove_field(len(embed.fields) - 1)
        dropped += 1
    if dropped:
        note = f"{dropped} more not shown."
        embed.set_footer(text=truncate(" · ".join(p for p in (footer, note) if p), 300))
    if len(embed) > TOTAL_LIMIT and embed.description:
        excess = len(embed) - TOTAL_LIMIT
        embed.description = truncate(embed.description, max(10, len(embed.description) - excess))
    return embed


def fit_content(text: str) -> str:
    return truncate(text, CONTENT_LIMIT)
