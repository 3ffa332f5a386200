"""Charts' numbers: counts per period equal a brute-force count over the whole index with
the answers' relevance test; namesakes never mix; periods, peaks and trend words."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from index.embedder import Embedder
from index.errors import BadQueryError
from index.local import LocalBackend
from retrieval.engine import NO_ANSWER_COSINE, WEAK_COSINE, WEAK_PASSAGE_LEXICAL, Engine
from retrieval.excerpts import lexical_score, term_weights
from retrieval.models import Filters
from retrieval.periods import (
    choose_period,
    count_points,
    parse_period,
    period_start,
    period_starts,
)
from retrieval.trend_models import OTHER, chart_json
from retrieval.trend_summary import direction, find_peaks
from tests.retrieval.trend_corpus import STRIKE, WANG_YI, WENBIN, trend_index  # noqa: F401


@pytest.fixture(scope="module")
def engine(trend_index: Path, embedder: Embedder) -> Engine:  # noqa: F811
    return Engine.open(trend_index, embedder)


def brute_force_matches(index: Path, embedder: Embedder, query: str,
                        lo: str | None = None, hi: str | None = None) -> dict[str, tuple[str | None, str | None]]:
    """article id -> (date, source) of every article one of whose passages passes the
    answers' test, scoring every passage of the index (no vector search, no top-k)."""
    store = LocalBackend.open(index)
    try:
        ids, vectors = store.passage_vectors()
        cosines = vectors @ embedder.encode([query])[0]
        passages = {p.id: p for p in store.get_passages(ids.tolist())}
        weights = term_weights(query)
        matched: dict[str, tuple[str | None, str | None]] = {}
        for pid, cos in zip(ids.tolist(), cosines.tolist(), strict=True):
            p = passages[pid]
            ok = cos >= NO_ANSWER_COSINE or (
                cos >= WEAK_COSINE and lexical_score(p.text, weights) >= WEAK_PASSAGE_LEXICAL)
            if not ok:
                continue
            art = store.get_article(p.article_id)
            if (lo and (not art.date or art.date < lo)) or (hi and (not art.date or art.date > hi)):
                continue
            matched[art.id] = (art.date, art.source)
        return matched
    finally:
        store.close()


@pytest.mark.parametrize("query", ["ferry strike", "ferry workers strike", "football cup",
                                   "quantum chromodynamics"])
@pytest.mark.parametrize("dates", [(None, None), ("2022-03-07", "2022-04-10")])
def test_counts_equal_a_brute_force_count_of_the_index(
    engine: Engine, trend_index: Path, embedder: Embedder,  # noqa: F811
    query: str, dates: tuple[str | None, str | None],
) -> None:
    chart = engine.trend(query, Filters(*dates))
    expected = brute_force_matches(trend_index, embedder, query, *dates)
    dated = {a: v for a, v in expected.items() if v[0]}
    assert chart.total == len(dated)
    assert chart.undated == len(expected) - len(dated)
    # Per period and per source, bucketed here independently of the chart code.
    by_source = Counter(src for _, src in dated.values())
    named = {s for s in by_source if s in {x.name for x in chart.series}}
    assert len(named) == min(5, len(by_source))
    for s in chart.series:
        want = [0] * len(chart.periods)
        for day, src in dated.values():
            if (src in named) == (s.name != OTHER) and (s.name == OTHER or src == s.name):
                start = period_start(date.fromisoformat(day or ""), chart.by).isoformat()
                want[chart.periods.index(start)] += 1
        assert list(s.counts) == want, s.name
    record = chart_json(chart)  # the JSON is the same computation
    assert [x["counts"] for x in record["series"]] == [list(s.counts) for s in chart.series]
    assert record["total"] == chart.total and record["totals"] == list(chart.totals)


def test_trend_by_source_top_five_then_other_and_peak_items(engine: Engine) -> None:
    chart = engine.trend("ferry strike")
    names = [s.name for s in chart.series]
    assert names[-1] == OTHER and len(names) == 6  # seven sources in the strike story
    assert chart.series[0].name == "Harbor Gazette"  # the most articles
    assert chart.by == "week" and 6 <= len(chart.periods) <= 60
    peak = chart.peaks[0]
    assert chart.totals[peak] == max(chart.totals)
    assert 1 <= len(chart.items) <= 3
    for c in chart.items:
        day = date.fromisoformat(c.date or "")
        assert period_start(day, chart.by).isoformat() == chart.periods[peak]
        article = engine.article(c.article_id)
        assert article.text[c.start:c.end] == c.text  # the offsets promise
    assert "peak: week of" in chart.summary and "12 articles" in chart.summary
    assert "1 article without a date" in chart.summary
    assert "0.47" in chart.caption  # the caption says how "match" is decided


def test_nothing_matches_gives_an_empty_chart_over_the_archive(engine: Engine) -> None:
    chart = engine.trend("quantum chromodynamics")
    assert chart.empty and chart.series == () and not chart.peaks and not chart.items
    assert chart.periods and chart.summary.startswith("No articles match")


def test_one_period(engine: Engine) -> None:
    chart = engine.trend("ferry strike", Filters("2022-03-15", "2022-03-15"))
    assert chart.periods == ("2022-03-15",) and chart.by == "day"
    assert chart.total == 1 and chart.peaks == (0,)
    assert "in 2022-03-15" in chart.summary


