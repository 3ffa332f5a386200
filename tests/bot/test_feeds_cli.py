"""`newsdesk feeds add|list|check|remove` against the local site, settings, and the
Prometheus endpoint."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from bot import metrics
from bot.cli import main
from bot.feed_report import parse_every
from index.errors import BadQueryError
from index.feeds.store import FeedStore
from tests.index.feed_server import FeedServer


def test_feeds_commands(tmp_path: Path, seed_index: Path, site: FeedServer,
                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    monkeypatch.setenv("NEWSDESK_FEEDS_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    idx = ["--index", str(index_dir)]
    assert main(["feeds", "add", site.url("atom.xml"), "--source", "Alder", "--every", "1h", *idx]) == 0
    assert main(["feeds", "add", site.url("error.xml"), *idx]) == 0
    assert main(["feeds", "add", "file:///etc/passwd", *idx]) == 1
    assert "only http and https" in capsys.readouterr().err
    assert main(["feeds", "check", *idx]) == 0
    out = capsys.readouterr().out
    assert "atom.xml: 1 added, 0 updated" in out and "error.xml: FAILED: HTTP 500" in out
    assert main(["feeds", "list", *idx]) == 0
    out = capsys.readouterr().out
    assert "#1 " in out and "(Alder)" in out and "every 1h" in out and "1 article(s) added" in out
    assert "last error" in out and "HTTP 500" in out
    assert (index_dir / "feeds.sqlite").stat().st_mode & 0o777 == 0o600
    assert main(["feeds", "remove", "2", *idx]) == 0
    assert [f.id for f in FeedStore.for_index(index_dir).feeds()] == [1]


def test_parse_every() -> None:
    assert parse_every("15m", 1) == 900 and parse_every("1h30m", 1) == 5400
    assert parse_every(None, 42) == 42 and parse_every("120", 1) == 120
    for bad in ("soon", "5s", "15x"):
        with pytest.raises(BadQueryError):
            parse_every(bad, 1)


def test_metrics_endpoint() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert metrics.serve(port)
    with metrics.question("answer"):
        pass
    metrics.FEED_POLLS.labels("ok").inc()
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert 'newsdesk_questions_total{kind="answer"}' in body
    assert "newsdesk_question_seconds_bucket" in body
    assert 'newsdesk_feed_polls_total{status="ok"}' in body
    assert "newsdesk_alerts_queued" in body and "newsdesk_index_bytes" in body
    assert not metrics.serve(None)


def test_watch_stops_cleanly_on_ctrl_c(tmp_path: Path, site: FeedServer) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    index_dir = tmp_path / "index"
    FeedStore.for_index(index_dir).add(site.url("f/0.xml"))  # an empty feed: nothing to embed
    env = {**os.environ, "NEWSDESK_FEEDS_ALLOW_HOSTS": "127.0.0.1"}
    code = "import sys; from bot.cli import main; sys.exit(main())"
    proc = subprocess.Popen([sys.executable, "-c", code, "watch", "--index", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=tmp_path)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the first pass's report
        assert "f/0.xml: 0 added" in first, first
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Stopping after the current batch" in err and "Stopped." in err
