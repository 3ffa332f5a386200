"""Rule-based quote extraction: direct, split, mixed and reported speech.

Pipeline for one article: pair quote marks, find name mentions, attach each quote to
a speech cue and its subject (after the quote: '"...," Lavrov said' / 'said Lavrov';
before it: 'Lavrov said: "..."'), find reported clauses ('X said (that) ...',
'..., X said.', 'according to X'), then resolve every subject to a full name in text
order (see resolve.py). Pure function of the article: no model, no I/O.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from index.models import Article, Quote
from index.quotes import cues as C
from index.quotes import names as N
from index.quotes.resolve import (
    DETERMINERS,
    Mention,
    Resolver,
    find_names,
    pronoun_mention,
    role_mention,
)
from index.quotes.text import MARKS, Locator, QuotedSpan, Token, quoted_spans, tokenize

_INDEFINITE = frozenset({"a", "an", "one", "another", "some", "several", "many"})
_PREPOSITIONS = frozenset(
    "in at of from for with on by to about into over under near inside outside".split()
)
_STOP_AFTER = frozenset(
    "in on at during of for to with after before while when as who which that and but "
    "about from into by".split()
)
_SENT_PUNCT = frozenset(".!?;")
_CLAUSE_OPENERS = frozenset({"he", "she", "that", "it", "they", "we", "i"})
_MIN_CLAUSE_WORDS = 4
_MAX_GAP = 25


@dataclass
class _Candidate:
    subject: Mention
    cue: str
    start: int
    end: int
    direct: bool


class _Article:
    """Per-article working state for the extraction passes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.loc = Locator(text)
        self.tokens = tokenize(text)
        self.starts = [t.start for t in self.tokens]
        self.spans = quoted_spans(text, self.loc.paragraphs)
        self.in_quote = [False] * len(self.tokens)
        for span in self.spans:
            for k in range(self.tok_at(span.start), self.tok_at(span.end)):
                self.in_quote[k] = True
        self.names = find_names(text, self.tokens, self.in_quote)
        self.resolver = Resolver(self.names, self.loc)

    def tok_at(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect_left(self.starts, pos)

    def para_of_tok(self, k: int) -> int:
        return self.loc.paragraph(self.tokens[k].start)

    # -- subjects ---------------------------------------------------------------

    def subject_before(self, c: int) -> Mention | None:
        """The subject written before the cue at token c ("Lavrov (also) said")."""
        toks = self.tokens
        if c > 0 and toks[c - 1].lower in ("was", "were", "been", "being", "is", "be"):
            # passive: "Sanders was asked by host Bill Maher" -> the agent speaks
            if c + 1 < len(toks) and toks[c + 1].lower == "by":
                found = self._np_after(c + 1)
                return found[0] if found else None
            return None
        j = c - 1
        for _ in range(3):
            if j >= 0 and toks[j].lower in C.AUX_ADVERBS:
                j -= 1
        if j < 0 or self.in_quote[j]:
            return None
        # "Gov. John Kasich (R-OH), said" / "Sen. Jason Holsman (D) said"
        close = j - 1 if toks[j].text == "," and j > 0 and toks[j - 1].text == ")" else j
        if toks[close].text == ")":
            for p in range(close - 1, max(-1, close - 8), -1):
                if toks[p].text == "(":
                    named = self.resolver.by_end.get(p)
                    return named if named is not None and not named.possessive else None
            return None
        t = toks[j]
        if t.lower in N.PRONOUNS:
            return pronoun_mention(toks, j)
        if t.text == ",":
            return self._appositive_subject(j)
        named = self.resolver.by_end.get(j + 1)
        if named is not None and not named.possessive:
            return None if self._after_preposition(named) else named
        return self._role_before(j)

    def _appositive_subject(self, comma: int) -> Mention | None:
        """'Jim Bennett, 57, told' / 'Wang Wenbin, the spokesman, said'."""
        toks = self.tokens
        for p in range(comma - 1, max(-1, comma - 14), -1):
            t = toks[p]
            if t.text == "." and toks[p + 1].text == ",":
                continue  # "R-Wis.," inside the appositive
            if t.text in _SENT_PUNCT or t.text in MARKS or self.in_quote[p]:
                return None
            if t.text == ",":
                named = self.resolver.by_end.get(p)
                if named is not None and not named.possessive:
                    return named
                inner = self.resolver.by_end.get(comma)
                if inner is not None and inner.tok_start == p + 1:
                    return inner
                return self._role_before(p - 1)
        return None

    def _role_before(self, j: int) -> Mention | None:
        """'the (foreign ministry) spokesman' ending at token j, or 'President' alone."""
        toks = self.tokens
        if j < 0 or not toks[j].is_word:
            return None
        head = toks[j].lower
        if head not in N.ROLE_ALIASES:
            return None
        for k in range(j, max(-1, j - 7), -1):
            t = toks[k]
            if t.lower in ("a", "an"):
                return None  # "a spokesman said": nobody in particular
            if t.lower in DETERMINERS or t.text.endswith(("'s", "’s")):
                return role_mention(self.text, toks, k, j + 1, head)
            if not t.is_word:
                break
        if toks[j].is_cap:  # "President said" after a sentence start
            return role_mention(self.text, toks, j, j + 1, head)
        return None

    def subject_after(self, c: int) -> tuple[Mention, int] | None:
        """The subject written after the cue at token c ("said Lavrov", "said the
        former secretary"), with the index of the token after it."""
        toks = self.tokens
        if toks[c].lower != "to" and C.cue_lemma(toks[c].text) not in C.INVERTIBLE:
            return None
        return self._np_after(c)

    def _np_after(self, c: int) -> tuple[Mention, int] | None:
        toks = self.tokens
        k, end = c + 1, min(len(toks), c + 10)
        found: list[Mention] = []
        role_head = -1
        first = k
        while k < end and not self.in_quote[k]:
            t = toks[k]
            named = self.resolver.by_start.get(k)
            if named is not None:
                found.append(named)
                k = named.tok_end
                continue
            if not t.is_word or (t.lower in _STOP_AFTER and k > first):
                break
            if t.lower in _STOP_AFTER:
                return None
            if k == first and t.lower in N.PRONOUNS:
                return pronoun_mention(toks, k), k + 1
            if t.lower in N.ROLE_ALIASES:
                role_head = k
            elif t.lower not in DETERMINERS and not t.lower.endswith("s") and not t.is_cap:
                # adjectives are fine ("former"), verbs end the phrase
                if t.lower in C.CUE_FORMS:
                    break
            k += 1
        if toks[first].lower in _INDEFINITE:
            return None  # "said a prominent RNC member": nobody named
        # A name followed by a lowercase noun only modifies it ("Clinton campaign").
        found = [m for m in found if not self._is_modifier(m)]
        if found:
            full = [m for m in found if len(m.words) > 1 and not m.possessive]
            pick = full[-1] if full else found[-1]
            return (pick, pick.tok_end) if not pick.possessive else None
        if role_head >= 0 and toks[first].lower in DETERMINERS:
            return role_mention(self.text, toks, first, role_head + 1, toks[role_head].lower), role_head + 1
        return None

    def _is_modifier(self, m: Mention) -> bool:
        k = m.tok_end
        return (
            k < len(self.tokens)
            and self.tokens[k].is_word
            and self.tokens[k].text.islower()
            and self.tokens[k].lower not in _STOP_AFTER
            and C.cue_lemma(self.tokens[k].text) is None
            and self.tokens[k].lower not in C.AUX_ADVERBS
        )

    def _after_preposition(self, m: Mention) -> bool:
        """'People in Fort Pierce said': a name inside a prepositional phrase."""
        k = m.tok_start - 1
        if k >= 0 and self.tokens[k].lower == "the":
            k -= 1
        return k >= 0 and self.tokens[k].lower in _PREPOSITIONS

    def cue_text(self, c: int) -> str:
        toks = self.tokens
        word = toks[c].text
        if word == ":":
            return "said"
        if toks[c].lower == "according":
            return "according to"
        if c + 1 < len(toks) and C.cue_lemma(word) in ("tell", "ask") and toks[c + 1].lower in C.HEARERS:
            return f"{word} {toks[c + 1].text}"
        return word

    def is_cue(self, k: int, loose: bool = False) -> bool:
        """A speech cue at token k; ``loose`` also accepts forms that are usually
        nouns ("notes", "points out"), safe right after a quote."""
        toks = self.tokens
        if self.in_quote[k] or not toks[k].is_word:
            return False
        word = toks[k].lower
        nxt = toks[k + 1].lower if k + 1 < len(toks) else ""
        if word == "according":
            return nxt == "to"
        if toks[k].is_cap and not (k > 0 and toks[k - 1].text in MARKS):
            # only "Said Dorothy Poynter, ...": an inverted cue opening a sentence
            if C.cue_lemma(word) not in C.INVERTIBLE or not self._starts_sentence(k):
                return False
        if word in C.POINT_FORMS and nxt == "out":
            return True
        if word in C.STATEMENT_VERBS and any(
            t.lower in C.STATEMENT_NOUNS for t in toks[k + 1 : k + 4]
        ):
            return True  # "issued a statement", "released a statement saying"
        if loose and word in C.LOOSE_FORMS:
            return True
        if word in C.BACK_FORMS and nxt == "back":
            return True  # "shot back", "fired back"
        return C.cue_lemma(word) is not None

    # -- direct quotes -------------------------------------------------------------

    def post_attribution(self, span: QuotedSpan) -> tuple[Mention, int] | None:
        """'"...," Lavrov said' / '"...," said Lavrov' / '"...," according to X'."""
        if span.close is None:
            return None
        toks = self.tokens
        k = self.tok_at(span.close + 1)
        para = self.loc.paragraph(span.close)
        # Only a comma or dash may follow: '"..." . Wang said' starts a new sentence.
        if k < len(toks) and toks[k].text in ",—–" and toks[k].start <= span.close + 2:
            k += 1
        if k >= len(toks) or self.para_of_tok(k) != para:
            return None
        if self.is_cue(k, loose=True):
            after = self.subject_after(k + 1 if toks[k].lower == "according" else k)
            return (after[0], k) if after else None
        by_start = self.resolver.by_start
        first = by_start.get(k + 1) if toks[k].lower == "the" else by_start.get(k)
        for c in range(k, min(len(toks), k + 22)):
            t = toks[c]
            if t.text in _SENT_PUNCT and not self._inside_name(c) or t.text in MARKS:
                return None
            if c > k and self.is_cue(c, loose=True):
                if not self._short_tail(c):
                    return None  # '." He said he had ...': a new sentence with its own clause
                subject = self.subject_before(c)
                if subject is not None and self._leads(k, subject):
                    return subject, c
                # '"...," Harry Bond, 30, of Raleigh, N.C., who ..., said'
                if first is not None and not first.possessive and toks[first.tok_end].text == ",":
                    return first, c
                return None
        return None

    def _short_tail(self, c: int) -> bool:
        """After a post-quote cue only a few adverbial words may follow
        ('Trump said late last week.'), not a reported clause."""
        toks = self.tokens
        k = c + 1
        if k < len(toks) and toks[k].lower in C.HEARERS | {"back", "out", "on"}:
            k += 1
        return not (k < len(toks) and toks[k].lower in _CLAUSE_OPENERS)

    def _starts_sentence(self, k: int) -> bool:
        ss, _ = self.loc.sentences[self.loc.sentence(self.tokens[k].start)]
        return self.tokens[k].start == ss

    def _opens_sentence(self, m: Mention) -> bool:
        ss, _ = self.loc.sentences[self.loc.sentence(m.start)]
        return all(not t.is_word for t in self.tokens[self.tok_at(ss) : m.tok_start])

    def _leads(self, k: int, subject: Mention) -> bool:
        """Does the subject open the attribution at token k, perhaps after a short
        descriptor ('the New York Times', 'Concord resident Whit Symms')?"""
        if subject.tok_start < k or subject.tok_start - k > 6:
            return False
        return all(
            t.is_word or t.text in ".'’" for t in self.tokens[k : subject.tok_start]
        )

    def _inside_name(self, k: int) -> bool:
        return any(m.tok_start <= k < m.tok_end for m in self.names if m.tok_end >= k)

    def pre_attribution(
        self, span: QuotedSpan, region_start: int
    ) -> tuple[Mention, int, int | None] | None:
        """'Lavrov said: "..."' or a mixed quote 'Wang added that "..."'. Returns the
        subject, the cue token and, for a mixed quote, the clause's start offset."""
        toks = self.tokens
        k = self.tok_at(span.open)
        lo = max(self.tok_at(region_start), k - 30)
        if k >= 2 and toks[k - 1].text == ":":
            named = self.resolver.by_end.get(k - 1)
            if named is not None and not named.possessive and self._opens_sentence(named):
                return named, k - 1, None  # 'Clinton: "Our goal is ..."' 
        for c in range(k - 1, lo - 1, -1):
            if toks[c].text in MARKS:
                return None
            if not self.is_cue(c):
                continue
            after_cue = c + 1
            if toks[c].lower == "according":
                found = self.subject_after(c + 1)
                if found is None:
                    return None
                subject, after_cue = found
            else:
                subject_b = self.subject_before(c)
                if subject_b is None:
                    subject_b = self._participle_subject(c)
                if subject_b is None:
                    found = self.subject_after(c)
                    if found is None:
                        return None
                    subject_b, after_cue = found
                subject = subject_b
            gap = toks[after_cue:k]
            words = [t.lower for t in gap if t.is_word]
            if len(gap) > _MAX_GAP:
                return None
            if any(
                t.text in _SENT_PUNCT and not self._inside_name(after_cue + i)
                for i, t in enumerate(gap)
            ):
                return None  # the cue belongs to an earlier sentence
            if not words or words == ["that"] or (gap and gap[-1].text in ":,—"):
                return subject, c, None
            lemma = C.cue_lemma(toks[c].text)
            if lemma in C.DIRECT_ONLY or toks[c].lower in C.STATEMENT_VERBS or (
                words[-1] in ("reading", "saying", "stating")
            ):
                return subject, c, None  # 'posted a message on Twitter reading "..."' 
            if _is_title(self.text[span.start : span.end]):
                return None  # 'said on ABC's "Good Morning America"': a title, not words
            clause = self.clause_start(c, after_cue, k)
            return subject, c, self.tokens[clause].start
        return None

    def _participle_subject(self, c: int) -> Mention | None:
        """', saying ...' / '... and said': the subject of the sentence's main clause."""
        toks = self.tokens
        if c == 0:
            return None
        participle = toks[c].lower.endswith("ing") and toks[c - 1].text == ","
        if not participle and toks[c - 1].lower not in ("and", "but"):
            return None
        ss, _ = self.loc.sentences[self.loc.sentence(toks[c].start)]
        people = [
            m
            for m in self.names
            if ss <= m.start < toks[c].start
            and not m.possessive
            and not self._after_preposition(m)
            and not m.name.isupper()  # a dateline ("WASHINGTON —")
        ]
        people.sort(key=lambda m: not m.is_person)
        if not people:
            # "He called on her to resign and said": a pronoun opening the sentence
            k = self.tok_at(ss)
            if toks[k].lower in N.PRONOUNS:
                return pronoun_mention(toks, k)
        return people[0] if people else None

    def clause_start(self, c: int, after_cue: int, limit: int) -> int:
        """Token where a reported clause starts: after 'that', else after the hearer."""
        toks = self.tokens
        for k in range(after_cue, min(limit, after_cue + 9)):
            if toks[k].lower == "that":
                return k + 1
            if not toks[k].is_word:
                break
        k = after_cue
        if C.cue_lemma(toks[c].text) in ("tell", "ask") and k < limit:
            named = self.resolver.by_start.get(k)
            if named is not None:
                k = named.tok_end
            elif toks[k].lower in DETERMINERS:
                k += 2
            elif toks[k].lower in C.HEARERS:
                k += 1
        return min(k, limit)


def extract_quotes(article: Article) -> list[Quote]:
    """Every attributed quote in the article, in text order (offsets into article.text)."""
    doc = _Article(article.text)
    candidates, used_cues, unattributed = _direct(doc)
    candidates += _reported(doc, used_cues, candidates)
    candidates.sort(key=lambda c: (c.subject.start, c.start))
    quotes: list[Quote] = []
    seen: set[tuple[int, int]] = set()
    resolved: list[tuple[_Candidate, Mention]] = []
    for cand in candidates:
        speaker = doc.resolver.resolve(cand.subject)
        if speaker is None or (cand.start, cand.end) in seen:
            continue
        seen.add((cand.start, cand.end))
        resolved.append((cand, speaker))
    resolved += _continuations(doc, unattributed, resolved)
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


def _word_count(doc: _Article, start: int, end: int) -> int:
    return sum(1 for t in doc.tokens[doc.tok_at(start) : doc.tok_at(end)] if t.is_word)


def _direct(doc: _Article) -> tuple[list[_Candidate], set[int], list[QuotedSpan]]:
    found: list[_Candidate] = []
    used: set[int] = set()
    unattributed: list[QuotedSpan] = []
    prev_end = 0
    for span in doc.spans:
        para_start = doc.loc.paragraphs[doc.loc.paragraph(span.open)][0]
        sent_start = doc.loc.sentences[doc.loc.sentence(span.open)][0]
        region = max(para_start, prev_end, sent_start)
        if doc.loc.paragraph(prev_end) == doc.loc.paragraph(span.open):
            region = max(para_start, prev_end)
        prev_end = (span.close + 1) if span.close is not None else span.end
        post = doc.post_attribution(span)
        if post is not None:
            subject, c = post
            used.add(c)
            found.append(_Candidate(subject, doc.cue_text(c), span.start, span.end, True))
            continue
        pre = doc.pre_attribution(span, region)
        if pre is not None:
            subject, c, clause = pre
            used.add(c)
            tail = _clause_tail(doc, span)
            if clause is None and tail is not None:
                # 'says "the wind is at our backs" despite his loss': the clause goes on
                found.append(_Candidate(subject, doc.cue_text(c), span.open, tail, False))
            elif clause is None:
                found.append(_Candidate(subject, doc.cue_text(c), span.start, span.end, True))
            else:
                end = span.close + 1 if span.close is not None else span.end
                found.append(_Candidate(subject, doc.cue_text(c), clause, end, False))
            continue
        if _word_count(doc, span.start, span.end) >= 3:
            unattributed.append(span)
    return found, used, unattributed


def _is_title(text: str) -> bool:
    words = [w for w in text.split() if w[0].isalpha()]
    return len(words) <= 6 and all(w[0].isupper() or len(w) <= 3 for w in words)


def _clause_tail(doc: _Article, span: QuotedSpan) -> int | None:
    """End of the sentence when words follow the closing mark in it, else None."""
    if span.close is None:
        return None
    k = doc.tok_at(span.close + 1)
    if k >= len(doc.tokens) or not doc.tokens[k].is_word:
        return None
    if doc.loc.sentence(doc.tokens[k].start) != doc.loc.sentence(span.close):
        return None
    _, se = doc.loc.sentences[doc.loc.sentence(span.close)]
    return _trim_end(doc.text, span.close, se)


def _overlaps(start: int, end: int, cands: list[_Candidate]) -> bool:
    return any(c.start < end and start < c.end for c in cands)


def _reported(doc: _Article, used: set[int], direct: list[_Candidate]) -> list[_Candidate]:
    """Reported speech: 'X said (that) ...', '..., X said.', 'according to X'."""
    toks, text = doc.tokens, doc.text
    found: list[_Candidate] = []
    quote_spans = [(s.open, (s.close or s.end) + 1) for s in doc.spans]
    for c, tok in enumerate(toks):
        if c in used or not doc.is_cue(c):
            continue
        lemma = "according" if tok.lower == "according" else C.cue_lemma(tok.text)
        if lemma not in C.INDIRECT_OK and lemma != "according":
            continue
        ss, se = doc.loc.sentences[doc.loc.sentence(tok.start)]
        end = _trim_end(text, ss, se)
        cand: _Candidate | None = None
        if lemma == "according":
            cand = _according(doc, c, ss, end)
        else:
            subject = doc.subject_before(c) or doc._participle_subject(c)
            if subject is not None:
                cand = _after_cue(doc, c, subject, end) or _sentence_final(doc, c, subject, ss, se)
            elif c > 0 and toks[c - 1].text == ",":
                found_after = doc.subject_after(c)
                if found_after is not None and _tail_is_short(doc, found_after[1], se):
                    cand = _before_comma(doc, c - 1, found_after[0], doc.cue_text(c), ss)
        if cand is None or _word_count(doc, cand.start, cand.end) < _MIN_CLAUSE_WORDS:
            continue
        if _overlaps(cand.start, cand.end, direct + found):
            continue
        if any(s <= cand.start < e for s, e in quote_spans):
            continue  # a clause opening inside quote marks is a direct quote's business
        found.append(cand)
    return found


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1] in ". \n" or text[end - 1] in "\"”" and text.count(
        '"', start, end) % 2 == 1):
        end -= 1
    return end


