"""Which sentences of the top hits answer a question, scored without the encoder.

A sentence scores on what the search already knows or can tell in microseconds:
how much of the question's wording it covers, how well its passage ranked, whether
it holds a mention of the kind the question asks for (a person for "who", a place
for "which country", "six months" for "how many months"...) that the question does
not already hold, and whether the other top hits name that same thing too.
A sentence that restates the question (a quiz repeating it, a headline echoing it)
answers nothing and is dropped, and so is one about another edition of what the
question names ("the 2024 season" for a question about the 2025 one). Encoding
candidate sentences used to cost more than the search itself (issue 13); these scores
matched or beat it on the dev questions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from index.quotes.names import wordset
from index.sentences import paragraph_spans, sentence_spans
from index.text.stems import content_terms, stem
from index.text.words import STOPWORDS, tokens
from retrieval.answer import MAX_SENTENCE_CHARS, Candidate
from retrieval.answer_type import MONEY, Expected, expected_type
from retrieval.antecedent import needs_antecedent, previous_sentence
from retrieval.entities import Mention, new_mentions
from retrieval.excerpts import lexical_score, term_weights
from retrieval.furniture import is_furniture
from retrieval.models import Excerpt, Hit
from retrieval.places import fits_place_noun

# Blend weights (sum 1): question wording covered, a new mention of the asked-for kind,
# the passage's own rank score relative to the best passage, and the hit's rank.
W_LEXICAL, W_TYPED, W_PASSAGE, W_RANK = 0.45, 0.3, 0.15, 0.1
# Added on top: the share of the other answer hits that also name the sentence's typed
# mention (0.1 was best of 0 / 0.05 / 0.1 / 0.2 / 0.3 on even-numbered dev questions).
W_SUPPORT = 0.1
HIT_RANK_PRIOR = (1.0, 0.8, 0.6, 0.5, 0.4)
RESTATE_LEXICAL = 0.6  # this much of the question's wording ...
RESTATE_NEW_TERMS = 3  # ... and fewer new content words than this: a restatement


NEAR_WORDS = 5  # a mention this close to a word of the question is about what was asked
# ("gasoline prices, which were up nearly 60%": 4 words reached dev 90, 5 reached 91 and
# held-out (a) 39 -> 43, (b) 254 -> 252 with its first lines unchanged; 6: 91, 42, 251)
# What puts a date ahead: "will", "is due / expected / set / scheduled to", "plans to".
_AHEAD = re.compile(r"\b(?:will|shall|(?:due|expected|set|scheduled|slated|planned|plans?|"
                    r"going)\s+to|is\s+to|are\s+to)\b", re.I)
AHEAD_CHARS = 60  # the marker stands this close before the date
NOT_MONEY = 0.25  # an amount, but not of money, for a question that asks for money


@dataclass(frozen=True)
class SentenceFeatures:
    lexical: float
    # 1 for a mention of the expected kind that the question lacks, next to one of the
    # question's words ("will cost about $38 million" for "how much will it cost?") or,
    # when the question names a unit, counting it ("six months" for "how many months";
    # then a mention only next to the question's words gets 0.75); 0.5 for such a
    # mention elsewhere in the sentence; 0 for none. A question asking for money ("how
    # much will it cost?") gives any other amount NOT_MONEY.
    typed: float
    restates: bool  # restates the question, or is about another edition: no answer
    # The stemmed words of each new mention of the asked-for kind ("las", "vega", "ace").
    answers: tuple[frozenset[str], ...] = ()


def _typed(sentence: str, question: str, expected: Expected,
           found: Sequence[Mention]) -> float:
    if not found:
        return 0.0
    if expected.unit is not None and any(_counts_unit(sentence, m, expected.unit)
                                         for m in found):
        return 1.0
    if expected.unit == MONEY:
        return NOT_MONEY  # "how much will it cost?" is not answered by "7-2" or "900,000 litres"
    near = 0.75 if expected.unit is not None else 1.0  # the unit, if asked, ranks first
    if expected.future and any(_AHEAD.search(sentence[max(0, m.start - AHEAD_CHARS):m.start])
                               for m in found):
        return near  # "Construction is due to begin in September" for "when will it open?"
    asked = set(content_terms(question))
    for m in found:
        before = content_terms(" ".join(sentence[:m.start].split()[-NEAR_WORDS:]))
        after = content_terms(" ".join(sentence[m.end:].split()[:NEAR_WORDS]))
        if asked.intersection(before) or asked.intersection(after):
            return near
    return 0.5


UNIT_WORDS = 3  # "six months", "3.2 million US lives": the unit follows the number closely
_CURRENCY_SIGN = re.compile(r"[$£€¥₹]")
CURRENCY_WORDS = wordset("""
    dollar dollars euro euros pound pounds sterling yen yuan renminbi rupee rupees rouble
    roubles ruble rubles franc francs peso pesos won real reais lira krona kronor krone shekel
    shekels rand naira
    """)


def _counts_unit(sentence: str, m: Mention, unit: str) -> bool:
    """Whether quantity ``m`` counts ``unit``: a percentage for "%", else the unit's
    word among the next few ("extended six months" for "how many months")."""
    if unit == "%":
        return "%" in m.text or "percent" in m.text.lower() or \
            sentence[m.end:m.end + 9].lower().lstrip().startswith(("percent", "per cent"))
    if unit == MONEY:
        return bool(_CURRENCY_SIGN.search(m.text)) or \
            bool(CURRENCY_WORDS.intersection(tokens(sentence[m.end:])[:UNIT_WORDS]))
    following = tokens(sentence[m.end:])[:UNIT_WORDS]
    return stem(unit) in {stem(w) for w in following}


# A year or an ordinal naming which edition of a recurring thing ("the 2025 Atlantic
# hurricane season", "the 97th Academy Awards"), and the word it qualifies.
_EDITION = re.compile(r"\b((?:19|20)\d\d|\d+(?:st|nd|rd|th))\s+([A-Za-z][\w’'-]*)")


def _editions(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for m in _EDITION.finditer(text):
        found.setdefault(stem(m.group(2).lower()), set()).add(m.group(1).lower())
    return found


def other_edition(sentence: str, question: str) -> bool:
    """The sentence is about another edition of what the question names: "the 2024
    Atlantic hurricane season" or "the 95th Academy Awards" when the question asks about
    the 2025 season or the 97th awards, or "the 2025 awards" when it asks about "2026
    nominees". Such a sentence answers a different question."""
    asked = _editions(question)
    if not asked:
        return False
    found = _editions(sentence)
    if any(word in asked and not editions & asked[word] for word, editions in found.items()):
        return True
    # "The nominees were announced for the 2025 BAFTA Awards" for "which award show
    # announced its 2026 nominees?": the year before or after, under another word, and
    # the asked year nowhere in the sentence (a year further off is history, not an
    # edition: "the highest since 2019 records began").
    years = {int(e) for editions in asked.values() for e in editions if e.isdigit()}
    said = {int(e) for editions in found.values() for e in editions if e.isdigit()}
    return any(abs(y - s) == 1 for y in years for s in said) and \
        not any(str(y) in sentence for y in years)


