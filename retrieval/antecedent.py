"""The missing antecedent: a sentence that says "The show" or "He" without the name.

When an answer sentence opens with a reference ("He", "The company", "The
37-year-old") or describes the very thing asked about ("... the wildly popular South
Korean show ..." for "which show?"), the name is usually in the sentence before. That
sentence is shown too, whole and verbatim, never spliced into the other.
"""

from __future__ import annotations

import re

from index.sentences import sentence_spans
from retrieval.answer_type import NAME_NOUNS, PERSON_NOUNS, PLACE_NOUNS, Expected
from retrieval.entities import mentions
from retrieval.places import fits_place_noun

Span = tuple[int, int]

# Nouns that stand in for a name ("The show", "The company", "The singer"), and ages.
_STAND_INS = sorted(PERSON_NOUNS | PLACE_NOUNS | NAME_NOUNS, key=len, reverse=True)
# Personal pronouns; "The" + up to two words + a stand-in noun or "37-year-old";
# "those/these ..." pointing back ("But those shelves are now empty").
_REFERENCE_OPENER = re.compile(
    r"^[“\"‘']?(?:(?:But|And|Yet|Still|Now|So),?\s+)?(?:(?:He|She|They|His|Her|Their|"
    r"he|she|they|his|her|their)\b|"
    r"(?:The|the)\s+(?:[a-z][\w-]*\s+){0,2}?(?:" + "|".join(_STAND_INS) + r"|\d+-year-old)"
    r"(?:[’']s)?\b|(?:Those|These|those|these)\s+[a-z])")


def opens_with_reference(sentence: str) -> bool:
    return bool(_REFERENCE_OPENER.match(sentence))


def describes_head(sentence: str, expected: Expected) -> bool:
    """True when the sentence calls the asked-about thing "the ... <head noun>", unless,
    for a place, a place of that kind is named before it in the sentence ("Oregon Gov.
    Kate Brown will commute the sentences of the 17 people on the state's death row")."""
    if not expected.head:
        return False
    noun = expected.head.removesuffix("’s").removesuffix("'s")
    head = re.escape(noun)
    found = re.search(rf"\b[Tt]he\s+(?:[\w’'-]+\s+){{0,4}}?{head}s?\b(?!\s+[“\"A-Z])",
                      sentence)
    if found is None:
        return False
    return expected.kind != "place" or not any(
        m.start < found.start() and fits_place_noun(m.text, noun)
        for m in mentions(sentence, "place"))


# "The highest priced state remains California": the stand-in is the subject of a
# copula whose complement is the name, so the sentence names what it is about itself.
_NAMED_BY_COPULA = re.compile(
    r"^[“\"‘']?(?:The|the)\s+(?:[\w’'-]+\s+){0,4}?(?:" + "|".join(_STAND_INS) + r")s?"
    r"\s+(?:is|was|are|were|remains|remained|becomes|became)\s+(?:now\s+|still\s+)?"
    r"[“\"‘']?[A-Z]")


def needs_antecedent(sentence: str, expected: Expected) -> bool:
    """A sentence that points back to something named before it."""
    if _NAMED_BY_COPULA.match(sentence):
        return False
    return opens_with_reference(sentence) or describes_head(sentence, expected)


def previous_sentence(text: str, span: Span) -> Span | None:
    """The sentence just before ``span`` in the article (across a paragraph break)."""
    start = span[0]
    window_start = max(0, start - 1500)
    spans = [s for s in sentence_spans(text, window_start, start) if s[1] <= start]
    if not spans:
        return None
    s, e = spans[-1]
    if s == window_start and window_start > 0:  # cut mid-sentence by the window
        return None
    return (s, e)
