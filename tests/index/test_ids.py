"""Article ids: one rule at every entrance; refused ids are reported with their reason."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.core import check_article_id
from index.ids import MAX_ID_CHARS, checked_id, id_problem, normalise_id
from index.readers import SourceFile, collect_files, read_file

HOSTILE_IDS = {
    "lavrov\u200b": "invisible",  # a look-alike of "lavrov" with a zero-width space
    "a/b": "path separator",
    "a\\b": "path separator",
    "..etc": "looks like a path",
    ".hidden": "looks like a path",
    "two words": "whitespace",
    "tab\there": "whitespace",
    "rtl\u202eevil": "invisible",  # right-to-left override
    "bell\x07": "invisible",
    "esc\x1b[2J": "invisible",
    "x" * (MAX_ID_CHARS + 1): "limit",
}


def test_hostile_ids_are_refused_with_a_reason() -> None:
    for raw, why in HOSTILE_IDS.items():
        problem = id_problem(normalise_id(raw))
        assert problem is not None and why in problem, (raw, problem)


def test_nfc_makes_composed_and_decomposed_one_id() -> None:
    assert checked_id("caf\u0065\u0301") == checked_id("caf\u00e9") == "caf\u00e9"


def test_jsonl_reports_each_refused_id_and_keeps_the_rest(tmp_path: Path) -> None:
    lines = [{"id": "lavrov", "text": "Fine text."}]
    lines += [{"id": raw, "text": "Some text."} for raw in HOSTILE_IDS]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = read_file(SourceFile(path, "a"))
    assert [a.id for _, a in result.articles] == ["lavrov"]
    assert len(result.skipped) == len(HOSTILE_IDS)
    for skipped, why in zip(result.skipped, HOSTILE_IDS.values(), strict=True):
        assert "field 'id' refused" in skipped.reason and why in skipped.reason


def test_file_names_become_ids_without_slashes_or_spaces(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    for folder in ("one", "two"):
        (tmp_path / folder / "same name.txt").write_text("date 2022-01-01\n\nText here.")
    (tmp_path / "zw\u200bname.txt").write_text("date 2022-01-01\n\nText.")
    sources, _ = collect_files([tmp_path])
    results = [read_file(s) for s in sources]
    ids = sorted(a.id for r in results for _, a in r.articles)
    assert ids == ["one--same_name", "two--same_name"]
    refused = [s for r in results for s in r.skipped]
    assert len(refused) == 1 and "invisible" in refused[0].reason


@given(st.text(max_size=60))
def test_every_accepted_id_can_be_looked_up(raw: str) -> None:
    """What ingest accepts, /article accepts unchanged (bot/core.check_article_id)."""
    try:
        article_id = checked_id(raw)
    except ValueError:
        return
    assert check_article_id(article_id) == article_id
