"""The word patterns of follow-up messages (pure text, no state): navigation ("more",
"source 2", "when was that?"), elliptic fragments ("and Wang Yi?", "only from Reuters"),
quote questions with a pronoun or role noun in the speaker's place, pronouns elsewhere.
retrieval/conversation.py decides what they mean in a conversation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from index.errors import BadQueryError
from index.quotes.names import (
    DESCRIPTORS,
    FEMALE_WORDS,
    MALE_WORDS,
    NON_NAME_CAPS,
    TITLE_WORDS,
    gender_of,
)
from retrieval.dates import parse_dates

_END = r"[\s?.!]*$"
PRONOUN_GENDER: dict[str, str | None] = {
    "he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f",
    "they": None, "them": None,  # a speaker of either gender (in quote questions only)
}
_NOT_ROLES = {"mr", "mrs", "ms", "miss", "dr", "former", "acting", "interim", "deputy", "first",
              "prime", "foreign", "vice-president", "chief", "executive", "general", "sen",
              "rep", "gov", "gen", "lt", "col", "sgt", "capt", "adm", "cmdr", "maj", "cpl",
              "prof", "rev", "st", "pres", "honorable", "majority", "minority"}
ROLE_WORDS = (TITLE_WORDS | DESCRIPTORS | {
    "diplomat", "official", "minister", "spokesperson", "envoy", "boss", "head", "owner",
    "premier", "councilor", "councillor", "chairperson", "ministry", "governor", "senator",
    "son", "daughter", "wife", "husband", "father", "mother", "brother", "sister"}) - _NOT_ROLES
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
            "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1}

# ---------------------------------------------------------------- navigation

_MORE = re.compile(
    r"^(?:(?:ok|okay|and|so|please|yes)[\s,]+)?(?:more|next|go on|continue|keep going|"
    r"(?:show|give|tell)(?: me)? more|more please|next page|next one|next results?|"
    r"more (?:results|quotes|statements|of (?:that|those|them))|anything else|what else|"
    r"carry on|the rest|show me the rest|page \d+)(?:[\s,]+please)?" + _END, re.I)
_NTH = "|".join(sorted(ORDINALS, key=len, reverse=True))
_CONTEXT = re.compile(
    r"^(?:(?:and|ok|okay|so)\s+)?(?:(?:show|open|expand|give)(?: me)?\s+|(?:tell me )?more "
    r"(?:about|on)\s+|what about\s+|context (?:of|for)\s+)?(?:the\s+)?(?:"
    rf"(?P<nth>{_NTH})\s+(?:one|source|quote|result|link|article|citation|statement)|"
    r"(?:source|quote|result|citation|number|no\.?|#)\s*\[?(?P<num>\d{1,2})\]?|"
    r"\[(?P<bracket>\d{1,2})\])(?:\s+(?:one|please|in context))?" + _END, re.I)
_WHERE = re.compile(
    r"^(?:(?:and|ok|okay|so|but)\s+)?(?:"
    r"when (?:was|is) (?:that|this|it)(?: said| published| from)?|"
    r"when did (?:he|she|they|it) say (?:that|this|it)|"
    r"where did (?:he|she|they) say (?:that|this|it)|where (?:was|is) (?:that|this|it)"
    r"(?: said| from| published)?|where(?:'s| is) (?:that|this) from|"
    r"(?:which|what) (?:article|paper|outlet|source|story)(?: (?:was|is) (?:that|this|it)"
    r"(?: from| in)?)?|what(?:'s| is| was) the source|who reported (?:that|this|it)|"
    r"in which (?:article|paper|outlet)(?: was (?:that|this|it))?|"
    r"what (?:date|day) was (?:that|this|it)|what(?:'s| is| was) the date(?: of (?:that|it))?|"
    r"(?:when|where)\??)" + _END, re.I)


def navigation(text: str) -> tuple[str, int] | None:
    """("more", 0), ("context", n) or ("where", 0) for navigation messages, else None."""
    if _MORE.match(text):
        return "more", 0
    m = _CONTEXT.match(text)
    if m:
        if m["nth"]:
            return "context", ORDINALS[m["nth"].lower()]
        return "context", int(m["num"] or m["bracket"])
    if _WHERE.match(text):
        return "where", 0
    return None


# ---------------------------------------------------------------- fragments

_LEAD = re.compile(r"^(?:(?:and|but|also|ok|okay|so)[\s,]+)?(?:(?:what|how)\s+about\s+)", re.I)
_AND = re.compile(r"^(?:and|but|also)[\s,]+(?P<rest>.+)$", re.I)
_ONLY = re.compile(r"^(?:only|just)\s+.+$|^(?:anything|something|any\s+\w+)\s+"
                   r"(?:from|by|in|on|about)\s+.+$|^(?:from|in)\s+(?:the\s+)?[A-Z].*$", re.I)
_TOO = re.compile(r"^(?P<rest>.+?)[\s,]+(?:too|as well|instead)$", re.I)
_QUESTION_START = re.compile(
    r"^(?:what|who|whom|whose|when|where|why|how|which|did|does|do|is|are|was|were|has|have|"
    r"had|can|could|will|would|should|tell|show|give|list|find|explain|describe|summari[sz]e)\b",
    re.I)
MAX_FRAGMENT_WORDS = 7
_FILLER = {"and", "but", "also", "then", "too", "instead", "please", "ok", "okay", "so",
           "only", "just", "what", "how", "as", "well", "any", "anything", "news", "stories"}


def fragment(text: str) -> str | None:
    """The changed part of an elliptic follow-up ("what about Lavrov?" -> "Lavrov")."""
    body = text.strip().rstrip("?!. ")
    if not body:
        return None
    m = _LEAD.match(body)
    if m:
        return body[m.end():].strip() or None
    m = _AND.match(body)
    if m and not _QUESTION_START.match(m["rest"]) and _short(m["rest"]):
        return m["rest"]
    if _ONLY.match(body) and _short(body):
        return body
    m = _TOO.match(body)
    if m and not _QUESTION_START.match(m["rest"]) and _short(m["rest"]):
        return m["rest"]
    if _short(body) and _only_a_date(body):
        return body
    return None


def _short(text: str) -> bool:
    return len(text.split()) <= MAX_FRAGMENT_WORDS


def _only_a_date(text: str) -> bool:
    try:
        found, rest = parse_dates(text, date(2000, 1, 1))
    except BadQueryError:
        return False
    return found is not None and not strip_filler(rest)


def strip_filler(text: str) -> str:
    words = text.strip(" ,?!.").split()
    while words and words[0].lower() in _FILLER:
        words.pop(0)
    while words and words[-1].lower() in _FILLER:
        words.pop()
    return " ".join(words).strip(" ,")


def strip_article(text: str) -> str:
    return re.sub(r"^(?:the)\s+", "", text.strip(" ?!.,"), flags=re.I)


_SOURCE = re.compile(
    r"^(?P<only>(?:only|just)\s+)?(?:(?:anything|something|any\s+\w+)\s+)?(?:(?P<prep>from|in|"
    r"by|at)\s+)?(?P<name>.+?)(?P<only2>\s+only)?$", re.I)
_OUTLET = re.compile(r"\b(?:news|times|post|gazette|wire|herald|journal|tribune|press|"
                     r"reuters|ap|afp|bbc|cnn|guardian|telegraph|daily|weekly|magazine|"
                     r"radio|tv|\.com|\.org|\.co)\b", re.I)


def source_phrase(text: str, source_named: Callable[[str], str | None],
                  is_speaker: Callable[[str], bool]) -> tuple[str, str | None]:
    """("", "Reuters") for "only from Reuters"; (text, None) when no source is named."""
    m = _SOURCE.match(text.strip(" ,?!."))
    if not m or not m["name"]:
        return text, None
    name = m["name"].strip()
    known = source_named(name)
    if known is not None:
        return "", known
    explicit = bool(m["only"] or m["only2"])
    outlet = bool(_OUTLET.search(name))
    if explicit and (m["prep"] or outlet or not is_speaker(name)):
        return "", strip_article(name)  # "only from Reuters", "just the Post"
    if m["prep"] and outlet:
        return "", strip_article(name)
    if m["prep"] and m["prep"].lower() in ("from", "by") and is_speaker(name):
        return name, None  # "anything from Lavrov?": a person
    if m["prep"] and m["prep"].lower() == "from" and name.lower().startswith("the "):
        return "", strip_article(name)
    return text, None


_ABOUT = re.compile(r"^(?:(?:anything|something)\s+)?(?:about|on|regarding|concerning|in|"
                    r"with|over)\s+(?P<t>.+)$", re.I)
ANAPHORIC_TOPICS = {"it", "that", "this", "them", "those", "these", "the same", "the same thing",
                    "the same topic", "that topic", "this topic", "that subject", "this issue",
                    "that issue", "the topic"}


def about_phrase(text: str) -> str | None:
    m = _ABOUT.match(text.strip())
    return m["t"].strip() if m else None


def anaphoric_topic(text: str) -> bool:
    return text.strip(" ?!.,").lower() in ANAPHORIC_TOPICS


def looks_like_name(text: str) -> bool:
    """Capitalised words that read as a person ("Wang Yi", "Lavrov" is not enough alone)."""
    words = text.split()
    if not 1 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return False
    return len(words) >= 2 or gender_of(words[0].lower()) is not None


# ---------------------------------------------------------------- quote questions

_S = (r"(?P<s>(?i:he|she|him|her|his|hers|they|them)|(?i:the|that|this)\s+(?:[a-z\-]+\s+){0,2}[a-z\-]+|"
      r"[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|de|van|von|al|bin|da|del|la|le)){0,4})")
_T = r"(?P<t>.+?)"
_QUOTE_FRAMES = [re.compile(p) for p in (
    rf"^(?i:(?:so|and|but|ok|okay)\s+)?(?i:what)\s+(?i:else\s+)?(?i:did|has|have|does|do|had|"
    rf"would|is|was)\s+{_S}\s+(?i:else\s+|also\s+|just\s+)?(?i:say|said|saying|state|stated|"
    rf"tell|told|mention|mentioned|think|add|added|claim|claimed|have to say|has to say)"
    rf"(?:\s+(?i:else|too|also|again|then|there))?(?:\s+(?i:about|on|regarding|concerning|of|"
    rf"over)\s+{_T})?{_END}",
    rf"^(?i:(?:and|so|but|ok)\s+)?(?i:did|has|does|had|was)\s+{_S}\s+(?i:ever\s+|also\s+|even"
    rf"\s+)?(?i:say|said|mention|mentioned|talk about|talked about|speak about|spoke about|"
    rf"discuss|discussed|comment on|commented on|address|addressed|bring up|raise|raised|"
    rf"saying)(?:\s+(?i:anything|something)(?:\s+(?i:else))?)?(?:\s+(?i:about|on|regarding))?"
    rf"(?:\s+{_T})?{_END}",
    rf"^(?i:(?:and|so)\s+)?(?i:what\s+(?:is|was|are|were)\s+){_S}(?:['’]s?)?\s+(?i:view|views|"
    rf"position|take|stance|comments?|remarks?|reaction|response|opinion)(?:\s+(?i:on|about|"
    rf"of|regarding)\s+{_T})?{_END}",
    rf"^(?i:(?:and\s+)?(?:any\s+)?(?:more\s+|other\s+|further\s+)?)(?i:quotes|statements|comments|"
    rf"remarks)\s+(?i:from|by)\s+{_S}(?:\s+(?i:about|on)\s+{_T})?{_END}",
)]


@dataclass(frozen=True)
class QuoteFrame:
    """A "what did S say (about T)?" question; S is a pronoun, a role noun or a name."""

    speaker: str | None
    pronoun: str | None
    role: str | None
    topic: str | None


def quote_frame(text: str) -> QuoteFrame | None:
    body = text.strip()
    for pattern in _QUOTE_FRAMES:
        m = pattern.match(body)
        if not m:
            continue
        s = m["s"].strip()
        topic = (m.groupdict().get("t") or "").strip(" ,?!.") or None
        if topic and topic.lower() in ("anything", "anything else", "something", "else"):
            topic = None
        if s.lower() in PRONOUN_GENDER:
            return QuoteFrame(None, s, None, topic)
        if s.split()[0].lower() in ("the", "that", "this"):
            role = " ".join(s.split()[1:]).lower()
            if role.split()[-1] in ROLE_WORDS or role.split()[-1].rstrip("s") in ROLE_WORDS:
                return QuoteFrame(None, None, role, topic)
            return None
        if s.split()[0].lower() in NON_NAME_CAPS:
            return None
        return QuoteFrame(s, None, None, topic)
    return None


def role_gender(role: str | None) -> str | None:
    if not role:
        return None
    words = set(role.lower().split())
    if words & FEMALE_WORDS:
        return "f"
    if words & MALE_WORDS:
        return "m"
    return None


def has_role(roles: tuple[str, ...], role: str) -> bool:
    """"the foreign minister" fits someone described as "minister"; "spokesperson" fits
    "spokesman"."""
    head = role.lower().split()[-1]
    head = ABBREVIATED_ROLES.get(head, head)
    heads = {head, head.replace("person", "man"), head.replace("person", "woman")}
    return bool(heads & set(roles)) or role.lower() in roles


# ---------------------------------------------------------------- pronouns elsewhere

_PRONOUN = re.compile(r"\b(he|she|him|his|hers|her)\b", re.I)


def pronoun_in(text: str) -> str | None:
    m = _PRONOUN.search(text)
    return m.group(1) if m else None


def substitute_pronoun(text: str, pronoun: str, name: str) -> str:
    """Every pronoun of that gender replaced by the name ("his" -> "Name's")."""
    gender = PRONOUN_GENDER[pronoun.lower()]
    possessive = {"his", "hers"}

    def swap(m: re.Match[str]) -> str:
        word = m.group(1).lower()
        if PRONOUN_GENDER[word] != gender:
            return m.group(0)
        if word in possessive:
            return f"{name}'s"
        if word == "her":
            after = text[m.end():].lstrip()
            follows = re.match(r"[A-Za-z]+", after)
            if follows and follows.group(0).lower() not in _NOT_NOUN:
                return f"{name}'s"
        return name

    return _PRONOUN.sub(swap, text)


_NOT_NOUN = {"about", "on", "in", "at", "to", "for", "say", "said", "and", "or", "that", "this",
             "when", "if", "again", "too", "recently", "before", "after", "with", "from"}


_NAME_RUN = re.compile(r"\b[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3}")


def names_in(text: str) -> list[str]:
    """Runs of capitalised words ("who is Priya Nand?" -> ["Priya Nand"])."""
    out = []
    for m in _NAME_RUN.finditer(text):
        words = m.group(0).split()
        while words and words[0].lower() in NON_NAME_CAPS:
            words.pop(0)
        if words:
            out.append(" ".join(words))
    return out


ABBREVIATED_ROLES = {"gov": "governor", "sen": "senator", "rep": "representative",
                     "pres": "president", "gen": "general", "lt": "lieutenant",
                     "col": "colonel", "capt": "captain", "adm": "admiral", "prof": "professor",
                     "dr": "doctor", "sgt": "sergeant", "amb": "ambassador", "supt": "superintendent"}
