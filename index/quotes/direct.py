"""Direct quotes: attach each quoted span to a cue and subject after it
('"...," Lavrov said', '"...," said Lavrov') or before it ('Lavrov said: "..."',
mixed 'Wang added that "..."'). Quotes no cue claims go on to unclaimed.py."""

from __future__ import annotations

from index.quotes import cues as C
from index.quotes.doc import SENT_PUNCT, STOP_AFTER, Candidate, Doc, trim_end
from index.quotes.mentions import Mention
from index.quotes.names import wordset
from index.quotes.text import MARKS, QuotedSpan

_MAX_GAP = 25
_ARTICLES = frozenset({"the", "a", "an"})
_SUBORDINATE = frozenset({"if", "when", "because", "unless", "although", "whether", "until"})
_NARRATOR_CLAUSES = _SUBORDINATE | wordset("as while after before since though whereas")


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
        after = doc.subject_after(k + 1 if toks[k].lower == "according" else k, loose=True)
        if after is not None:
            return after[0], k
        if toks[k].lower in C.CUE_FORMS or toks[k].lower == "according":
            return None
        # a loose form with no subject after it is an ordinary word ('," state Sen.
        # Jane Roe said'): look for the cue further on
    by_start = doc.resolver.by_start
    first = by_start.get(k + 1) if toks[k].lower == "the" else by_start.get(k)
    ended = doc.text[span.end - 1] in ".!?" and toks[k].is_cap  # '...material." The ...'
    for c in range(k, min(len(toks), k + 30)):
        t = toks[c]
        if doc.ends_sentence(c) or t.text in MARKS:
            return None
        if t.lower in _SUBORDINATE:
            return None  # '"..." if he continues to lose': a clause about the quote
        if c > k and doc.is_cue(c, loose=True):
            if not doc.short_tail(c) or (ended and _introduces_next(doc, c)):
                return None  # '." He said he had ...' / '." He added: "...': a new sentence
            if ended and doc.reports_clause(c):
                # '... silt up." Mayor X said property taxes would stay flat.': the quote
                # closed its sentence, and this cue has its own reported clause.
                return None
            subject = doc.subject_before(c)
            if subject is not None and (doc.leads(k, subject) or _role_then_name(doc, k, subject)):
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


_STATEMENT_NOUNS = wordset(
    "statement post tweet response reply message letter answer comment remarks words "
    "retort note email e-mail op-ed speech"
)


def _possessive_statement(doc: Doc, colon: int, region_start: int) -> Mention | None:
    """'NAME's (Facebook) post:' / 'Clinton's response was:' right before the colon."""
    toks = doc.tokens
    lo = max(doc.tok_at(region_start), colon - 8)
    for p in range(colon - 1, lo - 1, -1):
        t = toks[p]
        if not t.is_word:
            return None
        if t.lower in _STATEMENT_NOUNS:
            for q in range(p - 1, max(lo, p - 4) - 1, -1):
                named = doc.resolver.by_end.get(q + 1)
                if named is not None and named.possessive:
                    return named
            return None
    return None


def _role_then_name(doc: Doc, k: int, subject: Mention) -> bool:
    """'"...," the presumptive GOP nominee, Donald Trump, tweeted': a description and
    a comma before the name."""
    if subject.kind != "name" or subject.tok_start - k > 10 or subject.tok_start <= k + 1:
        return False
    between = doc.tokens[k : subject.tok_start]
    return (
        between[-1].text == ","
        and between[0].lower in _ARTICLES
        and all(t.is_word and t.lower not in STOP_AFTER for t in between[1:-1])
    )


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
        end = k - 1
        if toks[end - 1].text == ")":  # 'Rep. Trey Gowdy (R-S.C.): "..."' (transcripts)
            end = next(
                (p for p in range(end - 2, max(-1, end - 9), -1) if toks[p].text == "("), end
            )
        named = doc.resolver.by_end.get(end)
        if named is not None and not named.possessive and (
            doc.opens_sentence(named)
            or (named.tok_start > 0 and toks[named.tok_start - 1].text in "-—–")
        ):
            return named, k - 1, None  # 'Clinton: "Our goal is ..."'
        owner = _possessive_statement(doc, k - 1, region_start)
        if owner is not None:
            return owner, k - 1, None  # 'From Bush's Facebook post: "..."'
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
                if found is None or _verb_after(doc, found[1], k):
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
        if is_title(doc.text[span.start : span.end]):
            return None  # 'said on ABC's "Good Morning America"': a title, not words
        clause = doc.clause_start(c, after_cue, k)
        return subject, c, doc.tokens[clause].start
    return None


def _verb_after(doc: Doc, k: int, quote: int) -> bool:
    """'now said Trump had "the opportunity ..."': a lowercase word right after the name
    makes it the subject of the reported clause, not the speaker."""
    t = doc.tokens[k] if k < quote else None
    return t is not None and t.is_word and t.text.islower() and t.lower not in STOP_AFTER


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
        elif span.open == para_start and ends_with_colon(doc, span.open):
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
                # 'has said "the next president" should choose': the clause goes on
                end = span.close + 1 if span.close is not None else span.end
                if tail is not None and _plain_tail(doc, span, tail):
                    end = tail
                found.append(Candidate(subject, doc.cue_text(c), clause, end, False))
            continue
        trailing = _trailing_attribution(doc, span)
        if trailing is not None:
            subject, c, comma = trailing
            used.add(c)
            found.append(Candidate(subject, doc.cue_text(c), span.open, comma, False))
            continue
        signed = _dash_signature(doc, span)
        if signed is not None:
            found.append(Candidate(signed, "", span.start, span.end, True))
            continue
        if doc.word_count(span.start, span.end) >= 3:
            unattributed.append(span)
    return found, used, unattributed


