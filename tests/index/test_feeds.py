"""Feeds end to end against a local site: every format and failure is reported and survived,
and nothing is indexed twice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from index.embedder import Embedder
from index.feeds.models import FeedConfig
from index.feeds.poller import Poller
from index.feeds.sink import index_articles
from index.feeds.store import FeedStore
from index.local import LocalBackend
from index.models import Article, IngestSummary
from tests.index.feed_server import CLUTTER, HARBOUR_BODY, LIBRARY_BODY, FeedServer

CONFIG = FeedConfig(allow_hosts=frozenset({"127.0.0.1"}), connect_timeout=1.0, read_timeout=1.0,
                    total_timeout=3.0, max_page_bytes=1_000_000, max_feed_bytes=1_000_000)


@pytest.fixture
def index_dir(seed_copy: Path) -> Path:
    return seed_copy


def make_poller(index_dir: Path, embedder: Embedder, config: FeedConfig = CONFIG) -> Poller:
    store = FeedStore.for_index(index_dir)

    def sink(articles: Sequence[Article], owner: str) -> IngestSummary:
        return index_articles(index_dir, articles, owner, embedder)

    return Poller(store, config, sink)


def stored(index_dir: Path) -> dict[str, Article]:
    store = LocalBackend.open(index_dir)
    try:
        return store.get_articles(store.article_ids())
    finally:
        store.close()


async def test_formats_clutter_and_bad_links(site: FeedServer, index_dir: Path,
                                             embedder: Embedder) -> None:
    poller = make_poller(index_dir, embedder)
    for path in ("rss.xml", "atom.xml", "feed.json"):
        poller.store.add(site.url(path), source="Alder")
    before = set(stored(index_dir))
    report = await poller.poll()
    assert [o.status for o in report.outcomes] == ["ok", "ok", "ok"], report
    problems = " | ".join(p for o in report.outcomes for p in o.problems)
    assert "application/pdf" in problems  # non-HTML page
    assert "limit" in problems  # the 50 MB page, cut off at the cap
    assert "private or reserved" in problems  # a link to the metadata address
    assert "HTTP 404" in problems
    assert "too little text" in problems  # the JSON feed's thin page
    articles = {i: a for i, a in stored(index_dir).items() if i not in before}
    # RSS, Atom and JSON share the harbour and library pages; RSS lists harbour twice.
    urls = sorted(a.url or "" for a in articles.values())
    assert len(urls) == len(set(urls)) == 7, urls
    by_url = {a.url: a for a in articles.values()}
    harbour = by_url[site.url("harbour.html")]
    assert HARBOUR_BODY in harbour.text and harbour.date == "2024-05-14"
    assert harbour.title and "Harbour bridge" in harbour.title
    library = by_url[site.url("library.html")]  # the relative link, made absolute
    assert LIBRARY_BODY in library.text  # UTF-8 although the page declared latin-1
    for article in articles.values():
        for clutter in CLUTTER:
            assert clutter not in article.text
    report_pdf = by_url[site.url("report.pdf")]
    assert report_pdf.date is None and "annual report" in report_pdf.text  # partial, undated
    assert sum(o.partial for o in report.outcomes) == 5
    assert set(report.article_ids) == set(articles)

    # A second pass: nothing new, no page fetched again, nothing re-indexed.
    pages_before = site.hits("/harbour.html")
    again = await poller.poll(due_only=False)
    assert all(o.added == 0 and o.updated == 0 for o in again.outcomes)
    assert again.article_ids == ()
    assert site.hits("/harbour.html") == pages_before
    listed = {f.url: f for f in poller.store.feeds()}
    assert listed[site.url("rss.xml")].articles_added == 6
    assert listed[site.url("rss.xml")].last_success is not None


async def test_each_failure_is_reported_and_survived(site: FeedServer, index_dir: Path,
                                                     embedder: Embedder) -> None:
    poller = make_poller(index_dir, embedder)
    bad = ["error.xml", "slow.xml", "slowbody.xml", "loop", "to-private", "page-as-feed.xml",
           "moved.xml", "truncated.xml", "latin1.xml"]
    for path in bad:
        poller.store.add(site.url(path))
    report = await poller.poll()
    by_url = {o.url.rsplit("/", 1)[1]: o for o in report.outcomes}
    assert "HTTP 500" in (by_url["error.xml"].error or "")
    assert "timed out" in (by_url["slow.xml"].error or "")
    assert "timed out" in (by_url["slowbody.xml"].error or "")
    assert "redirect loop" in (by_url["loop"].error or "")
    assert "private or reserved" in (by_url["to-private"].error or "")
    assert "text/html" in (by_url["page-as-feed.xml"].error or "")
    assert by_url["moved.xml"].status == "ok"  # a permanent redirect to a good feed
    assert by_url["truncated.xml"].status == "ok" and by_url["truncated.xml"].problems
    assert by_url["latin1.xml"].status == "ok"
    texts = [a.text for a in stored(index_dir).values()]
    assert any("Le café du port sert des crêpes" in t for t in texts)
    # Backoff: a failing feed waits twice its interval after the second failure.
    feeds = {f.url.rsplit("/", 1)[1]: f for f in poller.store.feeds()}
    first = feeds["error.xml"]
    assert first.failures == 1 and first.last_error
    await poller.poll(due_only=False)
    second = poller.store.get(first.id)
    assert second is not None and second.failures == 2
    assert second.next_poll - second.last_error_at >= 2 * second.every - 1  # type: ignore[operator]


async def test_conditional_get_and_changed_etag(site: FeedServer, index_dir: Path,
                                                embedder: Embedder) -> None:
    poller = make_poller(index_dir, embedder)
    poller.store.add(site.url("etag.xml"))
    site.state["etag"] = '"v1"'
    first = await poller.poll()
    assert first.outcomes[0].status == "ok" and first.outcomes[0].added == 1
    second = await poller.poll(due_only=False)
    assert second.outcomes[0].status == "not_modified"
    site.state["etag"] = '"v2"'
    third = await poller.poll(due_only=False)
    assert third.outcomes[0].status == "ok" and third.outcomes[0].added == 1


async def test_updated_article_replaces_the_older_version(site: FeedServer, index_dir: Path,
                                                          embedder: Embedder) -> None:
    poller = make_poller(index_dir, embedder)
    poller.store.add(site.url("updated.xml"))
    site.state["version"] = 1
    await poller.poll()
    v1 = [a for a in stored(index_dir).values() if a.url == site.url("updated.html")]
    assert len(v1) == 1 and "Version 1 of the story" in v1[0].text
    site.state["version"] = 2
    report = await poller.poll(due_only=False)
    assert report.outcomes[0].updated == 1
    v2 = [a for a in stored(index_dir).values() if a.url == site.url("updated.html")]
    assert len(v2) == 1 and v2[0].id == v1[0].id and "Version 2 of the story" in v2[0].text


async def test_private_addresses_refused_without_the_allow_list(site: FeedServer, index_dir: Path,
                                                                embedder: Embedder) -> None:
    poller = make_poller(index_dir, embedder, FeedConfig(connect_timeout=1.0, total_timeout=3.0))
    poller.store.add(site.url("rss.xml"))
    report = await poller.poll()
    assert report.outcomes[0].status == "failed"
    assert "private or reserved" in (report.outcomes[0].error or "")
    assert site.hits("/rss.xml") == site.hits("/rss.xml")  # nothing to count: never reached