# "Here are the highest regular gas prices per gallon:", "Google Trends' FrightGeist:
# Here's the most popular Halloween costumes of 2022.": a line announcing what follows,
# which holds none of it ("Here's some good news: prices could drop below $3" does).
_TEASER = re.compile(r"(?:[^:]{0,80}:\s*)?Here(?:'s|’s|\s+is|\s+are)\b")
_SAYS_AFTER_COLON = re.compile(r":\s*\S+(?:\s+\S+){3,}")


def teaser(sentence: str) -> bool:
    found = _TEASER.match(sentence)
    return found is not None and not _SAYS_AFTER_COLON.search(sentence, found.end())


def features(sentence: str, question: str, weights: Mapping[str, float],
             expected: Expected) -> SentenceFeatures:
    lex = lexical_score(sentence, weights)
    found = new_mentions(sentence, question, expected.kind,
                         amounts_only=expected.amounts_only)
    if expected.kind == "place" and expected.head:
        found = [m for m in found if fits_place_noun(m.text, expected.head)]
    typed = _typed(sentence, question, expected, found)
    new_terms = set(content_terms(sentence)) - set(content_terms(question))
    restates = sentence.rstrip(" ”’\"'").endswith("?") or (
        lex >= RESTATE_LEXICAL and len(new_terms) < RESTATE_NEW_TERMS and not typed) \
        or other_edition(sentence, question) or teaser(sentence)
    answers = tuple(w for w in (frozenset(content_terms(m.text)) for m in found) if w)
    return SentenceFeatures(lex, typed, restates, answers)


