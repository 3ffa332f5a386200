"""Small attribution patterns: where the cue is, who the subject is, what the words are."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.models import Article, Quote
from index.quotes import extract_quotes
from index.quotes.text import normalise_marks


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


# ----- patterns added after the PolNeAR miss analysis ---------------------------------


def test_quote_running_over_paragraphs_then_continuing() -> None:
    text = (
        "Jared Sexton studies the crowds.\n"
        '"One kind is hate," Sexton said. "Trump events are outlets.\n'
        '"There is another side," Sexton said. "I don\'t know if it was cathartic."'
    )
    found = said(text)
    assert ("Jared Sexton", "I don't know if it was cathartic.") in found


def test_dash_signature_on_the_same_line_and_with_a_place() -> None:
    same_line = "“He is the most unqualified candidate ever.” ― Francisco Herrero\n“Next one.”"
    assert said(same_line) == [
        ("Francisco Herrero", "He is the most unqualified candidate ever.")
    ]
    place = '"It needs to stop right now."\n\n-Michelle Marks, Philadelphia.'
    assert said(place) == [("Michelle Marks", "It needs to stop right now.")]


def test_verbs_that_are_speech_only_after_a_quote() -> None:
    pressed = 'Sean Hannity spoke.\n\n"Would it be negotiable?" Hannity pressed.'
    assert said(pressed) == [("Sean Hannity", "Would it be negotiable?")]
    inverted = '"Analysts said no, and she did it anyway," remembered Roy Verley, a spokesman.'
    assert said(inverted) == [("Roy Verley", "Analysts said no, and she did it anyway")]
    reacted = '"What sport is he talking about?" reacted Donald Trump.'
    assert said(reacted) == [("Donald Trump", "What sport is he talking about?")]
    # ...but not as ordinary verbs elsewhere.
    assert quotes("Donald Trump started the meeting at noon with his staff.") == []


def test_a_clause_after_the_quote_is_not_its_attribution() -> None:
    text = (
        "Bernie Sanders spoke.\n\n"
        'Sanders acknowledged on Monday "it will be very hard for us to win" if he continues '
        "to lose ground."
    )
    [q] = quotes(text)
    assert (q.speaker, q.cue) == ("Bernie Sanders", "acknowledged")


def test_mixed_quote_with_the_attribution_at_the_end() -> None:
    text = (
        "Adel Nefzi leads the mosque.\n\n"
        '"We are frustrated and horrified" by the shooting in Orlando, Nefzi said.'
    )
    [q] = quotes(text)
    assert q.speaker == "Adel Nefzi" and not q.direct
    assert q.text == '"We are frustrated and horrified" by the shooting in Orlando'


def test_honorific_before_a_name_that_is_also_a_title_word() -> None:
    text = 'Mr. King spoke first.\n\n"It is all about enthusiasm," Mr. King added.'
    assert said(text) == [("King", "It is all about enthusiasm")]


def test_transcript_speaker_with_party_and_state() -> None:
    text = 'Rep. Trey Gowdy (R-S.C.): "Who told you that?"'
    assert said(text) == [("Trey Gowdy", "Who told you that?")]


def test_possessive_statement_before_a_colon() -> None:
    text = (
        "Jeb Bush endorsed Ted Cruz.\n\n"
        'From Bush\'s Facebook post: "We must move to overcome the divisiveness."'
    )
    assert said(text) == [("Jeb Bush", "We must move to overcome the divisiveness.")]


def test_went_on_to_say() -> None:
    text = 'Bob Byrne wrote to us. Byrne went on to say, "I know this to be true."'
    assert said(text) == [("Bob Byrne", "I know this to be true.")]


def test_middle_initial_stays_inside_the_name() -> None:
    text = '"We will cooperate," FBI General Counsel James A. Baker wrote in a letter.'
    [q] = quotes(text)
    assert q.speaker == "James A. Baker"


def test_organisation_sentence_introducing_a_paragraph_quote() -> None:
    text = (
        "The Clinton Foundation describes itself in the following way:\n\n"
        '"Everywhere we go, we are trying to work ourselves out of a job."'
    )
    assert said(text) == [
        ("Clinton Foundation", "Everywhere we go, we are trying to work ourselves out of a job.")
    ]


def test_description_then_name_after_the_quote() -> None:
    text = (
        '"Is he going to finally say the words? He should resign!" the presumptive GOP '
        "nominee, Donald Trump, tweeted Sunday."
    )
    [q] = quotes(text)
    assert (q.speaker, q.direct) == ("Donald Trump", True)
    assert q.text.endswith("He should resign!")


def test_as_x_puts_it() -> None:
    text = 'As The Post\'s Dana Milbank puts it, "Senate Republicans are unmoved."'
    assert said(text) == [("Dana Milbank", "Senate Republicans are unmoved.")]
    assert quotes('Dana Milbank puts it on the table, "a new dish."') == []


def test_an_office_speaks_for_its_owner() -> None:
    text = 'Paul Ryan met Trump.\n\n"The meeting is on," Ryan\'s office said in a statement.'
    [q] = quotes(text)
    assert (q.speaker, q.mention) == ("Paul Ryan", "Ryan's office")


def test_a_participle_opening_the_sentence_is_not_a_first_name() -> None:
    text = 'Following Bernie Sanders to Iowa, reporters waited.\n\n"We won," Sanders said.'
    assert said(text) == [("Bernie Sanders", "We won")]


def test_curly_quotes_nested_inside_curly_quotes() -> None:
    text = "Dr. Mark Ward stated:\n“It isn’t about “Equal Justice Under Law” anymore. It is over.”"
    assert said(text) == [
        ("Mark Ward", "It isn’t about “Equal Justice Under Law” anymore. It is over.")
    ]


def test_a_surname_ending_in_ing_before_a_cue() -> None:
    text = "Jeremy Boreing runs the club.\n\nBoreing said the members will still meet."
    assert said(text) == [("Jeremy Boreing", "the members will still meet")]


def test_mixed_quote_resumed_after_the_attribution() -> None:
    text = (
        "Hillary Clinton spoke.\n\n"
        "“If there had not been that intervention” by NATO and other partners, Clinton said "
        "at a town hall on Monday, “we would be looking at Syria now.”"
    )
    assert [q.text[:20] for q in quotes(text)] == ["“If there had not be", "we would be looking "]
    assert {q.speaker for q in quotes(text)} == {"Hillary Clinton"}


def test_manner_verbs_after_a_quote() -> None:
    text = '"This is fantastic!" beamed Donald Hartley of Madison, Alabama.'
    assert said(text) == [("Donald Hartley", "This is fantastic!")]


# ----- patterns found on the Port Alder sample articles --------------------------------


def test_a_quote_closing_its_sentence_is_not_claimed_by_the_next_sentence() -> None:
    text = (
        'Councillor Tom Okafor said the increase was "a fair price for a harbour that does '
        'not silt up." Mayor Elena Marsh said property taxes would stay flat for a second year.'
    )
    found = [(q.speaker, q.text, q.cue, q.direct) for q in quotes(text)]
    assert found == [
        ("Tom Okafor", 'the increase was "a fair price for a harbour that does not silt up."',
         "said", False),
        ("Elena Marsh", "property taxes would stay flat for a second year", "said", False),
    ]
    # The same rule with other names and a plain cue verb.
    other = (
        'Anna Berg said the plan was "too little, too late." Victor Lang said the '
        "council would vote again in March."
    )
    assert [q.speaker for q in quotes(other)] == ["Anna Berg", "Victor Lang"]


def test_a_short_attribution_after_a_closed_quote_still_counts() -> None:
    # Only a cue with its own reported clause starts a new statement.
    asked = (
        "Bernie Sanders spoke.\n\n"
        '"Should that dealer be sued?" Sanders asked rhetorically, shaking his head no.'
    )
    assert said(asked) == [("Bernie Sanders", "Should that dealer be sued?")]
    told = (
        "Donald Trump spoke.\n\n"
        '"Who knows?" Trump told Britain\'s ITV television station in an interview on Monday.'
    )
    assert said(told) == [("Donald Trump", "Who knows?")]


def test_occupation_before_the_name_and_a_relative_clause_before_the_cue() -> None:
    text = (
        "Architect Sofia Marsh, who is not related to the mayor, said the design was meant "
        'to "let the harbour into the building."'
    )
    [q] = quotes(text)
    assert (q.speaker, q.cue, q.direct) == ("Sofia Marsh", "said", False)
    assert q.text == 'the design was meant to "let the harbour into the building."'
    assert q.speaker_key == "sofia marsh"
    other = 'Engineer Dana Quill, who designed the bridge, said it would "outlast us all."'
    assert [q.speaker for q in quotes(other)] == ["Dana Quill"]


def test_a_quote_inside_a_reported_clause_is_not_repeated() -> None:
    text = (
        "Ruth Okafor chairs the co-operative. Ruth Okafor is the councillor's sister; she said "
        'the family disagreed about the budget "loudly, and often."'
    )
    [q] = quotes(text)
    assert q.speaker == "Ruth Okafor" and not q.direct
    assert q.text == 'the family disagreed about the budget "loudly, and often."'


# -- quote marks ----------------------------------------------------------------------


def test_straight_quote_with_a_curly_pair_inside_runs_over_paragraphs() -> None:
    text = (
        "Mayor Nora Lindqvist spoke on Friday.\n\n"
        "Lindqvist stated:\n\n"
        '"The council is no longer about “Fair Rent For All” at all. It is about control.\n\n'
        '"We will vote against it."'
    )
    [q] = quotes(text)
    assert q.speaker == "Nora Lindqvist"
    assert q.text.startswith("The council is no longer about “Fair Rent For All”")
    assert q.text.endswith("We will vote against it.")


def test_a_stray_straight_mark_before_a_curly_quote_is_ignored() -> None:
    text = (
        '"Lindqvist tried to shrug it off by replying, “Only on Tuesdays.” But the host '
        "pressed on.\n\n“Is that the mood of the council?”"
    )
    found = said("Nora Lindqvist chairs the council.\n\n" + text)
    assert ("Nora Lindqvist", "Only on Tuesdays.") in found


def test_curly_quote_closed_by_a_single_mark() -> None:
    text = (
        "Singer Ada Brennan backed the plan.\n\n"
        "Brennan tweeted: “Let’s do this. We can win.’ Brennan was at the launch on "
        "Tuesday, and she later sang “Home.”"
    )
    assert said(text)[0] == ("Ada Brennan", "Let’s do this. We can win.")


def test_nested_single_quotes_do_not_end_an_open_quote() -> None:
    text = (
        'Tom Yates spoke.\n\n"We called it ‘the long road,’ and it was," Yates said.'
    )
    assert said(text) == [("Tom Yates", "We called it ‘the long road,’ and it was")]


# -- cues -----------------------------------------------------------------------------


def test_state_as_a_descriptor_after_the_quote() -> None:
    text = '"We know better than that," state Sen. Ana Ruiz (D) said during the debate.'
    assert said(text) == [("Ana Ruiz", "We know better than that")]


def test_doubled_consonant_and_inverted_cues() -> None:
    assert said('"It was a mistake," Tom Yates admitted on Monday.') == [
        ("Tom Yates", "It was a mistake")
    ]
    assert said('"Imagine that on one stage," mused radio host Lena Kovac.') == [
        ("Lena Kovac", "Imagine that on one stage")
    ]


def test_absolute_with_clause() -> None:
    text = (
        "At a rally in Dayton, Ohio, on Saturday, protesters were pushed out, "
        "with Tom Yates reportedly yelling: “Get them out of here!”"
    )
    assert said(text) == [("Tom Yates", "Get them out of here!")]


def test_by_saying_takes_the_main_subject() -> None:
    text = "Lena Kovac read out the names and ended her list by saying “Too many.”"
    assert said(text) == [("Lena Kovac", "Too many.")]


def test_participle_after_a_cue_takes_that_cue_subject() -> None:
    text = (
        "Spokesman Tom Yates spoke.\n\n"
        'Ana Ruiz and Ben Ortiz will meet next week, Yates said, adding, "They need to talk."'
    )
    assert said(text)[-1] == ("Tom Yates", "They need to talk.")


def test_participle_skips_a_subordinate_clause_subject() -> None:
    text = (
        "In June, after Ana Ruiz lost the vote, Ben Ortiz emailed her, "
        "telling her, “You will win the next one!”"
    )
    assert said(text) == [("Ben Ortiz", "You will win the next one!")]


def test_participle_subject_inside_a_subordinate_clause_is_kept() -> None:
    text = "The crowd booed when Ana Ruiz thanked Denver and said it was great to be back home."
    assert [q.speaker for q in quotes(text)] == ["Ana Ruiz"]


def test_the_campaign_speaks_for_its_owner() -> None:
    text = "Ana Ruiz spoke in Reno.\n\n" '"We raised $2 million," the Ruiz campaign said.'
    [q] = quotes(text)
    assert (q.speaker, q.mention) == ("Ana Ruiz", "the Ruiz campaign")
    owned = (
        "Ana Ruiz spoke in Reno.\n\n"
        "Ruiz's campaign shrugged off the poll, telling reporters, “Polls change.”"
    )
    assert said(owned) == [("Ana Ruiz", "Polls change.")]


# -- colons ---------------------------------------------------------------------------


def test_colon_clause_subject_beats_the_previous_speaker() -> None:
    text = (
        "Talks with Ana Ruiz went nowhere.\n\n"
        '"We will not back down," said Tom Yates, the union leader. Ruiz resisted:\n\n'
        '"The state has no power to do that."'
    )
    assert said(text)[-1] == ("Ana Ruiz", "The state has no power to do that.")


def test_colon_clause_after_a_dash() -> None:
    text = (
        "Ben Ortiz took the stage. The moderators mocked him—and Lordy, how they "
        "mocked!— Ortiz called them on it:\n\n“These questions are a joke, and you know it.”"
    )
    assert said(text) == [("Ben Ortiz", "These questions are a joke, and you know it.")]


def test_named_person_with_a_role_right_before_the_colon() -> None:
    text = (
        "The timing of the surge does not surprise Republican pollster Dana Quill:\n\n"
        "“Lesser-known candidates always get a bump after early wins.”"
    )
    words = "Lesser-known candidates always get a bump after early wins."
    assert said(text) == [("Dana Quill", words)]


def test_sentence_opening_words_are_not_speakers() -> None:
    wait = 'The agency kept quiet.\n\nWait, it gets better:\n\n"The rules are set every year."'
    assert [q.speaker for q in quotes(wait)] == []
    lordy = "And Lordy, the crowd cheered:\n\n“Four more years of this, please.”"
    assert [q.speaker for q in quotes(lordy)] == []


def test_acronym_subject_needs_no_second_mention() -> None:
    text = (
        "As the debate began, the NRA was going into overdrive, urging "
        "“no new gun laws at all.”"
    )
    assert [q.speaker for q in quotes(text)] == ["NRA"]


# -- names ----------------------------------------------------------------------------


def test_compound_place_modifier_is_not_part_of_the_name() -> None:
    text = (
        "Many Chicago-area Ortiz supporters came to the rally.\n\n"
        '"We are going all the way," Ortiz said.'
    )
    assert said(text) == [("Ortiz", "We are going all the way")]


def test_title_case_first_line_ending_with_a_full_stop_gives_no_names() -> None:
    text = (
        "Ruiz Says Ortiz Most Qualified Candidate Ever, But ….\n\n"
        "One claim of Governor Ana Ruiz’s speech does not hold up.\n\n"
        "She told her audience:\n\n“Nobody has ever been more qualified.”"
    )
    assert said(text) == [("Ana Ruiz", "Nobody has ever been more qualified.")]


def test_pronoun_may_refer_to_an_earlier_possessive_name() -> None:
    text = (
        "Governor Ana Ruiz’s speech ran long on Monday.\n\n"
        'She told the crowd: "We are not done yet."'
    )
    assert said(text) == [("Ana Ruiz", "We are not done yet.")]


def test_month_word_ending_a_name() -> None:
    text = '"We will leave," Prime Minister Theresa May said on Monday.'
    assert said(text) == [("Theresa May", "We will leave")]
    dated = 'The vote was held on Tuesday May 5. "It was close," Tom Yates said.'
    assert said(dated) == [("Tom Yates", "It was close")]


def test_far_bare_surname_tie_goes_to_the_person_introduced_first() -> None:
    text = (
        "Maria Okafor campaigned in Ohio on Monday.\n\n"
        "Her husband, James Okafor, joined her on stage.\n\n"
        "The crowd was large.\n\n"
        "Local officials praised the turnout.\n\n"
        '"I have been vetted," Okafor said.'
    )
    assert said(text) == [("Maria Okafor", "I have been vetted")]


def test_honorific_rules_out_a_full_name_of_the_other_gender() -> None:
    text = (
        "Maria Okafor and James Okafor arrived together.\n\n"
        '"We will win," Mr. Okafor said.\n\n'
        '"We will win big," Mrs. Okafor said.'
    )
    assert said(text) == [
        ("James Okafor", "We will win"), ("Maria Okafor", "We will win big"),
    ]
    # no full name of his gender: the bare surname, not the woman
    only_her = 'Maria Okafor arrived.\n\n"We will win," Mr. Okafor said.'
    assert said(only_her) == [("Okafor", "We will win")]


def test_honorific_in_an_appositive_belongs_to_the_next_name() -> None:
    text = (
        "The parents, Tariq and Amina Okafor, and Mr. Yates spoke on Monday.\n\n"
        '"We lost our son," Ms. Okafor said.'
    )
    assert said(text) == [("Amina Okafor", "We lost our son")]


def test_unisex_first_name_gives_no_gender() -> None:
    text = 'Lee Okafor teaches law.\n\n"The court will decide," Ms. Okafor said.'
    assert said(text) == [("Lee Okafor", "The court will decide")]


def test_dotted_title_abbreviations() -> None:
    text = '"This is a waste of time," said Del. Stacey Roe of the Virgin Islands.'
    [q] = quotes(text)
    assert (q.speaker, q.mention) == ("Stacey Roe", "Del. Stacey Roe")
    plural = "Sens. Tom Yates and Jane Roe said the bill would pass the chamber easily."
    assert said(plural) == [("Jane Roe", "the bill would pass the chamber easily")]
    # without the full stop it is part of a name
    assert said('"We won," said Lana Del Roe.') == [("Lana Del Roe", "We won")]


def test_descriptor_with_digits_and_a_slash_before_the_name() -> None:
    text = '"They are wrong," said 9/11 widow Terry Roe.'
    assert said(text) == [("Terry Roe", "They are wrong")]


def test_document_speaks_for_its_named_owner() -> None:
    assert said('"Growth will slow," the IMF report stated.') == [("IMF", "Growth will slow")]
    release = '"We are done," the White House press release said.'
    assert said(release) == [("White House", "We are done")]
    according = "Turnout will rise next year, according to a Pentagon study."
    assert said(according) == [("Pentagon", "Turnout will rise next year")]
    # an unnamed owner is nobody
    assert said('"Growth will slow," the agency\'s report said.') == []
    # a document inside a prepositional phrase does not speak
    inside = (
        "Jane Roe hired him.\n\nIn the Roe release announcing his new role, Tom Yates"
        " thanked the whole team for the chance."
    )
    assert said(inside) == []


def test_person_shown_in_footage_speaks_a_participial_cue() -> None:
    text = (
        "Jane Roe and Tom Yates debated on Monday.\n\n"
        'The ad uses footage of Jane Roe asking, "Why am I not ahead?"\n\n'
        'The spot ends with footage of Yates saying during the debate, "That makes me'
        ' smart," when Roe attacked him.'
    )
    assert said(text) == [
        ("Jane Roe", "Why am I not ahead?"), ("Tom Yates", "That makes me smart"),
    ]
    # critics of a person are not that person
    critics = 'Tom Yates ran.\n\nCritics of Yates keep saying, "He is unfit for office."'
    assert said(critics) == []


def test_org_after_of_chain_leaves_the_person_speaking() -> None:
    text = (
        'As Archbishop Aris Roe of the Armenian Patriarchate of Jerusalem told the AP, '
        '"We have suffered the same fate."'
    )
    assert said(text) == [("Aris Roe", "We have suffered the same fate.")]


def test_role_word_between_preposition_and_name() -> None:
    text = (
        "In an interview with journalist Tom Yates last year, Lazar Roe said he would "
        'plead and added, "I will plead guilty, no problem."'
    )
    assert ("Lazar Roe", "I will plead guilty, no problem.") in said(text)


def test_two_apostrophes_as_quote_marks() -> None:
    # Archive text (NYT) writes ''like this'' for double quotes.
    text = (
        "The economist Jane Roe studied the figures.\n\n"
        "''Wages may finally be rising,'' Ms. Roe said. ''If it sticks, that is big.''\n\n"
        "Mayor Tom Hale said he had warned his aides: ''I told them 'not yet.'''"
    )
    assert said(text) == [
        ("Jane Roe", "Wages may finally be rising"),
        ("Jane Roe", "If it sticks, that is big."),
        ("Tom Hale", "I told them 'not yet.'"),
    ]


def test_single_apostrophes_are_left_alone() -> None:
    text = "The Joneses' dog barked at the workers' van. \"It's not ours,\" Kim Lee said."
    assert normalise_marks(text) == text
    assert said(text) == [("Kim Lee", "It's not ours")]


def test_quote_paragraph_after_a_paragraph_ending_in_reported_speech() -> None:
    text = (
        "Mayor Jane Roe said in a statement on Monday that the budget plan had failed.\n\n"
        '"We will keep going, and we will win this fight for the city."'
    )
    assert ("Jane Roe", "We will keep going, and we will win this fight for the city.") in said(
        text
    )


def test_quote_paragraph_with_its_own_attribution_is_not_a_continuation() -> None:
    text = (
        "Mayor Jane Roe said on Monday that the budget plan had failed.\n\n"
        '"We will keep going, and we will win this fight," the group wrote.'
    )
    assert all(speaker != "Jane Roe" for speaker, _ in said(text)[1:])


def test_no_continuation_after_several_speakers() -> None:
    text = (
        "Tom Hale, Ann Lee and Jane Roe argued that the budget plan had failed badly.\n\n"
        '"We will keep going, and we will win this fight for the city."'
    )
    assert [s for s, t in said(text) if t.startswith("We will")] == []


def test_name_before_a_verb_after_the_cue_is_not_the_speaker() -> None:
    # "said Jones had ...": Jones is the subject of the reported clause.
    text = 'Jane Roe once backed Hale, but now said Jones had "the best plan of anyone here."'
    assert all(speaker != "Jones" for speaker, _ in said(text))
    assert said('Then said Sen. Tom Hale of Maine: "We are done here."') == [
        ("Tom Hale", "We are done here.")
    ]


def test_author_of_a_filed_document_after_according_to() -> None:
    text = (
        '"The evidence is insufficient to support a prosecution," according to a court '
        "document filed by state attorney Jane Roe."
    )
    assert [s for s, _ in said(text)] == ["Jane Roe"]
    released = (
        '"The evidence is insufficient to support a prosecution," according to emails '
        "released by the State Department."
    )
    assert said(released) == []


def test_mixed_quote_clause_runs_on_after_the_closing_mark() -> None:
    [q] = quotes('Tom Hale has said repeatedly "the next president" should choose the judge.')
    assert q.speaker == "Tom Hale" and q.text.endswith("should choose the judge")
    [q] = quotes('Tom Hale has said repeatedly "the next president" should, in time, choose.')
    assert q.text.endswith('"the next president"')


def test_name_then_past_tense_verb_then_name_opens_the_clause() -> None:
    text = 'Tom Hale spoke first.\n\nAnd Hale called Roe "a real smart guy who knows the data."'
    assert ("Tom Hale", "a real smart guy who knows the data.") in said(text)


def test_org_description_resolves_to_the_organisation_named_with_that_noun() -> None:
    group = 'The United Gun Group pulled the listing.\n\n"We want no part of it," the group said.'
    assert said(group) == [("United Gun Group", "We want no part of it")]
    department = (
        'The State Department released the emails.\n\n"We worked hard," said the department.'
    )
    assert said(department) == [("State Department", "We worked hard")]
    # "the budget office" prefers the office whose name has "budget"
    office = (
        "The Congressional Budget Office and the Oval Office disagreed.\n\n"
        "Deficits will rise sharply, the budget office said on Monday."
    )
    assert said(office) == [("Congressional Budget Office", "Deficits will rise sharply")]


def test_org_description_resolves_to_an_organisation_of_its_kind() -> None:
    kind = (
        "The National Golf Foundation counts players every year.\n\n"
        '"Fewer people play," the group said.'
    )
    assert said(kind) == [("National Golf Foundation", "Fewer people play")]
    # the kind written with the name: before it, or in an appositive after it
    before = 'The oil giant Exxon Mobil fell.\n\n"Profits were small," the company said.'
    assert said(before) == [("Exxon Mobil", "Profits were small")]
    appositive = (
        "Black Lives Matter, an activist group, left the parade.\n\n"
        '"We are not safe," the group said in a statement.'
    )
    assert said(appositive) == [("Black Lives Matter", "We are not safe")]
    acronym = (
        "The American Action Network spent heavily. AAN polled the race, the group said."
    )
    assert said(acronym) == [("AAN", "AAN polled the race")]


def test_owned_body_speaks_for_its_owner() -> None:
    campaign = (
        "Bernie Sanders spoke. The Sanders campaign filed its reports.\n\n"
        '"Donations are small," the campaign said.'
    )
    assert said(campaign) == [("Bernie Sanders", "Donations are small")]
    ministry = "China's foreign ministry weighed in.\n\n\"Stay out of it,\" the ministry said."
    assert said(ministry) == [("China", "Stay out of it")]


def test_org_description_without_a_fitting_organisation() -> None:
    assert said('"We deny it," the group said.') == []
    assert said('Jane Roe spoke on Monday.\n\n"We deny it," the group said.') == []
    # another kind of organisation: a company is no government department
    assert said('The State Department spoke.\n\n"We won," the company said.') == []
    # a commission introduced after the named one is a different commission
    later = (
        "The Federal Election Commission ruled first. Then a state ballot commission met.\n\n"
        '"It is settled," the commission said.'
    )
    assert said(later) == []
    # 'a spokesman for the group': nobody named, not the group itself
    spokesman = (
        'The United Gun Group pulled the listing.\n\n"No comment," a spokesman for the group said.'
    )
    assert said(spokesman) == []
    # 'the spokesman' still resolves to a person, never to an organisation
    role = (
        "The Acme Group hired foreign ministry spokesman Wang Wenbin.\n\n"
        '"Peace matters," the spokesman said.'
    )
    assert said(role) == [("Wang Wenbin", "Peace matters")]
