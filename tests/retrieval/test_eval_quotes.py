"""The PolNeAR evaluation's reading of gold source spans (retrieval/eval_quotes.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index.errors import NewsdeskError
from retrieval.eval_quotes import run, source_head, source_names


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


def _tiny_polnear(root: Path) -> Path:
    """One invented article in PolNeAR's three files (no split fields at all)."""
    text = 'The mayor spoke on Monday.\n\n"We will rebuild the pier," Jane Roe said.'
    start = text.index("We will")
    end = text.index('," Jane')
    rows: dict[str, list[dict[str, Any]]] = {
        "articles.jsonl": [{"id": "a1", "text": text}],
        "attributions.jsonl": [{
            "doc_id": "a1", "attribution_id": "E1", "primary_annotation": True,
            "source": "Jane Roe", "content_offsets": [[start, end]],
        }],
        "quote_queries.jsonl": [{
            "doc_id": "a1", "speaker_name": "Jane Roe",
            "quotes": [{"attribution_id": "E1", "offsets": [[start, end]]}],
        }],
    }
    for name, lines in rows.items():
        (root / name).write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    return root


def test_eval_runs_end_to_end_on_a_folder_without_splits(tmp_path: Path) -> None:
    [row] = run(_tiny_polnear(tmp_path), split=None, baselines=False)
    assert row["recall"] == row["recall_head_match"] == row["speaker_accuracy"] == 1.0
    assert row["misattribution"] == 0.0 and row["gold_quotes"] == 1


def test_an_absent_split_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NewsdeskError, match="has: \\(none\\) \\(1 articles\\)"):
        run(_tiny_polnear(tmp_path), split="test", baselines=False)