def answer_candidates(question: str, search_text: str, hits: Sequence[Hit],
                      articles_text: Mapping[str, str],
                      passage_scores: Mapping[int, float]) -> list[Candidate]:
    """Every sentence of the hits' excerpts that does not restate the question, scored.

    ``question`` is what the user asked (it says what kind of answer is wanted);
    ``search_text`` is the cleaned text with any date phrase removed (its terms are
    what a sentence should cover); ``passage_scores`` the ranking's per-passage scores.
    """
    expected = expected_type(question)
    weights = term_weights(search_text)
    best_passage = max((passage_scores.get(ex.passage_id, 0.0)
                        for hit in hits for ex in hit.excerpts), default=0.0)
    scored: list[tuple[Candidate, SentenceFeatures]] = []
    hit_words: dict[str, set[str]] = {}
    for rank, hit in enumerate(hits):
        text = articles_text[hit.article_id]
        prior = HIT_RANK_PRIOR[min(rank, len(HIT_RANK_PRIOR) - 1)]
        words = hit_words.setdefault(hit.article_id, set())
        for ex in hit.excerpts:
            words.update(content_terms(ex.text))
            share = passage_scores.get(ex.passage_id, 0.0) / best_passage if best_passage > 0 \
                else 0.0
            for s, e in sentence_spans(text, ex.start, ex.end):
                sentence = text[s:e]
                if is_furniture(sentence):
                    continue
                f = features(sentence, question, weights, expected)
                if f.restates:
                    continue
                score = (W_LEXICAL * f.lexical + W_TYPED * f.typed
                         + W_PASSAGE * max(share, 0.0) + W_RANK * prior)
                scored.append((Candidate(hit=hit, excerpt=ex, span=(s, e), text=sentence,
                                         score=score,
                                         names_answer=names_answer(f, expected)), f))
    return [replace(c, score=c.score + W_SUPPORT * _support(c.hit.article_id, f, hit_words))
            for c, f in scored]


# Kinds whose mention is specific evidence: a name of the asked-for kind next to the
# question's words rarely appears by chance, while a number ("8 hours") or a date does.
NAMED_KINDS = ("name", "person", "place")


def names_answer(f: SentenceFeatures, expected: Expected) -> bool:
    """A new name, person or place of the asked-for kind next to the question's words."""
    return expected.kind in NAMED_KINDS and f.typed >= 1.0


# A weak match answers a dated question only from that week's news (names_answer_this_week).
RECENT_DAYS = 7


def names_answer_this_week(candidates: Sequence[Candidate], as_of: date | None) -> bool:
    """Whether the best-scored candidate names a thing of the asked-for kind next to the
    question's words, in an article of the week before ``as_of``: enough to answer from a
    passage a little under the cosine bar. Without a date, never."""
    if not candidates or as_of is None:
        return False
    best = max(candidates, key=lambda c: c.score)
    if not best.names_answer or not best.hit.date:
        return False
    try:
        days = (as_of - date.fromisoformat(best.hit.date[:10])).days
    except ValueError:
        return False
    return 0 <= days <= RECENT_DAYS


