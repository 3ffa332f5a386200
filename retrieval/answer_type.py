"""What kind of thing a question asks for, read from its wh-word and head noun.

"Who ...?" wants a person, "which country ...?" a place, "how many ...?" a quantity,
"when ...?" a date, "which show / film / company ...?" a name, "why ...?" a reason
("because ...", "due to ..."). Rules, not a model: a question is typed in
microseconds, and a wrong guess only costs a ranking bonus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.quotes.names import wordset
from index.text.words import STOPWORDS

Kind = Literal["person", "place", "quantity", "date", "name", "reason", "other"]

PERSON_NOUNS = wordset("""
    person people man woman men women star singer actor actress player athlete president
    leader politician minister mp senator governor mayor official member individual
    ceo founder billionaire rapper musician artist director author writer judge
    candidate lawmaker celebrity comedian host chef coach quarterback pitcher driver
    king queen prince princess monarch pope chancellor premier figure icon legend
    slugger golfer boxer footballer cricketer astronaut scientist head
    justice presenter anchor journalist reporter tycoon mogul
    entrepreneur executive investor activist campaigner lawyer attorney prosecutor
    doctor researcher economist commander royal duke duchess heir nominee
    contestant winner champion gymnast swimmer skater sprinter manager owner
    suspect gunman whistleblower popstar superstar influencer youtuber novelist poet
    playwright composer dancer designer entertainer spokesperson spokesman
    """)
PLACE_NOUNS = wordset("""
    country countries nation nations state states city cities continent region area
    town towns island islands county province territory location place places capital
    destination village neighborhood neighbourhood district park stadium venue airport
    ocean sea river lake mountain borough suburb port coast beach resort peninsula
    hometown municipality republic kingdom emirate
    """)
NAME_NOUNS = wordset("""
    show shows film films movie movies series company companies firm team teams airline
    brand platform app network song album book chain restaurant retailer store hurricane
    storm variant subvariant product service party group organization organisation
    broadcaster newspaper magazine channel website site bank university school club
    league event festival award awards game character role bill law deal agreement
    tournament competition car automaker manufacturer maker startup currency holiday
    virus disease drug vaccine giant carmaker novel painting typhoon cyclone
    studio franchise label charity agency insurer carrier streamer publisher
    supermarket cruise sitcom documentary musical opera ballad podcast tabloid outlet
    landmark attraction ceremony
    """)
QUANTITY_HEADS = wordset("""
    percentage percent proportion share number amount price cost magnitude age rate
    total figure sum score temperature
    """)
DATE_HEADS = wordset("year month day date time decade season")

_WH = re.compile(
    r"\b(?P<wh>how\s+(?:many|much|long|old|far|big|high|large|tall|often|soon)|"
    r"what|which|who|whom|whose|where|when)\b", re.I)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_WHY = re.compile(r"^\s*why\b|[,;:]\s*why\b|\bwhy\s+(?:is|are|was|were|do|does|did|has|have|had|"
                  r"will|would|could|can|should)\b", re.I)
_NAME_ASK = re.compile(r"\bwhat\s+(?:is|was|are|were)\s+(?:it|they|its|the\s+\w+'?s?)?\s*"
                       r"(?:called|named|name)\b|\bwhat\s+is\s+(?:her|his|their)\s+name\b|"
                       r"\bwhat\s+(?:is|was)\s+the\s+name\s+of\b", re.I)
# Possessives of plural groups say nothing about the answer ("which women's sport").
_GROUP_POSSESSIVES = wordset("women men people children kids girls boys")
HEAD_WINDOW = 6  # words after "which"/"what" searched for the head noun


@dataclass(frozen=True)
class Expected:
    """The answer type a question asks for, and the noun that said so ("show")."""

    kind: Kind
    head: str | None = None
    # What a quantity counts, when the question says ("how many months" -> "months",
    # "what percentage" -> "%"): "six months" answers it, "9 weeks" less so.
    unit: str | None = None
    # "when will it open?": a date the sentence puts ahead ("is due to begin in
    # September") answers it, whatever its words.
    future: bool = False

    @property
    def amounts_only(self) -> bool:
        """Whether only amounts answer: "how much?" wants "$38 million", not "two boats"."""
        return self.head == "much"


def _question_clause(question: str) -> str:
    """The last sentence that asks something: quiz questions open with a statement."""
    parts = [p for p in re.split(r"(?<=[.?!])\s+", question.strip()) if p]
    asking = [p for p in parts if _WH.search(p) or _WHY.search(p)]
    return asking[-1] if asking else (parts[-1] if parts else question)


def singular(noun: str) -> str:
    """A plural noun's singular, roughly ("bills" -> "bill", "cities" -> "city")."""
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def _kind_of_noun(noun: str) -> Kind | None:
    n = noun.lower()
    n = n[:-2] if n.endswith(("’s", "'s")) else n
    kind = _kind_of_word(n)
    return kind if kind is not None or singular(n) == n else _kind_of_word(singular(n))


def _kind_of_word(n: str) -> Kind | None:
    if n in QUANTITY_HEADS:
        return "quantity"
    if n in DATE_HEADS:
        return "date"
    if n in PERSON_NOUNS:
        return "person"
    if n in PLACE_NOUNS:
        return "place"
    if n in NAME_NOUNS:
        return "name"
    return None