def _tail_is_short(doc: _Article, k: int, sent_end: int) -> bool:
    tail = [t for t in doc.tokens[k : doc.tok_at(sent_end)] if t.is_word]
    return len(tail) <= 6 and "that" not in (t.lower for t in tail)


def _after_cue(doc: _Article, c: int, subject: Mention, end: int) -> _Candidate | None:
    """'X said (that) CLAUSE'."""
    toks = doc.tokens
    if C.cue_lemma(toks[c].text) not in C.INDIRECT_OK:
        return None
    limit = doc.tok_at(end)
    k = doc.clause_start(c, c + 1, limit)
    if k >= limit or not toks[k].is_word or toks[k].lower in _STOP_AFTER | {"to", "so", "it"}:
        if not (k < limit and toks[k].lower == "it" and k + 1 < limit and toks[k + 1].is_word):
            return None
    if toks[k].lower in ("this", "something", "nothing", "much", "little"):
        return None
    return _Candidate(subject, doc.cue_text(c), toks[k].start, end, False)


def _sentence_final(
    doc: _Article, c: int, subject: Mention, ss: int, se: int
) -> _Candidate | None:
    """'CLAUSE, X said (on Tuesday).'"""
    if subject.tok_start == 0 or doc.tokens[subject.tok_start - 1].text != ",":
        return None
    if not _tail_is_short(doc, c + 1, se):
        return None
    return _before_comma(doc, subject.tok_start - 1, subject, doc.cue_text(c), ss)


