"""Which questions go to the quote index, and with which speaker/topic."""

import pytest

from retrieval.routing import QuoteRoute, route_quotes


@pytest.mark.parametrize(
    ("question", "speaker", "about"),
    [
        ("what did Wang Wenbin say?", "Wang Wenbin", None),
        ("What did Wang Wenbin say about Russia?", "Wang Wenbin", "Russia"),
        ("what has Lavrov said about the world order", "Lavrov", "the world order"),
        ("What have the Democrats said on gun control?", "the Democrats", "gun control"),
        ("quotes from Xi Jinping", "Xi Jinping", None),
        ("Quotes by Biden on inflation", "Biden", "inflation"),
        ("Lavrov's comments on China", "Lavrov", "China"),
        ("What were Wang Yi’s remarks about Russia?", "Wang Yi", "Russia"),
        ("did Putin say anything about NATO?", "Putin", "NATO"),
        ("show me what Biden said about gas prices", "Biden", "gas prices"),
        ("what does Macron say about energy", "Macron", "energy"),
        ("Biden quotes", "Biden", None),
    ],
)
def test_routes(question: str, speaker: str, about: str | None) -> None:
    assert route_quotes(question) == QuoteRoute(speaker, about)


@pytest.mark.parametrize(
    "question",
    [
        "what did you say?",
        "What was said about Ukraine?",
        "what did the article say about inflation",
        "What is the capital of France?",
        "What happened in Ukraine?",
        "China Russia relations",
    ],
)
def test_not_routed(question: str) -> None:
    assert route_quotes(question) is None
