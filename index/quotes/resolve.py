"""Resolution of a cue's subject ("Wang", "he", "the spokesman", "the group") to the
full name written in the article that it refers to."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from index.quotes import names as N
from index.quotes.mentions import DETERMINERS, PHRASE_BREAKS, Mention
from index.quotes.text import Locator, Token


class Resolver:
    """Resolves cue subjects, in text order, to the full name they refer to."""

    def __init__(self, mentions: list[Mention], locator: Locator, tokens: list[Token]) -> None:
        self.names = mentions
        self.tokens = tokens
        self.loc = locator
        self.by_end = {m.tok_end: m for m in mentions}
        self.by_start = {m.tok_start: m for m in mentions}
        # (offset, resolved full-name mention) of earlier speakers, for pronouns.
        self.speakers: list[tuple[int, Mention]] = []
        self._bare_cache: dict[int, Mention] = {}
        # Lookups by position and by name word, so each resolution costs in proportion
        # to the names near it, not to the whole article (linear ingestion cost).
        self._starts = [m.start for m in mentions]
        self._by_last: dict[str, list[Mention]] = {}
        self._by_first: dict[str, list[Mention]] = {}
        for o in mentions:
            if len(o.words) > 1:
                self._by_last.setdefault(o.words[-1], []).append(o)
            if len(o.words) == 2:
                self._by_first.setdefault(o.words[0], []).append(o)

    def between(self, start: int, end: int) -> list[Mention]:
        """Name mentions starting in ``[start, end)``, in text order."""
        return self.names[bisect_left(self._starts, start) : bisect_left(self._starts, end)]

    def before(self, pos: int) -> int:
        """How many name mentions start before ``pos``."""
        return bisect_left(self._starts, pos)

    def resolve(self, m: Mention) -> Mention | None:
        found: Mention | None
        if m.kind == "name":
            found = self.resolve_name(m)
        elif m.kind == "pronoun":
            found = self._resolve_pronoun(m)
        elif m.kind == "org":
            # not a speaker for a later "he" / "she"
            return self._resolve_org(m)
        else:
            found = self._resolve_role(m)
        if found is not None:
            self.speakers.append((m.start, found))
        return found

    def resolve_name(self, m: Mention) -> Mention:
        """A bare name -> the full name it stands for: the nearest preceding one
        when it is recent (this paragraph or the one before), else the person of that
        name mentioned most often ("Sanders" is Bernie, not Jane, far from Jane)."""
        if len(m.words) > 1:
            return m
        if m.start in self._bare_cache:
            return self._bare_cache[m.start]
        word = m.words[0]
        # A surname match beats a surname-first one ("Trump" -> Donald Trump, not
        # "Trump Train"); "Wang" -> Wang Wenbin only matches on the first word.
        named: list[Mention] = self._by_last.get(word, [])
        extra: Callable[[Mention], bool] = _anyone
        before, later = _people_around(named, m.start, extra)
        if not before and later is None:
            named, extra = self._by_first.get(word, []), _titled
            before, later = _people_around(named, m.start, extra)
        # "Mr. Obama" is never Michelle Obama: an honorific (or a gendered role word)
        # rules out full names written with the other gender (a title or a first name
        # of one gender: the name lists leave out "Lee", "Terry", "Kim")
        gender = m.gender
        if gender is not None:
            before, later = _people_around(
                named, m.start, lambda o: extra(o) and o.own_gender in (None, gender)
            )
        found = m
        if before:
            nearest = before[-1]
            para = self.loc.paragraph
            if para(m.start) - para(nearest.start) <= 1:
                found = nearest
            else:
                counts: dict[str, int] = {}
                for o in before:
                    counts[N.speaker_key(o.name)] = counts.get(N.speaker_key(o.name), 0) + 1
                top = max(counts.values())
                # a tie goes to the person introduced first (the story's subject),
                # a known first name before capitalised words run together
                tied = [o for o in before if counts[N.speaker_key(o.name)] == top]
                found = next((o for o in tied if N.gender_of(o.words[0])), tied[0])
        elif later is not None:
            found = later  # only a later full name (a headline): use the first one
        if found is not m:
            found = _merge(found, m)
        self._bare_cache[m.start] = found
        return found

    def _resolve_pronoun(self, m: Mention) -> Mention | None:
        sent = self.loc.sentence(m.start)
        owner: Mention | None = None  # "President Barack Obama's speech ... He told"
        for s in range(sent, max(-1, sent - 4), -1):
            ss, se = self.loc.sentences[s]
            se = min(se, m.start)
            said = next(
                (
                    f
                    for pos, f in reversed(self.speakers[-SCAN_WINDOW:])
                    if ss <= pos < se and _gender_ok(f, m.gender)
                ),
                None,
            )
            if said is not None:
                return said
            nearby = self.between(ss, se)
            named = [self.resolve_name(x) for x in nearby if not x.possessive]
            named = [x for x in named if x.is_person and _gender_ok(x, m.gender)]
            if named:
                return named[0]
            if owner is None and s < sent:
                owners = [self.resolve_name(x) for x in nearby if x.possessive]
                owners = [x for x in owners if (x.gender or x.roles) and _gender_ok(x, m.gender)]
                owner = owners[0] if owners else None
        return owner

    def _resolve_role(self, m: Mention) -> Mention | None:
        end = self.before(m.start)
        for k in range(end - 1, max(-1, end - 1 - SCAN_WINDOW), -1):  # the nearest first
            other = self.names[k]
            if m.roles & other.roles and not any(w in N.ORG_WORDS for w in other.words):
                return self.resolve_name(other)
        return None

    def _resolve_org(self, m: Mention) -> Mention | None:
        """"the group" / "the budget office" -> the nearest organisation named within
        the last few paragraphs whose name has that noun ("United Gun Group") or is of
        that kind ("the group" -> "National Golf Foundation", "the agency" -> "FBI");
        "the campaign" / "the ministry" -> the owner of the nearest "X campaign" /
        "China's foreign ministry"."""
        head = m.words[-1]
        kind = N.ORG_NOUNS[head]
        para = self.loc.paragraph(m.start)
        best: tuple[int, int] | None = None
        pick: Mention | None = None
        end = self.before(m.start)
        for o in self.names[max(0, end - SCAN_WINDOW) : end]:
            named_so = head in o.words and set(m.words[:-1]) & set(o.words)
            if para - self.loc.paragraph(o.start) > _ORG_PARAGRAPHS and not named_so:
                continue  # far back, unless "the budget office" names it again
            owner = head in o.owns
            if not (owner or kind != "campaign" and self._org_fits(o, head, kind)):
                continue
            # "the budget office": the Congressional Budget Office before another office
            key = (len(set(m.words[:-1]) & set(o.words)), o.start)
            if best is None or key >= best:
                best, pick = key, o
        if pick is None or self._described_since(pick, m, head):
            return None
        return self.resolve_name(pick) if head in pick.owns else pick

    def _org_fits(self, o: Mention, head: str, kind: str) -> bool:
        if o.gender is not None or (o.roles and not o.org_kinds):
            return False  # a person
        if head in o.words or kind in o.org_kinds or N.ORG_KIND_WORDS[kind] & set(o.words):
            return True
        # "AAN" after "American Action Network"
        acronym = o.name.isupper() and 2 <= len(o.name) <= 5 and o.name.isalpha()
        end = self.before(o.start)
        return acronym and any(
            "".join(w[0] for w in x.words if w not in _ACRONYM_SKIP) == o.name.lower()
            and self._org_fits(x, head, kind)
            for x in self.names[max(0, end - SCAN_WINDOW) : end]
        )

    def _described_since(self, pick: Mention, m: Mention, head: str) -> bool:
        """'a New Hampshire ballot commission ... the commission said' / 'the trade group
        for the Blue Cross plans ... the group wrote': the noun introduced something
        else after the organisation's name."""
        toks = self.tokens
        for p in range(pick.tok_end + 6, m.tok_start):
            if toks[p].text != head:
                continue
            if (
                p + 2 < len(toks)
                and toks[p + 1].lower in ("for", "of", "representing")
                and toks[p + 2].lower in DETERMINERS
            ):
                return True
            for q in range(p - 1, max(-1, p - 5), -1):
                if toks[q].lower in ("a", "an"):
                    return True
                if not toks[q].is_word or toks[q].lower in PHRASE_BREAKS:
                    break
        return False


