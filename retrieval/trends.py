"""Charts computed from the archive: coverage of a topic over time, a speaker's timeline,
and a comparison of two to four topics or speakers (README: Charts).

An article *matches* a topic by the same relevance test as answers (engine.py): one of
its passages has a cosine of at least NO_ANSWER_COSINE with the query, or at least
WEAK_COSINE while holding WEAK_PASSAGE_LEXICAL of the query's terms. Every passage above
the lower bar is found (the vector search widens until it reaches below it), so counts
do not stop at a top-k. A speaker's statements come from the quote lookup, namesakes
kept apart exactly as in /quotes.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np

from index.backend import OPERATOR_SCOPE, ArticleFilter, IndexReader, PassageCandidate, Scope
from index.errors import BadQueryError
from retrieval.engine import NO_ANSWER_COSINE, WEAK_COSINE, WEAK_PASSAGE_LEXICAL
from retrieval.excerpts import best_sentences, lexical_score, term_weights
from retrieval.models import Citation, Filters, QuoteHit, QuoteLookup
from retrieval.periods import Period, check_points, choose_period, period_label, period_starts
from retrieval.plan import make_plan
from retrieval.trend_models import OTHER, ChartData, CompareKind, Series
from retrieval.trend_summary import describe, find_peaks

TOP_SOURCES = 5
PEAK_ITEMS = 3
NEWEST_STATEMENTS = 5
FIRST_K = 256  # passages fetched by the first vector search; widened 4x while needed
COMPARE_MIN, COMPARE_MAX = 2, 4
MATCH_CAPTION = (
    f"An article counts when one of its passages passes the test answers use: similarity "
    f"≥ {NO_ANSWER_COSINE:.2f} to the query, or ≥ {WEAK_COSINE:.2f} with most of its words."
)
QUOTE_CAPTION = "Statements attributed to the speaker in the archive; a wire story in two outlets counts once."


@dataclass(frozen=True)
class Corpus:
    """What chart computations read, handed over by the Engine (through the backend)."""

    backend: IndexReader
    encode: Callable[[str], np.ndarray]
    quotes: Callable[[str, str | None, Filters | None], QuoteLookup]
    bounds: Callable[[], tuple[str | None, str | None]]  # the archive's first and last date
    scope: Scope = OPERATOR_SCOPE  # whose articles are counted (``quotes`` is bound to it)


@dataclass(frozen=True)
class ArticleMatch:
    article_id: str
    day: date | None
    source: str | None
    score: float  # the best passing passage's cosine
    passage_id: int


# ----- matching ------------------------------------------------------------------------


def matching_articles(corpus: Corpus, query: str,
                      filters: Filters | None) -> tuple[str, Filters, list[ArticleMatch]]:
    """(searched text, filters after reading dates in the query, matches best first)."""
    plan = make_plan(query, filters, None, corpus.backend.latest_date())
    f = plan.filters
    if plan.empty:
        return plan.text, f, []
    flt = ArticleFilter(f.date_from, f.date_to, f.source, f.article_ids, corpus.scope)
    found = _passages_above(corpus.backend, corpus.encode(plan.text), flt, WEAK_COSINE)
    weights = term_weights(plan.text)
    weak = [c.passage_id for c in found if c.score < NO_ANSWER_COSINE]
    covered = {p.id for p in corpus.backend.get_passages(weak)
               if lexical_score(p.text, weights) >= WEAK_PASSAGE_LEXICAL}
    best: dict[str, PassageCandidate] = {}
    for c in found:
        if c.score < NO_ANSWER_COSINE and c.passage_id not in covered:
            continue
        if c.article_id not in best or c.score > best[c.article_id].score:
            best[c.article_id] = c
    sources = {a.id: a.source for a in corpus.backend.get_articles(list(best), corpus.scope).values()}
    matches = [ArticleMatch(aid, _day(c.date), sources.get(aid), c.score, c.passage_id)
               for aid, c in best.items() if aid in sources]
    matches.sort(key=lambda m: (-m.score, m.article_id))
    return plan.text, f, matches


def _passages_above(backend: IndexReader, qvec: np.ndarray, flt: ArticleFilter,
                    floor: float) -> list[PassageCandidate]:
    """Every passage scoring >= ``floor``: a top-k search widened until it reaches below."""
    k = FIRST_K
    while True:
        found = backend.dense_search(qvec, k, flt)
        if len(found) < k or found[-1].score < floor:
            return [c for c in found if c.score >= floor]
        k *= 4


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


# ----- the three charts ----------------------------------------------------------------


def trend_chart(corpus: Corpus, query: str, filters: Filters | None = None,
                by: Period | None = None) -> ChartData:
    """Articles matching ``query`` per period, by source (top five, then "other")."""
    text, f, matches = matching_articles(corpus, query, filters)
    sources = Counter(_source(m.source) for m in matches if m.day)
    top = [name for name, _ in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))]
    named = top[:TOP_SOURCES]
    groups: dict[str, list[date | None]] = {name: [] for name in named}
    if len(top) > TOP_SOURCES:
        groups[OTHER] = []
    for m in matches:
        name = _source(m.source)
        if m.day is not None:
            groups[name if name in named else OTHER].append(m.day)
    frame = _frame(corpus, f, [m.day for m in matches], by)
    series = tuple(Series(name, frame.count(days)) for name, days in groups.items())
    chart = _chart("trend", f"Coverage of “{text}”", (text,), "articles", frame, series,
                   stacked=True, caption=MATCH_CAPTION,
                   undated=sum(1 for m in matches if m.day is None))
    if not chart.peaks:
        return chart
    peak = frame.starts[chart.peaks[0]]
    in_peak = [m for m in matches if m.day and frame.index(m.day) == chart.peaks[0]]
    return replace(chart, items=_citations(corpus, text, in_peak[:PEAK_ITEMS]),
                   items_title=f"Top articles of the peak ({period_label(peak, frame.by)})")


def timeline_chart(corpus: Corpus, speaker: str, filters: Filters | None = None,
                   by: Period | None = None) -> ChartData:
    """A speaker's statements per period; an ambiguous name draws each person apart."""
    lookup = corpus.quotes(speaker, None, filters)
    f = filters or Filters()
    if lookup.ambiguous:
        groups = {g.name: [_day(q.date) for q in g.quotes] for g in lookup.groups}
        frame = _frame(corpus, f, [d for days in groups.values() for d in days], by)
        series = tuple(Series(name, frame.count(days)) for name, days in groups.items())
        note = (f"“{lookup.query}” matches {len(lookup.candidates)} people: "
                f"{', '.join(lookup.candidates)}. Each is drawn apart; ask again with a full name.")
        return _chart("timeline", f"Statements by “{lookup.query}” (several people)",
                      (lookup.query,), "statements", frame, series, stacked=False,
                      caption=QUOTE_CAPTION, undated=_undated(groups), notes=(note,),
                      candidates=lookup.candidates)
    name = lookup.speaker or lookup.query
    days = [_day(q.date) for q in lookup.quotes]
    frame = _frame(corpus, f, days, by)
    series = (Series(name, frame.count(days)),) if lookup.quotes else ()
    notes = (f"Also quoted under this name: {', '.join(lookup.others)}.",) if lookup.others else ()
    newest = lookup.quotes[:NEWEST_STATEMENTS]
    return _chart("timeline", f"Statements by {name}", (name,), "statements", frame, series,
                  stacked=False, caption=QUOTE_CAPTION, undated=days.count(None), notes=notes,
                  items=tuple(_quote_citation(i, q) for i, q in enumerate(newest, start=1)),
                  quotes=newest, items_title="Newest statements" if newest else "")


