"""Who is who in one article: the name mentions written in it (with the roles,
gender and organisation kinds their context gives), and the mentions a cue's subject
can be: a name, a pronoun, a role ("the spokesman"), an organisation ("the group")."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.quotes import cues as C
from index.quotes import names as N
from index.quotes.text import Token

PHRASE_BREAKS = N.wordset("in at of for from with on by to and or the a an who said says told")
_HONORIFICS = N.wordset("mr mrs ms miss")
DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our"})


@dataclass
class Mention:
    """A cue's subject or a name written in the text."""

    kind: str  # "name", "pronoun", "role" or "org" ("the group")
    tok_start: int
    tok_end: int  # exclusive token index
    start: int  # char offsets of the surface form
    end: int
    surface: str
    name: str = ""  # the name without titles, as written ("Wang Wenbin")
    words: list[str] = field(default_factory=list)  # folded name words
    roles: set[str] = field(default_factory=set)
    gender: str | None = None
    possessive: bool = False
    # the gender written at this mention itself (title, first name, role words), not
    # one learnt later from a bare mention resolved to it
    own_gender: str | None = None
    # kinds of organisation (N.ORG_KIND_WORDS) the text calls this name ("the advocacy
    # group Black Lives Matter", "Wealth-X, a research firm,"), or an "org" mention's kind
    org_kinds: set[str] = field(default_factory=set)
    # what the name owns: "the Sanders campaign", "China's foreign ministry"
    owns: set[str] = field(default_factory=set)

    @property
    def is_person(self) -> bool:
        if self.org_kinds and not self.roles and self.gender is None:
            return False
        return bool(self.roles) or self.gender is not None or N.looks_like_person(self.words)


def _is_name_word(tok: Token) -> bool:
    base = tok.lower[:-2] if _possessive(tok) else tok.lower
    return tok.is_word and tok.is_cap and base not in N.NON_NAME_CAPS


def _initial(tokens: list[Token], j: int) -> bool:
    """A middle initial inside a name ("James A. Baker"), even one that is a word."""
    t = tokens[j]
    return (
        len(t.text) == 1
        and t.text.isupper()
        and j + 2 < len(tokens)
        and tokens[j + 1].text == "."
        and tokens[j + 1].start == t.end
        and _is_name_word(tokens[j + 2])
    )


_MONTHS = N.wordset("may june jun march mar april")


def _month_surname(tokens: list[Token], j: int) -> bool:
    """A month word ending a name ("Theresa May", "Ai Jun"), not a date ("May 5")."""
    t = tokens[j]
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    return (
        t.is_cap
        and t.lower in _MONTHS
        and _is_name_word(tokens[j - 1])
        and not _possessive(tokens[j - 1])
        and (nxt is None or not (nxt.text[0].isdigit() or nxt.text == "."))
    )


def _dotted_title(tokens: list[Token], j: int) -> bool:
    """'Del.' / 'Sens.' / 'Atty.': an abbreviated title written with its full stop
    right before a capitalised name word (unlike "Del Rio" or "Fr" alone)."""
    t = tokens[j]
    return (
        t.is_cap
        and t.lower in N.DOTTED_TITLES
        and j + 2 < len(tokens)
        and tokens[j + 1].text == "."
        and tokens[j + 1].start == t.end
        and _is_name_word(tokens[j + 2])
    )


def _title_form(text: str, tok: Token) -> str:
    """A run word as title_prefix_length sees it: 'Del.' -> 'delegate'."""
    word = tok.lower
    if word in N.DOTTED_TITLES and tok.is_cap and text[tok.end : tok.end + 1] == ".":
        return N.DOTTED_TITLES[word]
    return word


def _possessive(tok: Token) -> bool:
    return tok.text.endswith(("'s", "’s"))


def find_names(text: str, tokens: list[Token], in_quote: list[bool]) -> list[Mention]:
    """Capitalised runs outside quotes, split into title words and the name proper."""
    mentions: list[Mention] = []
    lowercase_words = {t.text for t in tokens if t.is_word and t.text.islower()}
    skip = _title_case_lines(text, tokens)
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if in_quote[i] or skip[i] or not (
            _is_name_word(tok) or tok.lower in N.TITLE_ABBREVS and tok.is_cap
        ):
            i += 1
            continue
        j = i
        while j < n and not in_quote[j]:
            t = tokens[j]
            if j > i and "\n" in text[tokens[j - 1].end : t.start]:
                break  # a name never runs over a line break
            if _is_name_word(t) or (t.is_cap and t.lower in N.TITLE_ABBREVS) or (
                j > i and (_initial(tokens, j) or _month_surname(tokens, j))
            ):
                j += 1
                # "Sen." / "George W." keep their full stop inside the run.
                if (
                    j < n
                    and tokens[j].text == "."
                    and tokens[j].start == t.end
                    and (
                        len(t.text) == 1 or t.lower in N.TITLE_ABBREVS or _dotted_title(tokens, j - 1)
                    )
                ):
                    j += 1
                if _possessive(t):
                    break
                continue
            nxt = tokens[j + 1] if j + 1 < n else None
            if nxt is not None and _is_name_word(nxt) and (
                t.lower in N.PARTICLES or (t.lower == "of" and _title_or_org(tokens[j - 1]))
            ):
                j += 1
                continue
            break
        mention = _name_mention(text, tokens, i, j, lowercase_words)
        if mention is not None:
            _add_context_roles(tokens, mention)
            _add_org_context(tokens, mention)
            mention.own_gender = mention.gender
            mentions.append(mention)
        i = max(j, i + 1)
    return mentions