def _support(article_id: str, f: SentenceFeatures, hit_words: Mapping[str, set[str]]) -> float:
    """Share of the other answer hits whose excerpts also hold one of the sentence's
    typed mentions: several articles naming the same thing is a sign it is the answer."""
    others = [w for aid, w in hit_words.items() if aid != article_id]
    if not others or not f.answers:
        return 0.0
    return max(sum(a <= w for w in others) for a in f.answers) / len(others)


def with_antecedents(chosen: Sequence[Candidate], question: str,
                     articles_text: Mapping[str, str]) -> list[Candidate]:
    """Each chosen sentence that points back ("The show ...", "He ...") preceded by the
    sentence it points to; that sentence joins the same citation, whose excerpt widens
    to hold it. Sentences are never cut or joined: both are shown whole."""
    expected = expected_type(question)
    taken = {(c.hit.article_id, c.span) for c in chosen}
    out: list[Candidate] = []
    for cand in chosen:
        if needs_antecedent(cand.text, expected):
            text = articles_text[cand.hit.article_id]
            prev = previous_sentence(text, cand.span)
            if prev is not None and (cand.hit.article_id, prev) not in taken \
                    and prev[1] - prev[0] <= MAX_SENTENCE_CHARS \
                    and _names_something(text[prev[0]:prev[1]], question):
                taken.add((cand.hit.article_id, prev))
                excerpt = _widened(cand.excerpt, text, prev[0])
                out.append(replace(cand, excerpt=excerpt, span=prev,
                                   text=text[prev[0]:prev[1]]))
                cand = replace(cand, excerpt=excerpt)
        out.append(cand)
    return out


def with_follower(chosen: Sequence[Candidate], question: str,
                  articles_text: Mapping[str, str]) -> list[Candidate]:
    """The first chosen sentence followed by the next one of its passage when it names
    nothing of the asked-for kind: a news lede ("KFC is trying out a new type of chicken
    nugget ...") is most often followed by its specifics ("Starting Monday, the chicken
    chain is offering Kentucky Fried Chicken Nuggets ..."). Both whole and verbatim,
    under one citation; nothing is added to a sentence that already names the answer."""
    if not chosen:
        return list(chosen)
    first, expected = chosen[0], expected_type(question)
    if first.names_answer or (expected.kind != "other" and new_mentions(
            first.text, question, expected.kind, amounts_only=expected.amounts_only)):
        return list(chosen)
    text = articles_text[first.hit.article_id]
    span = _next_sentence(text, first.span, first.excerpt.end)
    if span is None or any(c.hit.article_id == first.hit.article_id and c.span == span
                           for c in chosen):
        return list(chosen)
    sentence = text[span[0]:span[1]]
    if span[1] - span[0] > MAX_SENTENCE_CHARS or not _names_something(sentence, question):
        return list(chosen)
    return [first, replace(first, span=span, text=sentence), *chosen[1:]]


def _next_sentence(text: str, span: tuple[int, int], end: int) -> tuple[int, int] | None:
    """The sentence after ``span`` that ends by ``end`` (within the same excerpt)."""
    return next((s for s in sentence_spans(text, span[1], end) if s[0] >= span[1]), None)


def _names_something(sentence: str, question: str) -> bool:
    """A name the question lacks, or a few new words ("the shelves of mustard"), in a
    statement: a question ("Or can they defend the trophy?") or a heading without a
    full stop ("Efforts to track gun purchases") is not what a reference points to."""
    if not _STATEMENT_END.search(sentence) or sentence.rstrip(_CLOSERS).endswith("?"):
        return False
    new_words = set(content_terms(sentence)) - set(content_terms(question))
    return bool(new_mentions(sentence, question, "name")) or len(new_words) >= 3