def compare_chart(corpus: Corpus, names: Sequence[str], kind: CompareKind = "auto",
                  filters: Filters | None = None, by: Period | None = None) -> ChartData:
    """Two to four speakers (statements) or topics (matching articles), one series each."""
    wanted = [n.strip() for n in names if n and n.strip()]
    if not COMPARE_MIN <= len(wanted) <= COMPARE_MAX:
        raise BadQueryError(f"Compare {COMPARE_MIN} to {COMPARE_MAX} names or topics "
                            f"(got {len(wanted)}).")
    if len({w.casefold() for w in wanted}) < len(wanted):
        raise BadQueryError("Each name or topic can be compared only once.")
    f = filters or Filters()
    groups: dict[str, list[date | None]] = {}
    if kind != "topics":
        lookups = [corpus.quotes(n, None, filters) for n in wanted]
        unresolved = [lk for lk in lookups if lk.ambiguous or not lk.quotes]
        if kind == "speakers" and unresolved:
            raise BadQueryError(_unresolved(unresolved[0]),
                                hint="Use full names, as /timeline suggests them.")
        if not unresolved:
            kind = "speakers"
            for lk in lookups:
                groups[lk.speaker or lk.query] = [_day(q.date) for q in lk.quotes]
    if kind != "speakers":
        kind = "topics"
        for n in wanted:
            text, _, matches = matching_articles(corpus, n, filters)
            groups[text] = [m.day for m in matches]
    frame = _frame(corpus, f, [d for days in groups.values() for d in days], by)
    series = tuple(Series(name, frame.count(days)) for name, days in groups.items())
    unit = "statements" if kind == "speakers" else "articles"
    title = " vs ".join(groups) if kind == "speakers" else " vs ".join(f"“{g}”" for g in groups)
    return _chart("compare", title, tuple(groups), unit, frame, series, stacked=False,
                  caption=QUOTE_CAPTION if kind == "speakers" else MATCH_CAPTION,
                  undated=_undated(groups))


