"""Article pages -> main text, title, author and date (trafilatura; htmldate for dates).

Pure and CPU-bound: the poller runs it in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

PAGE_TYPES = ("text/html", "application/xhtml+xml")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)

# trafilatura and htmldate log every page they find hard; that is not news for an operator.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class Extracted:
    text: str  # paragraphs separated by blank lines
    title: str | None
    author: str | None
    date: str | None  # ISO day


def decode_page(body: bytes, charset: str | None) -> str:
    """Bytes -> text. UTF-8 wins when the bytes are valid UTF-8, whatever was declared
    (a page declared latin-1 but written in UTF-8 is the common mistake); otherwise the
    declared charset (header, then <meta>), then cp1252."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [charset] if charset else []
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        declared.append(meta.group(1).decode("ascii", "replace"))
    for name in declared:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def extract_page(html: str, url: str | None = None) -> Extracted | None:
    """The page's main text without navigation, banners, related links or comments;
    None when nothing could be extracted."""
    import htmldate
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False, favor_precision=True)
    if doc is None or isinstance(doc, dict) or not (doc.text or "").strip():
        return None
    paragraphs = [p.strip() for p in (doc.text or "").split("\n") if p.strip()]
    if len(paragraphs) > 1 and doc.title and paragraphs[0] == doc.title.strip():
        paragraphs = paragraphs[1:]  # the headline is the title, not the first paragraph
    day = None
    try:
        day = htmldate.find_date(html, url=url, original_date=True, extensive_search=False,
                                 outputformat="%Y-%m-%d")
    except Exception:  # htmldate is a heuristic: a failure only means "no date"
        day = None
    if day and day > (dt.date.today() + dt.timedelta(days=1)).isoformat():
        day = None  # a date in the future is a parsing accident
    return Extracted(text="\n\n".join(paragraphs), title=doc.title or None,
                     author=doc.author or None, date=day or None)
