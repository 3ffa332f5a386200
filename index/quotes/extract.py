"""Rule-based quote extraction: direct, split, mixed and reported speech.

Pipeline for one article: pair quote marks, find name mentions (mentions.py), attach each
quote to a speech cue and its subject (direct.py), find reported clauses
(reported.py), resolve every subject to a full name in text order (resolve.py), then
give the quotes no cue claimed to a colon intro or the previous speaker (unclaimed.py).
A pure function of the article: no model, no I/O.
"""

from __future__ import annotations

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
    rest = [s for s in unattributed if not _inside(s.start, s.end, resolved)]
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


def _inside(start: int, end: int, resolved: list[tuple[Candidate, Mention]]) -> bool:
    return any(c.start <= start and end <= c.end for c, _ in resolved)
