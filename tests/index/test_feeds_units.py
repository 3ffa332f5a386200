"""The feed layer's pure parts: extraction, URLs and ids, the fetch guard, feed parsing."""

from __future__ import annotations

import re

import pytest

from index.feeds.extract import decode_page, extract_page
from index.feeds.guard import BlockedURL, address_allowed, check_scheme, check_url
from index.feeds.models import FeedConfig
from index.feeds.parse import FeedParseError, parse_feed
from index.feeds.text import html_to_text
from index.feeds.urls import article_id, canonical_url
from tests.index.feed_server import CLUTTER, SITE


def body_sentences(name: str) -> list[str]:
    """Every sentence of the page's <article> paragraphs (the byline aside)."""
    html = (SITE / name).read_text(encoding="utf-8")
    article = html[html.index("<article>") : html.index("</article>")]
    paras = re.findall(r"<p>(.*?)</p>", article)
    return [s for p in paras for s in re.split(r"(?<=\.)\s+(?=[A-Z])", p)]


@pytest.mark.parametrize("name", ["harbour.html", "library.html", "wenbin.html", "wangyi.html"])
def test_extraction_keeps_every_body_sentence_and_no_clutter(name: str) -> None:
    raw = (SITE / name).read_bytes()
    declared = "iso-8859-1" if name == "library.html" else "utf-8"  # library lies about it
    extracted = extract_page(decode_page(raw, declared), f"http://example.org/{name}")
    assert extracted is not None
    sentences = body_sentences(name)
    assert len(sentences) >= 4
    for sentence in sentences:
        assert sentence in extracted.text, sentence
    for clutter in CLUTTER:
        assert clutter not in extracted.text
    assert "Home" not in extracted.text.split("\n")[0]


def test_extraction_metadata() -> None:
    extracted = extract_page((SITE / "harbour.html").read_text(), "http://example.org/h.html")
    assert extracted is not None
    assert extracted.title == "Harbour bridge reopens after repairs"
    assert extracted.author == "Mara Quint" and extracted.date == "2024-05-14"
    assert not extracted.text.startswith("Harbour bridge reopens")  # headline is the title


def test_canonical_url_drops_tracking_and_fragment() -> None:
    assert canonical_url("HTTPS://News.Example.org:443/a/b?utm_source=x&id=7&fbclid=z#top") == \
        "https://news.example.org/a/b?id=7"
    assert canonical_url("http://example.org:8080/x") == "http://example.org:8080/x"


def test_article_ids_are_stable_safe_and_distinct() -> None:
    a = article_id("https://example.org/world/2024/story-one.html", "https://example.org/world/2024/story-one.html")
    assert a == article_id("https://example.org/world/2024/story-one.html", "https://example.org/world/2024/story-one.html")
    assert a.startswith("example-org-story-one-") and "/" not in a
    assert a != article_id("https://example.org/sport/2024/story-one.html", "https://example.org/sport/2024/story-one.html")
    assert "/" not in article_id("urn:uuid:1234", None)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                     "169.254.169.254", "100.100.100.200", "::1", "fe80::1",
                                     "fd00:ec2::254", "::ffff:10.0.0.1", "0.0.0.0", "224.0.0.1"])
def test_private_and_metadata_addresses_refused(address: str) -> None:
    assert not address_allowed(address)


def test_public_addresses_allowed() -> None:
    assert address_allowed("93.184.216.34") and address_allowed("2606:4700::1")


async def test_check_url_rules() -> None:
    strict = FeedConfig()
    for url in ("file:///etc/passwd", "ftp://example.org/feed", "gopher://x", "http://"):
        with pytest.raises(BlockedURL):
            check_scheme(url)
    for url in ("http://127.0.0.1:8080/rss", "http://[::1]/rss", "http://169.254.169.254/",
                "http://localhost/rss", "http://user:pw@example.org/rss"):
        with pytest.raises(BlockedURL):
            await check_url(url, strict)
    await check_url("http://127.0.0.1:8080/rss", FeedConfig(allow_hosts=frozenset({"127.0.0.1"})))
    await check_url("http://10.0.0.5/rss", FeedConfig(allow_private=True))
    with pytest.raises(BlockedURL):  # the allow-list names hosts, not everything private
        await check_url("http://10.0.0.5/rss", FeedConfig(allow_hosts=frozenset({"127.0.0.1"})))


def test_json_feed_and_non_feeds() -> None:
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": ['
            b'{"id": "1", "url": "/a/1", "content_html": "<p>One</p><p>Two</p>",'
            b' "date_published": "2024-01-02T03:04:05Z"}, {"title": "no id, no url"}]}')
    feed = parse_feed(body, "https://example.org/feed.json", "application/feed+json")
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.link == "https://example.org/a/1" and entry.date == "2024-01-02"
    assert entry.text == "One\n\nTwo"
    with pytest.raises(FeedParseError):
        parse_feed(b'{"items": []}', "https://example.org/x.json", "application/json")
    with pytest.raises(FeedParseError):
        parse_feed(b"<html><body>hello</body></html>", "https://example.org/", "text/xml")


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    assert html_to_text("<p>A &amp; B</p><script>x()</script><p>C<br>D</p>") == "A & B\n\nC\nD"
