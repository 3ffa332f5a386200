"""From newly indexed articles to alerts: which follows they match, and the message.

Speaker follows use the quote lookup with the same resolution and namesake rules as
/quotes, restricted to the new articles; the follow's name was resolved when it was
made, and an article alerts only when that same person is resolved in it. Topic follows
use retrieval.topics (the answers' cosine + term-coverage signals, calibrated).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.follows import Alert, Follow
from bot.markdown import code, escape, plain, safe_cut, safe_url
from index.backend import Scope
from retrieval.models import Filters, QuoteHit

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 1900  # under Discord's 2,000 characters, with room for the citation line
QUOTES_PER_ALERT = 3


def _meta(title: str | None, source: str | None, date: str | None, terminal: bool) -> str:
    """Title (source, date): escaped for Discord, as written for the terminal."""
    # Cut before escaping: an escaped text cut in the middle could end in a lone backslash.
    title = title[:200] if title else None
    parts = ", ".join(p for p in (source, date) if p)[:120]
    if terminal:
        return (title or "an article") + (f" ({parts})" if parts else "")
    head = f"*{plain(title)}*" if title else "an article"
    return head + (f" ({plain(parts)})" if parts else "")


def citation_line(article_id: str, url: str | None, terminal: bool) -> str:
    link = safe_url(url) if url and len(url) <= 500 else None
    if terminal:
        return " · ".join(p for p in (link, f"/article {article_id}") if p)
    return " · ".join(p for p in (f"<{link}>" if link else None, code(article_id)) if p)


def speaker_message(speaker: str, quotes: Sequence[QuoteHit], terminal: bool) -> str:
    q0 = quotes[0]
    name = speaker[:100] if terminal else f"**{plain(speaker[:100])}**"
    lines = [f"🗣️ {name} quoted in {_meta(q0.title, q0.source, q0.date, terminal)}:"]
    cite = citation_line(q0.article_id, q0.url, terminal)
    budget = MESSAGE_LIMIT - len(lines[0]) - len(cite) - 10
    for q in quotes[:QUOTES_PER_ALERT]:
        text = " ".join(q.text.split()) if terminal else escape(" ".join(q.text.split()))
        if len(text) > budget:
            text = text[: safe_cut(text, max(0, budget - 1))].rstrip() + "…"
        lines.append(f"> {text}")
        budget -= len(text) + 3
        if budget <= 0:
            break
    lines.append(cite)
    return "\n".join(lines)


def topic_message(topic: str, title: str | None, source: str | None, date: str | None,
                  article_id: str, url: str | None, terminal: bool) -> str:
    shown = topic[:100] if terminal else f"**{plain(topic[:100])}**"
    return f"📰 New on {shown}: {_meta(title, source, date, terminal)}\n" + citation_line(
        article_id, url, terminal)


async def match_alerts(core: Core, follows: Sequence[Follow],
                       owners: Sequence[tuple[str, str]]) -> list[Alert]:
    """Alerts for ``follows`` on the articles (id, owner) just indexed."""
    alerts: list[Alert] = []
    for follow in follows:
        ids = tuple(a for a, owner in owners if follow.sees(owner))
        if not ids:
            continue
        terminal = follow.target == "terminal"
        try:
            if follow.kind == "speaker":
                alerts += await _speaker_alerts(core, follow, ids, terminal)
            else:
                alerts += await _topic_alerts(core, follow, ids, terminal)
        except Exception:  # one follow's failure must not stop the others
            log.exception("matching follow #%d failed", follow.id)
    return alerts


async def _speaker_alerts(core: Core, follow: Follow, ids: tuple[str, ...],
                          terminal: bool) -> list[Alert]:
    # Straight to the engine: alert matching is not a question (metrics, limiter).
    # ``ids`` are already the articles this follow's server may see; its scope says so
    # again in the engine, so no other path can widen it.
    lookup = await core.run_blocking(
        functools.partial(core.engine.quotes, follow.value, None, Filters(article_ids=ids),
                          scope=Scope.for_guild(follow.guild)))
    if lookup.speaker is None or lookup.speaker.casefold() != follow.value.casefold():
        return []  # nobody, or a namesake: never guess
    by_article: dict[str, list[QuoteHit]] = {}
    for q in lookup.quotes:
        by_article.setdefault(q.article_id, []).append(q)
    return [Alert(follow.id, aid, follow.target, speaker_message(lookup.speaker, qs, terminal),
                  f'what did {lookup.speaker} say')
            for aid, qs in by_article.items()]


async def _topic_alerts(core: Core, follow: Follow, ids: tuple[str, ...],
                        terminal: bool) -> list[Alert]:
    scores = await core.topic_scores(follow.value, ids)
    alerts = []
    for s in scores:
        if not s.matches():
            continue
        art = await core.article(s.article_id, scope=Scope.for_guild(follow.guild))
        alerts.append(Alert(follow.id, art.id, follow.target,
                            topic_message(follow.value, art.title, art.source, art.date, art.id,
                                          art.url, terminal), follow.value))
    return alerts
