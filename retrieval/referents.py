"""What "it" and "they" stand for when a follow-up is about the last question's topic.

"when will it open?" after "tell me about the old cannery": the pronoun stands for the
thing the conversation is about. Rules only (pure text, no state): a thing pronoun makes a
message lean on the last turn; the last question's noun phrase, when its shape shows one
("tell me about X", "what happened to X", "why was X closed?", "who won X?"), is what "it"
becomes. When no noun phrase can be read, conversation.py searches with the last
question and the title of the article that answered it beside the message instead; so
too for a bare "why?" or "who objected?" (:func:`bare_question`).
"""

from __future__ import annotations

import re

from index.text.stems import content_terms

# "it", "they", ... anywhere; "this" / "that" only as the last word ("who approved that?"),
# since before a noun they are determiners ("this week", "that council").
_THING = re.compile(r"\b(it|its|itself|they|them|their|themselves)\b", re.I)
_DEMONSTRATIVE_LAST = re.compile(r"\b(this|that|these|those)\s*[?.!]*$", re.I)
# Possessives and reflexives mostly point back inside their own question ("why did the
# company cut its forecast?"): a follow-up only when nothing before them could be meant.
_BOUND = {"its", "itself", "their", "themselves"}
_NAMES_BEFORE = re.compile(r"\b(?:the|a|an|this|that)\s+[a-z]|(?<=\S\s)[A-Z][a-z]")
# "is it true that ...", "it's time to ...": "it" standing for nothing.
_EXPLETIVE = re.compile(
    r"\b(?:is|was|isn't|wasn't|isn’t|wasn’t)\s+it\s+(?:true|possible|likely|right|correct|"
    r"the case|known)\b|\bit(?:'s|’s|\s+is|\s+was)\s+(?:true|possible|likely|clear|known|"
    r"reported|said|time|believed|expected)\b", re.I)
# "what did they say?": a speaker in the pronoun's place is for the quote rules.
_SPEAKING = re.compile(r"\b(?:they|it)\s+(?:say|said|says|tell|told|claim|claimed|mention|"
                       r"mentioned|think|thought|argue|argued)\b", re.I)

_NP = r"(?P<np>(?:the|a|an|this|that|[A-Z0-9])[^?!.;]*?)"
_PARTICIPLE = r"[a-z]+(?:ed|en|wn|ne|lt|pt|nt|ht|ck|ng|ut|id)"
_TOPIC_SHAPES = [re.compile(p, re.I if i < 3 else 0) for i, p in enumerate((
    # "tell me about X", "any news on X", "what's the latest on X", "what about X"
    r"^(?:(?:please\s+)?(?:tell|show|give)\s+me\s+(?:more\s+)?(?:about|on)|(?:any|the)\s+"
    r"(?:news|updates?|latest)\s+(?:about|on|regarding)|what(?:'s|’s|\s+is)\s+(?:new|the\s+"
    r"latest|happening)\s+(?:about|on|with)|(?:what|how)\s+about|news\s+(?:about|on))\s+"
    r"(?P<np>.+?)[?.!]*$",
    # "what happened to / with / at X"
    r"^what(?:'s|’s|\s+has|\s+is)?\s+(?:happened|happening|going\s+on)\s+(?:to|with|at|in|"
    r"on)\s+(?P<np>.+?)[?.!]*$",
    # "who won the Iowa caucus?", "who is running the library?": X after the verb
    r"^who\s+(?:(?:is|was|has|had|will|would)\s+)?[a-z]+\s+(?P<np>(?:the|a|an)\s+.+?)[?.!]*$",
    # "why was the crossing closed?", "when were the boats delivered?" (case-sensitive:
    # the auxiliary is lower-case, a name in the phrase upper-case)
    r"^(?i:why|when|where|how)\s+(?i:is|are|was|were|has|have|had)\s+(?:been\s+)?" + _NP
    + r"\s+(?:being\s+|been\s+)?" + _PARTICIPLE + r"(?:\s+(?:by|in|on|at|for|after|"
    r"before|from|to|over|during|with)\b[^?]*)?[?.!]*$",
    # "how much will the electric ferry cost?", "when will the library open?" (the verb
    # last: with an object after it, where the subject ends cannot be told by rule)
    r"^(?i:why|when|where|how(?:\s+(?:much|many|long|soon|often))?)\s+(?i:will|would|did|"
    r"does|do|can|could|should)\s+(?P<np>(?i:the|a|an)\s+[^?!.;]+?)\s+(?:[a-z]*(?:ss|us)|"
    r"[a-z]*[a-rt-z])[?.!]*$",  # a bare verb: "open", "cost", "discuss", never "fees"
))]
MAX_PHRASE_WORDS = 6
MAX_PHRASE_CHARS = 80  # put in place of every "it": a phrase, never a paragraph
_BAD_ENDINGS = {"of", "to", "in", "on", "at", "for", "and", "or", "the", "a", "an", "with"}


