"""Per-article working state for quote extraction: tokens, quote spans, names, and
the grammar helpers every pass shares (is this token a cue? who is its subject?)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace

from index.quotes import cues as C
from index.quotes import names as N
from index.quotes.mentions import (
    DETERMINERS,
    Mention,
    find_names,
    org_mention,
    pronoun_mention,
    role_mention,
)
from index.quotes.names import wordset
from index.quotes.resolve import Resolver
from index.quotes.text import MARKS, Locator, Token, quoted_spans, tokenize

_DETERMINERS_NOT_THE = DETERMINERS - {"the"}
_INDEFINITE = frozenset({"a", "an", "one", "another", "some", "several", "many"})
_PREPOSITIONS = wordset(
    "in at of from for with on by to about into over under near inside outside"
)
STOP_AFTER = wordset(
    "in on at during of for to with after before while when as who which that and but "
    "about from into by"
)
SENT_PUNCT = frozenset(".!?;")
_SUBORDINATORS = wordset("when while as after before because if although since though whereas")
# ', saying', 'by saying', 'while adding': a participle whose subject is the main clause's.
_PARTICIPLE_LINKS = wordset(", by while before after")
_CLAUSE_OPENERS = frozenset({"he", "she", "that", "it", "they", "we", "i"})
# "X went on to say", "X continued to insist": the subject stands before these.
_TO_VERBS = wordset("on continued continues proceeded proceeds went goes rushed hastened")
_GO = wordset("went goes go")
# "Ryan's office said", "Clinton's campaign said": an institution speaking for its owner.
_OWNED_VOICES = wordset("office campaign")
# "the IMF report stated", "the White House statement said": a document speaks for the
# organisation or person named as its owner.
_DOCUMENTS = wordset(
    "report statement release memo letter filing complaint ruling order study survey "
    "analysis audit"
)
_DETERMINED = wordset("the a an")
_AUTHORED = _DOCUMENTS | wordset("document affidavit brief lawsuit motion petition")
_AUTHOR_VERBS = wordset("filed written signed authored")
_RECORDINGS = wordset(
    "footage video videos clip clips tape tapes audio recording recordings sound soundbite "
    "image images photo photos picture pictures montage excerpt excerpts scene scenes"
)
# Words that cannot open a reported clause: "said to ...", "said so", "said on Tuesday".
NOT_A_CLAUSE = STOP_AFTER | wordset("to so this something nothing much little")
MIN_CLAUSE_WORDS = 4
_OBJECT_WORDS = wordset(
    "itself himself herself themselves it the a an this that these those his her their its "
    "them him in on at to as with"
)


@dataclass
class Candidate:
    """Words attributed to a subject mention, before the subject is resolved."""

    subject: Mention
    cue: str
    start: int
    end: int
    direct: bool


class Doc:
    """One article prepared for the extraction passes."""

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
        self.resolver = Resolver(self.names, self.loc, self.tokens)
        self.in_name = [False] * len(self.tokens)
        for m in self.names:
            self.in_name[m.tok_start : m.tok_end] = [True] * (m.tok_end - m.tok_start)

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
        if c >= 2 and toks[c - 1].lower == "as" and toks[c - 2].lower == "quoted":
            j = c - 3  # "Braynard is quoted as saying"
        elif c >= 2 and toks[c - 1].lower == "to" and toks[c - 2].lower in _TO_VERBS:
            j = c - 3  # "Bryne went on to say", "Trump proceeded to add"
            if toks[c - 2].lower == "on" and j >= 0 and toks[j].lower in _GO:
                j -= 1
            elif toks[c - 2].lower == "on":
                return None
        for _ in range(3):
            if j >= 0 and (toks[j].lower in C.AUX_ADVERBS or _is_adverb(toks[j])) and not (
                toks[j].is_cap and j + 1 in self.resolver.by_end  # "Theresa May said"
            ):
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
        if self.voice_noun(j) == j and j > 0:
            owner = self._owner_of(j)
            if owner is not None and not self._after_preposition_at(self.tok_at(owner.start) - 1):
                return owner
        if t.text == "," and toks[c].lower.endswith("ing"):
            return None  # ", shouting ...": the main clause's subject (participle_subject)
        if t.text == ",":
            return self._appositive_subject(j)
        named = self.resolver.by_end.get(j + 1)
        if named is not None and not named.possessive:
            if not self.after_preposition(named):
                return named
            if toks[c].lower.endswith("ing") and toks[named.tok_start - 1].lower == "with":
                return named  # '..., with Trump reportedly yelling: "..."'
            if toks[c].lower.endswith("ing") and self._recorded(named):
                return named  # 'The ad uses footage of Clinton asking, "..."'
            # "George Zornick of The Nation wrote": the name before "of" (and before
            # "Archbishop X of the Armenian Patriarchate of Jerusalem told")
            for _ in range(2):
                k = named.tok_start - (2 if toks[named.tok_start - 1].lower == "the" else 1)
                if toks[k].lower not in ("of", "from", "at"):
                    return None
                owner = self.resolver.by_end.get(k)
                if owner is None or owner.possessive:
                    return None
                if not (self.after_preposition(owner) and toks[k].lower == "of"):
                    return owner
                named = owner
            return None
        return self._role_before(j) or self._org_before(j)

    def voice_noun(self, k: int) -> int:
        """The last token of an owned voice starting at token k ("campaign", "report",
        "press release"), or -1."""
        toks = self.tokens
        if k >= len(toks) or self.in_quote[k]:
            return -1
        word = toks[k].lower
        if word in _OWNED_VOICES or word in _DOCUMENTS:
            return k
        if word in ("press", "news") and k + 1 < len(toks) and toks[k + 1].lower == "release":
            return k + 1
        return -1

    def _owner_of(self, j: int) -> Mention | None:
        """"Ryan's office" / "the Trump campaign" / "the IMF report" ending at token j:
        the office, campaign or document speaks for its owner (the mention says so)."""
        toks = self.tokens
        word = toks[j].lower
        document = word in _DOCUMENTS
        if not (word in _OWNED_VOICES or document):
            return None
        end = j - 1 if word == "release" and toks[j - 1].lower in ("press", "news") else j
        owner = self.resolver.by_end.get(end)
        if owner is None or (document and owner.kind != "name"):
            return None
        before = toks[owner.tok_start - 1].lower if owner.tok_start > 0 else ""
        if owner.possessive:  # "Ryan's office"
            first = owner.tok_start
        elif before == "the" or (document and before in _DETERMINED):
            first = owner.tok_start - 1  # "the Trump campaign", "a Pentagon report"
        else:
            return None
        surface = self.text[toks[first].start : toks[j].end]
        return replace(owner, surface=surface)

    def _appositive_subject(self, comma: int) -> Mention | None:
        """'Jim Bennett, 57, told' / 'Wang Wenbin, the spokesman, said'."""
        toks = self.tokens
        for p in range(comma - 1, max(-1, comma - 14), -1):
            t = toks[p]
            if t.text == "." and toks[p + 1].text == ",":
                continue  # "R-Wis.," inside the appositive
            if t.text in SENT_PUNCT or t.text in MARKS or self.in_quote[p]:
                return None
            if t.is_word and t.lower in _SUBORDINATORS:
                return None  # ", when protesters interrupted her, shouting": a clause
            if t.text == ",":
                named = self.resolver.by_end.get(p)
                if named is not None and not named.possessive:
                    return named
                inner = self.resolver.by_end.get(comma)
                if inner is not None and inner.tok_start == p + 1:
                    return inner
                return self._role_before(p - 1) or self._org_before(p - 1)
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

    def _org_before(self, j: int) -> Mention | None:
        """'the (rights) group' / 'the agency' ending at token j: an organisation
        described by its kind (not 'a group', 'a spokesman for the group')."""
        toks = self.tokens
        if j < 1 or not toks[j].text.islower() or toks[j].lower not in N.ORG_NOUNS:
            return None
        for k in range(j - 1, max(-1, j - 5), -1):
            t = toks[k]
            if t.lower == "the":
                if self._after_preposition_at(k - 1, ()):
                    return None
                return org_mention(self.text, toks, k, j + 1)
            if not (t.is_word and t.text.islower()) or t.lower in STOP_AFTER or (
                t.lower in _DETERMINERS_NOT_THE or C.cue_lemma(t.lower)
            ):
                return None
        return None

    def subject_after(self, c: int, loose: bool = False) -> tuple[Mention, int] | None:
        """The subject written after the cue at token c ("said Lavrov", "said the
        former secretary"), with the index of the token after it; ``loose`` (right
        after a quote) also accepts the post-quote verbs ('remembered Roy Verley')."""
        toks = self.tokens
        lemma = C.cue_lemma(toks[c].text)
        if loose and lemma is None:
            lemma = C.POST_ONLY.get(toks[c].lower)
        if toks[c].lower != "to" and lemma not in C.INVERTIBLE:
            return None
        return self._np_after(c)

    def _np_after(self, c: int) -> tuple[Mention, int] | None:
        toks = self.tokens
        k, end = c + 1, min(len(toks), c + 10)
        found: list[Mention] = []
        role_head = org_head = -1
        first = k
        while k < end and not self.in_quote[k]:
            t = toks[k]
            named = self.resolver.by_start.get(k)
            if named is not None:
                found.append(named)
                k = named.tok_end
                continue
            if t.text in "/-" and self._joins_words(k):
                k += 1  # a descriptor with digits and slashes ("said 9/11 widow Jane Roe")
                continue
            if not t.is_word or (t.lower in STOP_AFTER and k > first):
                break
            if t.lower in STOP_AFTER:
                return None
            if k == first and t.lower in N.PRONOUNS:
                return pronoun_mention(toks, k), k + 1
            if t.lower in N.ROLE_ALIASES:
                role_head = k
            elif t.lower in N.ORG_NOUNS and t.text.islower():
                org_head = k
            elif t.lower in C.CUE_FORMS:
                break  # adjectives are fine ("former"), a verb ends the phrase
            k += 1
        # A name followed by a lowercase noun only modifies it ("Clinton campaign"),
        # unless the noun is the name's campaign or office ("the Trump campaign") or a
        # document it issued ("according to a Pentagon report", "the IMF's report").
        if len(found) == 1 and first < len(toks) and (
            toks[first].lower in _DETERMINED or found[0].tok_start == first
        ):
            noun = self.voice_noun(found[0].tok_end)
            owner = self._owner_of(noun) if noun >= 0 else None
            if owner is not None:
                return owner, noun + 1
        if first < len(toks) and toks[first].lower in _DETERMINED:
            author = self._authored_by(first)
            if author is not None:
                return author
        if first >= len(toks) or toks[first].lower in _INDEFINITE:
            return None  # "said a prominent RNC member": nobody named
        found = [m for m in found if not self.is_modifier(m)]
        if found:
            full = [m for m in found if len(m.words) > 1 and not m.possessive]
            pick = full[-1] if full else found[-1]
            return (pick, pick.tok_end) if not pick.possessive else None
        if role_head >= 0 and toks[first].lower in DETERMINERS:
            head = toks[role_head].lower
            return role_mention(self.text, toks, first, role_head + 1, head), role_head + 1
        if org_head >= 0 and org_head + 1 == k and toks[first].lower == "the":
            return org_mention(self.text, toks, first, k), k  # '"...," said the group.'
        return None

    def _authored_by(self, det: int) -> tuple[Mention, int] | None:
        """'(according to) a court document filed by state attorney Jane Roe': the
        author of the document (not 'released by', often someone else's words)."""
        toks = self.tokens
        for k in range(det + 1, min(len(toks) - 2, det + 5)):
            if not toks[k].is_word or self.in_quote[k]:
                return None
            if toks[k].lower.rstrip("s") in _AUTHORED and (
                toks[k + 1].lower in _AUTHOR_VERBS and toks[k + 2].lower == "by"
            ):
                return self._np_after(k + 2)
        return None

    def _recorded(self, m: Mention) -> bool:
        """'footage of Trump (saying)', 'a video clip of Clinton': a person shown in a
        recording, the speaker of a participial cue after the name."""
        k = m.tok_start - 1
        return (
            k >= 1
            and self.tokens[k].lower == "of"
            and self.tokens[k - 1].lower in _RECORDINGS
            and self.resolver.resolve_name(m).is_person
        )

    def _joins_words(self, k: int) -> bool:
        """Is token k a mark written tight between two words ("9/11", "24/7")?"""
        toks = self.tokens
        return (
            0 < k < len(toks) - 1
            and toks[k - 1].is_word
            and toks[k + 1].is_word
            and toks[k - 1].end == toks[k].start
            and toks[k].end == toks[k + 1].start
        )

    def is_modifier(self, m: Mention) -> bool:
        k = m.tok_end
        return (
            k < len(self.tokens)
            and self.tokens[k].is_word
            and self.tokens[k].text.islower()
            and self.tokens[k].lower not in STOP_AFTER
            and C.cue_lemma(self.tokens[k].text) is None
            and self.tokens[k].lower not in C.AUX_ADVERBS
        )

    def verb_follows(self, m: Mention) -> bool:
        """'The Clinton Foundation describes itself': an -s/-ed verb, not a noun the name
        modifies ('Clinton campaign officials said'), follows the name."""
        k = m.tok_end
        toks = self.tokens
        if k + 1 >= len(toks):
            return False
        word = toks[k].lower
        return (word.endswith("ed") or (word.endswith("s") and not word.endswith("ss"))) and (
            toks[k + 1].lower in _OBJECT_WORDS
            or not toks[k + 1].is_word
            or k + 1 in self.resolver.by_start  # 'Skelly called Braynard "..."'
        )

    def after_preposition(self, m: Mention) -> bool:
        """'People in Fort Pierce said': a name inside a prepositional phrase."""
        k = m.tok_start - 1
        # 'with journalist Matei Rosca', 'to CNN host Jake Tapper': role words in between
        for _ in range(3):
            if k >= 1 and self.tokens[k].text.islower() and _role_word(self.tokens[k].lower):
                k -= 1
        return self._after_preposition_at(k, ("the",))

    def _after_preposition_at(self, k: int, skip: tuple[str, ...] = ("the", "a", "an")) -> bool:
        if k >= 0 and self.tokens[k].lower in skip:
            k -= 1
        return k >= 0 and self.tokens[k].lower in _PREPOSITIONS

    def cue_text(self, c: int) -> str:
        toks = self.tokens
        word = toks[c].text
        if word == ":":
            return "said"
        if toks[c].lower == "according":
            return "according to"
        hearer = toks[c + 1].lower if c + 1 < len(toks) else ""
        if C.cue_lemma(word) in ("tell", "ask") and hearer in C.HEARERS:
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
        # A capitalised cue only as in "Said Dorothy Poynter, ...", opening a sentence.
        if toks[k].is_cap and (
            C.cue_lemma(word) not in C.INVERTIBLE or not self.starts_sentence(k)
        ):
            return False
        if word in ("put", "puts") and nxt == "it":
            # "As The Post's Dana Milbank puts it, "..."": only after "as"
            return any(t.lower == "as" for t in toks[max(0, k - 8) : k])
        if (word in C.POINT_FORMS and nxt == "out") or (word in ("went", "goes") and nxt == "on"):
            return True  # "pointed out", "went on"
        if word in C.STATEMENT_VERBS and any(
            t.lower in C.STATEMENT_NOUNS for t in toks[k + 1 : k + 4]
        ):
            return True  # "issued a statement", "released a statement saying"
        if loose and (word in C.LOOSE_FORMS or word in C.POST_ONLY):
            return True
        if word in C.BACK_FORMS and nxt == "back":
            return True  # "shot back", "fired back"
        return C.cue_lemma(word) is not None

    def short_tail(self, c: int) -> bool:
        """After a post-quote cue only a few adverbial words may follow
        ('Trump said late last week.'), not a reported clause."""
        toks = self.tokens
        k = c + 1
        if k < len(toks) and toks[k].lower in C.HEARERS | {"back", "out", "on"}:
            k += 1
        return not (k < len(toks) and toks[k].lower in _CLAUSE_OPENERS)

    def starts_sentence(self, k: int) -> bool:
        ss, _ = self.loc.sentences[self.loc.sentence(self.tokens[k].start)]
        return self.tokens[k].start == ss

    def opens_sentence(self, m: Mention) -> bool:
        ss, _ = self.loc.sentences[self.loc.sentence(m.start)]
        return all(not t.is_word for t in self.tokens[self.tok_at(ss) : m.tok_start])

    def leads(self, k: int, subject: Mention) -> bool:
        """Does the subject open the attribution at token k, perhaps after a short
        descriptor ('the New York Times', 'Concord resident Whit Symms')?"""
        if subject.tok_start < k or subject.tok_start - k > 6:
            return False
        return all(
            t.is_word or t.text in ".'’" for t in self.tokens[k : subject.tok_start]
        )

    def ends_sentence(self, k: int) -> bool:
        """Is token k sentence-final punctuation (not "Sen." or "(D-Ore.)")?"""
        t = self.tokens[k]
        if t.text not in SENT_PUNCT:
            return False
        nxt = self.tokens[k + 1] if k + 1 < len(self.tokens) else None
        if t.text == "." and nxt is not None and (nxt.text in "),;" or nxt.start == t.end):
            return False
        return not self.inside_name(k)

    def inside_name(self, k: int) -> bool:
        return self.in_name[k]

    def participle_subject(self, c: int) -> Mention | None:
        """', saying ...' / '... and said': the subject of the sentence's main clause."""
        toks = self.tokens
        if c == 0:
            return None
        participle = toks[c].lower.endswith("ing") and toks[c - 1].lower in _PARTICIPLE_LINKS
        if not participle and toks[c - 1].lower not in ("and", "but"):
            return None
        if participle and toks[c - 1].text == "," and c >= 2 and self.is_cue(c - 2):
            # '..., Spicer said, adding, "..."': the subject of the cue just before
            subject = self.subject_before(c - 2)
            if subject is not None:
                return subject
        ss, _ = self.loc.sentences[self.loc.sentence(toks[c].start)]
        first = self.tok_at(ss)
        opener = self.resolver.by_start.get(first + (toks[first].lower == "the"))
        noun = self.voice_noun(opener.tok_end) if opener is not None else -1
        if opener is not None and 0 <= noun < c:
            owner = self._owner_of(noun)
            if owner is not None:
                return owner  # "Ryan's campaign shrugged off ..., telling reporters"
        people = [
            m
            for m in self.resolver.between(ss, toks[c].start)
            if not m.possessive
            and not self.after_preposition(m)
            and not (self._in_subordinate(m) and self._comma_between(m.tok_end, c))
            and not m.name.isupper()  # a dateline ("WASHINGTON —")
        ]
        people.sort(key=lambda m: not self.resolver.resolve_name(m).is_person)
        if not people:
            # "He called on her to resign and said": a pronoun opening the sentence
            k = self.tok_at(ss)
            if toks[k].lower in N.PRONOUNS:
                return pronoun_mention(toks, k)
        return people[0] if people else None

    def _in_subordinate(self, m: Mention) -> bool:
        """'after Clinton suffered a concussion, Axelrod emailed ...': the name opens a
        subordinate clause, not the main one."""
        k = m.tok_start - 1
        if k >= 0 and self.tokens[k].lower == "the":
            k -= 1
        return k >= 0 and self.tokens[k].lower in _SUBORDINATORS

    def _comma_between(self, a: int, b: int) -> bool:
        return any(t.text == "," for t in self.tokens[a:b])

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

    def reports_clause(self, c: int) -> bool:
        """Does a reported clause of MIN_CLAUSE_WORDS+ words follow the cue at token c
        in its sentence ('said property taxes would stay flat'), rather than a short
        adverbial tail ('said on Tuesday')?"""
        toks = self.tokens
        _, se = self.loc.sentences[self.loc.sentence(toks[c].start)]
        limit = self.tok_at(se)
        k = self.clause_start(c, c + 1, limit)
        if C.cue_lemma(toks[c].text) in ("tell", "ask") and toks[k - 1].lower != "that":
            return False  # 'told Britain's ITV television station in ...': a hearer
        while k < limit and (_is_adverb(toks[k]) or toks[k].lower in C.HEARERS):
            k += 1  # 'asked reporters rhetorically during ...'
        if k >= limit or not toks[k].is_word or self.in_quote[k]:
            return False
        if toks[k].lower in NOT_A_CLAUSE or toks[k].lower in C.AUX_ADVERBS:
            return False
        return self.word_count(toks[k].start, se) >= MIN_CLAUSE_WORDS

    def word_count(self, start: int, end: int) -> int:
        return sum(1 for t in self.tokens[self.tok_at(start) : self.tok_at(end)] if t.is_word)


def _role_word(word: str) -> bool:
    return word in N.DESCRIPTORS or word in N.TITLE_WORDS or word in N.ROLE_ALIASES


def _is_adverb(tok: Token) -> bool:
    """"initially", "flatly": -ly words between a subject and its cue."""
    return tok.text.islower() and len(tok.text) > 4 and tok.text.endswith("ly")


def trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1] in ". \n" or text[end - 1] in "\"”" and text.count(
        '"', start, end) % 2 == 1):
        end -= 1
    return end
