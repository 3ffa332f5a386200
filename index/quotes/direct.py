"""Direct quotes: attach each quoted span to a cue and subject after it
('"...," Lavrov said', '"...," said Lavrov') or before it ('Lavrov said: "..."',
mixed 'Wang added that "..."'); then quotes that continue an earlier speaker."""

from __future__ import annotations

from index.quotes import cues as C
from index.quotes import names as N
from index.quotes.doc import SENT_PUNCT, Candidate, Doc, trim_end
from index.quotes.resolve import Mention, pronoun_mention
from index.quotes.text import MARKS, QuotedSpan

_MAX_GAP = 25


def post_attribution(doc: Doc, span: QuotedSpan) -> tuple[Mention, int] | None:
    """'"...," Lavrov said' / '"...," said Lavrov' / '"...," according to X'."""
    if span.close is None:
        return None
    toks = doc.tokens
    k = doc.tok_at(span.close + 1)
    para = doc.loc.paragraph(span.close)
    # Only a comma or dash may follow: '"..." . Wang said' starts a new sentence.
    if k < len(toks) and toks[k].text in ",—–" and toks[k].start <= span.close + 2:
        k += 1
    if k >= len(toks) or doc.para_of_tok(k) != para:
        return None
    if doc.is_cue(k, loose=True):
        after = doc.subject_after(k + 1 if toks[k].lower == "according" else k)
        return (after[0], k) if after else None
    by_start = doc.resolver.by_start
    first = by_start.get(k + 1) if toks[k].lower == "the" else by_start.get(k)
    ended = doc.text[span.end - 1] in ".!?" and toks[k].is_cap  # '...material." The ...'
    for c in range(k, min(len(toks), k + 22)):
        t = toks[c]
        if doc.ends_sentence(c) or t.text in MARKS:
            return None
        if c > k and doc.is_cue(c, loose=True):
            if not doc.short_tail(c) or (ended and _introduces_next(doc, c)):
                return None  # '." He said he had ...' / '." He added: "...': a new sentence
            subject = doc.subject_before(c)
            if subject is not None and doc.leads(k, subject):
                return subject, c
            # '"...," Harry Bond, 30, of Raleigh, N.C., who ..., said'
            if (
                first is not None
                and not first.possessive
                and first.tok_end < len(toks)
                and toks[first.tok_end].text == ","
            ):
                return first, c
            return None
    return None


def _introduces_next(doc: Doc, c: int) -> bool:
    """Does the cue at c end in a colon, introducing the next quote ('She added: "')?"""
    for t in doc.tokens[c + 1 : c + 12]:
        if t.text == ":":
            return True
        if t.text in SENT_PUNCT or t.text in MARKS:
            return False
    return False


def pre_attribution(
    doc: Doc, span: QuotedSpan, region_start: int
) -> tuple[Mention, int, int | None] | None:
    """'Lavrov said: "..."' or a mixed quote 'Wang added that "..."'. Returns the
    subject, the cue token and, for a mixed quote, the clause's start offset."""
    toks = doc.tokens
    k = doc.tok_at(span.open)
    lo = max(doc.tok_at(region_start), k - 30)
    if k >= 2 and toks[k - 1].text == ":":
        named = doc.resolver.by_end.get(k - 1)
        if named is not None and not named.possessive and (
            doc.opens_sentence(named)
            or (named.tok_start > 0 and toks[named.tok_start - 1].text in "-—–")
        ):
            return named, k - 1, None  # 'Clinton: "Our goal is ..."'
    for c in range(k - 1, lo - 1, -1):
        if toks[c].text in MARKS:
            return None
        if not doc.is_cue(c):
            continue
        after_cue = c + 1
        if toks[c].lower == "according":
            found = doc.subject_after(c + 1)
            if found is None:
                return None
            subject, after_cue = found
        else:
            subject_b = doc.subject_before(c)
            if subject_b is None:
                subject_b = doc.participle_subject(c)
            if subject_b is None:
                found = doc.subject_after(c)
                if found is None:
                    return None
                subject_b, after_cue = found
            subject = subject_b
        gap = toks[after_cue:k]
        words = [t.lower for t in gap if t.is_word]
        if len(gap) > _MAX_GAP:
            return None
        if any(doc.ends_sentence(after_cue + i) for i in range(len(gap))):
            return None  # the cue belongs to an earlier sentence
        if not words or words == ["that"] or (gap and gap[-1].text in ":,—"):
            return subject, c, None
        lemma = C.cue_lemma(toks[c].text)
        if lemma in C.DIRECT_ONLY or toks[c].lower in C.STATEMENT_VERBS or (
            words[-1] in ("reading", "saying", "stating")
        ):
            return subject, c, None  # 'posted a message on Twitter reading "..."'
        if _is_title(doc.text[span.start : span.end]):
            return None  # 'said on ABC's "Good Morning America"': a title, not words
        clause = doc.clause_start(c, after_cue, k)
        return subject, c, doc.tokens[clause].start
    return None