def _head_after(text: str) -> tuple[Kind | None, str | None]:
    """The first typed noun among the next few words ("which wildly popular show").

    A possessive head types the possessor: "which state's governor" asks for a state.
    A typed noun that modifies the next one is not the head: "which official dish" asks
    for a dish, not an official; "which state agency" for an agency.
    """
    phrase = re.split(r"[,;:?!.—–()]", text, maxsplit=1)[0]  # the noun phrase, not beyond
    seen = False
    words = _WORD.findall(phrase)[:HEAD_WINDOW]
    for i, word in enumerate(words):
        low = word.lower()
        if low in _VERBISH:  # the noun phrase ends at its verb ("which measure did ...")
            if seen:
                break
            continue  # "which is the most popular costume": the copula comes first
        seen = True
        if low.endswith(("’s", "'s")) and low[:-2] in _GROUP_POSSESSIVES:
            continue
        kind = _kind_of_noun(low)
        if kind is not None and not _modifies_next(low, words[i + 1:i + 2]):
            return kind, low
    return None, None


# Typed words that are as often adjectives ("official dish", "royal wedding"): typed
# only when no plain word follows them.
_MODIFIERS = wordset("official royal head")


def _modifies_next(word: str, following: list[str]) -> bool:
    if not following or word.endswith(("’s", "'s")):
        return False
    nxt = following[0].lower()
    if _kind_of_noun(nxt) is not None:
        return True  # "state agency", "film festival", "team owner"
    return word in _MODIFIERS and nxt not in _VERBISH and nxt not in STOPWORDS \
        and following[0][:1].islower() and not nxt.endswith("ed")


PERCENT_HEADS = wordset("percentage percent proportion share")
MONEY = "$"  # the unit of an amount of money, in any currency
# Verbs and nouns of a "how much" question that ask for money.
MONEY_WORDS = wordset("""
    cost costs costing spend spends spent spending pay pays paid paying price priced worth
    charge charged charging fund funded funding fine fined sell sold buy bought earn earned
    earns earnings invest invested owe owed salary salaries budget donate donated bid fetch
    fetched money cash bill fee fees tax taxes prize grant loan debt revenue profit
    """)
# ... unless it asks how much a price changed ("how much have gas prices increased?": 60%).
CHANGE_WORDS = wordset("""
    increase increased rise rose risen fall fell fallen drop dropped jump jumped climb climbed
    grow grew grown decline declined surge surged soar soared cut inflation higher lower
    """)
# Words between "how many" and the counted noun ("how many more", "how many US lives").
_NOT_UNITS = wordset("more fewer other additional new total")


def _unit_after(text: str) -> str | None:
    """The noun "how many" counts: its first plain word ("how many months", "how many
    more people"); none when a verb or a name follows ("how many were", "how many US")."""
    phrase = re.split(r"[,;:?!.—–()]", text, maxsplit=1)[0]
    for word in _WORD.findall(phrase)[:3]:
        low = word.lower()
        if low in _NOT_UNITS:
            continue
        return None if low in _VERBISH or low in STOPWORDS or word[:1].isupper() else low
    return None


# Words that end the counted noun phrase ("how many people *were* ...").
_VERBISH = wordset("""
    is are was were be been has have had do does did will would could can should may
    might must shall
    """)


_FUTURE_ASK = re.compile(r"^when\s+(?:will|would|shall|is\s+\S+(?:\s+\S+){0,4}?\s+(?:set|due|"
                         r"expected|scheduled|slated|going)\s+to|are\s+\S+(?:\s+\S+){0,4}?\s+"
                         r"(?:set|due|expected|scheduled|slated|going)\s+to)\b", re.I)


def expected_type(question: str) -> Expected:
    """The answer type of ``question``; kind "other" when the rules cannot tell."""
    clause = _question_clause(question)
    if _NAME_ASK.search(clause):
        return Expected("person" if re.search(r"\b(?:her|his)\s+name\b", clause, re.I)
                        else "name")
    if _WHY.search(clause):
        return Expected("reason")
    found = list(_WH.finditer(clause))
    if not found:
        return Expected("other")
    for w in found:  # "which/what + typed noun" anywhere in the clause is the surest sign
        if w["wh"].lower() in ("which", "what"):
            kind, head = _head_after(clause[w.end():])
            if kind is not None:
                unit = "%" if head in PERCENT_HEADS else None
                return Expected(kind, head, unit)
    # A wh-word right after a comma opens a relative clause ("Kanye West, who ...").
    asking = [w for w in found if not re.search(r",\s*$", clause[:w.start()])]
    m = (asking or found)[0]
    wh = " ".join(m["wh"].lower().split())
    if wh.startswith("how "):
        if wh == "how soon":
            return Expected("date", future=True)
        # "how much" asks for an amount ($5, 60%), not a count: the head says which.
        if wh == "how often":
            return Expected("other")
        unit = _unit_after(clause[m.end():]) if wh == "how many" else None
        words = {w.lower() for w in _WORD.findall(clause)}
        bare = not (words - STOPWORDS - {"how", "much"})  # "how much?", "how much is it?"
        if wh == "how much" and (words & MONEY_WORDS or bare) and not words & CHANGE_WORDS:
            unit = MONEY  # "how much will it cost?": "$38 million", not "900,000 litres"
        return Expected("quantity", wh.split()[1], unit)
    if wh in ("who", "whom", "whose"):
        return Expected("person")
    if wh == "where":
        return Expected("place")
    if wh == "when":
        return Expected("date", future=bool(_FUTURE_ASK.search(clause[m.start():])))
    return Expected("other")
