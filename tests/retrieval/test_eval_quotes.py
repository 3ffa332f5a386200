"""The PolNeAR evaluation's reading of gold source spans (retrieval/eval_quotes.py)."""

from __future__ import annotations

import pytest

from retrieval.eval_quotes import source_head, source_names


@pytest.mark.parametrize(
    ("source", "head"),
    [
        ("Steger, now an economics professor at the University of Ottawa", "steger"),
        ("Concord resident Whit Symms", "whit symms"),
        ("the Washington Post’s Ishaan Tharoor", "ishaan tharoor"),
        ("Sanders's campaign manager, Jeff Weaver,", "jeff weaver"),
        ("her senior policy adviser, Jake Sullivan,", "jake sullivan"),
        ("Rep. Trey Gowdy (R-S.C.)", "trey gowdy"),
        ("Former Secretary of State Madeleine Albright", "madeleine albright"),
        ("Wang Wenbin, the spokesman", "wang wenbin"),
        ("he", ""),
        ("The newspaper", ""),
    ],
)
def test_source_head_names_the_speaker(source: str, head: str) -> None:
    assert source_head(source) == head


@pytest.mark.parametrize(
    "source", ["a Nevada Democrat", "another New Hampshire Republican", "a Donald Trump hat"]
)
def test_unnamed_sources_do_not_match_a_name(source: str) -> None:
    assert source_head(source) not in {"nevada democrat", "new republican", "donald trump"}


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("The department", []),  # "de" inside "department" is not a name particle
        ("Mayor Bill de Blasio", ["bill blasio"]),
        ("Dow's chief executive, Andrew Liveris", ["andrew liveris", "dow"]),
    ],
)
def test_source_names(source: str, names: list[str]) -> None:
    assert sorted(source_names(source)) == sorted(names)
