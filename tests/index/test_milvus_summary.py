"""Milvus `stats` and `latest_date` (index/milvus/summary.py) agree with the local
backend's SQL on the same articles, through writes, a delete of the newest article,
an owner change and a source change; and they no longer read every article."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from index.backend import Backend, PreparedArticle, Scope
from index.local.backend import LocalBackend
from index.milvus import MilvusBackend, summary
from index.models import Article, IndexStats, Quote

SCOPES = (Scope.operator(), Scope.for_guild(7), Scope.direct_message())


def _quote(aid: str, speaker: str, n: int) -> Quote:
    return Quote(article_id=aid, speaker=speaker, text=f"words {n}", start=n, end=n + 5, cue="said", direct=True,
                 speaker_key=speaker.lower())


def _items() -> list[PreparedArticle]:
    rows = [("a1", "2022-03-01", "Valley Wire", "operator", ["Wang Wenbin", "Wang Yi"]),
            ("a2", "2022-03-09", "valley wire", "operator", ["Wang Wenbin"]),
            ("a3", "2023-01-15T08:00:00", None, "7", ["Priya Nand"]),
            ("a4", None, "Coast News", "7", []),
            ("a5", "2021-12-31", "Coast News", "9", ["Ana Ruiz", "Wang Yi"]),
            ("a6", "2022-03-09", "", "operator", [])]
    return [PreparedArticle(Article(id=aid, text=f"text of {aid}", title=f"title {aid}",
                                    date=date, source=source),
                            f"hash-{aid}", (),
                            tuple(_quote(aid, s, n) for n, s in enumerate(speakers)), owner)
            for aid, date, source, owner, speakers in rows]


def _comparable(stats: IndexStats) -> dict[str, Any]:
    return {k: v for k, v in stats.__dict__.items()
            if k not in ("model", "dimension", "vector_index", "size_bytes")}


def _same(local: Backend, milvus: Backend) -> None:
    for scope in SCOPES:
        assert milvus.latest_date(scope) == local.latest_date(scope), scope
        assert _comparable(milvus.stats(scope)) == _comparable(local.stats(scope)), scope


@pytest.fixture
def pair(tmp_path: Path) -> Any:
    local = LocalBackend.open(tmp_path / "local", create=True)
    milvus = MilvusBackend.open(str(tmp_path / "m.db"), create=True)
    yield local, milvus
    local.close()
    milvus.close()


def test_stats_and_latest_date_follow_every_write(pair: tuple[Backend, MilvusBackend]) -> None:
    local, milvus = pair
    items = _items()
    for b in pair:
        b.write(items, {})
    _same(local, milvus)
    assert milvus.latest_date(Scope.for_guild(7)) == "2023-01-15T08:00:00"
    assert milvus.stats().speakers == 4 and milvus.stats(Scope.direct_message()).speakers == 2

    for b in pair:  # the newest article goes: the latest date moves back
        b.delete(["a3"])
    _same(local, milvus)
    assert milvus.latest_date() == "2022-03-09"

    for b in pair:  # a new version with another source and date; an owner change
        b.write([replace(items[0], article=replace(items[0].article, source="Hill Post",
                                                    date="2024-02-02"),
                         content_hash="hash-a1-v2")], {})
        b.set_owner(["a5"], "operator")
    _same(local, milvus)
    assert dict(milvus.stats().sources)["Hill Post"] == 1
    assert "Valley Wire" not in dict(milvus.stats().sources)  # its only article moved on


def test_summary_does_not_read_every_article(pair: tuple[Backend, MilvusBackend],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles are counted, never iterated (only the rows of the newest day are read)."""
    _, milvus = pair
    milvus.write(_items(), {})
    iterated: list[str] = []
    real = summary.scan

    def logged(client: Any, collection: str, expr: str, fields: Any) -> Any:
        if collection == milvus.names.articles and "date ==" not in expr:
            iterated.append(expr)
        return real(client, collection, expr, fields)

    monkeypatch.setattr(summary, "scan", logged)
    assert milvus.stats().articles == 6 and milvus.latest_date() == "2023-01-15T08:00:00"
    assert milvus.stats(Scope.for_guild(9)).date_min == "2021-12-31"
    assert iterated == []


def test_empty_index(pair: tuple[Backend, MilvusBackend]) -> None:
    local, milvus = pair
    assert milvus.latest_date() is None
    _same(local, milvus)


@pytest.mark.parametrize("newest", [True, False])
def test_date_bisection_finds_the_extreme_from_any_hint(newest: bool) -> None:
    """`_bisect` against a plain max/min, with no hint, the right one, a stale one."""
    rng = random.Random(7)
    for _ in range(500):
        dates = sorted(rng.sample(range(19000101, 21001231), rng.randint(0, 4)))
        want = (max(dates) if newest else min(dates)) if dates else None
        def reaches(d: int, dates: list[int] = dates) -> bool:
            return any((x >= d) if newest else (x <= d) for x in dates)

        for hint in (None, want, (want or 20000101) + rng.randint(-900, 900)):
            assert summary._bisect(reaches, hint, newest) == want, (dates, hint)
