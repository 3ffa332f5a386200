"""Reply builders: engine results -> :class:`discord.Embed`, within Discord's limits.

Pure functions of their inputs (no network, no engine), unit-tested in
tests/bot/test_embeds.py. Every piece of untrusted text goes through bot/markdown.py
(the one escaping path); sizes through bot/embed_limits.py; the terminal's text
rendering is bot/terminal_text.py. Names of those modules used by the rest of the
bot are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.embed_limits import (
    AUTHOR_LIMIT,
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    fit_content,
    fit_embed,
    truncate,
)
from bot.markdown import bold_spans, code, escape, link, plain, safe_url
from bot.terminal_text import embed_to_text
from index.models import Article, IndexStats, IngestSummary
from index.sentences import sentence_spans
from retrieval.answer import AMBIGUOUS_PER_PERSON
from retrieval.models import Answer, Citation, Excerpt, Hit, QuoteHit, QuoteLookup, SpeakerQuotes

__all__ = [
    "AUTHOR_LIMIT", "CONTENT_LIMIT", "DESCRIPTION_LIMIT", "ELLIPSIS", "FIELD_COUNT_LIMIT",
    "FIELD_NAME_LIMIT", "FIELD_VALUE_LIMIT", "FOOTER_LIMIT", "TITLE_LIMIT", "TOTAL_LIMIT",
    "bold_spans", "embed_to_text", "escape", "fit_content", "fit_embed", "truncate",
]

ANSWER_COLOUR = discord.Colour.blurple()
QUOTES_COLOUR = discord.Colour.gold()
INFO_COLOUR = discord.Colour.teal()
WARN_COLOUR = discord.Colour.orange()

SEARCH_PAGE_SIZE = 3
ARTICLE_PAGE_CHARS = 3000
QUOTES_PER_EMBED = 10


def _join(parts: Sequence[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def _plain(text: str | None, limit: int) -> str:
    """Metadata (titles, sources) shown as is, escaped, cut at a word."""
    return truncate(plain(text), limit)


def _id(article_id: str) -> str:
    return f"id {code(article_id)}"


def embed_length(embed: discord.Embed) -> int:
    return len(embed)


# ---------------------------------------------------------------- answers


def citation_name(c: Citation) -> str:
    return truncate(
        f"[{c.marker}] "
        + _join([_plain(c.title or c.article_id, 180), c.date, _plain(c.source, 60)]),
        FIELD_NAME_LIMIT,
    )


def citation_value(c: Citation, budget: int = FIELD_VALUE_LIMIT) -> str:
    meta = _join([f"¶{c.paragraph}" if c.paragraph else None, _id(c.article_id), link(c.url)])
    room = max(40, budget - len(meta) - 1)
    excerpt = truncate(bold_spans(c.text, c.start, c.highlights), room)
    return truncate(f"{excerpt}\n{meta}", budget)


def answer_embed(answer: Answer) -> discord.Embed:
    """The cited answer: text with [n] markers, then one field per source."""
    if answer.kind == "ambiguous" and not answer.citations:
        return ambiguous_embed(answer.question, answer.candidates)
    colour = {"quotes": QUOTES_COLOUR, "ambiguous": WARN_COLOUR}.get(answer.kind, ANSWER_COLOUR)
    if answer.kind == "no_answer" or not answer.citations:
        text = answer.text.strip() or "I couldn't find that in the archive."
        embed = discord.Embed(
            title=truncate(escape(answer.question), TITLE_LIMIT), colour=WARN_COLOUR
        )
        embed.description = truncate(escape(text), 1500)
        embed.set_footer(
            text="Try /search with other words, or /stats to see what the archive holds."
        )
        return fit_embed(embed)

    embed = discord.Embed(title=truncate(escape(answer.question), TITLE_LIMIT), colour=colour)
    embed.description = truncate(escape(answer.text), 2500)
    cites = answer.citations[:FIELD_COUNT_LIMIT]
    names = [citation_name(c) for c in cites]
    footer = "Verbatim excerpts; bold = the sentences that match."
    if answer.kind == "ambiguous":
        footer = "Several people share this name: pick one below for all of one person's quotes."
    used = len(embed.title or "") + len(embed.description) + sum(map(len, names)) + len(footer) + 50
    budget = min(FIELD_VALUE_LIMIT, max(80, (TOTAL_LIMIT - used) // max(1, len(cites))))
    for c, name in zip(cites, names, strict=True):
        embed.add_field(name=name, value=citation_value(c, budget), inline=False)
    if len(answer.citations) > len(cites):
        footer += f" {len(answer.citations) - len(cites)} more sources: press Sources."
    embed.set_footer(text=footer)
    return fit_embed(embed)


def ambiguous_embed(
    query: str,
    candidates: Sequence[str],
    about: str | None = None,
    groups: Sequence[SpeakerQuotes] = (),
) -> discord.Embed:
    """Several people share the name: list them and, under each name, the first
    of their quotes (never one person's words under another's name)."""
    names = "\n".join(f"• {escape(n)}" for n in candidates[:25])
    pick = "Pick one below for all of one person's quotes" + (
        f" (about: {escape(about)})." if about else "."
    )
    embed = discord.Embed(
        title=truncate(f"Which one did you mean? ({escape(query)})", TITLE_LIMIT),
        description=f"Several people in the archive match that name:\n{names}\n\n{pick}",
        colour=WARN_COLOUR,
    )
    shown = [
        (g.name, q) for g in groups for q in g.quotes[:AMBIGUOUS_PER_PERSON]
    ][:QUOTES_PER_EMBED]
    if shown:
        budget = min(FIELD_VALUE_LIMIT, (TOTAL_LIMIT - 1200) // len(shown) - 200)
        for n, (name, q) in enumerate(shown, start=1):
            label = truncate(f"{_plain(name, 80)}: " + quote_name(n, q), FIELD_NAME_LIMIT)
            embed.add_field(name=label, value=quote_value(q, budget), inline=False)
        embed.set_footer(text="Verbatim, each under the name of the person who said it.")
    return fit_embed(embed)


def sources_embed(answer: Answer) -> discord.Embed:
    """Every citation of an answer, one line each (no excerpts)."""
    lines = []
    for c in answer.citations:
        lines.append(
            f"**[{c.marker}]** "
            + _join(
                [
                    _plain(c.title or c.article_id, 150),
                    c.date,
                    _plain(c.source, 60),
                    f"¶{c.paragraph}" if c.paragraph else None,
                    _id(c.article_id),
                    link(c.url),
                ]
            )
        )
    embed = discord.Embed(
        title=truncate(f"Sources: {escape(answer.question)}", TITLE_LIMIT),
        description=truncate("\n".join(lines) or "No sources.", DESCRIPTION_LIMIT),
        colour=INFO_COLOUR,
    )
    return fit_embed(embed)


def context_embed(
    citation: Citation, excerpt: Excerpt, *, limit: int = DESCRIPTION_LIMIT - 200
) -> discord.Embed:
    """The paragraph(s) around a cited excerpt, the cited words in bold."""
    title = citation.title or citation.article_id
    embed = discord.Embed(
        title=truncate(f"[{citation.marker}] {plain(title)}", TITLE_LIMIT), colour=INFO_COLOUR
    )
    embed.description = truncate(
        bold_spans(excerpt.text, excerpt.start, [(citation.start, citation.end)]), limit
    )
    embed.set_footer(
        text=_join(
            [citation.date, citation.source, f"¶{excerpt.paragraph}", f"id {citation.article_id}"]
        )
    )
    return fit_embed(embed)


# ---------------------------------------------------------------- quotes


def quotes_embed(lookup: QuoteLookup, about: str | None = None, offset: int = 0) -> discord.Embed:
    if lookup.ambiguous:
        return ambiguous_embed(lookup.query, lookup.candidates, about, lookup.groups)
    speaker = lookup.speaker or lookup.query
    title = f"What {speaker} said" + (f" about {about}" if about else "")
    embed = discord.Embed(title=truncate(escape(title), TITLE_LIMIT), colour=QUOTES_COLOUR)
    if not lookup.quotes:
        embed.description = f"No quotes by {escape(speaker)} in the archive" + (
            f" about {escape(about)}." if about else "."
        )
        if lookup.other_topics:
            n = len(lookup.other_topics)
            embed.description += (f" {n} on other topics: leave out `about` to see "
                                  f"{'it' if n == 1 else 'them'}.")
        embed.colour = WARN_COLOUR
        return fit_embed(embed)
    shown = lookup.quotes[offset : offset + QUOTES_PER_EMBED]
    budget = min(FIELD_VALUE_LIMIT, (TOTAL_LIMIT - 600) // max(1, len(shown)) - 200)
    for n, q in enumerate(shown, start=offset + 1):
        embed.add_field(name=quote_name(n, q), value=quote_value(q, budget), inline=False)
    total = len(lookup.quotes)
    if lookup.others:
        embed.description = truncate(
            "Also quoted under this name: " + escape(", ".join(lookup.others))
            + " (ask with the full name).", DESCRIPTION_LIMIT)
    embed.set_footer(
        text=f"Quotes {offset + 1}-{offset + len(shown)} of {total}. Verbatim, with the article they come from."
    )
    return fit_embed(embed)


def quote_name(n: int, q: QuoteHit) -> str:
    return truncate(
        f"[{n}] " + _join([_plain(q.title or q.article_id, 170), q.date, _plain(q.source, 60)]),
        FIELD_NAME_LIMIT,
    )


def quote_value(q: QuoteHit, budget: int = FIELD_VALUE_LIMIT) -> str:
    meta = _join(
        [
            f"{plain(q.speaker)} {plain(q.cue)}".strip(),
            f"¶{q.paragraph}" if q.paragraph else None,
            _id(q.article_id),
            f"also in {len(q.also_in)} other article{'s' if len(q.also_in) != 1 else ''}"
            if q.also_in else None,
            link(q.url),
        ]
    )
    words = truncate(escape(q.text), max(40, budget - len(meta) - 4))
    body = f"“{words}”" if q.direct else words
    return truncate(f"{body}\n{meta}", budget)


# ---------------------------------------------------------------- search


def search_pages(hits: Sequence[Hit], page_size: int = SEARCH_PAGE_SIZE) -> int:
    return max(1, -(-len(hits) // page_size))


def search_embed(
    query: str, hits: Sequence[Hit], page: int = 0, page_size: int = SEARCH_PAGE_SIZE
) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(f"Search: {escape(query)}", TITLE_LIMIT), colour=ANSWER_COLOUR
    )
    if not hits:
        embed.description = "Nothing in the archive matches. Try other words or wider dates."
        embed.colour = WARN_COLOUR
        return fit_embed(embed)
    pages = search_pages(hits, page_size)
    page = max(0, min(page, pages - 1))
    chunk = hits[page * page_size : (page + 1) * page_size]
    budget = min(FIELD_VALUE_LIMIT, (TOTAL_LIMIT - 500) // max(1, len(chunk)) - 260)
    for rank, hit in enumerate(chunk, start=page * page_size + 1):
        name = truncate(
            f"{rank}. "
            + _join([_plain(hit.title or hit.article_id, 170), hit.date, _plain(hit.source, 60)]),
            FIELD_NAME_LIMIT,
        )
        embed.add_field(name=name, value=hit_value(hit, budget), inline=False)
    embed.set_footer(
        text=f"Page {page + 1}/{pages} · {len(hits)} result{'s' if len(hits) != 1 else ''}"
    )
    return fit_embed(embed)


def hit_value(hit: Hit, budget: int = FIELD_VALUE_LIMIT) -> str:
    meta = _join(
        [
            _id(hit.article_id),
            link(hit.url),
            f"also in {len(hit.also_in)} other article{'s' if len(hit.also_in) != 1 else ''}"
            if hit.also_in
            else None,
        ]
    )
    room = max(60, budget - len(meta) - 2)
    parts: list[str] = []
    per = max(60, room // max(1, len(hit.excerpts[:2])) - 8)
    for ex in hit.excerpts[:2]:
        parts.append(
            f"¶{ex.paragraph}: " + truncate(bold_spans(ex.text, ex.start, ex.highlights), per)
        )
    body = truncate("\n".join(parts) or "(no excerpt)", room)
    return truncate(f"{body}\n{meta}", budget)


# ---------------------------------------------------------------- articles


def article_pages(article: Article, page_chars: int = ARTICLE_PAGE_CHARS) -> list[tuple[int, int]]:
    """(start, end) offsets of the article's pages, cut at paragraph (else sentence, word) ends."""
    text = article.text
    spans: list[tuple[int, int]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + page_chars)
        if end < len(text):
            low = pos + page_chars // 3
            cut = text.rfind("\n", low, end)
            if cut == -1:
                ends = [e for _, e in sentence_spans(text, low, end) if e < end]
                cut = ends[-1] if ends else text.rfind(" ", pos + 1, end)
            if cut > pos:
                end = cut
        spans.append((pos, end))
        pos = end
        while pos < len(text) and text[pos] in "\n ":
            pos += 1
    return spans or [(0, 0)]


