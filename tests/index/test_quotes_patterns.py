"""Small attribution patterns: where the cue is, who the subject is, what the words are."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.models import Article, Quote
from index.quotes import extract_quotes


def quotes(text: str) -> list[Quote]:
    article = Article(id="t", text=text)
    found = extract_quotes(article)
    for q in found:
        assert text[q.start : q.end] == q.text
    return found


def said(text: str) -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in quotes(text)]


def test_split_quote_around_the_cue() -> None:
    text = 'Senator Jane Doe spoke on Monday.\n\n"We will win," she said, "and we will win big."'
    assert said(text) == [("Jane Doe", "We will win"), ("Jane Doe", "and we will win big.")]


def test_speaker_after_the_cue_with_title() -> None:
    text = '"The economy is strong," said Treasury Secretary Janet Yellen.'
    [q] = quotes(text)
    assert (q.speaker, q.cue, q.direct) == ("Janet Yellen", "said", True)
    assert q.mention.endswith("Janet Yellen")


def test_cue_before_the_quote_with_colon() -> None:
    assert said('Lavrov said: "We will not stop."') == [("Lavrov", "We will not stop.")]


def test_according_to_after_and_before() -> None:
    after = "The talks will resume next week, according to Foreign Minister Wang Yi."
    before = "According to Wang Yi, the talks will resume next week."
    assert said(after) == [("Wang Yi", "The talks will resume next week")]
    [q] = quotes(before)
    assert (q.speaker, q.text, q.cue, q.direct) == (
        "Wang Yi", "the talks will resume next week", "according to", False,
    )


def test_reported_speech_with_that() -> None:
    [q] = quotes("Chancellor Olaf Scholz said that Germany would send more aid to Ukraine.")
    assert (q.speaker, q.text, q.cue, q.direct) == (
        "Olaf Scholz", "Germany would send more aid to Ukraine", "said", False,
    )


def test_reported_speech_with_the_cue_last() -> None:
    text = "Olaf Scholz flew to Kyiv.\n\nGermany will send more aid, Scholz said on Tuesday."
    assert said(text) == [("Olaf Scholz", "Germany will send more aid")]


def test_told_reporters() -> None:
    [q] = quotes("Spokesman John Kirby told reporters that the ship had sunk.")
    assert (q.speaker, q.cue, q.text) == ("John Kirby", "told reporters", "the ship had sunk")


def test_pronoun_resolves_to_a_compatible_person() -> None:
    she = "Angela Merkel met Emmanuel Macron in Paris. She said the meeting had been productive."
    he = 'Angela Merkel met Emmanuel Macron in Paris.\n\n"It was useful," he said.'
    assert said(she) == [("Angela Merkel", "the meeting had been productive")]
    assert said(he) == [("Emmanuel Macron", "It was useful")]


def test_bare_surname_takes_the_nearest_preceding_full_name() -> None:
    text = 'John Smith arrived first. Later Mary Smith spoke.\n\n"We are ready," Smith said.'
    assert said(text) == [("Mary Smith", "We are ready")]


def test_role_noun_resolves_to_the_person_introduced_with_it() -> None:
    text = (
        "Foreign ministry spokesman Wang Wenbin held a briefing with Wang Yi.\n\n"
        '"Peace matters," the spokesman said.'
    )
    assert said(text) == [("Wang Wenbin", "Peace matters")]


def test_curly_quotes() -> None:
    text = "Angela Merkel arrived.\n\n“We are ready,” Merkel said."
    assert said(text) == [("Angela Merkel", "We are ready")]


def test_odd_quote_marks_end_at_the_paragraph() -> None:
    text = 'Angela Merkel said: "We are ready. We act now.\n\nThe rest has no quotes at all.'
    assert said(text) == [("Angela Merkel", "We are ready. We act now.")]
    assert quotes('A stray ” mark, and "an open one.') == []


def test_quote_running_over_paragraphs() -> None:
    text = (
        'Angela Merkel spoke for an hour. "The first part of it.\n\n'
        '"And the second part," she added.'
    )
    [q] = quotes(text)
    assert q.speaker == "Angela Merkel"
    assert q.text.startswith("The first part") and q.text.endswith("the second part")


def test_following_quote_continues_the_speaker() -> None:
    text = 'Angela Merkel arrived.\n\n"We won," Merkel said. "It was hard."'
    assert said(text) == [("Angela Merkel", "We won"), ("Angela Merkel", "It was hard.")]


def test_mixed_quote_keeps_the_reported_clause() -> None:
    text = 'Wang Yi visited.\n\nWang added that "cooperation has no limits" between the nations.'
    [q] = quotes(text)
    assert q.speaker == "Wang Yi"
    assert q.text == '"cooperation has no limits" between the nations'
    assert not q.direct


def test_nobody_to_attribute_to() -> None:
    assert quotes('"It is over," he said.') == []
    assert quotes('"It is over," a spokesman said.') == []


def test_organisation_speaker() -> None:
    text = '"We deny the claims," the White House said.'
    assert said(text) == [("White House", "We deny the claims")]


def test_passive_cue_names_the_agent() -> None:
    text = 'Bernie Sanders was asked by host Bill Maher, "Will you run again?"'
    assert said(text) == [("Bill Maher", "Will you run again?")]


def test_parenthetical_and_appositives() -> None:
    parenthesis = 'Sen. Jason Holsman (D) said, "This is wrong."'
    assert said(parenthesis) == [("Jason Holsman", "This is wrong.")]
    appositive = "\"We need change,\" said Jeff Weaver, Sanders' campaign manager."
    assert said(appositive) == [("Jeff Weaver", "We need change")]
    age = 'Jim Bennett, 57, told a voter: "We are friends."'
    assert said(age) == [("Jim Bennett", "We are friends.")]


def test_prepositional_name_is_not_the_subject() -> None:
    assert quotes("People in Fort Pierce said the town had grown too fast.") == []


_PIECES = st.sampled_from(
    ['"', "“", "”", " said ", " he ", "Wang Yi", " Wang ", ",", ".", "\n\n", "according to",
     " told reporters that ", "Angela Merkel", " the spokesman ", "We win", ":", " ", "that"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_offsets_hold_on_arbitrary_text(text: str) -> None:
    for q in quotes(text):
        assert 0 <= q.start < q.end <= len(text)
        assert q.speaker


def test_colon_at_the_end_of_the_previous_paragraph() -> None:
    text = 'Breitbart News responded:\n\n"The solution is not more gun control."'
    assert said(text) == [("Breitbart News", "The solution is not more gun control.")]


def test_dash_signature_line() -> None:
    words = "Almost all new income is going to the top 1 percent."
    assert said(f'"{words}"\n\n- Bernie Sanders.') == [("Bernie Sanders", words)]


def test_headline_lines_give_no_names() -> None:
    text = 'Obama Claims Hillary Will Win Big\n\nHillary Clinton spoke.\n\n"We won," Hillary said.'
    assert said(text) == [("Hillary Clinton", "We won")]


def test_quoted_as_saying_and_reflexive() -> None:
    text = 'Brent Braynard is quoted as saying, "Our method succeeds where others fail."'
    assert said(text) == [("Brent Braynard", "Our method succeeds where others fail.")]


def test_a_new_sentence_after_the_quote_is_not_its_attribution() -> None:
    text = (
        "Hillary Clinton spoke in the spring.\n\n"
        'Clinton emphatically proclaimed at a press conference, "I did not email any '
        'classified material." The presidential candidate reiterated: "I am certain."'
    )
    first = quotes(text)[0]
    assert (first.speaker, first.cue) == ("Hillary Clinton", "proclaimed")
    assert first.text.startswith("I did not email")
