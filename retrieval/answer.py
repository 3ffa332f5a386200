"""Extractive answers: verbatim sentences from ranked hits, each followed by [n].

Nothing in an answer's text is written by us except the joining whitespace,
markers, and the short fixed messages of the no-answer / ambiguous cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from index.text.stems import content_terms
from retrieval.dates import describe_span
from retrieval.models import Answer, Citation, Excerpt, Filters, Hit, QuoteHit, QuoteLookup

Span = tuple[int, int]

MAX_SENTENCES = 3
MAX_SENTENCE_CHARS = 600  # a "sentence" this long is a mis-split paragraph: skip it
NO_ANSWER_TEXT = "I couldn't find anything in the archive that answers this."


@dataclass(frozen=True)
class Candidate:
    """A sentence of a hit's excerpt, scored against the question."""

    hit: Hit
    excerpt: Excerpt
    span: Span  # offsets into the article
    text: str  # article.text[span[0]:span[1]]
    score: float
    # Whether it holds a new name, person or place of the asked-for kind right next to
    # the question's words ("UK Prime Minister Boris Johnson announced his resignation"
    # for "which head of state announced his resignation?"): see answer_select.names_answer.
    names_answer: bool = False


def _near_duplicate(a: str, b: str) -> bool:
    ta, tb = set(content_terms(a)), set(content_terms(b))
    if not ta or not tb:
        return a.strip() == b.strip()
    return len(ta & tb) / min(len(ta), len(tb)) > 0.8


def choose_sentences(
    candidates: Sequence[Candidate], min_score: float, limit: int = MAX_SENTENCES,
    keep_ratio: float = 0.75,
) -> list[Candidate]:
    """The best sentences, skipping repeats and those far weaker than the best one."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    chosen: list[Candidate] = []
    for cand in ranked:
        if len(chosen) >= limit or cand.score < min_score:
            break
        if chosen and cand.score < keep_ratio * chosen[0].score:
            break
        if len(cand.text) > MAX_SENTENCE_CHARS:
            continue
        if any(_near_duplicate(cand.text, c.text) for c in chosen):
            continue
        chosen.append(cand)
    return chosen


def citation_for(marker: int, hit: Hit, excerpt: Excerpt, spans: Sequence[Span]) -> Citation:
    """A numbered source: the whole excerpt, with the sentences used highlighted."""
    return Citation(
        marker=marker, article_id=hit.article_id, title=hit.title, date=hit.date,
        source=hit.source, url=hit.url, text=excerpt.text, start=excerpt.start,
        end=excerpt.end, paragraph=excerpt.paragraph, passage_id=excerpt.passage_id,
        highlights=tuple(sorted(spans)) or excerpt.highlights,
    )


def build_answer(question: str, chosen: Sequence[Candidate], filters: Filters,
                 with_title: bool = False) -> Answer:
    """Sentences in the order given (the answering one first), one marker per passage.

    Sentences of one passage stay together, behind the best of them. ``with_title``
    opens the answer with the first source's title (verbatim, with its marker), for a
    first sentence that names what it is about only there.
    """
    if not chosen:
        return no_answer(question, filters)
    order: list[int] = []
    by_passage: dict[int, list[Candidate]] = {}
    for cand in chosen:
        pid = cand.excerpt.passage_id
        if pid not in by_passage:
            order.append(pid)
            by_passage[pid] = []
        by_passage[pid].append(cand)
    parts: list[str] = []
    citations: list[Citation] = []
    for marker, pid in enumerate(order, start=1):
        group = by_passage[pid]
        parts.extend(f"{c.text} [{marker}]" for c in group)
        # An antecedent may widen a passage's excerpt: cite the widest one.
        widest = min(group, key=lambda c: c.excerpt.start)
        citations.append(citation_for(marker, widest.hit, widest.excerpt,
                                      [c.span for c in group]))
    text = " ".join(parts)
    if with_title and citations[0].title:
        text = f"{citations[0].title} [1]\n{text}"
    return Answer(question=question, text=text, citations=tuple(citations),
                  kind="answer", filters=filters)


HEADLINE_NOTE = "Only a headline matches this (its page holds no text that does):"


def headline_answer(question: str, hit: Hit, filters: Filters) -> Answer:
    """A source's headline as the answer, when its page holds no sentence that does (a
    registration wall, a video page): the title verbatim, cited, under a note saying so.
    The citation's excerpt is whatever the page holds, so the reader sees why."""
    excerpt = hit.excerpts[0]
    citation = citation_for(1, hit, excerpt, ())
    return Answer(question=question, text=f"{HEADLINE_NOTE}\n{hit.title} [1]",
                  citations=(citation,), kind="answer", filters=filters)


def no_answer(question: str, filters: Filters, text: str | None = None) -> Answer:
    """No answer; the default text names the dates and source searched ("I couldn't find
    anything in 2023 in Valley Wire that answers this."), so a narrow search shows."""
    if text is None:
        within = _within(filters)
        text = f"I couldn't find anything {within} that answers this." if within \
            else NO_ANSWER_TEXT
    return Answer(question=question, text=text, citations=(), kind="no_answer", filters=filters)


