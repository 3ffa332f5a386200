"""A polite HTTP client for feeds and article pages.

Conditional GET (ETag / Last-Modified), compressed transfer (aiohttp asks for gzip and
deflate and decompresses), a named User-Agent, a cap on requests per host and overall,
connect / read / total timeouts, a body-size cap applied while streaming (a 50 MB page
is cut off at the cap, never held whole), and redirects followed by hand so that every
hop is checked by the guard and a loop is named as one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from index.feeds.guard import BlockedURL, GuardedResolver, check_url
from index.feeds.models import FeedConfig

REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that failed; the message is short and says why (shown in `feeds list`)."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 (then body is b"")
    body: bytes
    content_type: str  # lower-case media type without parameters ("" when absent)
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One aiohttp session; use ``async with Fetcher(config) as f``."""

    def __init__(self, config: FeedConfig) -> None:
        self.config = config
        self._session: aiohttp.ClientSession | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._all = asyncio.Semaphore(config.concurrency)
        self.requests = 0  # counted for benchmarks and metrics

    async def __aenter__(self) -> Fetcher:
        c = self.config
        timeout = aiohttp.ClientTimeout(total=c.total_timeout, sock_connect=c.connect_timeout,
                                        sock_read=c.read_timeout)
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(c), limit=c.concurrency,
                                         limit_per_host=c.per_host, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(
            timeout=timeout, connector=connector, auto_decompress=True,
            headers={"User-Agent": c.user_agent}, cookie_jar=aiohttp.DummyCookieJar())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        return self._hosts.setdefault(host, asyncio.Semaphore(self.config.per_host))

    async def get(self, url: str, *, accept: str, allowed_types: tuple[str, ...],
                  max_bytes: int, etag: str | None = None,
                  last_modified: str | None = None) -> Response:
        """GET ``url``; raise :class:`FetchError` (or :class:`BlockedURL`) when it fails.

        ``allowed_types`` are media-type prefixes checked before the body is read."""
        assert self._session is not None, "use Fetcher as an async context manager"
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: set[str] = set()
        for _ in range(self.config.max_redirects + 1):
            if url in seen:
                raise FetchError(f"redirect loop at {url}")
            seen.add(url)
            await check_url(url, self.config)
            async with self._all, self._host_slot(url):
                self.requests += 1
                try:
                    async with self._session.get(url, headers=headers,
                                                 allow_redirects=False) as resp:
                        if resp.status in REDIRECTS:
                            location = resp.headers.get("Location")
                            if not location:
                                raise FetchError(f"HTTP {resp.status} without a Location")
                            url = urljoin(url, location)
                            continue
                        return await self._read(resp, url, allowed_types, max_bytes)
                except (BlockedURL, FetchError):
                    raise
                except TimeoutError:
                    raise FetchError(f"timed out fetching {url}") from None
                except aiohttp.ClientConnectorError as err:
                    # The guarded resolver refuses private addresses as an OSError.
                    reason = str(err.os_error) if err.os_error else str(err)
                    if "private or reserved" in reason:
                        raise BlockedURL(reason) from None
                    raise FetchError(f"cannot connect to {urlsplit(url).netloc}: {reason}") from None
                except aiohttp.ClientError as err:
                    raise FetchError(f"{type(err).__name__} fetching {url}: {err}") from None
        raise FetchError(f"more than {self.config.max_redirects} redirects")

    async def _read(self, resp: aiohttp.ClientResponse, url: str,
                    allowed_types: tuple[str, ...], max_bytes: int) -> Response:
        etag = resp.headers.get("ETag")
        modified = resp.headers.get("Last-Modified")
        ctype = (resp.content_type or "").lower()
        if resp.status == 304:
            return Response(url, 304, b"", ctype, None, etag, modified)
        if resp.status >= 400:
            raise FetchError(f"HTTP {resp.status} from {url}")
        if resp.status != 200:
            raise FetchError(f"unexpected HTTP {resp.status} from {url}")
        if allowed_types and not ctype.startswith(allowed_types):
            raise FetchError(f"{url} is {ctype or 'of no declared type'}, not "
                             f"{' or '.join(allowed_types)}")
        declared = resp.content_length
        if declared is not None and declared > max_bytes:
            raise FetchError(f"{url} is {declared:,} bytes; the limit is {max_bytes:,}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url} is larger than the {max_bytes:,}-byte limit")
            chunks.append(chunk)
        return Response(url, 200, b"".join(chunks), ctype, resp.charset, etag, modified)


