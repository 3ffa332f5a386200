"""Feed documents -> :class:`Entry` records.

RSS 0.9x/1.0/2.0 and Atom go through feedparser (it copes with truncated XML and
wrong declared encodings, flagging them as "bozo"); JSON Feed (which feedparser does
not read) through the json module. Links are made absolute against the feed's URL.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser

from index.feeds.models import Entry
from index.feeds.text import html_to_text
from index.feeds.urls import canonical_url

FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/feed+json", "application/json", "text/plain",
    "application/x-rss+xml", "application/rss", "text/rss",
)
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.1")


class FeedParseError(Exception):
    """The document is not a feed at all."""


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: tuple[Entry, ...]
    warning: str | None = None  # e.g. "malformed XML (read 3 entries before the error)"


def parse_feed(body: bytes, url: str, content_type: str = "", charset: str | None = None,
               max_entries: int = 100) -> ParsedFeed:
    if "json" in content_type or body.lstrip()[:1] == b"{":
        return _json_feed(body, url, max_entries)
    headers = {"content-type": content_type + (f"; charset={charset}" if charset else "")}
    parsed = feedparser.parse(body, response_headers=headers if content_type else None)
    if not parsed.entries and not parsed.feed.get("title"):
        reason = parsed.get("bozo_exception") or "no feed elements found"
        raise FeedParseError(f"not an RSS, Atom or JSON feed ({reason})")
    entries = [_entry(e, url) for e in parsed.entries[:max_entries]]
    warning = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        warning = f"feed is malformed ({type(exc).__name__}: {exc}); read {len(entries)} entries"
    return ParsedFeed(parsed.feed.get("title"), tuple(e for e in entries if e is not None), warning)


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(struct)))
    except (TypeError, ValueError, OverflowError):
        return None


def _entry(e: Any, feed_url: str) -> Entry | None:
    link = e.get("link")
    link = urljoin(feed_url, link) if link else None
    content = ""
    if e.get("content"):
        content = html_to_text(" ".join(c.get("value", "") for c in e["content"]))
    summary = html_to_text(e.get("summary", "") or "")
    text = content if len(content) >= len(summary) else summary
    date = _iso(e.get("published_parsed")) or _iso(e.get("updated_parsed"))
    updated = e.get("updated") or e.get("published") or ""
    return _make(e.get("id") or e.get("guid"), link, e.get("title"), e.get("author"), date,
                 text, updated)


def _make(guid: str | None, link: str | None, title: str | None, author: str | None,
          date: str | None, text: str, updated: str) -> Entry | None:
    # The canonical link first: one story in two feeds (RSS and Atom) is one article.
    key = (canonical_url(link) if link else "") or (guid or "").strip()
    if not key:
        return None  # nothing identifies it: it could never be told apart from the next one
    title = html_to_text(title) if title else None
    digest = hashlib.blake2b(json.dumps([key, link, title, author, date, text, updated])
                             .encode("utf-8"), digest_size=16).hexdigest()
    return Entry(key=key[:1000], link=link, title=title or None, author=author or None,
                 date=date, text=text, digest=digest)


def _json_feed(body: bytes, url: str, max_entries: int) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as err:
        raise FeedParseError(f"not valid JSON ({err})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
            "https://jsonfeed.org/version/"):
        raise FeedParseError("JSON without a jsonfeed.org version: not a JSON Feed")
    items = data.get("items")
    if not isinstance(items, list):
        items = []
    entries = []
    for item in items[:max_entries]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        link = urljoin(url, link) if isinstance(link, str) and link else None
        html = item.get("content_html") or ""
        text = item.get("content_text") or (html_to_text(html) if html else "") \
            or html_to_text(item.get("summary") or "")
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = ", ".join(a.get("name", "") for a in authors if isinstance(a, dict)) or None
        published = str(item.get("date_published") or "")
        date = published[:10] if _is_day(published[:10]) else None
        made = _make(str(item["id"]) if item.get("id") is not None else None, link,
                     item.get("title"), author, date, str(text),
                     str(item.get("date_modified") or published))
        if made is not None:
            entries.append(made)
    return ParsedFeed(data.get("title"), tuple(entries))


def _is_day(value: str) -> bool:
    try:
        time.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True
