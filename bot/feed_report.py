"""Feed health and poll results as plain text: shared by `newsdesk feeds`, the terminal
session, /feeds list and /stats. (Discord callers escape what they show.)"""

from __future__ import annotations

import re
import time

from index.errors import BadQueryError
from index.feeds.models import FeedOutcome, PollReport
from index.feeds.store import Feed

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.I)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_EVERY = 60.0


def parse_every(text: str | None, default: float) -> float:
    """``15m``, ``1h30m``, ``90s``, ``2h`` or plain seconds -> seconds (at least a minute)."""
    if text is None or not text.strip():
        return default
    value = text.strip().lower()
    if value.replace(".", "", 1).isdigit():
        seconds = float(value)
    else:
        parts = _PART.findall(value)
        if not parts or _PART.sub("", value).strip():
            raise BadQueryError(f"--every {text!r}: use a duration like 15m, 1h or 1h30m.")
        seconds = sum(float(n) * _UNIT[u.lower()] for n, u in parts)
    if seconds < MIN_EVERY:
        raise BadQueryError(f"--every {text!r}: feeds are polled at most once a minute.")
    return seconds


def duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h".replace(".0h", "h")
    return f"{seconds / 86400:.0f}d"


def _ago(when: float | None, now: float) -> str:
    return "never" if not when else f"{duration(now - when)} ago"


def feed_health(feed: Feed, now: float | None = None) -> str:
    """One feed in a few lines: what it is, when it last worked or failed, what's next."""
    now = time.time() if now is None else now
    name = feed.source or feed.title or ""
    head = f"#{feed.id} {feed.url}" + (f" ({name})" if name else "")
    nxt = "now" if feed.next_poll <= now else f"in {duration(feed.next_poll - now)}"
    line = (f"  every {duration(feed.every)} · last success {_ago(feed.last_success, now)} · "
            f"next poll {nxt} · {feed.articles_added} article(s) added")
    lines = [head, line]
    if feed.failures:
        lines.append(f"  last error ({_ago(feed.last_error_at, now)}, {feed.failures} in a row): "
                     f"{feed.last_error}")
    elif feed.last_error:
        lines.append(f"  recovered from: {feed.last_error}")
    return "\n".join(lines)


def outcome_line(o: FeedOutcome) -> str:
    if o.status == "failed":
        return f"#{o.feed_id} {o.url}: FAILED: {o.error}"
    if o.status == "not_modified":
        return f"#{o.feed_id} {o.url}: not modified"
    text = f"#{o.feed_id} {o.url}: {o.added} added, {o.updated} updated"
    if o.partial:
        text += f" ({o.partial} from the feed's own text)"
    return text


def report_text(report: PollReport, *, problems: bool = True) -> str:
    lines = []
    for o in report.outcomes:
        lines.append(outcome_line(o))
        if problems:
            lines += [f"    {p}" for p in o.problems]
    lines += [f"  warning: {w}" for w in report.warnings]
    ok = sum(1 for o in report.outcomes if o.status != "failed")
    lines.append(f"{len(report.outcomes)} feed(s) polled, {ok} ok, {len(report.failed)} failed, "
                 f"{len(report.article_ids)} article(s) added or updated "
                 f"in {report.seconds:.1f}s")
    return "\n".join(lines)


def health_summary(feeds: list[Feed]) -> str:
    """One line for /stats."""
    if not feeds:
        return "no feeds"
    failing = sum(1 for f in feeds if f.failures)
    added = sum(f.articles_added for f in feeds)
    last = max((f.last_success or 0.0 for f in feeds), default=0.0)
    when = _ago(last, time.time()) if last else "never"
    return (f"{len(feeds)} feed(s), {failing} failing, {added} article(s) added, "
            f"last success {when}")
