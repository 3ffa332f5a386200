"""Which URLs may be fetched: a defence against server-side request forgery.

A feed URL is typed by a person, and every redirect is chosen by a remote server, so
each hop is checked: only http/https, and every address its host resolves to must be a
public one (no private, loopback, link-local, multicast, reserved or cloud-metadata
address). The same check runs again inside the connector on the addresses actually
connected to (:class:`GuardedResolver`), so a name that resolves differently the second
time (DNS rebinding) is still refused. ``allow_private`` lifts the rule (tests,
self-hosted feeds); ``allow_hosts`` lifts it for named hosts only.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from index.feeds.models import FeedConfig

# Metadata services some clouds put on otherwise public-looking addresses.
METADATA = frozenset({"100.100.100.200", "fd00:ec2::254", "169.254.169.254"})


class BlockedURL(Exception):
    """The URL may not be fetched; the message says why (shown to the user)."""


def address_allowed(address: str) -> bool:
    """True for a public address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and str(ip) not in METADATA


def host_exempt(host: str, config: FeedConfig) -> bool:
    return config.allow_private or host.lower().strip("[]") in config.allow_hosts


def check_scheme(url: str) -> str:
    """The URL's host, after checking the scheme and that there is a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise BlockedURL(f"only http and https URLs can be fetched, not {parts.scheme or 'this'!r}")
    if not parts.hostname:
        raise BlockedURL("the URL has no host")
    if parts.username or parts.password:
        raise BlockedURL("URLs with a user name or password are not fetched")
    return parts.hostname


def check_addresses(host: str, addresses: list[str], config: FeedConfig) -> None:
    if host_exempt(host, config):
        return
    bad = [a for a in addresses if not address_allowed(a)]
    if bad or not addresses:
        raise BlockedURL(
            f"{host} resolves to a private or reserved address ({', '.join(bad) or 'none'}); "
            "set NEWSDESK_FEEDS_ALLOW_PRIVATE=true or NEWSDESK_FEEDS_ALLOW_HOSTS to allow it"
        )


async def check_url(url: str, config: FeedConfig, resolve: Any = None) -> None:
    """Raise :class:`BlockedURL` unless ``url`` may be fetched."""
    host = check_scheme(url)
    if host_exempt(host, config):
        return
    try:
        ipaddress.ip_address(host.strip("[]"))
        addresses = [host.strip("[]")]
    except ValueError:
        resolver = resolve or ThreadedResolver()
        try:
            found = await resolver.resolve(host, 0, socket.AF_UNSPEC)
        except OSError as err:
            raise BlockedURL(f"cannot resolve {host}: {err}") from None
        addresses = [r["host"] for r in found]
    check_addresses(host, addresses, config)


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that refuses hosts resolving to non-public addresses."""

    def __init__(self, config: FeedConfig, inner: AbstractResolver | None = None) -> None:
        self.config = config
        self.inner = inner or ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        try:
            check_addresses(host, [r["host"] for r in found], self.config)
        except BlockedURL as err:
            raise OSError(str(err)) from None
        return found

    async def close(self) -> None:
        await self.inner.close()