def _before_comma(
    doc: _Article, comma: int, subject: Mention, cue: str, ss: int
) -> _Candidate | None:
    text = doc.text
    start = ss
    while start < len(text) and text[start] in " \"“'":
        start += 1
    end = doc.tokens[comma].start
    if end <= start:
        return None
    return _Candidate(subject, cue, start, end, False)


def _according(doc: _Article, c: int, ss: int, end: int) -> _Candidate | None:
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
            return _Candidate(subject, "according to", toks[k].start, end, False)
    return None


def _continuations(
    doc: _Article,
    spans: list[QuotedSpan],
    resolved: list[tuple[_Candidate, Mention]],
) -> list[tuple[_Candidate, Mention]]:
    """Unattributed quotes continuing the previous speaker: later in the same
    paragraph, or a paragraph that is just a quote after an attributed one."""
    out: list[tuple[_Candidate, Mention]] = []
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
        if _names_between(doc, cand.end, span.open, speaker):
            continue
        out.append(
            (_Candidate(cand.subject, cand.cue, span.start, span.end, True), speaker)
        )
    return out


def _names_between(doc: _Article, start: int, end: int, speaker: Mention) -> bool:
    """Another person named between the last attribution and this quote?"""
    for m in doc.names:
        person = m.gender is not None or bool(m.roles)  # a clear person, not "POLITICO"
        if start <= m.start < end and person and not set(m.words) & set(speaker.words):
            return True
    return False


__all__ = ["extract_quotes", "Token"]
