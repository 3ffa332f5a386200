"""Live feeds: RSS/Atom/JSON Feed entries -> article pages -> `Article`s -> the indexer.

Layers inside this package, each small: ``guard`` (which hosts may be fetched),
``http`` (a polite fetcher), ``parse`` (feed documents -> entries), ``extract``
(article pages -> main text), ``urls`` (canonical URLs and article ids), ``store``
(the feed list and what each feed has delivered, ``feeds.sqlite`` beside the index),
``poller`` (one pass over the due feeds) and ``sink`` (the one call into the indexer).
"""

from index.feeds.models import FeedConfig, FeedOutcome, PollReport
from index.feeds.store import Feed, FeedStore

__all__ = ["Feed", "FeedConfig", "FeedOutcome", "FeedStore", "PollReport"]
