"""A local news site for the feed tests and benchmarks: aiohttp on 127.0.0.1, in its own
thread, serving RSS, Atom and JSON feeds, cluttered article pages and every way a feed
goes wrong (304s, changed ETags, 500s, timeouts, slow bodies, truncated XML, a wrong
declared encoding, a 50 MB page, redirect loops, redirects to private addresses,
non-HTML content, relative links, duplicate entries, undated entries, updated articles).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.Response]]
SITE = Path(__file__).with_name("feed_site")
PAGES = {"harbour": "harbour.html", "library": "library.html", "wenbin": "wenbin.html",
         "wangyi": "wangyi.html"}
BIG_PAGE_BYTES = 50 * 1024 * 1024
# Body sentences of the bundled pages, and clutter that must never be indexed.
HARBOUR_BODY = ("Engineers replaced more than four hundred rivets and repainted the main span, "
                "the city's transport office said in a statement released before dawn.")
LIBRARY_BODY = ("The Port Alder public library opened a reading café on its ground floor on "
                "Saturday, serving coffee and pastries to visitors between the shelves.")
CLUTTER = (
    "We use cookies to improve your experience on our site.",
    "Weather forecast for the coast",
    "Ferry timetable changes announced for the summer season",
    "Finally! The ferry queue was unbearable every single morning this spring.",
    "Copyright 2024 The Alder Courier.",
    "This website stores cookies on your computer.",
    "Museum extends its opening hours for the festival",
    "Lovely idea, I will visit with my kids next weekend.",
)


def rss(items: list[dict[str, str]], title: str = "Alder Courier") -> str:
    parts = []
    for it in items:
        fields = "".join(f"<{k}>{v}</{k}>" for k, v in it.items())
        parts.append(f"<item>{fields}</item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>http://example.org/</link>"
            f"<description>news</description>{''.join(parts)}</channel></rss>")


def _fixed(make: Callable[[], web.Response]) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return make()

    return handler


def _redirect(location: str, status: int = 302) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": location})

    return handler


class FeedServer:
    """``FeedServer().start()``; ``url(path)``; ``stop()``. ``state`` changes what it serves."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {"etag": '"v1"', "version": 1, "hits": {}, "feeds": {}}
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="feed-server", daemon=True)
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def hits(self, path: str) -> int:
        return int(self.state["hits"].get(path, 0))

    def start(self) -> FeedServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application(middlewares=[self._count])
        app.router.add_get("/{name}.html", self.page)
        app.router.add_get("/rss.xml", self.rss_feed)
        app.router.add_get("/atom.xml", self.atom_feed)
        app.router.add_get("/feed.json", self.json_feed)
        app.router.add_get("/etag.xml", self.etag_feed)
        app.router.add_get("/updated.xml", self.updated_feed)
        app.router.add_get("/news/wang.xml", self.wang_feed)
        app.router.add_get("/f/{n}.xml", self.numbered_feed)
        app.router.add_get("/error.xml", _fixed(lambda: web.Response(status=500, text="oops")))
        app.router.add_get("/slow.xml", self.slow)
        app.router.add_get("/slowbody.xml", self.slow_body)
        app.router.add_get("/truncated.xml", self.truncated)
        app.router.add_get("/latin1.xml", self.latin1)
        app.router.add_get("/big.html", self.big)
        app.router.add_get("/loop", _redirect("/loop2"))
        app.router.add_get("/loop2", _redirect("/loop"))
        app.router.add_get("/to-private", _redirect("http://10.255.0.1/feed.xml"))
        app.router.add_get("/to-metadata", _redirect("http://169.254.169.254/latest/meta-data/"))
        app.router.add_get("/moved.xml", _redirect("/rss.xml", 301))
        app.router.add_get("/report.pdf", _fixed(lambda: web.Response(
            body=b"%PDF-1.4 not a page", content_type="application/pdf")))
        app.router.add_get("/page-as-feed.xml", _fixed(lambda: web.Response(
            text="<html><body>hello</body></html>", content_type="text/html")))
        self._runner = web.AppRunner(app, access_log=None)
        self.loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._ready.set()
        self.loop.run_forever()

    @web.middleware
    async def _count(self, request: web.Request, handler: Any) -> web.StreamResponse:
        hits = self.state["hits"]
        hits[request.path] = hits.get(request.path, 0) + 1
        response: web.StreamResponse = await handler(request)
        return response

    # -- pages -------------------------------------------------------------------

    async def page(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name == "updated":
            v = self.state["version"]
            body = ("<html><body><article><h1>Council vote</h1>"
                    + "".join(f"<p>Version {v} of the story: the council voted on the harbour "
                              f"budget in session number {i} and the result was recorded in "
                              f"the minutes for the public.</p>" for i in range(6))
                    + "</article></body></html>")
            return web.Response(text=body, content_type="text/html")
        if name == "thin":
            return web.Response(text="<html><body><p>Short.</p></body></html>",
                                content_type="text/html")
        if name.startswith("n"):  # numbered article pages of the numbered feeds
            sentences = "".join(
                f"<p>Story {name} paragraph {i}: the port authority reported steady traffic "
                f"and the weather stayed calm along the coast for the whole week.</p>"
                for i in range(5))
            return web.Response(text=f"<html><body><article>{sentences}</article></body></html>",
                                content_type="text/html")
        file = PAGES.get(name)
        if file is None:
            raise web.HTTPNotFound()
        raw = (SITE / file).read_bytes()
        if name == "library":  # UTF-8 bytes declared as latin-1: a common publishing mistake
            return web.Response(body=raw, headers={"Content-Type": "text/html; charset=iso-8859-1"})
        return web.Response(body=raw, content_type="text/html", charset="utf-8")

    async def big(self, request: web.Request) -> web.StreamResponse:
        """50 MB streamed in chunks: neither side ever holds it whole."""
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        try:
            for _ in range(BIG_PAGE_BYTES // len(chunk)):
                await resp.write(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading at its cap
        return resp

    # -- feeds -------------------------------------------------------------------

    async def rss_feed(self, request: web.Request) -> web.Response:
        base = self.url("")
        items = [
            {"title": "Harbour bridge reopens", "link": base + "harbour.html",
             "guid": "alder-harbour-1", "pubDate": "Tue, 14 May 2024 08:30:00 GMT",
             "description": "The bridge is open again."},
            {"title": "Library café", "link": "library.html",  # a relative link
             "guid": "alder-library-1", "pubDate": "Sat, 18 May 2024 10:00:00 GMT",
             "description": "A café in the library."},
            {"title": "Harbour bridge reopens", "link": base + "harbour.html",
             "guid": "alder-harbour-1", "description": "The bridge is open again."},  # duplicate
            {"title": "Annual report", "link": base + "report.pdf", "guid": "alder-report",
             "description": "The port authority published its annual report on shipping "
                            "volumes, which rose by four percent."},  # non-HTML page, no date
            {"title": "Huge page", "link": base + "big.html", "guid": "alder-big",
             "description": "A page far larger than any article should be."},
            {"title": "Leaky link", "link": base + "to-metadata", "guid": "alder-leak",
             "description": "This entry links somewhere it must not."},
            {"title": "Gone", "link": base + "missing.html", "guid": "alder-gone",
             "description": "This page was deleted by the publisher."},
        ]
        return web.Response(text=rss(items), content_type="application/rss+xml")

    async def atom_feed(self, request: web.Request) -> web.Response:
        base = self.url("")
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Alder Atom</title><id>urn:alder</id>
<updated>2024-05-20T00:00:00Z</updated>
<entry><title>Harbour bridge (Atom)</title><id>urn:alder:harbour</id>
<link href="{base}harbour.html"/><updated>2024-05-14T08:30:00Z</updated>
<summary>The bridge is open again.</summary></entry>
</feed>"""
        return web.Response(text=body, content_type="application/atom+xml")

    async def json_feed(self, request: web.Request) -> web.Response:
        import json

        data = {"version": "https://jsonfeed.org/version/1.1", "title": "Alder JSON",
                "items": [{"id": "json-library", "url": self.url("library.html"),
                           "title": "Library café (JSON)", "date_published": "2024-05-18T10:00:00Z",
                           "content_text": "A café in the library."},
                          {"id": "json-thin", "url": self.url("thin.html"), "title": "Thin page",
                           "content_html": "<p>The thin page has almost no text, so this "
                                           "summary from the feed is what gets indexed.</p>"}]}
        return web.Response(text=json.dumps(data), content_type="application/feed+json")

    async def etag_feed(self, request: web.Request) -> web.Response:
        etag = self.state["etag"]
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = [{"title": "Harbour", "link": self.url("harbour.html"), "guid": "etag-harbour"}]
        if etag != '"v1"':
            items.append({"title": "Library", "link": self.url("library.html"),
                          "guid": "etag-library"})
        return web.Response(text=rss(items), content_type="application/rss+xml",
                            headers={"ETag": etag, "Last-Modified": formatdate(usegmt=True)})

    async def updated_feed(self, request: web.Request) -> web.Response:
        v = self.state["version"]
        items = [{"title": f"Council vote (v{v})", "link": self.url("updated.html"),
                  "guid": "council-vote", "pubDate": "Mon, 20 May 2024 09:00:00 GMT"}]
        return web.Response(text=rss(items), content_type="application/rss+xml")

    async def wang_feed(self, request: web.Request) -> web.Response:
        """Publishes whatever the test put in ``state['wang']`` (page names)."""
        items = [{"title": name, "link": self.url(f"{name}.html"), "guid": f"wang-{name}",
                  "pubDate": "Thu, 21 Nov 2024 09:00:00 GMT"}
                 for name in self.state.get("wang", [])]
        return web.Response(text=rss(items, "World desk"), content_type="application/rss+xml")

    async def numbered_feed(self, request: web.Request) -> web.Response:
        """Feeds for load tests: /f/N.xml, each with ``state['per_feed']`` entries, and 304
        when the client already has them."""
        n = request.match_info["n"]
        etag = f'"f{n}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = [{"title": f"Story {n}-{i}", "link": self.url(f"n{n}x{i}.html"),
                  "guid": f"f{n}-{i}", "pubDate": "Wed, 20 Nov 2024 09:00:00 GMT"}
                 for i in range(int(self.state.get("per_feed", 0)))]
        return web.Response(text=rss(items, f"Feed {n}"), content_type="application/rss+xml",
                            headers={"ETag": etag})

    async def slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(float(self.state.get("slow", 5.0)))
        return web.Response(text=rss([]), content_type="application/rss+xml")

    async def slow_body(self, request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await resp.prepare(request)
        try:
            for _ in range(100):
                await resp.write(b"<!-- slow -->")
                await asyncio.sleep(0.2)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    async def truncated(self, request: web.Request) -> web.Response:
        full = rss([{"title": "Harbour", "link": self.url("harbour.html"), "guid": "trunc-1"},
                    {"title": "Library", "link": self.url("library.html"), "guid": "trunc-2"}])
        return web.Response(text=full[: full.index("trunc-2") + 3],
                            content_type="application/rss+xml")

    async def latin1(self, request: web.Request) -> web.Response:
        """Declared UTF-8, written in latin-1."""
        xml = rss([{"title": "Café culture", "guid": "latin1-1",
                    "description": "Le café du port sert des crêpes à toute heure, "
                                   "disent les habitués du quai."}])
        return web.Response(body=xml.encode("latin-1"),
                            headers={"Content-Type": "application/rss+xml; charset=utf-8"})