def _title_case_lines(text: str, tokens: list[Token]) -> list[bool]:
    """Tokens on headline-like lines ("Obama Claims Hillary Will Win"): capitalised
    runs there merge names with ordinary words, so no names are taken from them."""
    flags = [False] * len(tokens)
    k = 0
    while k < len(tokens):
        line_end = text.find("\n", tokens[k].start)
        line_end = len(text) if line_end < 0 else line_end
        j = k
        while j < len(tokens) and tokens[j].start < line_end:
            j += 1
        words = [t for t in tokens[k:j] if t.is_word and t.text[0].isalpha()]
        caps = sum(1 for t in words if t.is_cap)
        headline = not text[tokens[j - 1].start : line_end].rstrip().endswith(".") or (
            # a title opening the text may end with a full stop ("..., But ….") when
            # every longer word is capitalised (title case), unlike a sentence
            k == 0 and all(t.is_cap for t in words if len(t.text) > 3)
        )
        if headline and len(words) >= 4 and caps >= 0.8 * len(words):
            flags[k:j] = [True] * (j - k)
        k = j
    return flags


def _verb_like(word: str) -> bool:
    """A participle or gerund opening a sentence ("Following", "Absent" is not one)."""
    return (
        len(word) >= 6
        and word.endswith(("ing", "ed"))
        and word not in N.MALE_NAMES
        and word not in N.FEMALE_NAMES
    )


def _title_or_org(tok: Token) -> bool:
    word = tok.lower
    return word in N.TITLE_WORDS or word in N.ORG_WORDS


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" \"“‘'(")
    return not before or before[-1] in ".!?:\n"


def _name_mention(
    text: str, tokens: list[Token], i: int, j: int, lowercase_words: set[str]
) -> Mention | None:
    run = [t for t in tokens[i:j] if t.is_word]
    if not run:
        return None
    forms = [_title_form(text, t) for t in run]
    last_title = N.title_prefix_length(forms) - 1
    name_run = run[last_title + 1 :]
    if last_title >= 0 and len(name_run) > 2 and name_run[0].lower == "of":
        name_run = name_run[2:]
    titles = forms[: last_title + 1]
    roles = {N.ROLE_ALIASES[t] for t in titles if t in N.ROLE_ALIASES}
    if len(name_run) > 1 and name_run[0].lower in lowercase_words and _sentence_initial(
        text, name_run[0].start
    ):
        name_run = name_run[1:]  # "Had Sanders won": a common word opening the sentence
    elif len(name_run) > 1 and _verb_like(name_run[0].lower) and _sentence_initial(
        text, name_run[0].start
    ):
        name_run = name_run[1:]  # "Following Sanders' lead", "Entrusting Donald Trump"
    for n, t in enumerate(name_run[:-1]):
        if "-" in t.text and t.text.split("-")[-1].islower():
            name_run = name_run[n + 1 :]  # "Los Angeles-area Sanders": a compound modifier
            break
    name_run = name_run[N.first_name_at([t.lower for t in name_run]) :]
    gender = None
    for title in titles:
        gender = gender or N.gender_of(title)
    surface = text[tokens[i].start : tokens[j - 1].end]
    if last_title == len(run) - 1 or not name_run:
        return None
    last = tokens[j - 1]
    possessive = _possessive(last) or (
        j < len(tokens) and tokens[j].text in "'’" and last.text.endswith("s")
    )
    start, end = name_run[0].start, name_run[-1].end
    name = text[start:end]
    if _possessive(name_run[-1]):
        name = name[:-2]
        end -= 2
    words = N.name_tokens(name)
    if not words:
        return None
    if (
        len(words) == 1
        and words[0].endswith("ing")
        and not titles
        and _sentence_initial(text, start)
        and not (j < len(tokens) and C.cue_lemma(tokens[j].text))  # "Boreing said"
    ):
        return None  # "Filling the gap, ...": a sentence-opening word, not a name
    if len(words) > 1:
        gender = gender or N.gender_of(words[0])
    return Mention(
        "name", i, j, start, end, surface, name, words, roles, gender, possessive
    )