def _trailing_attribution(doc: Doc, span: QuotedSpan) -> tuple[Mention, int, int] | None:
    """A quote whose sentence goes on after the closing mark and ends with the
    attribution: '"We are horrified" by the shooting, Nefzi said.' Returns the
    subject, the cue token and the offset of the comma ending the quoted clause."""
    if span.close is None or doc.text[span.end - 1] in ".!?":
        return None  # '"...!" the nominee, Donald Trump, tweeted': the words end there
    toks = doc.tokens
    k = doc.tok_at(span.close + 1)
    if k >= len(toks) or not toks[k].is_word or doc.para_of_tok(k) != doc.loc.paragraph(span.open):
        return None
    sent = doc.loc.sentence(span.close)
    if doc.loc.sentence(toks[k].start) != sent:
        return None
    _, se = doc.loc.sentences[sent]
    limit = doc.tok_at(se)
    for c in range(k + 1, min(limit, k + 40)):
        if toks[c].text in MARKS or doc.in_quote[c]:
            return None
        if toks[c].text != ",":
            continue
        nxt = c + 1
        if nxt < limit and doc.is_cue(nxt) and not toks[nxt].is_cap:
            found = doc.subject_after(nxt)  # ', said Sanders.'
            if found is not None and doc.short_tail(nxt) and _tail_words(doc, found[1], se) <= 6:
                return found[0], nxt, toks[c].start
            continue
        for cue in range(nxt + 1, min(limit, nxt + 12)):
            if doc.is_cue(cue):
                subject = doc.subject_before(cue)
                if (
                    subject is not None
                    and doc.leads(nxt, subject)
                    and _tail_words(doc, cue + 1, se) <= 6
                ):
                    return subject, cue, toks[c].start
                break
    return None


def _tail_words(doc: Doc, k: int, end: int) -> int:
    """Words after an attribution up to the sentence end, or up to a quote that
    resumes the speaker's words (', Clinton said at a town hall on Monday, "we ...')."""
    n = 0
    for t in doc.tokens[k : doc.tok_at(end)]:
        if t.text in MARKS:
            return 0 if n <= 10 else n  # the quote resumes after a short attribution
        n += t.is_word
    return n


def ends_with_colon(doc: Doc, pos: int) -> bool:
    """Does the paragraph before the one at ``pos`` end with a colon?"""
    para = doc.loc.paragraph(pos)
    return para > 0 and doc.text[doc.loc.paragraphs[para - 1][1] - 1] == ":"


_DASHES = "-—–―"


def _dash_signature(doc: Doc, span: QuotedSpan) -> Mention | None:
    """A quote signed with a dash and a name, on the same line ('"..." ― Jane Roe')
    or on the next one ('- Bernie Sanders.', '-President Obama, tweeting ...')."""
    if span.close is None:
        return None
    para = doc.loc.paragraph(span.close)
    _, pe = doc.loc.paragraphs[para]
    rest = doc.text[span.close + 1 : pe]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        if rest[lead : lead + 1] not in _DASHES:
            return None
        return _signed_name(doc, span.close + 1 + lead, pe)
    if para + 1 >= len(doc.loc.paragraphs):
        return None
    ns, ne = doc.loc.paragraphs[para + 1]
    if doc.text[ns : ns + 1] not in _DASHES:
        return None
    return _signed_name(doc, ns, ne)


def _signed_name(doc: Doc, dash: int, line_end: int) -> Mention | None:
    """The name right after the dash at ``dash``; only a short tail may follow it
    ('― Jane Roe.', '-Jane Roe, Philadelphia.')."""
    k = doc.tok_at(dash)
    while k < len(doc.tokens) and doc.tokens[k].text in _DASHES:
        k += 1
    named = doc.resolver.by_start.get(k)
    if named is None or named.possessive or line_end - dash > 80:
        return None
    tail = doc.text[named.end : line_end].strip()
    if tail and tail[0] not in ".,(" or tail.startswith(".") and len(tail) > 1:
        return None
    return named


def is_title(text: str) -> bool:
    words = [w for w in text.split() if w[0].isalpha()]
    return len(words) <= 6 and all(w[0].isupper() or len(w) <= 3 for w in words)


def _plain_tail(doc: Doc, span: QuotedSpan, tail: int) -> bool:
    """Does a mixed quote's clause simply go on after the closing mark, with no comma
    (another clause, perhaps another speaker) and no punctuation closing the words?"""
    rest = doc.text[(span.close or span.end) + 1 : tail]
    return doc.text[span.end - 1] not in ".,!?;:" and not any(ch in rest for ch in ",;:\"“”")


def _clause_tail(doc: Doc, span: QuotedSpan) -> int | None:
    """End of the sentence when words follow the closing mark in it, else None."""
    if span.close is None:
        return None
    k = doc.tok_at(span.close + 1)
    if k >= len(doc.tokens) or not doc.tokens[k].is_word:
        return None
    if doc.tokens[k].lower in _NARRATOR_CLAUSES and doc.text[span.end : span.close + 2].strip(
        " ”\"'’"
    ).startswith(","):
        return None  # 'saying, "That makes me smart," when Clinton ...': the narrator's clause
    if doc.loc.sentence(doc.tokens[k].start) != doc.loc.sentence(span.close):
        return None
    _, se = doc.loc.sentences[doc.loc.sentence(span.close)]
    return trim_end(doc.text, span.close, se)
