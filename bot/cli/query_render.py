"""Text and JSON renderings of search hits and answers for the CLI.

Archive text is printed through ``clean`` (bot/terminal_text.strip_controls): a title
or an excerpt cannot send escape sequences to the terminal; our styling comes after.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, TextIO

from bot.terminal_text import strip_controls as clean
from retrieval.models import Answer, Citation, Hit

BOLD, DIM, CYAN, YELLOW, RESET = "\033[1m", "\033[2m", "\033[36m", "\033[33m", "\033[0m"


class Style:
    """ANSI styling only when writing to a terminal (and NO_COLOR is unset)."""

    def __init__(self, stream: TextIO) -> None:
        self.on = stream.isatty() and not os.environ.get("NO_COLOR")

    def __call__(self, text: str, code: str) -> str:
        text = clean(text)
        return f"{code}{text}{RESET}" if self.on else text


def _marked(text: str, start: int, highlights: Sequence[tuple[int, int]], style: Style) -> str:
    """The excerpt with highlighted sentences bold (or **...** when not a terminal)."""
    out, pos = [], 0
    for hs, he in sorted(highlights):
        a, b = max(hs - start, pos), min(he - start, len(text))
        if a >= b:
            continue
        out.append(clean(text[pos:a]))
        out.append(style(text[a:b], BOLD) if style.on else f"**{clean(text[a:b])}**")
        pos = b
    out.append(clean(text[pos:]))
    return "".join(out)


def _meta(title: str | None, date: str | None, source: str | None, style: Style) -> str:
    bits = [b for b in (date, source) if b]
    tail = style(f" ({', '.join(bits)})", DIM) if bits else ""
    return style(title or "(untitled)", CYAN) + tail


def hits_text(query: str, hits: Sequence[Hit], style: Style) -> str:
    if not hits:
        return f"No results for {clean(query)!r}."
    lines: list[str] = []
    for rank, hit in enumerate(hits, start=1):
        lines.append(
            f"{style(str(rank) + '.', YELLOW)} {_meta(hit.title, hit.date, hit.source, style)}"
        )
        lines.append(style(f"   {hit.article_id}  score {hit.score:.3f}", DIM))
        if hit.also_in:
            lines.append(
                style(
                    f"   also in {len(hit.also_in)} other source(s): {', '.join(hit.also_in)}", DIM
                )
            )
        for ex in hit.excerpts:
            body = _marked(ex.text, ex.start, ex.highlights, style)
            lines.append(f"   ¶{ex.paragraph} [{ex.start}:{ex.end}] {body}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _citation_line(c: Citation, style: Style) -> str:
    where = style(f"{c.article_id} ¶{c.paragraph} [{c.start}:{c.end}]", DIM)
    return f"[{c.marker}] {_meta(c.title, c.date, c.source, style)} {where}"


def answer_text(answer: Answer, style: Style) -> str:
    text = clean(answer.text)
    lines = [text]
    if answer.kind == "quotes" and "\n" in text:
        # The first line names the speaker ("Wang Wenbin (3 statements):"): make it stand out.
        head, rest = text.split("\n", 1)
        lines = [style(head, BOLD), rest]
    if answer.citations:
        lines.append("")
        lines.extend(_citation_line(c, style) for c in answer.citations)
    return "\n".join(lines)


def hits_json(query: str, hits: Sequence[Hit]) -> dict[str, Any]:
    """The issue's search JSONL shape: one entry per article, its best excerpt."""
    out = []
    for hit in hits:
        ex = hit.excerpts[0] if hit.excerpts else None
        out.append(
            {
                "article_id": hit.article_id,
                "passage_id": ex.passage_id if ex else None,
                "score": round(hit.score, 6),
                "text": ex.text if ex else "",
                "start": ex.start if ex else None,
                "end": ex.end if ex else None,
                "paragraph": ex.paragraph if ex else None,
                "highlights": [list(h) for h in ex.highlights] if ex else [],
                "title": hit.title,
                "date": hit.date,
                "source": hit.source,
                "url": hit.url,
                "also_in": list(hit.also_in),
            }
        )
    return {"query": query, "hits": out}


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "kind": answer.kind,
        "speaker": answer.speaker,
        "candidates": list(answer.candidates),
        "citations": [
            {
                "marker": c.marker,
                "article_id": c.article_id,
                "passage_id": c.passage_id,
                "text": c.text,
                "start": c.start,
                "end": c.end,
                "paragraph": c.paragraph,
                "highlights": [list(h) for h in c.highlights],
                "title": c.title,
                "date": c.date,
                "source": c.source,
                "url": c.url,
            }
            for c in answer.citations
        ],
        "filters": {
            "date_from": answer.filters.date_from,
            "date_to": answer.filters.date_to,
            "source": answer.filters.source,
        },
    }