def _unresolved(lookup: QuoteLookup) -> str:
    if lookup.ambiguous:
        return (f"“{lookup.query}” matches several people: {', '.join(lookup.candidates)}. "
                "Pick one.")
    return f"Nobody called “{lookup.query}” is quoted in the archive."


# ----- periods and assembly ------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """The periods of one chart: first days, and where a day falls."""

    by: Period
    starts: tuple[date, ...]
    first: date | None
    last: date | None

    def index(self, day: date) -> int:
        return bisect.bisect_right(self.starts, day) - 1

    def count(self, days: Sequence[date | None]) -> tuple[int, ...]:
        counts = [0] * len(self.starts)
        for d in days:
            if d is None or self.first is None or self.last is None:
                continue
            if self.first <= d <= self.last:
                counts[self.index(d)] += 1
        return tuple(counts)


def _frame(corpus: Corpus, f: Filters, days: Sequence[date | None],
           by: Period | None) -> _Frame:
    """Periods from ``from`` (else the first dated match, else the archive's first day) to
    ``to`` (likewise), in ``by`` or the period that gives 6-60 points."""
    dated = [d for d in days if d is not None]
    first = _day(f.date_from) or (min(dated) if dated else None)
    last = _day(f.date_to) or (max(dated) if dated else None)
    if first is None or last is None:
        archive_first, archive_last = corpus.bounds()
        first, last = first or _day(archive_first), last or _day(archive_last)
    if first is None or last is None or first > last:
        return _Frame(by or "day", (), None, None)
    period = by or choose_period(first, last)
    check_points(first, last, period)
    return _Frame(period, tuple(period_starts(first, last, period)), first, last)


def _chart(kind: Literal["trend", "timeline", "compare"], title: str, subjects: tuple[str, ...],
           unit: str, frame: _Frame, series: tuple[Series, ...], *, stacked: bool,
           caption: str, undated: int = 0, notes: tuple[str, ...] = (),
           candidates: tuple[str, ...] = (), items: tuple[Citation, ...] = (),
           quotes: tuple[QuoteHit, ...] = (), items_title: str = "") -> ChartData:
    periods = tuple(s.isoformat() for s in frame.starts)
    totals = [sum(col) for col in zip(*(s.counts for s in series), strict=True)] if series \
        else [0] * len(periods)
    peaks = find_peaks(totals)
    first = frame.first.isoformat() if frame.first else None
    last = frame.last.isoformat() if frame.last else None
    summary = describe(kind, subjects, unit, series, totals, peaks, frame.starts, frame.by,
                       first, last, undated)
    return ChartData(kind=kind, title=title, subjects=subjects, unit=unit, by=frame.by,
                     periods=periods, series=series, stacked=stacked, peaks=tuple(peaks),
                     summary=summary, caption=caption, items_title=items_title, items=items,
                     quotes=quotes, date_from=first, date_to=last, undated=undated,
                     candidates=candidates, notes=notes)


def _undated(groups: dict[str, list[date | None]]) -> int:
    return sum(days.count(None) for days in groups.values())


def _source(source: str | None) -> str:
    return source.strip() if source and source.strip() else "unknown source"


# ----- citations -----------------------------------------------------------------------


def _citations(corpus: Corpus, query: str, matches: Sequence[ArticleMatch]) -> tuple[Citation, ...]:
    """Each match's best passage, cut to its sentences that best match the query."""
    passages = {p.id: p for p in corpus.backend.get_passages([m.passage_id for m in matches])}
    articles = corpus.backend.get_articles([m.article_id for m in matches], corpus.scope)
    weights = term_weights(query)
    out: list[Citation] = []
    for m in matches:
        art, passage = articles.get(m.article_id), passages.get(m.passage_id)
        if art is None or passage is None:
            continue  # removed since the match was computed
        spans = best_sentences(art.text, passage.start, passage.end, weights, limit=1) or (
            (passage.start, passage.end),)
        start, end = spans[0][0], spans[-1][1]
        out.append(Citation(marker=len(out) + 1, article_id=art.id, title=art.title,
                            date=art.date, source=art.source, url=art.url,
                            text=art.text[start:end], start=start, end=end,
                            paragraph=passage.paragraph_start, passage_id=passage.id,
                            highlights=((start, end),)))
    return tuple(out)


def _quote_citation(marker: int, q: QuoteHit) -> Citation:
    return Citation(marker=marker, article_id=q.article_id, title=q.title, date=q.date,
                    source=q.source, url=q.url, text=q.text, start=q.start, end=q.end,
                    paragraph=q.paragraph, highlights=((q.start, q.end),))
