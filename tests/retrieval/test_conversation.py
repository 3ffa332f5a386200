"""The follow-up resolver, one pattern at a time, on hand-built states (no index)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from retrieval.conversation import (
    Cited,
    ConversationState,
    Person,
    Understood,
    Vocabulary,
    advance,
    resolve,
)
from retrieval.models import Answer, Citation, Filters

VOCAB = Vocabulary(
    sources=("Harbor Gazette", "Valley Wire", "usa-today"),
    speaker_keys=frozenset({"wang wenbin", "wang yi", "sergei lavrov", "elena marsh",
                            "tom okafor", "reuters"}),
    latest="2022-04-08",
)
WANG_WENBIN = Person("Wang Wenbin", "m", ("spokesman", "ministry"))
WANG_YI = Person("Wang Yi", "m", ("minister",))
MARSH = Person("Elena Marsh", None, ("mayor",))
OKAFOR = Person("Tom Okafor", "m", ("councillor",))
CITED = tuple(Cited(n, f"art-{n}", None, f"2022-03-{n:02d}", "Valley Wire", 10 * n, 10 * n + 5,
                    n, "words") for n in (1, 2, 3))


def quoting(*people: Person, topic: str | None = None, recent: tuple[Person, ...] = (),
            filters: Filters | None = None) -> ConversationState:
    speaker = people[0].name if len(people) == 1 else "Wang"
    question = f"what did {speaker} say" + (f" about {topic}" if topic else "") + "?"
    return ConversationState(question=question, kind="quotes" if len(people) == 1 else "ambiguous",
                             quoting=True, speakers=people, recent=recent, topic=topic,
                             filters=filters or Filters(), citations=CITED, turns=1)


def ask(state: ConversationState, message: str) -> Understood:
    u = resolve(state, message, VOCAB)
    assert u.action == "ask", u
    return u


# ---------------------------------------------------------------- pronouns and roles


def test_he_is_the_last_speaker() -> None:
    u = ask(quoting(WANG_WENBIN), "what else did he say about hegemony?")
    assert u.question == "what did Wang Wenbin say about hegemony?" and u.carried
    assert (u.speaker, u.topic) == ("Wang Wenbin", "hegemony")


def test_what_else_without_a_topic_drops_the_old_topic() -> None:
    u = ask(quoting(WANG_WENBIN, topic="hegemony"), "what else did he say?")
    assert u.question == "what did Wang Wenbin say?"


def test_she_skips_a_man_for_the_earlier_woman_or_unknown() -> None:
    state = quoting(OKAFOR, recent=(MARSH,))
    u = ask(state, "what did she say about the ferry?")
    assert u.question == "what did Elena Marsh say about the ferry?"


def test_two_people_the_pronoun_fits_both_asks_instead_of_guessing() -> None:
    u = resolve(quoting(WANG_WENBIN, WANG_YI), "what else did he say?", VOCAB)
    assert u.action == "clarify" and not u.carried
    assert "Wang Wenbin" in (u.missing or "") and "Wang Yi" in (u.missing or "")


def test_gender_picks_one_of_two_people() -> None:
    marsh = Person("Elena Marsh", "f", ("mayor",))
    u = ask(quoting(OKAFOR, marsh), "what did she say?")
    assert u.speaker == "Elena Marsh"


def test_role_noun_names_the_person_with_that_role() -> None:
    state = quoting(WANG_YI, recent=(WANG_WENBIN,))
    u = ask(state, "did the spokesman mention cooperation?")
    assert u.question == "what did Wang Wenbin say about cooperation?"


def test_role_noun_with_a_date_after_the_verb() -> None:
    u = ask(quoting(WANG_WENBIN), "what did the spokesman say in March 2022?")
    assert u.question == "what did Wang Wenbin say in March 2022?" and u.carried
    assert (u.filters.date_from, u.filters.date_to) == ("2022-03-01", "2022-03-31")
    u = ask(quoting(WANG_WENBIN), "what did the spokesman say about hegemony last week?")
    assert u.speaker == "Wang Wenbin" and u.topic == "hegemony" and u.filters.date_from


def test_unknown_role_is_a_new_question() -> None:
    u = ask(quoting(WANG_WENBIN), "what did the librarian say?")
    assert not u.carried and u.question == "what did the librarian say?"


@pytest.mark.parametrize(("message", "question"), [
    ("what else did they say?", "what did Wang Wenbin say?"),
    ("did they mention hegemony?", "what did Wang Wenbin say about hegemony?"),
])
def test_a_singular_they_is_the_last_speaker(message: str, question: str) -> None:
    assert ask(quoting(WANG_WENBIN), message).question == question


def test_they_with_two_speakers_or_none_asks_who() -> None:
    two = resolve(quoting(WANG_WENBIN, WANG_YI), "what did they say?", VOCAB)
    assert two.action == "clarify" and "Wang Wenbin or Wang Yi" in (two.missing or "")
    # Earlier speakers are not reached for: "they" may be the council just searched.
    searched = ConversationState(question="what did the council decide?", kind="answer",
                                 recent=(MARSH,), turns=2)
    nobody = resolve(searched, "what did they say about fees?", VOCAB)
    assert nobody.action == "clarify" and "who “they” is" in (nobody.missing or "")


def test_pronoun_with_nobody_before_says_what_is_missing() -> None:
    u = resolve(ConversationState(), "what else did he say?", VOCAB)
    assert u.action == "clarify" and "who" in (u.missing or "")


def test_pronoun_in_another_question_is_replaced() -> None:
    u = ask(quoting(Person("Sergei Lavrov", "m")), "when did he arrive in China?")
    assert u.question == "when did Sergei Lavrov arrive in China?" and u.carried


def test_topic_anaphora_keeps_the_topic() -> None:
    u = ask(quoting(WANG_WENBIN, topic="hegemony"), "what did Wang Yi say about it?")
    assert u.question == "what did Wang Yi say about hegemony?"


# ---------------------------------------------------------------- ellipsis


@pytest.mark.parametrize("message", ["and Wang Yi?", "what about Wang Yi?", "Wang Yi too?"])
def test_a_new_speaker_keeps_the_topic(message: str) -> None:
    u = ask(quoting(WANG_WENBIN, topic="hegemony"), message)
    assert u.question == "what did Wang Yi say about hegemony?"


def test_a_bare_name_and_a_role_are_new_speakers() -> None:
    assert ask(quoting(WANG_WENBIN, topic="x"), "Wang Yi?").question == (
        "what did Wang Yi say about x?")
    state = quoting(WANG_YI, recent=(WANG_WENBIN,), topic="x")
    assert ask(state, "what about the spokesman?").speaker == "Wang Wenbin"


def test_what_about_lavrov() -> None:
    u = ask(quoting(WANG_WENBIN), "what about Lavrov?")
    assert u.speaker == "Lavrov" and u.question == "what did Lavrov say?"


def test_what_about_a_topic_changes_the_topic() -> None:
    u = ask(quoting(WANG_WENBIN, topic="hegemony"), "what about Ukraine?")
    assert u.question == "what did Wang Wenbin say about Ukraine?"


def test_a_year() -> None:
    u = ask(quoting(WANG_WENBIN), "what about in 2023?")
    assert (u.filters.date_from, u.filters.date_to) == ("2023-01-01", "2023-12-31")
    assert u.question == "what did Wang Wenbin say in 2023?"


def test_a_month_counts_back_from_the_archive() -> None:
    u = ask(quoting(WANG_WENBIN), "and in March?")
    assert (u.filters.date_from, u.filters.date_to) == ("2022-03-01", "2022-03-31")
    assert u.question == "what did Wang Wenbin say in March 2022?"


def test_only_from_an_unknown_outlet() -> None:
    u = ask(quoting(WANG_WENBIN), "only from Reuters")
    assert u.filters.source == "Reuters" and u.speaker == "Wang Wenbin"
    assert u.question.endswith(", only from Reuters?") and u.text == "what did Wang Wenbin say?"


def test_anything_from_a_known_source_uses_its_spelling() -> None:
    u = ask(quoting(MARSH), "anything from the harbor gazette?")
    assert u.filters.source == "Harbor Gazette"


def test_a_source_name_is_not_a_date() -> None:
    u = ask(quoting(MARSH), "only from USA Today")
    assert u.filters.source == "usa-today" and u.filters.date_from is None


def test_filters_carry_across_follow_ups() -> None:
    state = quoting(MARSH, filters=Filters(source="Valley Wire"))
    u = ask(state, "and in February?")
    assert u.filters == Filters("2022-02-01", "2022-02-28", "Valley Wire")


def test_vice_versa_swaps_speaker_and_topic() -> None:
    u = ask(quoting(MARSH, topic="Tom Okafor"), "and vice versa?")
    assert u.question == "what did Tom Okafor say about Elena Marsh?"


def test_ellipsis_after_a_search_question_keeps_its_words() -> None:
    state = ConversationState(question="how much will the ferry cost?", kind="answer",
                              topic="how much will the ferry cost", turns=1)
    u = ask(state, "and in 2023?")
    assert u.question == "how much will the ferry cost in 2023?"


def test_ellipsis_with_no_earlier_question() -> None:
    u = resolve(ConversationState(), "and Wang Yi?", VOCAB)
    assert u.action == "clarify" and "earlier question" in (u.missing or "")


def test_ambiguous_last_name_needs_a_full_name() -> None:
    u = resolve(quoting(WANG_WENBIN, WANG_YI), "what about Russia?", VOCAB)
    assert u.action == "clarify"


# ---------------------------------------------------------------- pronouns for things


def answered(question: str, title: str | None = None, *people: Person) -> ConversationState:
    """The state after ``question`` was asked fresh and answered from an article titled
    ``title`` (quoting ``people`` when given)."""
    u = resolve(ConversationState(), question, VOCAB)
    cite = Citation(1, "art-1", title, "2022-01-14", "Harbor Gazette", None, "words", 0, 5, 1)
    kind = "quotes" if people else "answer"
    speaker = people[0].name if people else None
    return advance(ConversationState(), u, Answer(u.question, "words [1]", (cite,), kind=kind,
                                                  speaker=speaker), people)


def test_it_becomes_the_thing_the_last_question_named() -> None:
    state = answered("tell me about the electric ferry plan", "Council approves ferry plan")
    assert state.subject == "the electric ferry plan"
    u = ask(state, "how much will it cost?")
    assert u.carried and u.question == u.text == "how much will the electric ferry plan cost?"
    assert u.background == ""


def test_the_thing_is_kept_through_a_chain_of_follow_ups() -> None:
    state = answered("tell me about the old cannery", "Old cannery to become a library")
    u = ask(state, "when will it open?")
    after = advance(state, u, Answer(u.question, "t", (), kind="answer"))
    assert after.subject == "the old cannery"
    assert ask(after, "who is paying for it?").text == "who is paying for the old cannery?"


def test_without_a_named_thing_the_last_question_and_title_are_searched_beside() -> None:
    state = answered("what did the council decide about harbour fees?",
                     "Council passes budget with higher harbour fees")
    assert state.subject is None
    u = ask(state, "why did they raise them?")
    assert u.carried and u.text == "why did they raise them?"
    assert "harbour fees" in u.background and "Council passes budget" in u.background
    assert u.question == ("why did they raise them? (about “Council passes budget with "
                          "higher harbour fees”)")
    # The next "it" leans on the same words, not on the follow-up's own.
    after = advance(state, u, Answer(u.question, "t", (), kind="answer"))
    assert ask(after, "who objected to it?").background == u.background


def test_a_plural_thing_takes_them() -> None:
    state = answered("what did Tom Okafor say about harbour fees?", "Budget", OKAFOR)
    assert state.subject == "harbour fees"
    u = ask(state, "why did he object to them?")
    assert u.speaker == "Tom Okafor" and u.text == "why did Tom Okafor object to harbour fees?"


def test_a_person_and_a_thing_in_one_follow_up() -> None:
    state = answered("what did Elena Marsh say about the ferry?", "Ferry plan",
                     replace(MARSH, gender="f"))
    u = ask(state, "why does she support it?")
    assert u.speaker == "Elena Marsh" and u.text == "why does Elena Marsh support the ferry?"


def test_filters_and_a_new_date_carry_into_a_thing_follow_up() -> None:
    state = replace(answered("tell me about the old cannery", "Old cannery"),
                    filters=Filters(source="Harbor Gazette"))
    u = ask(state, "what happened to it in March 2022?")
    assert u.filters == Filters("2022-03-01", "2022-03-31", "Harbor Gazette")


@pytest.mark.parametrize("message", [
    "is it true that the storm closed the crossing?", "who leads the council this week?",
    "What did the harbour authority say about its ferry?",
])
def test_it_that_stands_for_nothing_carries_nothing(message: str) -> None:
    state = answered("tell me about the old cannery", "Old cannery")
    assert not ask(state, message).carried


def test_a_new_date_after_a_background_follow_up_keeps_its_background() -> None:
    state = answered("what did the council decide about harbour fees?", "Budget passes")
    u = ask(state, "who objected to them?")
    after = advance(state, u, Answer(u.question, "t", (), kind="answer"))
    later = ask(after, "and in March?")
    assert later.question == "who objected to them in March 2022? (about “Budget passes”)"
    assert later.background == u.background and later.text == "who objected to them in March 2022?"
    again = advance(after, later, Answer(later.question, "t", (), kind="no_answer"))
    assert ask(again, "who runs it?").background == u.background


def test_the_thing_is_read_without_the_date() -> None:
    assert answered("tell me about the old cannery in 2022", "Old cannery").subject == \
        "the old cannery"


def test_a_bare_why_leans_on_the_last_question() -> None:
    state = answered("what did the council decide about harbour fees?", "Budget passes")
    u = ask(state, "why?")
    assert u.carried and u.text == "why?" and u.question == "why? (about “Budget passes”)"
    assert "harbour fees" in u.background
    # The next bare question keeps the same background and label, whatever answered "why?".
    cite = Citation(1, "b", "Old cannery", "2022-03-22", None, None, "w", 0, 1, 1)
    after = advance(state, u, Answer(u.question, "t", (cite,), kind="answer"))
    again = ask(after, "who objected?")
    assert again.background == u.background
    assert again.question == "who objected? (about “Budget passes”)"


def test_a_question_that_stands_alone_is_not_bare() -> None:
    state = answered("what did the council decide about harbour fees?", "Budget passes")
    assert not ask(state, "who won the election?").carried
    assert not ask(ConversationState(), "why?").carried


def test_a_thing_pronoun_in_a_first_message_is_a_new_question() -> None:
    u = ask(ConversationState(), "how much will it cost?")
    assert not u.carried and u.background == ""


# ---------------------------------------------------------------- navigation


@pytest.mark.parametrize("message", ["more", "next", "go on", "Show me more", "more please"])
def test_more_is_the_next_page(message: str) -> None:
    u = resolve(quoting(WANG_WENBIN), message, VOCAB)
    assert u.action == "more" and u.page == 1 and u.text == "what did Wang Wenbin say?"


@pytest.mark.parametrize("message,marker", [("the second one", 2), ("source 3", 3),
                                            ("[1]", 1), ("show me the third one", 3)])
def test_a_source_by_number(message: str, marker: int) -> None:
    u = resolve(quoting(WANG_WENBIN), message, VOCAB)
    assert (u.action, u.marker) == ("context", marker)


def test_a_source_the_answer_does_not_have() -> None:
    u = resolve(quoting(WANG_WENBIN), "source 7", VOCAB)
    assert u.action == "clarify" and "[7]" in (u.missing or "")


@pytest.mark.parametrize("message", ["when was that?", "where did he say that?",
                                     "which article was that?", "what's the date of that?"])
def test_when_and_where_point_at_the_last_source(message: str) -> None:
    state = quoting(WANG_WENBIN)
    assert resolve(state, message, VOCAB).marker == 1
    pointed = advance(state, resolve(state, "source 2", VOCAB),
                      Answer("q", "t", (), kind="context"))
    u = resolve(pointed, message, VOCAB)
    assert (u.action, u.marker) == ("where", 2)


# ---------------------------------------------------------------- new questions


@pytest.mark.parametrize("message", [
    "who visited China?", "what did Sergei Lavrov say?", "And what did Tom Okafor say?",
    "how much will the new ferry cost?", "what happened in March 2022?",
    "Which ministers met in Huangshan?", "what did Elena Marsh say about the ferry?",
])
def test_a_self_contained_question_carries_nothing(message: str) -> None:
    state = quoting(WANG_WENBIN, topic="hegemony", filters=Filters(source="Valley Wire"))
    u = ask(state, message)
    assert not u.carried and u.question == message and u.filters == Filters()


def test_state_round_trips_through_json() -> None:
    state = quoting(WANG_WENBIN, topic="x", filters=Filters("2022-01-01", None, "Valley Wire"))
    assert ConversationState.from_dict(state.to_dict()) == state
    state = replace(state, subject="the old cannery", background="what did they approve",
                    about="Council approves ferry plan")
    assert ConversationState.from_dict(state.to_dict()) == state
    # A state stored before subjects were kept still reads.
    old = {k: v for k, v in state.to_dict().items()
           if k not in ("subject", "background", "about")}
    assert ConversationState.from_dict(old).subject is None


def test_advance_keeps_earlier_speakers_for_later_pronouns() -> None:
    state = quoting(MARSH)
    u = ask(state, "what about Tom Okafor?")
    cite = Citation(1, "a", None, "2022-01-14", "Harbor Gazette", None, "w", 0, 1, 1)
    after = advance(state, u, Answer(u.question, "t", (cite,), kind="quotes",
                                     speaker="Tom Okafor"), (OKAFOR,))
    assert after.speakers == (OKAFOR,) and after.recent[0] == MARSH and after.topic is None
    assert after.citations[0].date == "2022-01-14"
