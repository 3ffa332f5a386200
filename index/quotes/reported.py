"""Reported speech: 'X said (that) ...', '..., X said.', 'according to X'."""

from __future__ import annotations

from index.quotes import cues as C
from index.quotes.doc import MIN_CLAUSE_WORDS, NOT_A_CLAUSE, Candidate, Doc, trim_end
from index.quotes.mentions import Mention


def _mark(covered: bytearray, start: int, end: int) -> None:
    covered[start:end] = b"\x01" * max(0, end - start)


def reported_speech(doc: Doc, used: set[int], direct: list[Candidate]) -> list[Candidate]:
    """Reported speech: 'X said (that) ...', '..., X said.', 'according to X'."""
    toks, text = doc.tokens, doc.text
    found: list[Candidate] = []
    # Characters already claimed (by direct quotes, then by found clauses) and inside
    # quote marks: checked per candidate in its own length, not against every other one.
    taken = bytearray(len(text) + 1)
    for d in direct:
        _mark(taken, d.start, d.end)
    quoted = bytearray(len(text) + 1)
    for q in doc.spans:
        _mark(quoted, q.open, (q.close or q.end) + 1)
    for c, tok in enumerate(toks):
        if c in used or not doc.is_cue(c):
            continue
        lemma = "according" if tok.lower == "according" else C.cue_lemma(tok.text)
        if lemma not in C.INDIRECT_OK and lemma != "according":
            continue
        ss, se = doc.loc.sentences[doc.loc.sentence(tok.start)]
        end = trim_end(text, ss, se)
        cand: Candidate | None = None
        if lemma == "according":
            cand = _according(doc, c, ss, end)
        else:
            subject = doc.subject_before(c) or doc.participle_subject(c)
            if subject is not None:
                cand = _after_cue(doc, c, subject, end) or _sentence_final(doc, c, subject, ss, se)
            elif c > 0 and toks[c - 1].text == ",":
                found_after = doc.subject_after(c)
                if found_after is not None and _tail_is_short(doc, found_after[1], se):
                    cand = _before_comma(doc, c - 1, found_after[0], doc.cue_text(c), ss)
        if cand is None or doc.word_count(cand.start, cand.end) < MIN_CLAUSE_WORDS:
            continue
        if taken.find(1, cand.start, cand.end) != -1:
            continue
        if quoted[cand.start]:
            continue  # a clause opening inside quote marks is a direct quote's business
        found.append(cand)
        _mark(taken, cand.start, cand.end)
    return found


def _tail_is_short(doc: Doc, k: int, sent_end: int) -> bool:
    tail = [t for t in doc.tokens[k : doc.tok_at(sent_end)] if t.is_word]
    return len(tail) <= 6 and "that" not in (t.lower for t in tail)


def _after_cue(doc: Doc, c: int, subject: Mention, end: int) -> Candidate | None:
    """'X said (that) CLAUSE'."""
    toks = doc.tokens
    if C.cue_lemma(toks[c].text) not in C.INDIRECT_OK:
        return None
    limit = doc.tok_at(end)
    k = doc.clause_start(c, c + 1, limit)
    if k >= limit or not toks[k].is_word or toks[k].lower in NOT_A_CLAUSE:
        return None  # "said to ...", "said so", "said something": no reported clause
    return Candidate(subject, doc.cue_text(c), toks[k].start, end, False)


def _sentence_final(
    doc: Doc, c: int, subject: Mention, ss: int, se: int
) -> Candidate | None:
    """'CLAUSE, X said (on Tuesday).'"""
    if subject.tok_start == 0 or doc.tokens[subject.tok_start - 1].text != ",":
        return None
    if not _tail_is_short(doc, c + 1, se):
        return None
    return _before_comma(doc, subject.tok_start - 1, subject, doc.cue_text(c), ss)


def _before_comma(
    doc: Doc, comma: int, subject: Mention, cue: str, ss: int
) -> Candidate | None:
    text = doc.text
    start = ss
    while start < len(text) and text[start] in " \"“'":
        start += 1
    end = doc.tokens[comma].start
    if end <= start:
        return None
    return Candidate(subject, cue, start, end, False)


def _according(doc: Doc, c: int, ss: int, end: int) -> Candidate | None:
    """'CLAUSE, according to X.' / 'According to X, CLAUSE.'"""
    toks = doc.tokens
    found = doc.subject_after(c + 1)
    if found is None:
        return None
    subject, after = found
    if c > 0 and toks[c - 1].text == ",":
        return _before_comma(doc, c - 1, subject, "according to", ss)
    if toks[c].start - ss <= 4 and after < len(toks) and toks[after].text == ",":
        k = after + 1
        if k < len(toks) and toks[k].start < end:
            return Candidate(subject, "according to", toks[k].start, end, False)
    return None
