"""Quotes no speech cue claimed: a quote continuing the previous speaker, one
introduced by a sentence ending in a colon ('Cruz called them on it:'), and a
last resort, the subject of the sentence around the quote."""

from __future__ import annotations

from bisect import bisect_right

from index.quotes import cues as C
from index.quotes import names as N
from index.quotes.direct import ends_with_colon, is_title
from index.quotes.doc import STOP_AFTER, Candidate, Doc
from index.quotes.mentions import Mention, pronoun_mention
from index.quotes.text import QuotedSpan


def continuations(
    doc: Doc,
    spans: list[QuotedSpan],
    resolved: list[tuple[Candidate, Mention]],
) -> list[tuple[Candidate, Mention]]:
    """Unattributed quotes continuing the previous speaker: later in the same
    paragraph, or a paragraph that is just a quote after an attributed one."""
    out: list[tuple[Candidate, Mention]] = []
    ordered = sorted(resolved, key=lambda r: r[0].start)
    starts = [r[0].start for r in ordered]
    for span in spans:
        para = doc.loc.paragraph(span.open)
        ps, _ = doc.loc.paragraphs[para]
        # the last (in start order) attributed quote that ends before this one opens
        k = bisect_right(starts, span.open)
        previous = next(
            (ordered[i] for i in range(k - 1, -1, -1) if ordered[i][0].end <= span.open), None
        )
        if previous is None:
            continue
        cand, speaker = previous
        # The paragraph where the previous quote ends (a quote may run over paragraphs).
        prev_para = doc.loc.paragraph(max(cand.start, cand.end - 1))
        same_para = prev_para == para
        opens_para = (
            span.open == ps
            and prev_para == para - 1
            and (cand.direct or _closes_paragraph(doc, cand) and _whole_paragraph(doc, span))
        )
        if not (same_para or opens_para):
            continue
        # Names in the attribution sentence itself ('Cruz told host Mike Gallagher.') don't count.
        _, attribution_end = doc.loc.sentences[doc.loc.sentence(cand.subject.start)]
        if _names_between(doc, max(cand.end, attribution_end), span.open, speaker):
            continue
        out.append(
            (Candidate(cand.subject, cand.cue, span.start, span.end, True), speaker)
        )
    return out


def _closes_paragraph(doc: Doc, cand: Candidate) -> bool:
    """Does a reported clause sit in the last sentence of its paragraph ('X said in a
    statement that ...' before a paragraph that is all quote)?"""
    k = cand.subject.tok_start
    if any(t.lower == "and" for t in doc.tokens[max(0, k - 4) : k]):
        return False  # 'X, Y and Z argued that ...': several speakers
    last = doc.loc.sentence(max(cand.start, cand.end - 1))
    _, pe = doc.loc.paragraphs[doc.loc.paragraph(max(cand.start, cand.end - 1))]
    return last + 1 >= len(doc.loc.sentences) or doc.loc.sentences[last + 1][0] >= pe


def _whole_paragraph(doc: Doc, span: QuotedSpan) -> bool:
    """Is the quote its paragraph's only content (no attribution of its own after it)?"""
    _, pe = doc.loc.paragraphs[doc.loc.paragraph(span.open)]
    if span.close is None:
        return True
    return not doc.text[span.close + 1 : pe].strip(" .\"”")


def sentence_subjects(doc: Doc, spans: list[QuotedSpan]) -> list[tuple[Candidate, Mention]]:
    """Last resort for a quote of 4+ words with no speech cue ('Skelly called Braynard
    "a real smart guy ..."'): the subject of the sentence it sits in, or of the
    sentence introducing it with a colon ('Cruz called them on it:' + new paragraph)."""
    toks = doc.tokens
    out: list[tuple[Candidate, Mention]] = []
    for span in spans:
        if doc.word_count(span.start, span.end) < 4 or is_title(doc.text[span.start : span.end]):
            continue  # too short to be words someone said, or a title ("Star Trek: ...")
        sent = doc.loc.sentence(span.open)
        ss, _ = doc.loc.sentences[sent]
        k1 = doc.tok_at(span.open)
        para_start = doc.loc.paragraphs[doc.loc.paragraph(span.open)][0]
        if span.open == para_start and sent > 0 and ends_with_colon(doc, span.open):
            ss, se = doc.loc.sentences[sent - 1]
            k1 = doc.tok_at(se)
        subject: Mention | None = None
        for k in range(doc.tok_at(ss), k1):
            named = doc.resolver.by_start.get(k)
            if named is not None:
                if named.possessive or doc.after_preposition(named):
                    continue
                if doc.is_modifier(named) and not doc.verb_follows(named):
                    continue
                subject, verb = named, named.tok_end
                break
            if toks[k].lower in N.PRONOUNS and (k == doc.tok_at(ss) or toks[k - 1].text == ","):
                subject, verb = pronoun_mention(toks, k), k + 1
                break
        if subject is None or verb >= k1:
            continue
        if not (toks[verb].text == "," or toks[verb].text.islower()):
            continue  # the subject must be followed by its verb (or an appositive)
        speaker = doc.resolver.resolve(subject)
        if speaker is not None and _plausible(doc, subject, speaker):
            cue = toks[verb].text if toks[verb].is_word else ""
            out.append((Candidate(subject, cue, span.start, span.end, True), speaker))
    return out