_ACRONYM_SKIP = N.wordset("of the for and on in")
# How many earlier mentions (or speakers) a resolution looks back over: more than a news
# article holds, and a bound that keeps a multi-megabyte text linear.
SCAN_WINDOW = 500


def _people_around(
    named: list[Mention], pos: int, extra: Callable[[Mention], bool]
) -> tuple[list[Mention], Mention | None]:
    """(people of ``named`` (in text order) before ``pos``; the first person after it)."""
    k = bisect_left(named, pos, key=lambda o: o.start)
    before = [o for o in named[max(0, k - SCAN_WINDOW) : k] if o.is_person and extra(o)]
    later = next((o for o in named[k:] if o.is_person and extra(o)), None)
    return before, later
_ORG_PARAGRAPHS = 4


def _anyone(m: Mention) -> bool:
    return True


def _titled(m: Mention) -> bool:
    return bool(m.roles or m.gender)


def _gender_ok(m: Mention, gender: str | None) -> bool:
    return gender is None or m.gender is None or m.gender == gender


def _merge(full: Mention, bare: Mention) -> Mention:
    """The full-name mention, carrying gender/roles learnt from the bare one."""
    if full.gender is None and bare.gender is not None:
        full.gender = bare.gender
    full.roles |= bare.roles
    return full