def direct_quotes(doc: Doc) -> tuple[list[Candidate], set[int], list[QuotedSpan]]:
    found: list[Candidate] = []
    used: set[int] = set()
    unattributed: list[QuotedSpan] = []
    prev_end = 0
    for span in doc.spans:
        para_start = doc.loc.paragraphs[doc.loc.paragraph(span.open)][0]
        sent_start = doc.loc.sentences[doc.loc.sentence(span.open)][0]
        region = max(para_start, prev_end, sent_start)
        if doc.loc.paragraph(prev_end) == doc.loc.paragraph(span.open):
            region = max(para_start, prev_end)
        elif span.open == para_start and _ends_with_colon(doc, span.open):
            # 'Breitbart News responded:' closing the previous paragraph
            region = doc.loc.sentences[max(0, doc.loc.sentence(span.open) - 1)][0]
        prev_end = (span.close + 1) if span.close is not None else span.end
        post = post_attribution(doc, span)
        if post is not None and post[0].kind != "name":
            # '"..." the candidate said' loses to 'Clinton proclaimed: "..."' before it
            pre = pre_attribution(doc, span, region)
            if pre is not None and pre[2] is None and pre[0].kind == "name":
                post = pre[0], pre[1]
        if post is not None:
            subject, c = post
            used.add(c)
            found.append(Candidate(subject, doc.cue_text(c), span.start, span.end, True))
            continue
        pre = pre_attribution(doc, span, region)
        if pre is not None:
            subject, c, clause = pre
            used.add(c)
            tail = _clause_tail(doc, span)
            if clause is None and tail is not None:
                # 'says "the wind is at our backs" despite his loss': the clause goes on
                found.append(Candidate(subject, doc.cue_text(c), span.open, tail, False))
            elif clause is None:
                found.append(Candidate(subject, doc.cue_text(c), span.start, span.end, True))
            else:
                end = span.close + 1 if span.close is not None else span.end
                found.append(Candidate(subject, doc.cue_text(c), clause, end, False))
            continue
        signed = _dash_signature(doc, span)
        if signed is not None:
            found.append(Candidate(signed, "", span.start, span.end, True))
            continue
        if doc.word_count(span.start, span.end) >= 3:
            unattributed.append(span)
    return found, used, unattributed


def _ends_with_colon(doc: Doc, pos: int) -> bool:
    """Does the paragraph before the one at ``pos`` end with a colon?"""
    para = doc.loc.paragraph(pos)
    return para > 0 and doc.text[doc.loc.paragraphs[para - 1][1] - 1] == ":"


