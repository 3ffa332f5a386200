"""The expected answer type of a question, and typed mentions in sentences."""

from __future__ import annotations

import pytest

from retrieval.answer_select import features
from retrieval.answer_type import expected_type
from retrieval.antecedent import needs_antecedent, previous_sentence
from retrieval.entities import mentions, new_mentions
from retrieval.excerpts import term_weights


@pytest.mark.parametrize(
    ("question", "kind", "head"),
    [
        ("Which wildly popular show was recently green lit for a new season?", "name", "show"),
        ("Who became the new prime minister of the United Kingdom this week?", "person", None),
        ("What country announced a crackdown on toys?", "place", "country"),
        ("A leak hit a billion people. Where did the massive data leak occur?", "place", None),
        ("How many hot dogs did the champion eat?", "quantity", "many"),
        ("How much was the company fined?", "quantity", "much"),
        ("What percentage of adults disapprove?", "quantity", "percentage"),
        ("When will the vaccine be available?", "date", None),
        ("Which state’s governor commuted the sentences?", "place", "state’s"),
        ("Kanye West, who changed his name, is buying which social media platform?",
         "name", "platform"),
        ("The IRS announced it will do what this week?", "other", None),
        ("What is it called?", "name", None),
        ("Why were the cars recalled?", "reason", None),
    ],
)
def test_expected_type(question: str, kind: str, head: str | None) -> None:
    expected = expected_type(question)
    assert (expected.kind, expected.head) == (kind, head)


def _kinds(sentence: str) -> dict[str, set[str]]:
    return {m.text: set(m.kinds) for m in mentions(sentence)}


def test_money_outranks_another_amount_for_a_cost_question() -> None:
    question = "How much will the electric ferry cost?"
    weights = term_weights(question)
    litres = features("The diesel ferry burns roughly 900,000 litres of fuel a year.",
                      question, weights, expected_type(question))
    dollars = features("The new boats will cost about $38 million.", question, weights,
                       expected_type(question))
    euros = features("The boats will cost 38 million euros.", question, weights,
                     expected_type(question))
    vote = features("The council voted 7-2 to buy the electric ferry.", question, weights,
                    expected_type(question))
    assert dollars.typed == euros.typed == 1.0 > litres.typed and vote.typed < 0.5


def test_mentions_are_typed() -> None:
    found = _kinds("UK Prime Minister Boris Johnson met officials in San Francisco, California "
                   "on Thursday, July 7, and pledged $5.02 million to 1,600 schools.")
    assert "person" in found["UK Prime Minister Boris Johnson"]
    assert "place" in found["San Francisco"] and "place" in found["California"]
    assert found["July 7"] == {"date"} and found["Thursday"] == {"date"}
    assert found["$5.02 million"] == {"quantity"} and found["1,600"] == {"quantity"}
    assert "name" in _kinds("“Squid Game” is coming back.")["Squid Game"]


def test_new_mentions_skip_what_the_question_already_names() -> None:
    question = "Which country did Nancy Pelosi visit?"
    assert [m.text for m in new_mentions("Pelosi landed in Taiwan.", question, "place")] == [
        "Taiwan"]
    assert new_mentions("Nancy Pelosi landed late.", question, "person") == []


def test_a_restating_sentence_is_flagged_and_an_answer_is_not() -> None:
    q = "Which company is accused of turning off the AC in its stores?"
    expected, weights = expected_type(q), term_weights(q)
    assert features(q, q, weights, expected).restates
    assert features("Which company is accused of turning off the AC in its stores", q,
                    weights, expected).restates  # no question mark, nothing new
    answer = "Analysts say Bed Bath & Beyond turned off the AC in its stores."
    f = features(answer, q, weights, expected)
    assert f.typed and not f.restates