def _add_context_roles(tokens: list[Token], m: Mention) -> None:
    """Role words just before the name ("ministry spokesman Wang Wenbin") or in an
    appositive after it ("Wang Wenbin, the foreign ministry spokesman,")."""
    for t in reversed(tokens[max(0, m.tok_start - 3) : m.tok_start]):
        if not (t.is_word and t.text.islower()) or t.lower in PHRASE_BREAKS:
            break  # only the words of this noun phrase ("ministry spokesman")
        _note_role(m, t.lower)
    k = m.tok_end
    if k < len(tokens) and tokens[k].text == ",":
        words: list[str] = []
        for t in tokens[k + 1 : k + 10]:
            if t.text in ",.;:()":
                # Only a closed appositive: in "X, the candidate said" the words are
                # the next clause's subject, not X's role.
                for word in words:
                    _note_role(m, word)
                return
            if t.is_word and (t.lower == "who" or C.cue_lemma(t.lower)):
                return
            if t.is_cap and t.lower in _HONORIFICS:
                return  # 'Khizr and Ghazala Khan, and Mr. Trump': another person's title
            words.append(t.lower)


_ORG_APPOSITIVE_ENDS = N.wordset("that which whose based with of in from")


def _add_org_context(tokens: list[Token], m: Mention) -> None:
    """Organisation nouns written with a name: right before it ("the advocacy group
    Black Lives Matter") or heading an appositive after it ("Wealth-X, a research firm,"
    / "National Nurses United, a union that ..."); and "the Sanders campaign"."""
    k = m.tok_end
    q = k + 1 if m.possessive and k < len(tokens) and tokens[k].text in "'’" else k
    for t in tokens[q : q + 3]:
        if not (t.is_word and t.text.islower()) or t.lower in PHRASE_BREAKS:
            break
        if t.lower in N.OWNED_ORGS:
            m.owns.add(t.lower)
            break
    if m.roles or m.gender is not None:
        return  # a person ("campaign manager Robby Mook")
    before = tokens[m.tok_start - 1] if m.tok_start > 0 else None
    if before is not None and before.text.islower() and before.lower in N.ORG_CONTEXT:
        m.org_kinds.add(N.ORG_CONTEXT[before.lower])
    if m.possessive or k + 2 >= len(tokens) or tokens[k].text != ",":
        return
    p = k + 1
    if tokens[p].lower in ("a", "an", "the"):
        p += 1
    for q in range(p, min(len(tokens), p + 5)):
        t = tokens[q]
        if not t.is_word:
            break
        kind = N.ORG_CONTEXT.get(t.lower)
        nxt = tokens[q + 1] if q + 1 < len(tokens) else None
        if kind is not None and kind != "campaign" and (
            nxt is None
            or not nxt.is_word
            or nxt.lower in _ORG_APPOSITIVE_ENDS
        ):
            m.org_kinds.add(kind)
            return
        if t.is_cap and q == p or t.lower in PHRASE_BREAKS or C.cue_lemma(t.lower):
            break


def _note_role(m: Mention, word: str) -> None:
    role = N.ROLE_ALIASES.get(word)
    if role:
        m.roles.add(role)
    if m.gender is None:
        if word in N.FEMALE_WORDS - {"her", "she"}:
            m.gender = "f"
        elif word in N.MALE_WORDS - {"he", "his"}:
            m.gender = "m"


def pronoun_mention(tokens: list[Token], k: int) -> Mention:
    t = tokens[k]
    return Mention("pronoun", k, k + 1, t.start, t.end, t.text, gender=N.PRONOUNS[t.lower])


def role_mention(text: str, tokens: list[Token], k0: int, k1: int, head: str) -> Mention:
    """A description such as "the foreign ministry spokesman" (tokens k0..k1-1)."""
    start, end = tokens[k0].start, tokens[k1 - 1].end
    m = Mention("role", k0, k1, start, end, text[start:end], roles={N.ROLE_ALIASES[head]})
    for t in tokens[k0:k1]:
        _note_role(m, t.lower)
    return m


def org_mention(text: str, tokens: list[Token], k0: int, k1: int) -> Mention:
    """A description such as "the rights group" (tokens k0..k1-1, the noun last)."""
    start, end = tokens[k0].start, tokens[k1 - 1].end
    words = [t.lower for t in tokens[k0 + 1 : k1] if t.is_word]
    kind = N.ORG_NOUNS[words[-1]]
    return Mention("org", k0, k1, start, end, text[start:end], words=words, org_kinds={kind})
