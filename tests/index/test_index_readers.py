"""Readers: each format, and each kind of bad input reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.models import Article, Skipped
from index.readers import SourceFile, collect_files, read_file


def read(path: Path, article_id: str | None = None, **kw: int) -> tuple[list[Article], list[Skipped], list[str]]:
    result = read_file(SourceFile(path, article_id or path.stem), **kw)
    return [a for _, a in result.articles], result.skipped, result.warnings


def one_reason(skipped: list[Skipped]) -> str:
    assert len(skipped) == 1, skipped
    return skipped[0].reason


# ----- seed format ---------------------------------------------------------------------


def test_seed_body_on_date_line(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(" date 2022-03-31 Beijing and Moscow met.\n\nSecond paragraph.\n", encoding="utf-8")
    [article], skipped, _ = read(f)
    assert not skipped
    assert article.id == "a" and article.date == "2022-03-31" and article.title is None
    assert article.text == "Beijing and Moscow met.\n\nSecond paragraph.\n"


def test_seed_with_title(tmp_path: Path) -> None:
    f = tmp_path / "b.txt"
    f.write_text("date 2015-11-11\nThe Ninth Circle, #2.\n\nIn our last epistle.\n\nMore.", encoding="utf-8")
    [article], _, _ = read(f)
    assert article.title == "The Ninth Circle, #2."
    assert article.text == "In our last epistle.\n\nMore."


def test_seed_long_second_line_is_body_not_title(tmp_path: Path) -> None:
    f = tmp_path / "c.txt"
    body = "A first paragraph with no title before it. " * 8
    f.write_text(f"date 2020-01-02\n{body}\n\nNext.", encoding="utf-8")
    [article], _, _ = read(f)
    assert article.title is None and article.text.startswith("A first paragraph")


def test_seed_line_endings_normalised(tmp_path: Path) -> None:
    f = tmp_path / "d.txt"
    f.write_bytes(b"date 2022-01-01\r\nTitle\r\n\r\nBody one.\r\rBody two.\r\n")
    [article], _, _ = read(f)
    assert article.title == "Title" and article.text == "Body one.\n\nBody two.\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Not a date line\n\nBody.", "first line is not 'date YYYY-MM-DD'"),
        ("date 2022-02-30 Body.", "impossible date"),
        ("date 2022-13-01 Body.", "impossible date"),
        ("date yesterday Body.", "unparsable date"),
        ("date 2022-03-01\n\n  \n", "no article text"),
    ],
)
def test_seed_bad_first_line(tmp_path: Path, content: str, reason: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_text(content, encoding="utf-8")
    articles, skipped, _ = read(f)
    assert not articles and reason in one_reason(skipped)


# ----- encodings and file-level problems ------------------------------------------------------


def test_latin1_file_is_read_with_warning(tmp_path: Path) -> None:
    f = tmp_path / "latin.txt"
    f.write_bytes("date 2022-01-01 Café à Genève, naïve.".encode("latin-1"))
    [article], skipped, warnings = read(f)
    assert article.text == "Café à Genève, naïve." and not skipped
    assert any("latin-1" in w for w in warnings)


def test_mixed_encodings_keep_valid_utf8(tmp_path: Path) -> None:
    f = tmp_path / "mixed.txt"
    f.write_bytes("date 2022-01-01 Crème brûlée ".encode() + "et café.".encode("latin-1"))
    [article], _, warnings = read(f)
    assert article.text == "Crème brûlée et café." and warnings


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbfdate 2022-01-01 Body text.")
    [article], skipped, warnings = read(f)
    assert article.text == "Body text." and not skipped and not warnings


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n \t", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"\xff\xfed\x00a\x00t\x00e\x00", "UTF-16"),
    ],
)
def test_unreadable_files(tmp_path: Path, data: bytes, reason: str) -> None:
    for name in ("x.txt", "x.jsonl"):
        f = tmp_path / name
        f.write_bytes(data)
        articles, skipped, _ = read(f)
        assert not articles and reason in one_reason(skipped)


def test_oversized_file_is_skipped_without_reading(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:  # 50 MB, sparse: cheap to create
        fh.write(b"date 2022-01-01 x")
        fh.truncate(50 * 1024 * 1024)
    articles, skipped, _ = read(f)
    assert not articles and "over the 10.0 MB limit" in one_reason(skipped)


def test_oversized_jsonl_line(tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl"
    small = json.dumps({"id": "ok", "text": "Fine."})
    big = json.dumps({"id": "big", "text": "x" * 2000})
    f.write_text(small + "\n" + big + "\n", encoding="utf-8")
    articles, skipped, _ = read(f, max_bytes=1000)
    assert [a.id for a in articles] == ["ok"]
    assert skipped[0].source.endswith(":2") and "limit" in skipped[0].reason


def test_unicode_oddities_survive(tmp_path: Path) -> None:
    body = "Zero\u200bwidth, שלום עולם (RTL), emoji 🚀🇺🇦, e\u0301 combining. Done."
    f = tmp_path / "u.txt"
    f.write_text(f"date 2022-01-01 {body}", encoding="utf-8")
    [article], skipped, _ = read(f)
    assert article.text == body and not skipped


# ----- JSONL ------------------------------------------------------------------------


def test_jsonl_fields(tmp_path: Path) -> None:
    rows = [
        {"id": "a1", "text": "Body\r\none.", "title": "T", "date": "2022-06-12", "source": "cnn.com",
         "url": "https://x", "author": "A. Writer", "extra": [1, 2]},
        {"id": "a2", "text": "Body two.", "authors": ["Ramishah Maruf", "B"], "date": None},
        {"id": 17, "text": "Numeric id.", "date": "2022-06-12T08:30:00Z"},
    ]
    f = tmp_path / "c.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    articles, skipped, _ = read(f)
    assert not skipped
    a1, a2, a3 = articles
    assert a1 == Article("a1", "Body\none.", "T", "2022-06-12", "cnn.com", "https://x", "A. Writer")
    assert a2.author == "Ramishah Maruf, B" and a2.date is None
    assert a3.id == "17" and a3.date == "2022-06-12"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "x", "text": "unterminated', "malformed JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"text": "no id"}', "missing field 'id'"),
        ('{"id": "x"}', "missing field 'text'"),
        ('{"id": "x", "text": ""}', "'text' is empty"),
        ('{"id": ["x"], "text": "t"}', "'id' must be a string, got array"),
        ('{"id": true, "text": "t"}', "'id' must be a string, got boolean"),
        ('{"id": "x", "text": 5}', "'text' must be a string, got int"),
        ('{"id": "x", "text": "t", "title": {"a": 1}}', "'title' must be a string, got object"),
        ('{"id": "x", "text": "t", "date": "2022-02-30"}', "impossible date"),
        ('{"id": "x", "text": "t", "date": 20220101}', "'date' must be a string"),
        ('{"id": "x", "text": "t", "authors": [1]}', "'authors' must be a list of strings"),
    ],
)
def test_jsonl_bad_lines_reported_with_line_numbers(tmp_path: Path, line: str, reason: str) -> None:
    good = json.dumps({"id": "good", "text": "Fine."})
    f = tmp_path / "bad.jsonl"
    f.write_text(f"{good}\n{line}\n{good.replace('good', 'good2')}\n", encoding="utf-8")
    articles, skipped, _ = read(f)
    assert [a.id for a in articles] == ["good", "good2"]
    assert skipped[0].source == f"{f}:2"
    assert "line 2" in skipped[0].reason and reason in skipped[0].reason


def test_jsonl_truncated_last_line(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "x"}) + '\n{"id": "b", "te', encoding="utf-8")
    articles, skipped, _ = read(f)
    assert [a.id for a in articles] == ["a"]
    assert "truncated JSON line" in one_reason(skipped) and skipped[0].source.endswith(":2")


def test_jsonl_latin1_line(tmp_path: Path) -> None:
    f = tmp_path / "l.jsonl"
    f.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n')
    [article], _, warnings = read(f)
    assert article.text == "café" and warnings


# ----- discovery and ids ------------------------------------------------------------------


def test_collect_files_ids_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "x" / "deep").mkdir(parents=True)
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "deep" / "same.txt").write_text("date 2022-01-01 A.")
    (tmp_path / "y" / "same.txt").write_text("date 2022-01-01 B.")
    (tmp_path / "y" / "only.TXT").write_text("date 2022-01-01 C.")
    (tmp_path / "y" / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("date 2022-01-01 D.")
    sources, skipped = collect_files([tmp_path, tmp_path / "missing.txt"])
    ids = sorted(s.article_id for s in sources)
    assert ids == ["only", "x--deep--same", "y--same"]
    reasons = sorted(s.reason for s in skipped)
    assert any("no such file" in r for r in reasons)
    assert any("unsupported file type '.pdf'" in r for r in reasons)