def test_references_need_their_antecedent() -> None:
    show = expected_type("Which show was renewed?")
    assert needs_antecedent("He said the talks would go on.", show)
    assert needs_antecedent("The 37-year-old was arrested.", show)
    assert needs_antecedent("Netflix said the hit Korean show was renewed.", show)
    assert not needs_antecedent("Netflix renewed the show “Squid Game” on Sunday.", show)
    assert not needs_antecedent("The White House said nothing.", show)
    # The stand-in is the subject and the name its complement: nothing points back.
    state = expected_type("Which state has the highest average price for a gallon of gas?")
    assert not needs_antecedent("The highest priced state remains California, with a state "
                                "average of $6.39 a gallon.", state)
    assert not needs_antecedent("The show was “Squid Game”, Netflix said.", show)
    assert needs_antecedent("The team’s only loss came against Tampa Bay in Game 3.", state)
    assert needs_antecedent("The show is green lit for a second season.", show)
    # "the state's" after the sentence has named a state points back within it.
    state = expected_type("Which state's governor commuted the sentences?")
    assert not needs_antecedent("SALEM, Ore. – Oregon Gov. Kate Brown will commute the "
                                "sentences of the 17 people on the state's death row.", state)
    assert needs_antecedent("Gov. Kate Brown will commute the sentences of the 17 people "
                            "on the state's death row.", state)
    assert needs_antecedent("Paris officials said the state's death row would close.", state)
    # "The ceremony" stands in for the awards named in the sentence before.
    awards = expected_type("Which award show announced its nominees?")
    assert needs_antecedent("The ceremony will be held on January 11.", awards)
    text = "“Squid Game” is back.\n\nNetflix said the show returns."
    assert previous_sentence(text, (text.index("Netflix"), len(text))) == (0, 21)
    assert previous_sentence(text, (0, 21)) is None


def test_the_title_names_the_answer_when_the_sentence_only_points_to_it() -> None:
    from retrieval.answer import Candidate
    from retrieval.answer_select import title_names_answer
    from retrieval.models import Excerpt, Hit

    text = "The company has cut air conditioning in its stores."
    ex = Excerpt("a", 1, text, 0, len(text), 1)

    def cand(title: str) -> list[Candidate]:
        hit = Hit("a", title, "2022-06-28", None, None, 1.0, (ex,))
        return [Candidate(hit, ex, (0, len(text)), text, 1.0)]

    q = "Which company turned off the AC in its stores?"
    assert title_names_answer(cand("Analysts accuse Bed Bath & Beyond of cutting AC"), q)
    assert not title_names_answer(cand("Retailer cuts air conditioning"), q)
    assert not title_names_answer(cand("Analysts accuse Bed Bath & Beyond"), "Why is it hot?")


def _titled(sentence: str, title: str, question: str) -> bool:
    from retrieval.answer import Candidate
    from retrieval.answer_select import title_names_answer
    from retrieval.models import Excerpt, Hit

    ex = Excerpt("a", 1, sentence, 0, len(sentence), 1)
    hit = Hit("a", title, "2022-09-06", None, None, 1.0, (ex,))
    return title_names_answer([Candidate(hit, ex, (0, len(sentence)), sentence, 1.0)],
                              question)


def test_a_title_with_the_amount_or_date_backs_a_sentence_without_one() -> None:
    q = "How much was Harbour Bank fined for losing customer data?"
    sentence = "The regulator said the bank had failed its customers for years."
    assert _titled(sentence, "Harbour Bank fined $30 million over lost data", q)
    # "how much" wants an amount: a count in the title is not one.
    assert not _titled(sentence, "Harbour Bank fined for two breaches", q)
    when = "When will the Quayside bridge reopen?"
    assert _titled("Engineers say the repairs are going well.",
                   "Quayside bridge to reopen in March after repairs", when)
    assert not _titled("Engineers say the repairs are going well.",
                       "Quayside bridge repairs go well", when)


def test_a_headline_that_states_the_figure_is_shown_beside_a_more_exact_one() -> None:
    q = "How much was Harbour Bank fined for losing customer data?"
    exact = "The regulator fined Harbour Bank 28 million euros ($30.2 million) on Monday."
    assert _titled(exact, "Harbour Bank fined $30 million over lost data", q)
    # A headline sharing one word with the question is about something else.
    assert not _titled(exact, "Harbour life: 10 things to know", q)
    # The amount must sit beside the question's words, not anywhere in the title.
    assert not _titled(exact, "Harbour Bank fined again as a quiet week leaves its shares down 3%", q)
    # Names keep their rule: a sentence that names the answer needs no title.
    assert not _titled("Harbour Bank was fined on Monday.", "Quayside Bank also fined",
                       "Which bank was fined for losing customer data?")
