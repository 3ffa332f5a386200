"""Typed records of the feed layer."""

from __future__ import annotations

from dataclasses import dataclass, field

OPERATOR = "operator"  # owner of feeds added from the CLI (shared by every server)


@dataclass(frozen=True)
class FeedConfig:
    """How feeds are fetched. The bot builds it from its Settings; tests build it directly."""

    user_agent: str = "Newsdesk/0.1 (+https://github.com/newsdesk; feed reader)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest wait for the next bytes of a body
    total_timeout: float = 60.0  # a whole response (a slowly dribbled body ends here)
    max_feed_bytes: int = 5_000_000
    max_page_bytes: int = 5_000_000
    max_redirects: int = 5
    per_host: int = 2  # requests to one host at once
    concurrency: int = 16  # requests at once overall
    allow_private: bool = False  # NEWSDESK_FEEDS_ALLOW_PRIVATE: fetch private addresses too
    allow_hosts: frozenset[str] = frozenset()  # hosts/IPs allowed although private
    default_every: float = 900.0  # seconds between polls of a feed
    max_backoff: float = 6 * 3600.0  # a failing feed is retried at least this often
    min_text_chars: int = 300  # less extracted text than this: use the entry's own text
    max_entries: int = 100  # newest entries read per feed and poll


@dataclass(frozen=True)
class Entry:
    """One feed entry, as the feed gave it (links made absolute, HTML stripped)."""

    key: str  # canonical link, else guid: what identifies the entry
    link: str | None
    title: str | None
    author: str | None
    date: str | None  # ISO day from the feed, None when the entry has none
    text: str  # the entry's content or summary as plain text ("" when none)
    digest: str  # changes when any of the above changes


@dataclass(frozen=True)
class FeedOutcome:
    """What one poll did with one feed."""

    feed_id: int
    url: str
    status: str  # "ok", "not_modified", "failed", "skipped"
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    partial: int = 0  # entries indexed from the feed's own text (page missing or too thin)
    error: str | None = None
    problems: tuple[str, ...] = ()  # per-entry problems that did not fail the feed


@dataclass(frozen=True)
class PollReport:
    """One pass over the due feeds."""

    outcomes: tuple[FeedOutcome, ...] = ()
    article_ids: tuple[str, ...] = ()  # articles this pass added or changed, by owner below
    owners: tuple[tuple[str, str], ...] = ()  # (article id, owner)
    seconds: float = 0.0
    extract_seconds: float = 0.0
    index_seconds: float = 0.0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> tuple[FeedOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")
