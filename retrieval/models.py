"""Typed results of the retrieval API. No discord imports here or below."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before ranking (not by discarding a top-k afterwards)."""

    date_from: str | None = None  # inclusive ISO date
    date_to: str | None = None  # inclusive ISO date
    source: str | None = None  # case-insensitive match on Article.source
    article_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Excerpt:
    """A verbatim piece of an article: ``article.text[start:end] == text``.

    ``highlights`` are (start, end) offsets *into the article* of the sentences
    that best match the question; renderers bold them.
    """

    article_id: str
    passage_id: int
    text: str
    start: int
    end: int
    paragraph: int
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Hit:
    """One article in a ranked result list, with its best excerpts."""

    article_id: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    score: float
    excerpts: tuple[Excerpt, ...]
    also_in: tuple[str, ...] = ()  # ids of near-duplicate articles collapsed into this one


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer; ``marker`` is the n in "[n]"."""

    marker: int
    article_id: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    text: str  # verbatim excerpt
    start: int
    end: int
    paragraph: int
    passage_id: int = 0
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Answer:
    """An extractive answer: verbatim sentences each followed by [n] markers.

    kind: "answer" (search-based), "quotes" (what did X say), "ambiguous"
    (speaker matches several people: see ``candidates``), "no_answer".
    """

    question: str
    text: str
    citations: tuple[Citation, ...]
    kind: str = "answer"
    candidates: tuple[str, ...] = ()
    speaker: str | None = None
    filters: Filters = field(default_factory=Filters)


@dataclass(frozen=True)
class QuoteHit:
    """A stored quote with the metadata needed to cite it."""

    article_id: str
    speaker: str
    text: str
    start: int
    end: int
    cue: str
    direct: bool
    paragraph: int
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    also_in: tuple[str, ...] = ()  # other articles with the same words by the same speaker


@dataclass(frozen=True)
class SpeakerQuotes:
    """One person's quotes within an ambiguous lookup."""

    name: str
    quotes: tuple[QuoteHit, ...]


@dataclass(frozen=True)
class QuoteLookup:
    """Result of asking for a speaker's quotes.

    ``candidates`` holds several names when the query is ambiguous ("Wang" ->
    "Wang Wenbin", "Wang Yi"); then ``speaker`` is None and nothing is guessed:
    ``groups`` holds each candidate's quotes under their own name, most quoted
    person first, and ``quotes`` is those groups one after another (every quote
    keeps its own speaker). Quotes whose article gives only the shared name
    ("Wang said") form a last group of their own.
    ``others`` names the people sharing the name when one of them clearly
    dominated and was chosen ("Trump" -> Donald Trump; others: "Ivanka Trump"),
    most quoted first, so an answer can say "also: quotes by Ivanka Trump".
    A ``speaker`` with no ``quotes`` is someone the archive quotes, only not on
    ``about`` or within the dates asked for; ``other_topics`` then holds what they
    said within the dates, closest to ``about`` first (empty when nothing was).
    """

    query: str
    speaker: str | None
    quotes: tuple[QuoteHit, ...]
    candidates: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    groups: tuple[SpeakerQuotes, ...] = ()
    about: str | None = None  # the topic asked about, if any
    other_topics: tuple[QuoteHit, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates) and self.speaker is None
