"""Canonical URLs (tracking parameters removed) and article ids derived from them."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say where a click came from, never which article it is.
TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|"
    r"ref|ref_src|cmpid|ito|ocid|smid|s_cid|at_medium|at_campaign|guccounter)$",
    re.I,
)
_SLUG = re.compile(r"[^a-z0-9]+")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port, fragment and tracking parameters dropped."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


def article_id(key: str, link: str | None) -> str:
    """A stable id for the entry identified by ``key`` (guid or canonical URL).

    Readable (host and last path segment) yet safe as a command argument (no slashes),
    with a hash of the key so two entries never share an id."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()
    parts = urlsplit(link or (key if "://" in key else ""))
    host = (parts.hostname or "feed").lower().removeprefix("www.")
    tail = [p for p in parts.path.split("/") if p]
    slug = _SLUG.sub("-", (tail[-1] if tail else "").lower()).strip("-")
    slug = re.sub(r"-(html?|php|aspx?)$", "", slug)[:50].strip("-")
    name = _SLUG.sub("-", host).strip("-")[:40]
    return f"{name}-{slug}-{digest}" if slug else f"{name}-{digest}"
