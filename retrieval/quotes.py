"""Query side of quotes: resolve a user's speaker string against stored speakers.

Works on any `index.backend.IndexReader` (the index, or the in-memory copy the
evaluation builds); only the viewer's scope limits who can be resolved, so speakers
of another server's articles are never named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from index.backend import OPERATOR_SCOPE, ArticleFilter, IndexReader, Scope
from index.errors import BadQueryError
from index.quotes.names import PARTICLES, keys_compatible, speaker_key
from index.text.stems import content_terms
from retrieval.models import QuoteHit, QuoteLookup, SpeakerQuotes

# A surname query resolves to one person when that person said this share of the
# quotes of everyone sharing the surname ("Trump" in 2016 news); below it: ask.
DOMINANCE = 0.9
# ... or when the person is quoted in this share of the articles quoting anyone of
# that name, in at least ARTICLE_MIN articles, and said at least QUOTE_FLOOR of the
# quotes: a public figure quoted across the archive against a namesake quoted in one
# story ("Graham": Lindsey in 11 articles, Gwen and Franklin in one each). Two people
# quoted in one article each stay ambiguous however many quotes each has ("Wang").
ARTICLE_DOMINANCE = 0.75
ARTICLE_MIN = 3
QUOTE_FLOOR = 0.6
MAX_QUERY_CHARS = 200
_ABOUT_MIN_SIMILARITY = 0.35


class _Encoder(Protocol):
    def encode(self, texts: list[str], batch_size: int = ..., progress: bool = ...) -> Any: ...


@dataclass(frozen=True)
class _Speaker:
    key: str
    name: str  # the most frequent spelling
    count: int


def _speakers_like(store: IndexReader, words: list[str], flt: ArticleFilter) -> list[_Speaker]:
    """Stored speakers whose key contains one of ``words`` (a cheap pre-filter)."""
    return _group([(c.key, c.name, c.count) for c in store.speaker_counts(words, flt)])


def _group(rows: list[tuple[str, str, int]]) -> list[_Speaker]:
    counts: dict[str, int] = defaultdict(int)
    best: dict[str, tuple[int, str]] = {}
    for key, name, n in rows:
        counts[key] += n
        if key not in best or n > best[key][0]:
            best[key] = (n, name)
    return [_Speaker(k, best[k][1], c) for k, c in counts.items()]


@dataclass(frozen=True)
class Resolution:
    """Who a speaker query names: one person's ``keys``; or, when ambiguous, the
    ``people`` sharing the name (and ``bare`` keys: quotes that give only that name)."""

    keys: tuple[str, ...] = ()
    people: tuple[_Person, ...] = ()
    bare: tuple[str, ...] = ()
    others: tuple[_Speaker, ...] = ()  # namesakes passed over for a dominant person
    name: str = ""  # the one person's most quoted spelling (with ``keys``)


def resolve_speaker(
    store: IndexReader, query: str, dominance: float | None = DOMINANCE,
    scope: Scope = OPERATOR_SCOPE,
) -> Resolution:
    qkey = speaker_key(query)
    words = qkey.split()
    if not words:
        raise BadQueryError("That is not a name.", hint="Try a person's name, e.g. Lavrov.")
    seen = ArticleFilter(scope=scope)  # who can be named: the scope only, no dates
    stored = _speakers_like(store, sorted({words[0], words[-1]}), seen)
    full = [s for s in stored if len(s.key.split()) > 1]
    bare = [s for s in stored if len(s.key.split()) == 1]
    if len(words) > 1:
        matches = [s for s in full if keys_compatible(qkey, s.key)]
        exact = [s for s in matches if s.key == qkey]
        matches = exact or matches
        if not matches:
            # A shortened organisation: "Illinois Board" -> "Illinois Board of Elections".
            matches = [s for s in full if s.key.startswith(qkey + " ")]
        # "Sergei Lavrov" -> stored "Lavrov"; "Wang Yi" -> "Wang" (surname first) only
        # for two-word names: "European Defense Agency" is not "European".
        loose = {words[-1], words[0]} if len(words) == 2 else {words[-1]}
        bare = [s for s in bare if s.key in loose]
    else:
        word = words[0]
        # A surname match beats a given-name match ("Paul" -> Ron Paul before Paul Ryan),
        # except for surname-first names ("Wang" -> Wang Yi) when no surname matches.
        matches = [s for s in full if s.key.split()[-1] == word] or [
            s for s in full if s.key.split()[0] == word
        ]
        bare = [s for s in bare if s.key == word]
    if not matches and len(words) == 2 and words[0] in PARTICLES:
        # "De Blasio": the key of "Bill de Blasio" keeps first and last word only.
        matches = [s for s in full if s.key.split()[-1] == words[1]
                   and " ".join(words) in " ".join(s.name.casefold().split())]
    if not matches and not bare:
        matches = _completed(store, words, seen)
    groups = _people(matches)
    others: list[_Speaker] = []
    if len(groups) > 1:
        if dominance is None or not _dominant(store, groups, dominance, seen):
            return Resolution(people=tuple(groups), bare=tuple(s.key for s in bare))
        others = [g.people[0] for g in groups[1:]]
        groups = groups[:1]
    if not groups:
        most = max(bare, key=lambda s: s.count, default=None)
        return Resolution(keys=tuple(s.key for s in bare), name=most.name if most else "")
    person = groups[0]
    keys = [s.key for s in person.people]
    # Bare surnames ("Lavrov") join the one full name that shares them.
    keys += [s.key for s in bare if keys_compatible(s.key, person.people[0].key)]
    return Resolution(keys=tuple(keys), others=tuple(others), name=person.people[0].name)


# The shortest last word completed as a typed prefix ("Azucena Gonz" -> Azucena Gonzalez).
PREFIX_MIN = {1: 4, 2: 2}


def _completed(store: IndexReader, words: list[str], flt: ArticleFilter) -> list[_Speaker]:
    """Nobody has this exact name: read the last word as an unfinished one, as
    autocomplete would. Only when everything else matched nothing."""
    last = words[-1]
    if len(last) < PREFIX_MIN.get(len(words), 2):
        return []
    rows = [(c.key, c.name, c.count) for c in store.speaker_counts([last], flt, prefix=True)]
    head = words[:-1]
    found = []
    for s in _group(rows):
        key = s.key.split()
        if len(key) < 2 or not key[-1].startswith(last) or key[-1] == last:
            continue
        if key[: len(head)] != head:
            continue
        found.append(s)
    return found


def _dominant(store: IndexReader, groups: list[_Person], dominance: float,
              flt: ArticleFilter) -> bool:
    """Does the most quoted of several people sharing a name stand for it?"""
    total = sum(g.count for g in groups)
    share = groups[0].count / total
    if share >= dominance:
        return True
    if share < QUOTE_FLOOR:
        return False
    articles = [store.quote_article_count([s.key for s in g.people], flt) for g in groups]
    top = articles[0]
    return (
        top >= ARTICLE_MIN
        and top == max(articles)
        and top >= ARTICLE_DOMINANCE * sum(articles)
    )


@dataclass
class _Person:
    people: list[_Speaker]  # spellings of one person, most quoted first
    count: int


def _people(speakers: list[_Speaker]) -> list[_Person]:
    """Group keys that name one person ("Geoff Garin", "Geoffrey Garin"), most quoted first."""
    groups: list[_Person] = []
    for s in sorted(speakers, key=lambda s: -s.count):
        for g in groups:
            if keys_compatible(g.people[0].key, s.key):
                g.people.append(s)
                g.count += s.count
                break
        else:
            groups.append(_Person([s], s.count))
    groups.sort(key=lambda g: -g.count)
    return groups


def lookup_quotes(
    store: IndexReader,
    speaker_query: str,
    about: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    embedder: _Encoder | None = None,
    *,
    article_ids: tuple[str, ...] | None = None,
    source: str | None = None,
    limit: int | None = None,
    dominance: float | None = DOMINANCE,
    collapse: bool = True,
    scope: Scope = OPERATOR_SCOPE,
) -> QuoteLookup:
    """A speaker's quotes, newest first (or most on-topic first with ``about``).

    An ambiguous name ("Wang" for Wang Yi and Wang Wenbin) names no one: it returns
    the candidates and, grouped under each, that person's quotes (``limit`` applies
    per person), so the caller can show who said what and ask the user to pick. With
    ``collapse``, the same words by the same speaker in several articles (one wire
    story, two outlets) come back once, the other article ids in
    ``QuoteHit.also_in``; per-article evaluation turns it off.
    """
    query = speaker_query.strip()
    if not query or len(query) > MAX_QUERY_CHARS:
        raise BadQueryError("Give a speaker's name (up to 200 characters).")
    found = resolve_speaker(store, query, dominance, scope)
    flt = ArticleFilter(date_from, date_to, source, article_ids, scope)

    def quotes_of(keys: list[str]) -> tuple[list[QuoteHit], list[QuoteHit]]:
        """(on ``about``, best first; when none is: all of them, closest first)."""
        hits = _fetch(store, keys, flt)
        if collapse:
            hits = _collapse(hits)
        others: list[QuoteHit] = []
        if about and about.strip():
            hits, others = _rank_about(hits, about, embedder)
        return (hits, others) if limit is None else (hits[:limit], others[:limit])

    if found.people:
        groups = [SpeakerQuotes(p.people[0].name, tuple(quotes_of([s.key for s in p.people])[0]))
                  for p in found.people]
        if found.bare:
            name = f"{query} (full name not given)"
            groups.append(SpeakerQuotes(name, tuple(quotes_of(list(found.bare))[0])))
        groups = [g for g in groups if g.quotes]
        return QuoteLookup(
            query, None, tuple(q for g in groups for q in g.quotes),
            candidates=tuple(p.people[0].name for p in found.people), groups=tuple(groups),
            about=about,
        )
    if not found.keys:
        return QuoteLookup(query, None, (), about=about)
    hits, other_topics = quotes_of(list(found.keys))
    # With nothing on the topic, the person is still named (from their other quotes).
    names = _group([(k, h.speaker, 1) for h in hits or other_topics
                    for k in [speaker_key(h.speaker)]])
    full_names = [s for s in names if len(s.key.split()) > 1] or names
    speaker = max(full_names, key=lambda s: s.count).name if full_names else \
        found.name or query
    return QuoteLookup(query, speaker, tuple(hits), others=tuple(s.name for s in found.others),
                       about=about, other_topics=tuple(other_topics))


def _fetch(store: IndexReader, keys: list[str], flt: ArticleFilter) -> list[QuoteHit]:
    return [
        QuoteHit(
            article_id=r.quote.article_id, speaker=r.quote.speaker, text=r.quote.text,
            start=r.quote.start, end=r.quote.end, cue=r.quote.cue, direct=r.quote.direct,
            paragraph=r.quote.paragraph, title=r.title, date=r.date, source=r.source, url=r.url,
        )
        for r in store.quotes_by_speakers(keys, flt)
    ]


_QUOTE_CHARS = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "’": "'", "‘": "'"})


def _normalise(text: str) -> str:
    """Quote text compared across articles: case, spacing, quote-mark style and
    surrounding punctuation ignored."""
    folded = " ".join(text.translate(_QUOTE_CHARS).casefold().split())
    return folded.strip(" \"'.,;:!?—–-")


def _collapse(hits: list[QuoteHit]) -> list[QuoteHit]:
    """One hit per (speaker, words) across articles: the same wire story published by
    two outlets quotes the same words twice. The earliest article (then the first by
    id) keeps the hit, in its place in the order; the others are listed in ``also_in``.
    Repeats inside one article are kept."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, h in enumerate(hits):
        groups[(speaker_key(h.speaker), _normalise(h.text))].append(i)
    keep: dict[int, tuple[str, ...]] = {}
    for members in groups.values():
        by_article: dict[str, int] = {}
        for i in members:
            by_article.setdefault(hits[i].article_id, i)
        if len(by_article) < 2:
            keep.update((i, ()) for i in members)
            continue
        first = min(
            by_article.values(),
            key=lambda i: (hits[i].date is None, hits[i].date or "", hits[i].article_id),
        )
        others = tuple(sorted(a for a in by_article if a != hits[first].article_id))
        # Repeats within the kept article stay; the other articles' copies go.
        keep.update((i, others) for i in members if hits[i].article_id == hits[first].article_id)
    return [
        replace(h, also_in=keep[i]) if keep[i] else h for i, h in enumerate(hits) if i in keep
    ]