def quotes_answer(question: str, lookup: QuoteLookup, filters: Filters, limit: int = 10) -> Answer:
    """One line per quote: the verbatim words and their marker."""
    if lookup.ambiguous:
        return _ambiguous_answer(question, lookup, filters, limit)
    if not lookup.quotes and lookup.speaker:
        if not lookup.other_topics:
            return not_quoted_on(question, lookup, filters)
        # Their words on other things, said to be that (as "Nothing from 2021; best
        # matches from any date:" does for dates), never others' words on the topic.
        shown = lookup.other_topics[:OTHER_TOPICS_SHOWN]
        within = _within(filters)
        total = len(lookup.other_topics)
        among = f"in {lookup.speaker}'s one statement" if total == 1 else \
            f"among {lookup.speaker}'s {total} statements"
        closest = f"; the {len(shown)} closest" if total > len(shown) else ""
        lines = [f"No close match for “{(lookup.about or '').strip()}” {among}"
                 f"{' ' + within if within else ''}{closest}:"]
    else:
        shown = lookup.quotes[:limit]
        # The lead line and the trailing notes are the only words that are ours.
        count = f"{len(shown)} of {len(lookup.quotes)}" if len(lookup.quotes) > limit \
            else len(shown)
        lines = [f"{lookup.speaker} ({count} {_noun(len(lookup.quotes))}):"]
    citations: list[Citation] = []
    for q in shown:
        lines.append(_quote_line(q, len(citations) + 1))
        citations.append(_quote_citation(q, len(citations) + 1))
    if lookup.others:
        lines.append(f"Also quoted under this name: {', '.join(lookup.others)} "
                     "(ask for them by full name).")
    return Answer(question=question, text="\n".join(lines), citations=tuple(citations),
                  kind="quotes", speaker=lookup.speaker, filters=filters)


# A speaker's statements shown when none is on the topic asked about: the closest few.
OTHER_TOPICS_SHOWN = 3


def not_quoted_on(question: str, lookup: QuoteLookup, filters: Filters) -> Answer:
    """A person the archive quotes, but not on the topic or dates asked for: said so,
    with the person named (a follow-up's "he" still means them), never someone
    else's words about the topic in their place."""
    within = _within(filters)
    text = (f"{lookup.speaker} is quoted in the archive, but not {within}."
            if within else f"Nothing by {lookup.speaker} in the archive.")
    text += f" Ask “what did {lookup.speaker} say?” for all their quotes."
    return Answer(question=question, text=text, citations=(), kind="no_answer",
                  speaker=lookup.speaker, filters=filters)


def _within(filters: Filters) -> str:
    """The dates and source asked for, in words: "in March 2022 in bbc"."""
    what = []
    when = _when(_day(filters.date_from), _day(filters.date_to))
    if when:
        what.append(when)
    if filters.source:
        what.append(f"in {filters.source}")
    return " ".join(what)


def _when(lo: date | None, hi: date | None) -> str:
    """"in April 2016", "on 2016-04-02", "from 2016-04-02 to 2016-05-01", "before ..."."""
    span = describe_span(lo, hi)
    if not span or span.startswith("before"):
        return span
    if lo == hi:
        return f"on {span}"
    if " to " in span or span.endswith(" on"):
        return f"from {span}"
    return f"in {span}"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# Quotes shown per person when a name is ambiguous (the answer stays readable).
AMBIGUOUS_PER_PERSON = 3
# People named in the lead line (most quoted first); the menu lists up to 25.
AMBIGUOUS_NAMED = 8


def _ambiguous_answer(question: str, lookup: QuoteLookup, filters: Filters, limit: int) -> Answer:
    """Several people share the name: no guess. Each one's words under their own name,
    so the user sees who said what, then picks one for the rest."""
    named = lookup.candidates[:AMBIGUOUS_NAMED]
    names = ", ".join(named)
    if len(lookup.candidates) > len(named):
        names += f" and {len(lookup.candidates) - len(named)} more"
    lines = [f"“{lookup.query}” matches {len(lookup.candidates)} people in the archive: {names}."]
    if lookup.groups:
        lines.append("What each said (ask with the full name for all of one person's quotes):")
    citations: list[Citation] = []
    for group in lookup.groups:
        room = min(AMBIGUOUS_PER_PERSON, limit - len(citations))
        if room <= 0:
            break
        count = len(group.quotes)
        shown = f"{room} of {count}" if count > room else str(count)
        lines.append(f"{group.name} ({shown} {_noun(count)}):")
        for q in group.quotes[:room]:
            lines.append(_quote_line(q, len(citations) + 1))
            citations.append(_quote_citation(q, len(citations) + 1))
    return Answer(question=question, text="\n".join(lines), citations=tuple(citations),
                  kind="ambiguous", candidates=lookup.candidates, filters=filters)


def _noun(n: int) -> str:
    return "statement" if n == 1 else "statements"


def _quote_line(q: QuoteHit, marker: int) -> str:
    # Reported speech is never put inside quote marks.
    return f"• “{q.text}” [{marker}]" if q.direct else f"• {q.text} [{marker}]"


def _quote_citation(q: QuoteHit, marker: int) -> Citation:
    return Citation(
        marker=marker, article_id=q.article_id, title=q.title, date=q.date,
        source=q.source, url=q.url, text=q.text, start=q.start, end=q.end,
        paragraph=q.paragraph, highlights=((q.start, q.end),),
    )
