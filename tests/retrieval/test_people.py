"""What the archive says of a speaker: role nouns and gender read from the articles."""

from __future__ import annotations

from retrieval.people import describe


def test_roles_before_the_name_are_read() -> None:
    person = describe("Wang Wenbin", ["Foreign ministry spokesman Wang Wenbin told reporters."])
    assert {"spokesman", "ministry"} <= set(person.roles) and person.gender == "m"


def test_an_abbreviated_title_is_not_a_sentence_end() -> None:
    """"Gov." ends with a period: the role still belongs to the name after it."""
    text = "Republican vice presidential nominee and Indiana Gov. Mike Pence said on Sunday."
    assert "governor" in describe("Mike Pence", [text]).roles
    assert "senator" in describe("Tim Kaine", ["Virginia Sen. Tim Kaine spoke."]).roles
    # A real sentence end still cuts: the governor is the sentence before's.
    other = describe("Mike Pence", ["He met the governor. Mike Pence left."])
    assert "governor" not in other.roles


def test_gender_from_honorifics_and_someone_elses_title_is_not_theirs() -> None:
    marsh = describe("Elena Marsh", ["Ms. Marsh said the ferry would run.",
                                     "Architect Sofia Marsh, the mayor's sister, disagreed."])
    assert marsh.gender == "f" and "sister" not in marsh.roles


def test_a_role_given_after_the_name_is_read() -> None:
    eric = describe("Eric Trump", ["Eric Trump, son of the Republican front-runner, said so."])
    assert "son" in eric.roles and eric.gender == "m"
    mayor = describe("Elena Marsh", ["Elena Marsh, the mayor of Port Alder, spoke."])
    assert "mayor" in mayor.roles
    # A comma before a verb or another name is no appositive.
    assert describe("Elena Marsh", ["After Marsh, Governor Tom Okafor spoke."]).roles == ()
    assert describe("Elena Marsh", ["Marsh, the governor said, was late."]).roles == ()
