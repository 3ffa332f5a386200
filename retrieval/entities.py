"""Typed mentions in a sentence, by regular expressions and capitalisation.

Fast enough for every candidate sentence of every answer (spaCy is not): a sentence
is typed in tens of microseconds. The typing is rough on purpose; it only has to say
whether a sentence holds *some* person, place, quantity, date or name that the
question did not already mention.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from index.quotes.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    NON_NAME_CAPS,
    ORG_WORDS,
    TITLE_WORDS,
    wordset,
)
from index.text.cache import TextCache
from index.text.stems import stem
from index.text.words import STOPWORDS, tokens
from retrieval.answer_type import Kind
from retrieval.places import PLACES

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# Each pattern opens with a look-ahead for the first characters its alternatives can
# start with: the engine then skips most positions at once (half the time, measured).
_DATE = re.compile(
    rf"\b(?=[jfmasondtwle12])(?:(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d\d)?|"
    rf"(?:{_WEEKDAYS})|(?:19|20)\d\d|(?:next|last|this|later\s+this|early\s+next)\s+"
    rf"(?:week|month|year|spring|summer|fall|autumn|winter)|(?:spring|summer|fall|autumn|"
    rf"winter)\s+(?:19|20)\d\d)\b", re.I)
_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                 "thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|"
                 "dozens|hundreds|thousands|millions|billions|half")
_QUANTITY = re.compile(
    rf"(?=[$£€\dtfsenhdmb])(?:(?:[$£€]\s?)?\b\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per\s+cent))?"
    rf"(?:[\s-](?:million|billion|trillion|thousand|hundred))?|"
    rf"\b(?:{_NUMBER_WORDS})\b(?:[\s-](?:million|billion|trillion|thousand|hundred|percent))?)",
    re.I)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d\d$")
# Words of a name: capitalised or all-caps, with inner dots, hyphens, ampersands.
_CAP_WORD = re.compile(r"(?:[A-Z][\w’'.&-]*|[a-z]{1,2}[A-Z][\w’'.&-]*|&)")
_WORD = re.compile(r"[\w’'.&$%-]+")
_CONNECTORS = wordset("of the de del la du von van and & for on al bin")
# A news agency's credit ("(CNN)", "CNN —", "(AP)") names who reported, not what was
# asked about: its words are never an answer.
_AGENCY = r"\((?:CNN|AP|Reuters|AFP|UPI|CNN Business|CNN Spanish|CNN Español)\)"
_CREDIT = re.compile(
    rf"{_AGENCY}|^[“\"]?(?:CNN|AP|Reuters|AFP)\s*[—–-]|"
    # A dateline ("SAN FRANCISCO –", "Hong Kong (CNN)") says where the reporter filed
    # from, which is often not where the news happened.
    rf"^[A-Z][A-Z.,'’ -]+?\s*(?:{_AGENCY}\s*)?[—–]|^[A-Z][\w.,'’ -]{{0,40}}?\s*{_AGENCY}")
# A cause or a purpose ("due to the ongoing drought", "because of fire risks", "to save
# money"): what answers "why ...?". The marker and the words after it, to a punctuation.
_REASON = re.compile(
    r"\b(?=[abcdfiopqrst])(?:because(?:\s+of)?|due\s+to(?!\s+(?:be|begin|start|open|close|end|"
    r"take|arrive|launch|finish|run|resume|expire|return|meet|vote|go|come|hold|complete|"
    r"reopen|appear|land|leave|retire|testify|speak|sign)\b)|owing\s+to|thanks\s+to|as\s+a\s+result\s+of|"
    r"in\s+response\s+to|(?:caused|prompted|triggered|sparked|driven|fuell?ed)\s+by|"
    r"blamed\s+on|amid|citing|for\s+fear|over\s+(?:concerns?|fears?|worries)|"
    # "recalled over fire risks", "sued over the ad": a verb of blame and "over"
    r"(?:recalled|sued|fined|critici[sz]ed|arrested|charged|resigned|fired|banned|"
    r"suspended|probed|investigated|slammed|condemned|sanctioned|ousted|quit|protested|"
    r"clashed|split|apologi[sz]ed)\s+over|"
    r"in\s+order\s+to|so\s+(?:that|as\s+to)|(?:the|a)\s+reason|risks?\s+of)\b"
    r"[^.,;:!?—–()“”\"]{3,80}", re.I)
_QUOTED = re.compile(r"[“\"‘]([^“”\"‘’]{2,80}?)[”\"“’]")


@dataclass(frozen=True)
class Mention:
    """A typed stretch of a sentence: ``sentence[start:end] == text``."""

    text: str
    start: int
    end: int
    kinds: frozenset[Kind]


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith(("’s", "'s")) else word


class _Run(NamedTuple):
    """A run of capitalised words: its span, its words and where each word starts."""

    start: int
    end: int
    words: list[str]
    starts: list[int]


def _cap_runs(sentence: str) -> list[_Run]:
    """Runs of capitalised words (with "of", "de", "&" inside)."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    runs: list[_Run] = []
    current: list[tuple[int, int, str]] = []

    def close() -> None:
        while current and current[-1][2].lower() in _CONNECTORS:
            current.pop()
        if current:
            runs.append(_Run(current[0][0], current[-1][1], [w for _, _, w in current],
                             [s for s, _, _ in current]))
        current.clear()

    for i, (s, e, w) in enumerate(words):
        w = w.rstrip(".,")
        # Most words are lower case, and such a word can match no _CAP_WORD branch.
        capital = not w.islower() and bool(_CAP_WORD.fullmatch(w)) \
            and not (i == 0 and w.lower() in _COMMON_OPENERS) \
            and not _COMPOUND_ADJECTIVE.search(w)
        if capital:
            current.append((s, s + len(w), w))
            if w.endswith(("’s", "'s")):  # "New York City’s Times Square": two names
                close()
        elif current and w.lower() in _CONNECTORS:
            current.append((s, e, w))
        else:
            close()
        # Punctuation between words ends a run ("Paris, France" is two places).
        nxt = words[i + 1][0] if i + 1 < len(words) else len(sentence)
        if current and _RUN_BREAK.search(sentence, e, nxt):
            close()
    close()
    return runs


