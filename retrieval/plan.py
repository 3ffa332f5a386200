"""A user's query turned into what the ranker needs: clean text, filters, reference day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from index.errors import BadQueryError
from retrieval.dates import DateRange, describe_window, parse_dates
from retrieval.models import Filters
from retrieval.query import clean_query

MAX_BACKGROUND_CHARS = 500  # an earlier question and a title; never the query's limit


@dataclass(frozen=True)
class QueryPlan:
    original: str  # as the user typed it (echoed in answers)
    text: str  # cleaned, date phrase removed: what is searched
    filters: Filters  # explicit filters, plus the question's date range if it had one
    as_of: date | None  # explicit reference day: enables the recency prior
    # The range the question's own date phrase stood for ("in 2021", "this week"), the
    # day a relative one counted back from, and the filters the caller gave before the
    # phrase narrowed them (the archive fallback's filters).
    question_window: DateRange | None = None
    reference_day: date | None = None
    given_filters: Filters | None = None
    # Words searched beside ``text`` but never answered: an earlier turn's question and
    # title, for a follow-up whose "it" has no words of its own ("how much will it cost?").
    background: str = ""

    @property
    def searched(self) -> str:
        """What the ranker matches: the text, then any background."""
        return f"{self.text} {self.background}" if self.background else self.text

    def without_question_dates(self) -> QueryPlan:
        """The same question over the whole archive: the phrase's date range dropped
        (dates the caller gave explicitly are kept). A weekday goes back into the
        searched words: articles write "announced his retirement Tuesday", never "this
        week"."""
        window = self.question_window
        text = self.text
        if window is not None and window.weekday:
            words = text.rstrip("?.! ")
            text = f"{words} {window.phrase}{text[len(words):]}"
        return replace(self, text=text, filters=self.given_filters or Filters(),
                       question_window=None)

    @property
    def empty(self) -> bool:
        """True when the filters cannot match anything (e.g. from > to)."""
        f = self.filters
        return bool(f.date_from and f.date_to and f.date_from > f.date_to) or (
            f.article_ids is not None and not f.article_ids)


def _to_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value[:10])
    except ValueError as err:
        raise BadQueryError(f"{value!r} is not a date.", hint="Use YYYY-MM-DD.") from err


def _merge(filters: Filters, found: DateRange) -> Filters:
    """Explicit --from/--to win; the question's own range fills what they leave open."""
    lo, hi = found.iso()
    return replace(filters, date_from=filters.date_from or lo, date_to=filters.date_to or hi)


def make_plan(query: str, filters: Filters | None, as_of: str | date | None,
              corpus_latest: str | None, read_dates: bool = True,
              background: str = "") -> QueryPlan:
    """Clean ``query`` and read any date expression in it (never in ``background``).

    Relative dates ("last week") count back from ``as_of`` when given, else from the
    corpus's newest article, else today.
    """
    filters = filters or Filters()
    text = clean_query(query)
    as_of_day = _to_date(as_of)
    ref = as_of_day or _to_date(corpus_latest) or date.today()
    found, rest = parse_dates(text, ref) if read_dates else (None, text)
    given = filters
    if found is not None:
        filters = _merge(filters, found)
        # Keep the original wording when the date phrase was the whole query.
        text = rest if any(ch.isalnum() for ch in rest) else text
    return QueryPlan(original=query, text=text, filters=filters, as_of=as_of_day,
                     question_window=found, reference_day=ref, given_filters=given,
                     background=_clean_background(background))


def _clean_background(background: str) -> str:
    """The background's searchable words, or none: it is context, never a reason to
    refuse the question ("@everyone" as an earlier title leaves nothing to add)."""
    try:
        return clean_query(background[:MAX_BACKGROUND_CHARS])
    except BadQueryError:
        return ""


# How each note of `fallback_note` begins (a reader of answers can drop the note line).
FALLBACK_NOTE_OPENINGS = ("Nothing from ", "Closer matches from other dates than ",
                          "Best matches from any date:")


def fallback_note(plan: QueryPlan, *, weaker: bool = False) -> str:
    """What an answer from the whole archive says when the question's date range held
    nothing (or, ``weaker``, only a clearly weaker match)."""
    window, ref = plan.question_window, plan.reference_day
    if window is None or ref is None:
        return "Best matches from any date:"
    span = describe_window(window, ref)
    if window.relative and ref.isoformat() in span:
        span += ", the question's date" if plan.as_of else ", the newest article"
    if weaker:
        return f"Closer matches from other dates than {span}:"
    return f"Nothing from {span}; best matches from any date:"
