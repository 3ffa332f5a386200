"""Corpus files -> `Article`s, or `Skipped` records saying why not.

Two formats:
- seed-format ``.txt``: the first non-blank line starts with ``date YYYY-MM-DD``;
  the body may follow on that line. With nothing after the date, a short next line
  followed by a blank line is the title. ``Article.text`` is the body only.
- ``.jsonl``: one object a line with ``id``, ``text`` and optional ``title``, ``date``,
  ``source``, ``url``, ``author`` (or an ``authors`` list). Unknown keys are ignored.

Bad input never raises: each problem becomes a `Skipped` (or a warning for a
recoverable one, such as a latin-1 file) and the caller carries on.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.config import MAX_FILE_BYTES
from index.ids import MAX_ID_CHARS, checked_id, id_from_file_name
from index.models import Article, Skipped

SUPPORTED = (".txt", ".jsonl")
MAX_TITLE_CHARS = 200
# One article's text: larger ones are refused (split them). Quote extraction and passage
# splitting are linear, but one 10 MB article would still hold an upload for minutes.
MAX_ARTICLE_CHARS = 2_000_000
__all__ = ["MAX_ARTICLE_CHARS", "MAX_ID_CHARS", "SUPPORTED", "collect_files", "read_file"]

_DATE_LINE = re.compile(r"date[^\S\n]+(\S+)[^\S\n]*", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?")


@dataclass
class FileResult:
    """What one file yielded."""

    articles: list[tuple[str, Article]] = field(default_factory=list)  # (where, article)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    article_id: str  # used by .txt files; JSONL lines carry their own ids


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    # Invalid UTF-8 bytes are read as latin-1, keeping the valid UTF-8 around them
    # (handles latin-1 files and files mixing both encodings).
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("newsdesk-latin1", _latin1_fallback)


def collect_files(paths: Iterable[str | Path]) -> tuple[list[SourceFile], list[Skipped]]:
    """Expand folders recursively; give each .txt file its article id.

    The id is the file name without extension, or its path relative to the given
    folder joined with ``--`` when two files of the run share a name (ids never hold a
    ``/``: see index/ids.py).
    """
    found: list[tuple[Path, Path]] = []  # (file, base folder for relative ids)
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue  # hidden files and folders (.git, .DS_Store)
                if f.is_file():
                    found.append((f, path))
        elif path.is_file():
            found.append((path, path.parent))
        else:
            skipped.append(Skipped(str(path), "no such file or directory"))
    sources: list[SourceFile] = []
    stems: dict[str, int] = {}
    for f, _ in found:
        if f.suffix.lower() == ".txt":
            stems[f.stem] = stems.get(f.stem, 0) + 1
    for f, base in found:
        suffix = f.suffix.lower()
        if suffix not in SUPPORTED:
            skipped.append(
                Skipped(str(f), f"unsupported file type {suffix or '(none)'!r}: expected .txt or .jsonl")
            )
            continue
        article_id = id_from_file_name(f.stem)
        if suffix == ".txt" and stems[f.stem] > 1:
            article_id = "--".join(id_from_file_name(p) for p in f.relative_to(base).with_suffix("").parts)
        sources.append(SourceFile(f, article_id))
    return sources, skipped


def read_file(source: SourceFile, max_bytes: int = MAX_FILE_BYTES) -> FileResult:
    """Read one supported file; never raises for bad content.

    ``max_bytes`` limits a .txt file, and each JSONL line (a JSONL file is a
    container of articles, so it may be larger).
    """
    result = FileResult()
    if source.path.suffix.lower() == ".jsonl":
        _read_jsonl(source.path, max_bytes, result)
        return result
    text = _decode(source.path, max_bytes, result)
    if text is not None:
        article = _read_seed(str(source.path), source.article_id, text, result)
        if article:
            result.articles.append((str(source.path), article))
    return result


def _decode(path: Path, max_bytes: int, result: FileResult) -> str | None:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            result.skipped.append(
                Skipped(name, f"file is {_mb(size)}, over the {_mb(max_bytes)} limit")
            )
            return None
        data = path.read_bytes()
    except OSError as err:
        result.skipped.append(Skipped(name, f"cannot read file: {err.strerror or err}"))
        return None
    if not _check_head(name, data, result):
        return None
    return _to_text(name, data.removeprefix(codecs.BOM_UTF8), result)


def _check_head(name: str, head: bytes, result: FileResult) -> bool:
    """False (with a reason recorded) for UTF-16, empty or binary content."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        result.skipped.append(Skipped(name, "UTF-16 file: save it as UTF-8"))
        return False
    if not head.removeprefix(codecs.BOM_UTF8).strip():
        result.skipped.append(Skipped(name, "empty file"))
        return False
    if _looks_binary(head):
        result.skipped.append(Skipped(name, "binary file, not text"))
        return False
    return True