def _terms(text: str) -> set[str]:
    return set(content_terms(text))


def _rank_about(hits: list[QuoteHit], about: str, embedder: _Encoder | None,
                ) -> tuple[list[QuoteHit], list[QuoteHit]]:
    """The quotes on the topic (shared terms, or embedding similarity), best first; and
    when none is, all of them, closest to the topic first (else empty)."""
    topic = _terms(about)
    lexical = [len(topic & _terms(f"{h.text} {h.title or ''}")) / max(1, len(topic)) for h in hits]
    semantic = [0.0] * len(hits)
    if embedder is not None and hits:
        vectors = np.asarray(embedder.encode([about] + [h.text for h in hits]))
        semantic = [float(v) for v in vectors[1:] @ vectors[0]]
    # Ties keep newest-first order.
    order = sorted(range(len(hits)), key=lambda i: (-(lexical[i] + semantic[i]), i))
    on_topic = [hits[i] for i in order if lexical[i] > 0 or semantic[i] >= _ABOUT_MIN_SIMILARITY]
    return on_topic, ([] if on_topic else [hits[i] for i in order])


def list_speakers(store: IndexReader, prefix: str = "", limit: int = 25, *,
                  scope: Scope = OPERATOR_SCOPE) -> list[str]:
    """Speakers for autocomplete: any name word starting with ``prefix``, most quoted first,
    among the articles ``scope`` sees."""
    folded = " ".join(speaker_key(prefix).split()) if prefix.strip() else ""
    flt = ArticleFilter(scope=scope)
    counts = store.speaker_counts([folded] if folded else [], flt, prefix=True)
    speakers = sorted(_group([(c.key, c.name, c.count) for c in counts]),
                      key=lambda s: (-s.count, s.name))
    return [s.name for s in speakers[: max(0, limit)]]