_CLOSERS = " ”’\"')]"
_STATEMENT_END = re.compile(r"[.!?][”’\"')\]]*\s*$")


def _widened(excerpt: Excerpt, text: str, start: int) -> Excerpt:
    """The excerpt grown back to ``start`` (the paragraph number follows)."""
    if start >= excerpt.start:
        return excerpt
    paragraph = next((i for i, (s, e) in enumerate(paragraph_spans(text), start=1)
                      if s <= start < e), excerpt.paragraph)
    return replace(excerpt, start=start, text=text[start:excerpt.end], paragraph=paragraph)


# Kinds a headline states plainly ("Instagram fined $400 million ...", "... to open in
# March"): the title answers when the sentence chosen does not.
TITLED_KINDS = ("name", "person", "place", "quantity", "date")


def title_names_answer(chosen: Sequence[Candidate], question: str) -> bool:
    """Whether to show the first source's title with the answer: the first sentence
    (and its antecedent) hold no new mention of the asked-for kind, or still point
    back to something, and the title holds one; or the title states the asked-for
    amount or date beside the question's words (a headline's figure)."""
    if not chosen or not chosen[0].hit.title:
        return False
    expected = expected_type(question)
    if expected.kind not in TITLED_KINDS:
        return False
    amounts_only = expected.amounts_only
    first, title = chosen[0], chosen[0].hit.title or ""
    in_title = new_mentions(title, question, expected.kind, amounts_only)
    if expected.kind in NAMED_KINDS:
        if _title_names_in_full(first.text, title, question, expected):
            return True
    elif _title_states_figure(title, question, expected, in_title):
        return True
    lead = [c for c in chosen[:2] if c.hit.article_id == first.hit.article_id]
    named = any(new_mentions(c.text, question, expected.kind, amounts_only) for c in lead)
    pointing = len(lead) == 1 and needs_antecedent(first.text, expected)
    if named and not pointing:
        return False
    if expected.kind not in NAMED_KINDS:
        return bool(in_title)
    # A title's first word is capitalised whatever it is: alone, it names nothing
    # unless it is a known place ("China data leak: ...").
    return any(m.start > 0 or " " in m.text or "place" in m.kinds for m in in_title)


# A headline about what was asked shares more than one of the question's words: one
# word in common ("smartphone") is a headline about something else.
TITLE_SHARED_TERMS = 2


def _title_states_figure(title: str, question: str, expected: Expected,
                         in_title: Sequence[Mention]) -> bool:
    """The title gives an amount or a date beside the question's words ("Harbour Bank
    fined $30 million over lost data" for "how much was Harbour Bank fined?"): a
    one-line answer even when the sentence chosen gives its own, more exact figure."""
    shared = set(content_terms(title)) & set(content_terms(question))
    # _typed: 0.5 is a mention anywhere; above it, one beside the question's words or
    # counting the asked-for unit.
    return len(shared) >= TITLE_SHARED_TERMS and _typed(title, question, expected, in_title) > 0.5


def _name_words(text: str) -> list[str]:
    words = [w.lower().removesuffix("’s").removesuffix("'s") for w in text.split()]
    return words[1:] if words and words[0] == "the" else words


def _title_names_in_full(sentence: str, title: str, question: str,
                         expected: Expected) -> bool:
    """The sentence's name is a short form ("The Avalanche") of one the title spells
    out ("Colorado Avalanche win ..."): the title shows what the short form means."""
    shorts = [_name_words(m.text) for m in new_mentions(sentence, question, expected.kind)]
    fulls = [_name_words(m.text) for m in new_mentions(title, question, expected.kind)]
    return any(short and len(full) > len(short) and full[-len(short):] == short
               and not STOPWORDS.intersection(full[:-len(short)])
               for short in shorts for full in fulls)