# ... and counts that open a sentence ("Millions of people ...", "Dozens were hurt").
_COMMON_OPENERS = NON_NAME_CAPS | STOPWORDS | wordset("millions thousands hundreds dozens billions scores")
# "Washington-based", "US-backed", "Texas-born": an adjective, not the thing's name.
_COMPOUND_ADJECTIVE = re.compile(
    r"-(?:based|born|backed|led|owned|made|run|funded|linked|style|era|bound|raised|"
    r"headquartered|speaking|focused|inspired|themed|dominated|controlled)$", re.I)
_RUN_BREAK = re.compile(r"[,;:()“”\"—–]")


def _kinds_of_run(words: list[str], before: str) -> frozenset[Kind]:
    folded = [_strip_possessive(w).lower().strip(".") for w in words]
    phrase = " ".join(folded)
    kinds: set[Kind] = {"name"}
    if phrase in PLACES or phrase.removeprefix("the ") in PLACES:
        kinds.add("place")
    # "UK Prime Minister Boris Johnson": the words after the last title are a name.
    last_title = max((i for i, w in enumerate(folded) if w in TITLE_WORDS), default=-1)
    name = folded[last_title + 1:]
    last = before.rsplit(None, 1)  # the word before the run (not a split of the whole text)
    prev = last[-1].lower().strip(".,") if last else ""
    titled = (last_title >= 0 and bool(name)) or prev in TITLE_WORDS
    if titled or (name and (name[0] in MALE_NAMES or name[0] in FEMALE_NAMES)):
        kinds.add("person")
    elif 2 <= len(folded) <= 4 and "place" not in kinds \
            and not any(w in ORG_WORDS or w in PLACES for w in folded):
        kinds.add("person")  # "Rob Gronkowski": two to four plain capitalised words
    return frozenset(kinds)


# One answer types the same sentences again (scoring, antecedents, the title check) and
# the same question for each of its ~75 candidate sentences (profiled, issue 13).
MENTION_CACHE = 4096
MENTION_CACHE_MAX_CHARS = 2000


def mentions(sentence: str, kind: Kind | None = None) -> list[Mention]:
    """Every typed mention found in ``sentence`` (overlaps allowed); with ``kind``, those
    of that kind only (the same ones, found without running the other kinds' patterns:
    an answer types ~75 sentences for one kind, issue 13)."""
    if kind is None:
        return _MENTIONS(sentence)
    finder = _FINDERS.get(kind)
    if finder is None:
        return []
    return [m for m in finder.shared(sentence) if kind in m.kinds]


def clear_mention_cache() -> None:
    for cache in (_MENTIONS, _NAMES, _REASONS, _TIMES_AND_AMOUNTS):
        cache.clear()
    _key_words.cache_clear()


def _mentions(sentence: str) -> list[Mention]:
    return [*_NAMES.shared(sentence), *_REASONS.shared(sentence),
            *_TIMES_AND_AMOUNTS.shared(sentence)]


