"""Prometheus metrics (prometheus-client): questions and their latency, errors, feed
polls and failures, articles added, alerts sent and queued, index size.

Recorded always (cheap counters in one registry); served only when
NEWSDESK_METRICS_PORT is set (:func:`serve`), on 127.0.0.1 unless NEWSDESK_METRICS_HOST
says otherwise. No discord imports.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
QUESTIONS = Counter("newsdesk_questions", "Questions, searches and quote lookups", ["kind"],
                    registry=REGISTRY)
LATENCY = Histogram("newsdesk_question_seconds", "Time to answer", ["kind"], registry=REGISTRY,
                    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60))
ERRORS = Counter("newsdesk_errors", "Failed questions and background jobs", ["kind"],
                 registry=REGISTRY)
FEED_POLLS = Counter("newsdesk_feed_polls", "Feed polls by outcome", ["status"], registry=REGISTRY)
FEED_FAILURES = Counter("newsdesk_feed_failures", "Feed polls that failed", registry=REGISTRY)
ARTICLES_ADDED = Counter("newsdesk_feed_articles", "Articles added or updated from feeds",
                         registry=REGISTRY)
ALERTS_SENT = Counter("newsdesk_alerts_sent", "Alert messages delivered", registry=REGISTRY)
ALERTS_QUEUED = Gauge("newsdesk_alerts_queued", "Alerts waiting to be delivered",
                      registry=REGISTRY)
INDEX_ARTICLES = Gauge("newsdesk_index_articles", "Articles in the index", registry=REGISTRY)
INDEX_BYTES = Gauge("newsdesk_index_bytes", "Size of the index on disk", registry=REGISTRY)


@contextlib.contextmanager
def question(kind: str) -> Iterator[None]:
    """Count and time one question; a failure counts as an error of that kind."""
    started = time.perf_counter()
    QUESTIONS.labels(kind).inc()
    try:
        yield
    except Exception:
        ERRORS.labels(kind).inc()
        raise
    finally:
        LATENCY.labels(kind).observe(time.perf_counter() - started)


def serve(port: int | None, host: str = "127.0.0.1") -> bool:
    """Start the /metrics endpoint in a daemon thread; False when no port is set."""
    if not port:
        return False
    start_http_server(port, addr=host, registry=REGISTRY)
    log.info("Prometheus metrics on http://%s:%d/metrics", host, port)
    return True
