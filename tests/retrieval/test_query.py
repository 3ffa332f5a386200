"""User text is cleaned or refused with a clear message, never a crash."""

import pytest

from index.errors import BadQueryError
from retrieval.plan import MAX_BACKGROUND_CHARS, make_plan
from retrieval.query import MAX_QUERY_CHARS, clean_query


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  China   Russia ", "China Russia"),
        ("<@123> what did Lavrov say?", "what did Lavrov say?"),
        ("@everyone Ukraine news", "Ukraine news"),
        ("||spoiler|| Lavrov", "spoiler Lavrov"),
        ("```python\nprint('x')\n```", "print('x')"),
        ("**bold** `code`", "bold code"),
        ("' OR 1=1 --", "' OR 1=1 --"),
        ("Что сказал Лавров?", "Что сказал Лавров?"),
        ("zero\u200bwidth", "zerowidth"),
        ('Demand for <a data-id="inline-link" href="https://example.com/tag/dubai">Dubai</a> '
         "chocolate", "Demand for Dubai chocolate"),
        ("<p>Who won?<br/></p>", "Who won?"),
        ("AT&amp;T&#39;s deal", "AT&T's deal"),
        ("is x<y and y>z?", "is x<y and y>z?"),
        ("<:ferry:123> <b>Gull</b> Island", "ferry Gull Island"),
    ],
)
def test_cleaned(raw: str, clean: str) -> None:
    assert clean_query(raw) == clean


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("?!...", "no words"),
        ('"', "no words"),
        ("*", "no words"),
        ("<@123>", "no words"),
        ("x" * 6000, "too long"),
    ],
)
def test_refused(raw: str, message: str) -> None:
    with pytest.raises(BadQueryError, match=message):
        clean_query(raw)


def test_limit_is_inclusive() -> None:
    assert clean_query("a" * MAX_QUERY_CHARS)


@pytest.mark.parametrize(("background", "searched"), [
    ("", "how much will it cost?"),
    ("@everyone <@123>", "how much will it cost?"),  # no words: nothing to add, no error
    ("what did the council approve", "how much will it cost? what did the council approve"),
])
def test_background_is_searched_but_never_refuses(background: str, searched: str) -> None:
    plan = make_plan("how much will it cost?", None, None, None, background=background)
    assert plan.text == "how much will it cost?" and plan.searched == searched


def test_a_long_background_is_cut_not_refused() -> None:
    plan = make_plan("who objected?", None, None, None, background="harbour " * 500)
    assert len(plan.background) <= MAX_BACKGROUND_CHARS
