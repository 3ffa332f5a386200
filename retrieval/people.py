"""What the archive says of a speaker: gender and role nouns, read from the articles that
quote them ("Foreign ministry spokesman Wang Wenbin", "Ms. Marsh", "..., she said").

Used after an answer, so that "she" and "the spokesman" can find that person in a later
follow-up. The quote index keeps full names, not these; they are read from the text the
answer cites, with the same lexicon the quote extractor uses (index/quotes/names.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from index.quotes.names import FEMALE_WORDS, MALE_WORDS, gender_of, speaker_key
from retrieval.conversation import Person
from retrieval.followups import ABBREVIATED_ROLES, ROLE_WORDS

_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "lady"}
_HONORIFICS_ABBREVIATED = {"mr", "mrs", "ms", "dr", "st"}
_WORD = re.compile(r"[A-Za-z][\w\-]*")
_AFTER_QUOTE = re.compile(r"^[”\"’']?,?\s*(he|she)\s+(?:said|says|added|told|explained|wrote)\b",
                          re.I)
WINDOW = 5  # words looked at before a name for its titles
APPOSITION_WORDS = 3  # ... and after it, behind a comma: "Marsh, the mayor's spokeswoman,"
_APPOSITION_STOP = {"said", "says", "told", "tells", "added", "according", "who", "which",
                    "and", "or", "but", "wrote", "writes", "asked", "noted"}
_APPOSITION = re.compile(r",\s+(?:the |a |an )?([a-z][^,.;:!?\"“”\n]{0,60})")
_CLAUSE = re.compile(r"[.!?\"“”\n;:]")
# The period of "Gov. Mike Pence" or "Ms. Marsh" ends no clause: dropped before splitting.
_ABBREVIATION_DOT = re.compile(
    r"\b(" + "|".join(sorted({*ABBREVIATED_ROLES, *_HONORIFICS_ABBREVIATED}, key=len,
                               reverse=True)) + r")\.", re.I)


def _other_person(words: list[str], own_first: str | None, name: str) -> bool:
    """The word before the surname is someone else's first name."""
    if not words:
        return False
    prev = words[-1]
    if not prev[:1].isupper() or prev.lower() in ROLE_WORDS or prev.lower() in _HONORIFICS:
        return False
    return own_first is None or speaker_key(prev).split()[:1] != [own_first] and (
        prev not in name.split())


def describe(name: str, texts: Iterable[str], quote_ends: Iterable[tuple[str, int]] = ()) -> Person:
    """``name``'s gender and roles from ``texts`` (articles quoting them) and the words right
    after their quotes (``(text, end offset)`` pairs: '..." she said')."""
    key = speaker_key(name).split()
    if not key:
        return Person(name)
    surname = re.escape(name.split()[-1])
    votes: Counter[str] = Counter()
    roles: dict[str, None] = {}
    first = gender_of(key[0]) if len(key) > 1 else None
    own_first = key[0] if len(key) > 1 else None
    for text in texts:
        for m in re.finditer(rf"\b{surname}\b", text):
            before = _ABBREVIATION_DOT.sub(r"\1", text[max(0, m.start() - 80): m.start()])
            head = _CLAUSE.split(before)[-1]
            words = _WORD.findall(head)
            if _other_person(words, own_first, name):
                continue  # "Architect Sofia Marsh" is not Elena Marsh
            # An appositive after the name: "Eric Trump, son of the front-runner, said".
            apposition = _APPOSITION.match(text, m.end())
            after = _WORD.findall(apposition.group(1)) if apposition else []
            if _APPOSITION_STOP.intersection(w.lower() for w in after):
                after = []  # "Trump, the governor said, ..." names the governor, not Trump
            after = after[:APPOSITION_WORDS]
            for word in (w.lower() for w in words[-WINDOW:] + after):
                word = ABBREVIATED_ROLES.get(word, word)
                if word in ROLE_WORDS:
                    roles[word] = None
                if word in FEMALE_WORDS and word not in ("she", "her"):
                    votes["f"] += 2
                elif word in MALE_WORDS and word not in ("he", "his"):
                    votes["m"] += 2
    for text, end in quote_ends:
        pronoun = _AFTER_QUOTE.match(text[end:end + 40])
        if pronoun:
            votes["m" if pronoun.group(1).lower() == "he" else "f"] += 1
    gender = first
    if gender is None and votes:
        (top, n), *others = votes.most_common()
        gender = top if not others or n > others[0][1] else None
    return Person(name=name, gender=gender, roles=tuple(roles))
