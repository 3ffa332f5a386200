"""A broken index says so (issue 19): one clear error naming the problem and the fix,
never a traceback, never a silent replacement by an empty index."""

from __future__ import annotations

import io
import random
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from bot.cli import main
from index.errors import IndexDamagedError, IndexNotFoundError
from index.local import LocalBackend

DB = "newsdesk.sqlite"


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def copy(tmp_path: Path, seed_index: Path) -> Path:
    target = tmp_path / "idx"
    shutil.copytree(seed_index, target)
    for side in ("-wal", "-shm"):  # a quiet, checkpointed copy: the file is the index
        (target / (DB + side)).unlink(missing_ok=True)
    return target


def test_zero_byte_database_is_refused_not_replaced(copy: Path) -> None:
    (copy / DB).write_bytes(b"")
    code, text = _run("index", "stats", "--index", str(copy))
    assert code == 1 and "empty (0 bytes)" in text and "newsdesk index add" in text
    with pytest.raises(IndexDamagedError):
        LocalBackend.open(copy, create=True)
    assert (copy / DB).stat().st_size == 0  # not silently replaced


def test_not_a_database(copy: Path) -> None:
    (copy / DB).write_bytes(b"hello, this is not an index" * 10)
    code, text = _run("search", "Lavrov", "--index", str(copy))
    assert code == 1 and "not a SQLite database" in text and "Traceback" not in text


def test_truncated_database(copy: Path) -> None:
    data = (copy / DB).read_bytes()
    (copy / DB).write_bytes(data[: len(data) // 2])
    code, text = _run("index", "stats", "--index", str(copy))
    assert code == 1 and "truncated" in text and "Restore" in text


def test_index_option_naming_a_file(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    code, text = _run("index", "add", str(tmp_path), "--index", str(target))
    assert code == 1 and "is a file, not an index directory" in text
    code, text = _run("index", "stats", "--index", str(target))
    assert code == 1 and "is a file" in text


def test_missing_index_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError) as err:
        LocalBackend.open(tmp_path / "nothing")
    assert "newsdesk index add" in (err.value.hint or "")


def _damage(path: Path, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    page = 4096
    if rng.random() < 0.5:
        cut = rng.randrange(1, len(data))
        path.write_bytes(bytes(data[:cut]))
        return f"truncated at {cut}"
    pages = len(data) // page
    for _ in range(rng.randint(1, 3)):
        n = rng.randrange(1, pages) if pages > 1 else 0
        data[n * page:(n + 1) * page] = rng.randbytes(page)
    path.write_bytes(bytes(data))
    return "garbage pages"


@pytest.mark.parametrize("seed", range(6))
def test_fuzz_damaged_files_give_a_clear_message(copy: Path, seed: int) -> None:
    """Random truncations and garbage pages: every command ends with a message, exit
    code 0 or 1, and no traceback."""
    how = _damage(copy / DB, random.Random(seed))
    for argv in (("index", "stats"), ("search", "Lavrov China"), ("quotes", "Wang Wenbin"),
                 ("ask", "What did Wang Wenbin say?")):
        code, text = _run(*argv, "--index", str(copy))
        assert code in (0, 1), (how, argv, text)
        assert "Traceback" not in text, (how, argv, text)
        if code == 1:
            assert text.startswith("error:") or "\nerror:" in text, (how, argv, text)
