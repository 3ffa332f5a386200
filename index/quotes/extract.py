"""Rule-based quote extraction: direct, split, mixed and reported speech.

Pipeline for one article: pair quote marks, find name mentions (mentions.py), attach each
quote to a speech cue and its subject (direct.py), find reported clauses
(reported.py), resolve every subject to a full name in text order (resolve.py), then
give the quotes no cue claimed to a colon intro or the previous speaker (unclaimed.py).
A pure function of the article: no model, no I/O.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable

from index.models import Article, Quote
from index.quotes import names as N
from index.quotes.direct import direct_quotes
from index.quotes.doc import Candidate, Doc
from index.quotes.mentions import Mention
from index.quotes.reported import reported_speech
from index.quotes.text import normalise_marks
from index.quotes.unclaimed import colon_intros, continuations, sentence_subjects


def extract_quotes(article: Article) -> list[Quote]:
    """Every attributed quote in the article, in text order (offsets into article.text)."""
    # Offsets are kept, so every span still points into article.text.
    doc = Doc(normalise_marks(article.text))
    candidates, used_cues, unattributed = direct_quotes(doc)
    candidates += reported_speech(doc, used_cues, candidates)
    candidates.sort(key=lambda c: (c.subject.start, c.start))
    quotes: list[Quote] = []
    seen: set[tuple[int, int]] = set()
    resolved: list[tuple[Candidate, Mention]] = []
    for cand in candidates:
        speaker = doc.resolver.resolve(cand.subject)
        if speaker is None or (cand.start, cand.end) in seen:
            continue
        seen.add((cand.start, cand.end))
        resolved.append((cand, speaker))
    # A quote already inside an attributed clause ('she said the family disagreed
    # "loudly, and often."', found by the reported pass) is not a quote of its own.
    inside = _containment([c for c, _ in resolved])
    rest = [s for s in unattributed if not inside(s.start, s.end)]
    resolved += colon_intros(doc, rest)
    done = {(c.start, c.end) for c, _ in resolved}
    rest = [s for s in rest if (s.start, s.end) not in done]
    resolved += continuations(doc, rest, resolved)
    done = {(c.start, c.end) for c, _ in resolved}
    rest = [s for s in rest if (s.start, s.end) not in done]
    resolved += sentence_subjects(doc, rest)
    for cand, speaker in sorted(resolved, key=lambda r: r[0].start):
        quotes.append(
            Quote(
                article_id=article.id,
                speaker=speaker.name,
                text=article.text[cand.start : cand.end],
                start=cand.start,
                end=cand.end,
                cue=cand.cue,
                direct=cand.direct,
                mention=cand.subject.surface,
                speaker_key=N.speaker_key(speaker.name),
                paragraph=doc.loc.paragraph_number(cand.start),
            )
        )
    return quotes


def _containment(cands: list[Candidate]) -> Callable[[int, int], bool]:
    """``inside(start, end)``: does one of ``cands`` contain the span? (A prefix maximum of
    their ends in start order answers it in log time, not by a scan of them all.)"""
    ordered = sorted(cands, key=lambda c: c.start)
    starts = [c.start for c in ordered]
    reach = list(itertools.accumulate((c.end for c in ordered), max))

    def inside(start: int, end: int) -> bool:
        k = bisect_right(starts, start)
        return k > 0 and reach[k - 1] >= end

    return inside