def thing_pronoun(text: str) -> str | None:
    """The first pronoun for a thing ("it", "them", a last "that"), unless it stands for
    nothing ("is it true that ...") or for a speaker ("what did they say?")."""
    if _EXPLETIVE.search(text) or _SPEAKING.search(text):
        return None
    for m in _THING.finditer(text):
        if m.group(1).lower() in _BOUND and _NAMES_BEFORE.search(text[:m.start()]):
            continue  # "what did Apple say about its iPhone?": Apple's, not the last turn's
        return m.group(1)
    last = _DEMONSTRATIVE_LAST.search(text)
    return last.group(1) if last else None


def topic_phrase(question: str) -> str | None:
    """The noun phrase a question is about, when its shape shows one ("tell me about the
    old cannery" -> "the old cannery"); None when it does not ("what did they approve?"
    is about its answer, not its words)."""
    text = " ".join(question.split()).strip()
    for shape in _TOPIC_SHAPES:
        m = shape.match(text)
        if m is None:
            continue
        phrase = m["np"].strip(" ,")
        words = phrase.split()
        if (1 <= len(words) <= MAX_PHRASE_WORDS and len(phrase) <= MAX_PHRASE_CHARS
                and words[-1].lower() not in _BAD_ENDINGS
                and thing_pronoun(phrase) is None):
            return phrase
    return None


def substitute_thing(text: str, phrase: str) -> str | None:
    """The message with its thing pronouns replaced by ``phrase``: "it", "its" and a
    last "that" for a singular phrase, "them" and "their" for a plural one ("harbour
    fees"); None when a pronoun does not fit the phrase, or "they" stands anywhere
    (the council or the fees: not safe to guess), or there is none."""
    plural = _plural(phrase)
    fits = _PLURAL_OBJECT if plural else _SINGULAR
    if re.search(r"\b(?:they|themselves)\b", text, re.I) or \
            re.search(_SINGULAR if plural else _PLURAL_OBJECT, text, re.I):
        return None
    last = _DEMONSTRATIVE_LAST.search(text)
    if last is not None and (last.group(1).lower() in ("these", "those")) == plural:
        text = text[:last.start(1)] + phrase + text[last.end(1):]  # "who approved that?"
    elif last is not None or not re.search(fits, text, re.I):
        return None

    def swap(m: re.Match[str]) -> str:
        if m.group(1).lower() in ("its", "their"):
            return f"{phrase}'" if phrase.endswith("s") else f"{phrase}'s"
        return phrase

    out = re.sub(fits, swap, text, flags=re.I)
    return out[:1].upper() + out[1:] if text[:1].isupper() else out


_SINGULAR = r"\b(it|its|itself)\b"
_PLURAL_OBJECT = r"\b(them|their)\b"


def _plural(phrase: str) -> bool:
    word = phrase.split()[-1]
    last = word.lower()  # "the United States" is one country
    return last.endswith("s") and not last.endswith(("ss", "us", "is", "'s", "’s")) \
        and not word[:1].isupper() and len(last) > 3


# "why?", "for how long?", "who objected?", "how much?": a question with a wh-word and at
# most one word of its own, no name and no date, asked after an answer, is about that answer.
_WH_START = re.compile(r"^(?:and\s+|but\s+|so\s+)?(?:for\s+|since\s+|until\s+)?(?:why|how|"
                       r"who|whom|what|which|where|when)\b", re.I)
BARE_WORDS = 1
_NOT_BARE = re.compile(r"^(?:what(?:'s|’s|\s+is)\s+new|what\s+else)\b", re.I)


def bare_question(text: str) -> bool:
    """A wh-question too short to stand alone ("why?", "who objected?"); its date, if any,
    is for the date rules."""
    body = text.strip()
    return bool(_WH_START.match(body)) and not _NOT_BARE.match(body) \
        and len(set(content_terms(body))) <= BARE_WORDS \
        and not re.search(r"(?<=\S\s)[A-Z]|\d", body)
