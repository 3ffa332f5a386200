"""One turn of a conversation: resolve the message, answer it, remember what was said.

Front ends (the mention handler, the terminal session, ``newsdesk chat``, the evaluation)
call :meth:`Dialogue.turn` with the conversation's state and store the state it returns.
The engine is reached only through its public methods, awaited: the bot passes its
``Core`` (limits, thread pool), scripts wrap an ``Engine`` in :class:`SyncEngine`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Protocol

from index.models import Article, IndexStats
from retrieval.answer import OTHER_TOPICS_SHOWN, quotes_answer
from retrieval.conversation import (
    ConversationState,
    Person,
    Understood,
    Vocabulary,
    advance,
    asked,
)
from retrieval.conversation import resolve as resolve_message
from retrieval.followups import names_in
from retrieval.models import Answer, Citation, Excerpt, Filters, Hit, QuoteLookup
from retrieval.people import describe

QUOTES_PER_PAGE = 10  # as many as one quotes answer shows
RESULTS_PER_PAGE = 3
MAX_RESULTS = 10  # the bot's search limit
PEOPLE_PER_ANSWER = 4  # speakers profiled for one answer (ambiguous names list more)
PROFILE_CACHE = 512
PROFILE_ARTICLES = 3  # articles read to describe one speaker
VOCABULARY_SECONDS = 600.0  # speakers and sources are re-read this often (ingests add some)


class AsyncEngine(Protocol):
    """The engine calls a turn needs; ``bot.core.Core`` has exactly these."""

    async def answer(self, question: str, filters: Filters | None = None, *,
                     background: str = "") -> Answer: ...
    async def quotes(self, speaker: str, about: str | None = None,
                     filters: Filters | None = None) -> QuoteLookup: ...
    async def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]: ...
    async def context(self, article_id: str, start: int, end: int) -> Excerpt: ...
    async def article(self, article_id: str) -> Article: ...
    async def speakers(self, prefix: str = "", limit: int = 25) -> list[str]: ...
    async def stats(self) -> IndexStats: ...


class EngineCalls(Protocol):
    def answer(self, question: str, filters: Filters | None = None, *,
               background: str = "") -> Answer: ...
    def quotes(self, speaker: str, about: str | None = None,
               filters: Filters | None = None) -> QuoteLookup: ...
    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]: ...
    def context(self, article_id: str, start: int, end: int) -> Excerpt: ...
    def article(self, article_id: str) -> Article: ...
    def speakers(self, prefix: str = "", limit: int = 25) -> list[str]: ...
    def stats(self) -> IndexStats: ...


class SyncEngine:
    """An ``Engine`` (synchronous) seen as an :class:`AsyncEngine`, for scripts."""

    def __init__(self, engine: EngineCalls) -> None:
        self.engine = engine

    async def answer(self, question: str, filters: Filters | None = None, *,
                     background: str = "") -> Answer:
        return self.engine.answer(question, filters, background=background)

    async def quotes(self, speaker: str, about: str | None = None,
                     filters: Filters | None = None) -> QuoteLookup:
        return self.engine.quotes(speaker, about, filters)

    async def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        return self.engine.search(query, k, filters)

    async def context(self, article_id: str, start: int, end: int) -> Excerpt:
        return self.engine.context(article_id, start, end)

    async def article(self, article_id: str) -> Article:
        return self.engine.article(article_id)

    async def speakers(self, prefix: str = "", limit: int = 25) -> list[str]:
        return self.engine.speakers(prefix, limit)

    async def stats(self) -> IndexStats:
        return self.engine.stats()


@dataclass(frozen=True)
class Turn:
    """A message as understood, its answer (None for a clarify) and the state after it."""

    understood: Understood
    answer: Answer | None
    state: ConversationState

    @property
    def reply_lead(self) -> str | None:
        """The line a reply starts with: the question as understood, or what is missing."""
        u = self.understood
        if u.action == "clarify":
            return u.missing
        return f"Understood as: {u.question}" if u.carried else None


class Dialogue:
    """Turns over one engine; holds the vocabulary and speaker profiles (both caches)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._vocab: Vocabulary | None = None
        self._vocab_at = 0.0
        self._people: OrderedDict[str, Person] = OrderedDict()

    async def vocabulary(self) -> Vocabulary:
        if self._vocab is None or time.monotonic() - self._vocab_at > VOCABULARY_SECONDS:
            from index.quotes.names import speaker_key

            stats = await self.engine.stats()
            names = await self.engine.speakers("", 1_000_000)
            self._vocab = Vocabulary(
                sources=tuple(s for s, _ in stats.sources if s and s not in ("unknown", "(none)")),
                speaker_keys=frozenset(k for k in (speaker_key(n) for n in names) if k),
                latest=stats.date_max)
            self._vocab_at = time.monotonic()
        return self._vocab

    async def resolve(self, state: ConversationState, message: str) -> Understood:
        return resolve_message(state, message, await self.vocabulary())

    async def turn(self, state: ConversationState, message: str) -> Turn:
        understood = await self.resolve(state, message)
        answer = await self.answer(state, understood)
        people = await self.people(answer, understood) if understood.action == "ask" and answer else ()
        return Turn(understood, answer, advance(state, understood, answer, people))

    async def answer(self, state: ConversationState, u: Understood) -> Answer | None:
        if u.action == "clarify":
            return None
        if u.action == "ask":
            f = u.filters if u.filters != Filters() else None
            answer = await self.engine.answer(u.text or u.question, f, background=u.background)
            # The answer is titled with the question as understood (source note included).
            return replace(answer, question=u.question) if u.carried else answer
        if u.action == "more":
            return await self._more(state, u)
        cited = next(c for c in state.citations if c.marker == u.marker)
        citation = Citation(marker=cited.marker, article_id=cited.article_id, title=cited.title,
                            date=cited.date, source=cited.source, url=None, text=cited.text,
                            start=cited.start, end=cited.end, paragraph=cited.paragraph,
                            highlights=((cited.start, cited.end),))
        if u.action == "context":
            excerpt = await self.engine.context(cited.article_id, cited.start, cited.end)
            shown = replace(citation, text=excerpt.text, start=excerpt.start, end=excerpt.end,
                            paragraph=excerpt.paragraph, passage_id=excerpt.passage_id)
            return Answer(u.question, f"{excerpt.text} [{cited.marker}]", (shown,),
                          kind="context", speaker=_speaker(state), filters=state.filters)
        who = _speaker(state)
        said = f"{who} said it" if who else "It was published"
        where = cited.source or "an unnamed source"
        title = f"“{cited.title}”" if cited.title else "an untitled article"
        text = (f"{said} on {cited.date or 'an unknown date'}, in {title} ({where}; article "
                f"{cited.article_id}, paragraph {cited.paragraph}) [{cited.marker}].")
        return Answer(u.question, text, (citation,), kind="source", speaker=who,
                      filters=state.filters)

    async def _more(self, state: ConversationState, u: Understood) -> Answer:
        f = state.filters if state.filters != Filters() else None
        speaker = _speaker(state)
        if state.kind == "quotes" and speaker:
            lookup = await self.engine.quotes(speaker, state.topic, f)
            # Nothing on the topic: the first answer showed the closest few of the rest.
            quotes = lookup.quotes or lookup.other_topics
            first = QUOTES_PER_PAGE if lookup.quotes else OTHER_TOPICS_SHOWN
            offset = first + (u.page - 1) * QUOTES_PER_PAGE
            rest = quotes[offset:]
            if not rest:
                return Answer(u.question, f"No more quotes: all {len(quotes)} were shown.",
                              (), kind="no_answer", speaker=speaker, filters=state.filters)
            page = quotes_answer(u.question, replace(lookup, quotes=rest, others=(),
                                                     other_topics=()),
                                 state.filters, QUOTES_PER_PAGE)
            shown = min(len(rest), QUOTES_PER_PAGE)
            order = "" if lookup.quotes else f", closest to “{state.topic}” first"
            lead = f"{speaker} ({offset + 1}-{offset + shown} of {len(quotes)}{order}):"
            return replace(page, text="\n".join([lead, *page.text.split("\n")[1:]]))
        k = (u.page + 1) * RESULTS_PER_PAGE
        hits = (await self.engine.search(u.text, min(k, MAX_RESULTS), f))[k - RESULTS_PER_PAGE:]
        if not hits or k > MAX_RESULTS + RESULTS_PER_PAGE - 1:
            return Answer(u.question, "No more results for that question.", (),
                          kind="no_answer", filters=state.filters)
        return _results_answer(u.question, hits, state.filters)

    async def people(self, answer: Answer, understood: Understood) -> tuple[Person, ...]:
        """The answer's speakers (else the one asked about, else known speakers the question
        names), each described from the articles that quote them."""
        names = [answer.speaker] if answer.speaker else list(answer.candidates)
        if not names and (wanted := asked(understood)[0]):
            names = [wanted]
        if not names:
            vocab = await self.vocabulary()
            names = [n for n in names_in(understood.question) if vocab.is_speaker(n)]
        out = []
        for name in names[:PEOPLE_PER_ANSWER]:
            person = self._people.get(name)
            if person is None:
                person = await self._describe(name)
                self._people[name] = person
                while len(self._people) > PROFILE_CACHE:
                    self._people.popitem(last=False)
            out.append(person)
        return tuple(out)

    async def _describe(self, name: str) -> Person:
        lookup = await self.engine.quotes(name)
        if lookup.speaker and lookup.speaker != name:
            name = lookup.speaker
        ids = list(dict.fromkeys(q.article_id for q in lookup.quotes))[:PROFILE_ARTICLES]
        texts = {i: (await self.engine.article(i)).text for i in ids}
        ends = [(texts[q.article_id], q.end) for q in lookup.quotes if q.article_id in texts]
        return describe(name, texts.values(), ends)


def _speaker(state: ConversationState) -> str | None:
    return state.speakers[0].name if len(state.speakers) == 1 else None


def _results_answer(question: str, hits: list[Hit], filters: Filters) -> Answer:
    """Search hits as an answer: one line per article, its best excerpt cited."""
    lines: list[str] = []
    citations: list[Citation] = []
    for hit in hits:
        if not hit.excerpts:
            continue
        ex = hit.excerpts[0]
        n = len(citations) + 1
        label = hit.title or hit.article_id
        lines.append(f"• {label} ({hit.date or 'undated'}) [{n}]")
        citations.append(Citation(marker=n, article_id=hit.article_id, title=hit.title,
                                  date=hit.date, source=hit.source, url=hit.url, text=ex.text,
                                  start=ex.start, end=ex.end, paragraph=ex.paragraph,
                                  passage_id=ex.passage_id, highlights=ex.highlights))
    return Answer(question, "\n".join(lines), tuple(citations), kind="results", filters=filters)