def _names_between(doc: Doc, start: int, end: int, speaker: Mention) -> bool:
    """Another person named between the last attribution and this quote?"""
    for m in doc.resolver.between(start, end):
        person = m.gender is not None or bool(m.roles)  # a clear person, not "POLITICO"
        if person and not set(m.words) & set(speaker.words):
            return True
    return False


_CLAUSE_BREAKS = frozenset({"—", "–", ";", "!", "?"})


def colon_intros(doc: Doc, spans: list[QuotedSpan]) -> list[tuple[Candidate, Mention]]:
    """A quote right after a colon whose clause has no speech cue: the person named
    just before the colon ('... doesn't surprise pollster Jane Roe:') or the subject
    of that clause ('Cruz called them on it: "..."', 'the senator resisted:' + new
    paragraph). Runs before continuations: the clause names the new speaker."""
    out: list[tuple[Candidate, Mention]] = []
    toks = doc.tokens
    for span in spans:
        colon = _colon_before(doc, span)
        if colon is None:
            continue
        subject = _named_before_colon(doc, colon) or _clause_subject(doc, colon)
        if subject is None:
            continue
        speaker = doc.resolver.resolve(subject)
        if speaker is None or not _plausible(doc, subject, speaker):
            continue
        verb = toks[subject.tok_end].text if subject.tok_end < colon else ""
        cue = verb if verb.isalpha() and verb.islower() else ""
        out.append((Candidate(subject, cue, span.start, span.end, True), speaker))
    return out


def _colon_before(doc: Doc, span: QuotedSpan) -> int | None:
    """The colon token right before the quote, in its paragraph or ending the one before."""
    k = doc.tok_at(span.open)
    if k == 0 or doc.tokens[k - 1].text != ":":
        return None
    para_start = doc.loc.paragraphs[doc.loc.paragraph(span.open)][0]
    if span.open == para_start and not ends_with_colon(doc, span.open):
        return None
    return k - 1


def _named_before_colon(doc: Doc, colon: int) -> Mention | None:
    """'... doesn't surprise Republican pollster Jane Roe:': a person's name with a
    role or descriptor ends the clause."""
    named = doc.resolver.by_end.get(colon)
    if named is None or named.possessive or not (named.roles or named.tok_start < colon - 1 and (
        doc.tokens[named.tok_start - 1].text.islower() and doc.tokens[named.tok_start - 1].lower
        in N.DESCRIPTORS
    )):
        return None
    k = named.tok_start - 1
    if k >= 0 and doc.tokens[k].lower in STOP_AFTER and doc.tokens[k].lower != "from":
        return None
    return named


def _clause_subject(doc: Doc, colon: int) -> Mention | None:
    """The subject opening the clause that ends with the colon: a name (or pronoun)
    followed by its verb ('Cruz (then) called them on it:')."""
    toks = doc.tokens
    ss, _ = doc.loc.sentences[doc.loc.sentence(toks[colon].start)]
    lo = doc.tok_at(ss)
    start = colon
    while start > lo and toks[start - 1].text not in _CLAUSE_BREAKS:
        start -= 1
    k = start
    while k < colon and not toks[k].is_word:
        k += 1
    if k < colon and toks[k].lower in ("as", "and", "but", "then", "so"):
        k += 1  # 'As Jane Roe reported ...:', '... — and Roe replied:'
    if k < colon and toks[k].lower in N.PRONOUNS:
        subject: Mention | None = pronoun_mention(toks, k)
        verb = k + 1
    else:
        if k < colon and toks[k].lower == "the":
            k += 1
        subject = doc.resolver.by_start.get(k)
        if subject is None or subject.possessive:
            owner = subject
            if owner is None or owner.tok_end >= colon or toks[owner.tok_end].lower not in (
                "campaign", "office"
            ):
                return None
            # "Clinton's campaign (put it this way):": the campaign speaks for its owner
            return owner
        verb = subject.tok_end
    while verb < colon and (toks[verb].lower in C.AUX_ADVERBS or _adverb(toks[verb].text)):
        verb += 1
    if verb >= colon or not toks[verb].is_word or not toks[verb].text.islower():
        return None
    if subject is not None and subject.kind == "name" and doc.is_modifier(subject) and not (
        doc.verb_follows(subject) or toks[verb].text.endswith("ed")
    ):
        return None  # 'Clinton campaign officials ...': the name only modifies a noun
    return subject


def _adverb(word: str) -> bool:
    return word.islower() and len(word) > 4 and word.endswith("ly")


def _plausible(doc: Doc, subject: Mention, speaker: Mention) -> bool:
    """A speaker found without a speech cue must look like someone: a pronoun, a
    person's name, or a name written again in the article (not 'Lordy', 'Wait')."""
    if subject.kind != "name":
        return True
    if speaker.is_person or len(speaker.words) > 1 or speaker.name.isupper():
        return True  # a person, a longer name or an acronym ("NRA")
    return sum(1 for m in doc.names if m.words == speaker.words) > 1