def _dash_signature(doc: Doc, span: QuotedSpan) -> Mention | None:
    """A quote followed by a line that is just '- Bernie Sanders.' (fact checks)."""
    if span.close is None:
        return None
    para = doc.loc.paragraph(span.close)
    rest_of_line = doc.text[span.close + 1 : doc.loc.paragraphs[para][1]]
    if para + 1 >= len(doc.loc.paragraphs) or rest_of_line.strip():
        return None
    ns, ne = doc.loc.paragraphs[para + 1]
    line = doc.text[ns:ne]
    if line[:1] not in "-—–" or len(line) > 60:
        return None
    named = doc.resolver.by_start.get(doc.tok_at(ns + 1))
    if named is None or named.end < ne - 1 or named.possessive:
        return None
    return named


def _is_title(text: str) -> bool:
    words = [w for w in text.split() if w[0].isalpha()]
    return len(words) <= 6 and all(w[0].isupper() or len(w) <= 3 for w in words)


def _clause_tail(doc: Doc, span: QuotedSpan) -> int | None:
    """End of the sentence when words follow the closing mark in it, else None."""
    if span.close is None:
        return None
    k = doc.tok_at(span.close + 1)
    if k >= len(doc.tokens) or not doc.tokens[k].is_word:
        return None
    if doc.loc.sentence(doc.tokens[k].start) != doc.loc.sentence(span.close):
        return None
    _, se = doc.loc.sentences[doc.loc.sentence(span.close)]
    return trim_end(doc.text, span.close, se)


def continuations(
    doc: Doc,
    spans: list[QuotedSpan],
    resolved: list[tuple[Candidate, Mention]],
) -> list[tuple[Candidate, Mention]]:
    """Unattributed quotes continuing the previous speaker: later in the same
    paragraph, or a paragraph that is just a quote after an attributed one."""
    out: list[tuple[Candidate, Mention]] = []
    ordered = sorted(resolved, key=lambda r: r[0].start)
    for span in spans:
        para = doc.loc.paragraph(span.open)
        ps, _ = doc.loc.paragraphs[para]
        before = [r for r in ordered if r[0].end <= span.open]
        if not before:
            continue
        cand, speaker = before[-1]
        prev_para = doc.loc.paragraph(cand.start)
        same_para = prev_para == para
        opens_para = span.open == ps and prev_para == para - 1 and cand.direct
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


def sentence_subjects(doc: Doc, spans: list[QuotedSpan]) -> list[tuple[Candidate, Mention]]:
    """Last resort for a quote of 4+ words with no speech cue ('Skelly called Braynard
    "a real smart guy ..."'): the subject of the sentence it sits in, or of the
    sentence introducing it with a colon ('Cruz called them on it:' + new paragraph)."""
    toks = doc.tokens
    out: list[tuple[Candidate, Mention]] = []
    for span in spans:
        if doc.word_count(span.start, span.end) < 4 or _is_title(doc.text[span.start : span.end]):
            continue  # too short to be words someone said, or a title ("Star Trek: ...")
        sent = doc.loc.sentence(span.open)
        ss, _ = doc.loc.sentences[sent]
        k1 = doc.tok_at(span.open)
        para_start = doc.loc.paragraphs[doc.loc.paragraph(span.open)][0]
        if span.open == para_start and sent > 0 and _ends_with_colon(doc, span.open):
            ss, se = doc.loc.sentences[sent - 1]
            k1 = doc.tok_at(se)
        subject: Mention | None = None
        for k in range(doc.tok_at(ss), k1):
            named = doc.resolver.by_start.get(k)
            if named is not None:
                if named.possessive or doc.after_preposition(named) or doc.is_modifier(named):
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
        if speaker is not None:
            cue = toks[verb].text if toks[verb].is_word else ""
            out.append((Candidate(subject, cue, span.start, span.end, True), speaker))
    return out


def _names_between(doc: Doc, start: int, end: int, speaker: Mention) -> bool:
    """Another person named between the last attribution and this quote?"""
    for m in doc.names:
        person = m.gender is not None or bool(m.roles)  # a clear person, not "POLITICO"
        if start <= m.start < end and person and not set(m.words) & set(speaker.words):
            return True
    return False