def _names(sentence: str) -> list[Mention]:
    """Names, people and places: capitalised runs and short quoted titles."""
    found: list[Mention] = []
    credits = [(m.start(), m.end()) for m in _CREDIT.finditer(sentence)]
    for s, e, words, starts in _cap_runs(sentence):
        if any(cs <= s < ce for cs, ce in credits):
            continue
        if all(_strip_possessive(w).lower().strip(".") in NON_NAME_CAPS for w in words):
            continue  # "Sunday", "I", "July": dates are typed below
        kinds = _kinds_of_run(words, sentence[:s])
        found.append(Mention(sentence[s:e], s, e, kinds))
        # A place inside a longer name ("Colorado Avalanche" is also in Colorado).
        if "place" not in kinds:
            for w, i in zip(words, starts, strict=True):
                if _strip_possessive(w).lower() in PLACES:
                    found.append(Mention(w, i, i + len(w), frozenset({"place", "name"})))
            # (most runs hold no word a place of several words opens with)
            if len(words) > 2 and not _PLACE_OPENERS.isdisjoint(map(str.lower, words)):
                found.extend(_places_between_connectors(sentence, words, starts))
    for m in _QUOTED.finditer(sentence):
        inner = m.group(1).strip()
        if inner[:1].isupper() and len(inner.split()) <= 8:
            at = sentence.index(inner, m.start(1))  # past the spaces the strip dropped
            found.append(Mention(inner, at, at + len(inner), frozenset({"name"})))
    return found


def _places_between_connectors(sentence: str, words: list[str],
                               starts: list[int]) -> list[Mention]:
    """Places of several words inside a run joined by connectors: "San Francisco" in
    "San Francisco and the Bay Area" (single words are checked by the caller)."""
    found: list[Mention] = []
    first = 0  # where the words since the last connector begin
    for i, w in enumerate([*words, "and"]):  # a closing connector ends the last segment
        if w.lower() not in _CONNECTORS:
            continue
        segment = words[first:i]
        first = i + 1
        if not 2 <= len(segment) < len(words) or segment[0].lower() not in _PLACE_OPENERS:
            continue
        if " ".join(_strip_possessive(x).lower().strip(".") for x in segment) in PLACES:
            s, e = starts[i - len(segment)], starts[i - 1] + len(words[i - 1])
            found.append(Mention(sentence[s:e], s, e, frozenset({"place", "name"})))
    return found


# The first words of places of several words ("san" of "san francisco"): a segment
# opening with any other word is no place, and is not looked up.
_PLACE_OPENERS = frozenset(p.split(" ", 1)[0] for p in PLACES if " " in p)


def _reasons(sentence: str) -> list[Mention]:
    return [Mention(m.group().rstrip(), m.start(), m.start() + len(m.group().rstrip()),
                    frozenset({"reason"})) for m in _REASON.finditer(sentence)]


def _quantities_and_dates(sentence: str) -> list[Mention]:
    """Dates, then quantities (a number inside a date is not a quantity)."""
    dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    found = [Mention(sentence[s:e], s, e, frozenset({"date"})) for s, e in dates]
    for m in _QUANTITY.finditer(sentence):
        text = m.group().strip().rstrip(",")
        if not text or _YEAR_ONLY.match(text) or any(s <= m.start() < e for s, e in dates):
            continue
        found.append(Mention(text, m.start(), m.start() + len(text), frozenset({"quantity"})))
    return found


def _cached(finder: Callable[[str], list[Mention]]) -> TextCache[Mention]:
    return TextCache(finder, MENTION_CACHE, MENTION_CACHE_MAX_CHARS)


_MENTIONS = _cached(_mentions)
_NAMES, _REASONS = _cached(_names), _cached(_reasons)
_TIMES_AND_AMOUNTS = _cached(_quantities_and_dates)
_FINDERS: dict[Kind, TextCache[Mention]] = {
    "name": _NAMES, "person": _NAMES, "place": _NAMES, "reason": _REASONS,
    "date": _TIMES_AND_AMOUNTS, "quantity": _TIMES_AND_AMOUNTS}


@functools.lru_cache(maxsize=MENTION_CACHE)
def _key_words(text: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens(text) if t not in STOPWORDS)


_AMOUNT = re.compile(r"\d|[$£€%]|percent|million|billion|trillion", re.I)


def new_mentions(sentence: str, question: str, kind: Kind,
                 amounts_only: bool = False) -> list[Mention]:
    """Mentions of ``kind`` in ``sentence`` whose words the question does not already hold.

    ``amounts_only`` keeps quantities written with digits, currency or percent
    ("how much?" is not answered by "two boats").
    """
    if kind == "other":
        return []
    asked = _key_words(question)
    out = []
    for m in mentions(sentence, kind):
        if amounts_only and not _AMOUNT.search(m.text):
            continue
        words = _key_words(m.text)
        if words and not words <= asked:
            out.append(m)
    return out