def test_timeline_never_counts_a_namesake(engine: Engine) -> None:
    wenbin = engine.timeline("Wang Wenbin")
    assert wenbin.total == len(WENBIN) and [s.name for s in wenbin.series] == ["Wang Wenbin"]
    assert {q.speaker for q in wenbin.quotes} == {"Wang Wenbin"}
    assert not any(q.article_id.startswith("wangyi") for q in wenbin.quotes)
    assert [q.date for q in wenbin.quotes] == sorted((d for d, _ in WENBIN), reverse=True)
    wang_yi = engine.timeline("Wang Yi")
    assert wang_yi.total == len(WANG_YI) and {q.speaker for q in wang_yi.quotes} == {"Wang Yi"}


def test_an_ambiguous_name_draws_each_person_apart(engine: Engine) -> None:
    chart = engine.timeline("Wang")
    assert set(chart.candidates) == {"Wang Wenbin", "Wang Yi"}
    assert {s.name: s.total for s in chart.series} == {"Wang Wenbin": 4, "Wang Yi": 2}
    assert not chart.stacked and chart.notes and "full name" in chart.notes[0]
    assert not chart.quotes  # nobody's statements are listed as one person's


def test_compare_speakers_and_topics(engine: Engine) -> None:
    people = engine.compare(["Wang Wenbin", "Wang Yi"])
    assert people.unit == "statements" and [s.total for s in people.series] == [4, 2]
    alone = engine.timeline("Wang Yi", Filters(people.date_from, people.date_to), people.by)
    assert people.series[1].counts == alone.series[0].counts
    topics = engine.compare(["ferry strike", "football cup"])
    assert topics.unit == "articles"
    assert [s.total for s in topics.series] == [12, 1]
    assert topics.series[0].counts == engine.trend(
        "ferry strike", Filters(topics.date_from, topics.date_to), topics.by).totals


@pytest.mark.parametrize("names, kind, message", [
    (["Wang Yi"], "auto", "2 to 4"),
    (["a", "b", "c", "d", "e"], "auto", "2 to 4"),
    (["Wang Yi", "wang yi"], "auto", "only once"),
    (["Wang", "Wang Yi"], "speakers", "Wang Wenbin"),
    (["Nobody Anywhere", "Wang Yi"], "speakers", "Nobody called"),
])
def test_compare_refuses_bad_input_clearly(engine: Engine, names: list[str], kind: str,
                                           message: str) -> None:
    with pytest.raises(BadQueryError, match=message):
        engine.compare(names, kind)  # type: ignore[arg-type]


def test_too_many_points_is_refused_with_a_coarser_period(engine: Engine) -> None:
    with pytest.raises(BadQueryError) as err:
        engine.trend("ferry strike", Filters("2000-01-01", "2022-12-31"), "day")
    assert "week" in (err.value.hint or "") or "month" in (err.value.hint or "")


# ----- periods, peaks and words ---------------------------------------------------------


@pytest.mark.parametrize("days", [1, 5, 6, 20, 45, 59, 60, 61, 120, 400, 430, 1000, 1830, 4000])
def test_automatic_period_gives_six_to_sixty_points(days: int) -> None:
    first = date(2021, 12, 30)
    last = first + timedelta(days=days - 1)
    by = choose_period(first, last)
    n = count_points(first, last, by)
    assert n == len(period_starts(first, last, by))
    assert 6 <= n <= 60 or (days < 6 and by == "day")


def test_period_boundaries() -> None:
    assert period_start(date(2022, 3, 31), "week") == date(2022, 3, 28)  # a Monday
    assert period_starts(date(2022, 11, 15), date(2023, 2, 1), "month") == [
        date(2022, 11, 1), date(2022, 12, 1), date(2023, 1, 1), date(2023, 2, 1)]
    assert period_starts(date(2021, 6, 1), date(2022, 1, 1), "year") == [
        date(2021, 1, 1), date(2022, 1, 1)]
    assert parse_period("Weeks") == "week" and parse_period(None) is None
    with pytest.raises(BadQueryError):
        parse_period("fortnight")


def test_peaks() -> None:
    assert find_peaks([]) == [] and find_peaks([0, 0]) == []
    assert find_peaks([1, 5, 2, 0, 4, 1]) == [1, 4]
    assert find_peaks([1, 5, 4, 1]) == [1]  # 4 is not a local maximum
    assert find_peaks([1, 0, 1, 0, 1]) == []  # nothing stands out
    assert find_peaks([3]) == [0]
    assert find_peaks([9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8]) == [0, 11]


def test_direction() -> None:
    assert direction([1, 2, 4, 6, 8]) == "rising"
    assert direction([8, 6, 4, 2, 1]) == "falling"
    assert direction([3, 4, 3, 4, 3]) == "steady"
    assert direction([5, 1]) == "too few periods to tell"
    assert direction([0, 0, 0]) == "none"


def test_no_strike_article_is_lost_by_a_narrow_first_search(engine: Engine,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The vector search starts small and widens: a first top-k of 2 finds the same."""
    import retrieval.trends as trends

    wide = engine.trend("ferry strike")
    monkeypatch.setattr(trends, "FIRST_K", 2)
    assert engine.trend("ferry strike").series == wide.series
    assert wide.total + wide.undated >= len(STRIKE) - 1