def article_embed(article: Article, page: int = 0) -> discord.Embed:
    pages = article_pages(article)
    page = max(0, min(page, len(pages) - 1))
    start, end = pages[page]
    embed = discord.Embed(
        title=truncate(plain(article.title or article.id), TITLE_LIMIT),
        colour=INFO_COLOUR,
        url=safe_url(article.url),
    )
    body = escape(article.text[start:end])
    if end < len(article.text):
        body += f" {ELLIPSIS}"
    embed.description = truncate(body, DESCRIPTION_LIMIT - 100)
    meta = _join([article.date, _plain(article.source, 100), _plain(article.author, 100)], "\n")
    if meta:
        embed.add_field(name="Published", value=truncate(meta, FIELD_VALUE_LIMIT), inline=True)
    embed.add_field(name="Id", value=truncate(code(article.id), FIELD_VALUE_LIMIT), inline=True)
    embed.set_footer(text=f"Page {page + 1}/{len(pages)} · {len(article.text):,} characters")
    return fit_embed(embed)


# ---------------------------------------------------------------- info


def stats_embed(stats: IndexStats) -> discord.Embed:
    embed = discord.Embed(title="What the archive holds", colour=INFO_COLOUR)
    embed.add_field(name="Articles", value=f"{stats.articles:,}")
    embed.add_field(name="Passages", value=f"{stats.passages:,}")
    embed.add_field(name="Quotes", value=f"{stats.quotes:,} by {stats.speakers:,} speakers")
    if stats.date_min or stats.date_max:
        embed.add_field(name="Dates", value=f"{stats.date_min or '?'} to {stats.date_max or '?'}")
    if stats.sources:
        lines = [f"{escape(src) or '(unknown)'}: {n:,}" for src, n in stats.sources[:15]]
        more = len(stats.sources) - 15
        if more > 0:
            lines.append(f"and {more} more")
        embed.add_field(
            name="Sources", value=truncate("\n".join(lines), FIELD_VALUE_LIMIT), inline=False
        )
    embed.set_footer(
        text=f"Model {stats.model} ({stats.dimension}-d) · vectors {stats.vector_index} · {stats.size_bytes / 1e6:.1f} MB"
    )
    return fit_embed(embed)


