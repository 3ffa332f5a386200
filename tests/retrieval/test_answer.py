"""Extractive answers: verbatim sentences with [n] markers and matching citations."""

import re
from dataclasses import replace

from retrieval.answer import Candidate, build_answer, choose_sentences, quotes_answer
from retrieval.models import Excerpt, Filters, Hit, QuoteHit, QuoteLookup, SpeakerQuotes

TEXT = "Alpha rose sharply. Beta fell. Gamma stayed flat.\n\nDelta is new. Epsilon too."
P2 = TEXT.index("\n")
DELTA = TEXT.index("Delta")


def _hit(aid: str) -> tuple[Hit, Excerpt, Excerpt]:
    ex1 = Excerpt(aid, 1, TEXT[:P2], 0, P2, 1)
    ex2 = Excerpt(aid, 2, TEXT[P2 + 2:], P2 + 2, len(TEXT), 2)
    return Hit(aid, "T", "2022-01-01", "src", None, 1.0, (ex1, ex2)), ex1, ex2


def _cand(hit: Hit, ex: Excerpt, s: int, e: int, score: float) -> Candidate:
    return Candidate(hit, ex, (s, e), TEXT[s:e], score)


def test_markers_and_citations_are_verbatim() -> None:
    hit, ex1, ex2 = _hit("a")
    chosen = [_cand(hit, ex1, 0, 19, 0.9), _cand(hit, ex2, DELTA, DELTA + 13, 0.8), _cand(hit, ex1, 20, 30, 0.7)]
    ans = build_answer("q?", chosen, Filters())
    assert ans.kind == "answer"
    assert ans.text == "Alpha rose sharply. [1] Beta fell. [1] Delta is new. [2]"
    assert [c.marker for c in ans.citations] == [1, 2]
    for c in ans.citations:
        assert TEXT[c.start:c.end] == c.text
        for s, e in c.highlights:
            assert c.start <= s < e <= c.end
    # Everything but the markers is a sentence of a cited excerpt.
    for sentence in re.split(r"\s*\[\d+\]\s*", ans.text):
        assert not sentence or any(sentence in c.text for c in ans.citations)


def test_choose_skips_weak_and_repeated_sentences() -> None:
    hit, ex1, _ = _hit("a")
    cands = [_cand(hit, ex1, 0, 19, 0.9), _cand(hit, ex1, 0, 19, 0.85), _cand(hit, ex1, 20, 30, 0.2)]
    chosen = choose_sentences(cands, min_score=0.3)
    assert [c.span for c in chosen] == [(0, 19)]


def test_nothing_chosen_is_no_answer() -> None:
    assert build_answer("q", [], Filters()).kind == "no_answer"


def _quote(text: str, start: int) -> QuoteHit:
    return QuoteHit("a", "Wang Wenbin", text, start, start + len(text), "said", True, 3,
                    "T", "2022-03-31", None, None)


def test_quotes_answer_lists_each_quote_with_a_marker() -> None:
    lookup = QuoteLookup("Wang Wenbin", "Wang Wenbin", (_quote("no limits", 10), _quote("peace", 40)))
    ans = quotes_answer("what did Wang Wenbin say?", lookup, Filters())
    assert ans.kind == "quotes" and ans.speaker == "Wang Wenbin"
    assert ans.text.splitlines() == [
        "Wang Wenbin (2 statements):", "• “no limits” [1]", "• “peace” [2]"]
    assert [(c.start, c.end) for c in ans.citations] == [(10, 19), (40, 45)]


def test_quotes_answer_names_namesakes_and_counts_what_is_cut() -> None:
    quotes = tuple(_quote(f"q{i}", i * 10) for i in range(12))
    lookup = QuoteLookup("Trump", "Donald Trump", quotes, others=("Ivanka Trump",))
    ans = quotes_answer("what did Trump say?", lookup, Filters(), limit=10)
    lines = ans.text.splitlines()
    assert lines[0] == "Donald Trump (10 of 12 statements):"
    assert len(ans.citations) == 10
    assert lines[-1].startswith("Also quoted under this name: Ivanka Trump")


def test_ambiguous_lists_candidates() -> None:
    lookup = QuoteLookup("Wang", None, (), ("Wang Wenbin", "Wang Yi"))
    ans = quotes_answer("what did Wang say?", lookup, Filters())
    assert ans.kind == "ambiguous"
    assert ans.candidates == ("Wang Wenbin", "Wang Yi")
    assert "Wang Yi" in ans.text and not ans.citations


def test_ambiguous_shows_each_persons_words_under_their_name() -> None:
    wenbin = tuple(_quote(f"wenbin {i}", 10 * i) for i in range(5))
    yi = (replace(_quote("yi words", 99), speaker="Wang Yi"),)
    lookup = QuoteLookup("Wang", None, wenbin + yi, ("Wang Wenbin", "Wang Yi"),
                         groups=(SpeakerQuotes("Wang Wenbin", wenbin), SpeakerQuotes("Wang Yi", yi)))
    ans = quotes_answer("what did Wang say?", lookup, Filters())
    lines = ans.text.splitlines()
    assert lines[0] == "“Wang” matches 2 people in the archive: Wang Wenbin, Wang Yi."
    head = lines.index("Wang Wenbin (3 of 5 statements):")
    assert lines[head + 1 : head + 4] == [f"• “wenbin {i}” [{i + 1}]" for i in range(3)]
    assert lines[head + 4 :] == ["Wang Yi (1 statement):", "• “yi words” [4]"]
    assert [c.start for c in ans.citations] == [0, 10, 20, 99]


def test_ambiguous_lead_line_names_the_most_quoted_few() -> None:
    names = tuple(f"Person{i} Smith" for i in range(12))
    ans = quotes_answer("what did Smith say?", QuoteLookup("Smith", None, (), names), Filters())
    assert ans.text.splitlines()[0] == (
        "“Smith” matches 12 people in the archive: "
        + ", ".join(names[:8]) + " and 4 more."
    )


def test_the_answering_sentence_leads_and_a_title_can_open_the_answer() -> None:
    hit, ex1, ex2 = _hit("a")
    chosen = [_cand(hit, ex2, DELTA, DELTA + 13, 0.9), _cand(hit, ex1, 0, 19, 0.5)]
    ans = build_answer("q?", chosen, Filters(), with_title=True)
    assert ans.text == "T [1]\nDelta is new. [1] Alpha rose sharply. [2]"
    assert ans.citations[0].title == "T" and ans.citations[0].start == ex2.start