def _to_text(name: str, data: bytes, result: FileResult) -> str:
    """UTF-8, with invalid bytes read as latin-1 (warned once per file); \n line ends."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="newsdesk-latin1")
        warning = f"{name}: not valid UTF-8; undecodable bytes were read as latin-1"
        if warning not in result.warnings:
            result.warnings.append(warning)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control > len(head) * 0.05


def _too_long(chars: int) -> str:
    return (
        f"article text is {chars:,} characters, over the {MAX_ARTICLE_CHARS:,}-character "
        "limit per article (split it into several articles)"
    )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def parse_date(value: str) -> str:
    """``YYYY-MM-DD`` (a trailing time is dropped); ValueError if malformed or impossible."""
    m = _ISO_DATE.fullmatch(value.strip())
    if not m:
        raise ValueError(f"unparsable date {value!r}: expected YYYY-MM-DD")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError as err:
        raise ValueError(f"impossible date {value!r} ({err})") from None


def _read_seed(name: str, article_id: str, text: str, result: FileResult) -> Article | None:
    # First non-blank line: "date YYYY-MM-DD", the body possibly following on it.
    first = len(text) - len(text.lstrip())
    line_end = text.find("\n", first)
    line_end = len(text) if line_end < 0 else line_end
    m = _DATE_LINE.match(text, first, line_end)
    if not m:
        line = text[first:line_end][:60]
        result.skipped.append(
            Skipped(name, f"first line is not 'date YYYY-MM-DD': {line!r}")
        )
        return None
    try:
        date = parse_date(m[1])
    except ValueError as err:
        result.skipped.append(Skipped(name, str(err)))
        return None
    title = None
    body = m.end()
    if body >= line_end:  # nothing after the date: maybe a title line
        title, body = _title(text, line_end)
    while body < len(text) and text[body].isspace():
        body += 1
    if body >= len(text):
        result.skipped.append(Skipped(name, "no article text after the date line"))
        return None
    try:
        article_id = checked_id(article_id)
    except ValueError as err:
        result.skipped.append(Skipped(name, f"bad article id from the file name: {err}"))
        return None
    if len(text) - body > MAX_ARTICLE_CHARS:
        result.skipped.append(Skipped(name, _too_long(len(text) - body)))
        return None
    return Article(id=article_id, text=text[body:], title=title, date=date)


def _title(text: str, pos: int) -> tuple[str | None, int]:
    """(title, body start) after the date line ending at ``pos``."""
    lines = text[pos:].split("\n", 3)  # "", candidate, blank?, rest
    if len(lines) >= 3:
        candidate = lines[1].strip()
        if candidate and len(candidate) <= MAX_TITLE_CHARS and not lines[2].strip():
            return candidate, pos + 1 + len(lines[1]) + 1 + len(lines[2])
    return None, pos


_OPTIONAL = ("title", "source", "url", "author")


def _read_jsonl(path: Path, max_bytes: int, result: FileResult) -> None:
    """Line by line, so a large JSONL file never sits in memory twice."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            if not _check_head(name, f.read(8192), result):
                return
            f.seek(0)
            for number, raw in enumerate(f, start=1):
                where = f"{name}:{number}"
                if number == 1:
                    raw = raw.removeprefix(codecs.BOM_UTF8)
                if len(raw) > max_bytes:
                    result.skipped.append(
                        Skipped(where, f"line {number}: {_mb(len(raw))}, over the {_mb(max_bytes)} limit")
                    )
                    continue
                if not raw.strip():
                    continue
                line = _to_text(name, raw, result)
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    truncated = not raw.endswith(b"\n")  # only the last line lacks one
                    what = "truncated JSON line" if truncated else "malformed JSON"
                    result.skipped.append(Skipped(where, f"line {number}: {what} ({err.msg})"))
                    continue
                try:
                    result.articles.append((where, _article_from_json(obj)))
                except ValueError as err:
                    result.skipped.append(Skipped(where, f"line {number}: {err}"))
    except OSError as err:
        result.skipped.append(Skipped(name, f"cannot read file: {err.strerror or err}"))
        return
    if not result.articles and not result.skipped:
        result.skipped.append(Skipped(name, "empty file: no JSON lines"))


def _article_from_json(obj: Any) -> Article:
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {_type(obj)}")
    raw_id = obj.get("id")
    if raw_id is None:
        raise ValueError("missing field 'id'")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise ValueError(f"field 'id' must be a string, got {_type(raw_id)}")
    try:
        article_id = checked_id(str(raw_id))
    except ValueError as err:
        raise ValueError(f"field 'id' refused: {err}") from None
    text = obj.get("text")
    if text is None:
        raise ValueError(f"article {article_id!r}: missing field 'text'")
    if not isinstance(text, str):
        raise ValueError(f"article {article_id!r}: field 'text' must be a string, got {_type(text)}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValueError(f"article {article_id!r}: field 'text' is empty")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(f"article {article_id!r}: {_too_long(len(text))}")
    fields: dict[str, str | None] = {}
    for key in _OPTIONAL:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"article {article_id!r}: field {key!r} must be a string, got {_type(value)}")
        fields[key] = value.strip() or None if isinstance(value, str) else None
    if fields["author"] is None and obj.get("authors") is not None:
        fields["author"] = _authors(article_id, obj["authors"])
    date = obj.get("date")
    if date is not None:
        if not isinstance(date, str):
            raise ValueError(f"article {article_id!r}: field 'date' must be a string, got {_type(date)}")
        date = parse_date(date) if date.strip() else None
    return Article(id=article_id, text=text, date=date, **fields)


def _authors(article_id: str, value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    raise ValueError(f"article {article_id!r}: field 'authors' must be a list of strings")


def _type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def iter_articles(paths: Iterable[str | Path]) -> Iterator[tuple[SourceFile | None, FileResult]]:
    """Every file's result in order; unusable paths come first with ``source=None``."""
    sources, skipped = collect_files(paths)
    if skipped:
        yield None, FileResult(skipped=skipped)
    for source in sources:
        yield source, read_file(source)