def help_embed(bot_name: str, commands: Sequence[tuple[str, str, str]]) -> discord.Embed:
    """``commands``: (name, what it does, example) for each command (bot/commands/)."""
    embed = discord.Embed(
        title=f"How to use {bot_name}",
        description=(
            "I answer questions about the news archive with verbatim excerpts, each cited [n]. "
            f"Use a slash command, or mention me: `@{bot_name} what did Lavrov say?` "
            "(follow-ups in the thread I open are answered there too; DMs work as well)."
        ),
        colour=INFO_COLOUR,
    )
    for name, what, example in commands:
        embed.add_field(name=name, value=f"{what}\n`{example}`", inline=False)
    embed.set_footer(
        text="Buttons under answers: More context, Sources, and 👍/👎 to tell us how it did."
    )
    return fit_embed(embed)


def ingest_embed(summary: IngestSummary, filename: str) -> discord.Embed:
    ok = summary.added or summary.updated or summary.unchanged
    embed = discord.Embed(
        title=truncate(f"Ingested {escape(filename)}", TITLE_LIMIT),
        colour=INFO_COLOUR if ok else WARN_COLOUR,
    )
    embed.description = (
        f"Added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"removed {summary.removed}; {summary.passages_embedded} passages embedded in {summary.seconds:.1f} s."
    )
    if summary.skipped:
        lines = [f"{escape(s.source)}: {escape(s.reason)}" for s in summary.skipped[:10]]
        if len(summary.skipped) > 10:
            lines.append(f"and {len(summary.skipped) - 10} more")
        embed.add_field(
            name=f"Skipped ({len(summary.skipped)})",
            value=truncate("\n".join(lines), FIELD_VALUE_LIMIT),
            inline=False,
        )
    if summary.warnings:
        embed.add_field(
            name="Warnings",
            value=truncate("\n".join(escape(w) for w in summary.warnings[:10]), FIELD_VALUE_LIMIT),
            inline=False,
        )
    return fit_embed(embed)
