"""Read-only commands on an index another user owns (run as `nobody` through setpriv)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.local import LocalBackend

FIXTURE = Path(__file__).parent / "fixtures" / "v1"
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to act as another user",
)


def _as_nobody(*argv: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         sys.executable, "-c", code, *argv],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "HOME": "/tmp"},
    )


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A directory every user may enter (pytest's own tmp dirs are 0700)."""
    path = Path(tempfile.mkdtemp(prefix="newsdesk-foreign-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _foreign(tmp_path: Path, migrate: bool, mode: int = 0o644) -> Path:
    index_dir = tmp_path / "foreign"
    shutil.copytree(FIXTURE, index_dir)
    if migrate:
        LocalBackend.open(index_dir).close()
    index_dir.chmod(0o755)
    for f in index_dir.iterdir():
        f.chmod(mode)
    return index_dir


def test_read_only_commands_work_on_a_foreign_index(shared_tmp: Path) -> None:
    index_dir = _foreign(shared_tmp, migrate=True)
    stats = _as_nobody("index", "stats", "--index", str(index_dir))
    assert stats.returncode == 0, stats.stderr
    assert "articles:   2" in stats.stdout
    quotes = _as_nobody("quotes", "Wang Wenbin", "--index", str(index_dir))
    assert quotes.returncode == 0 and "We want peace" in quotes.stdout, quotes.stderr


def test_old_foreign_index_names_the_migrate_command(shared_tmp: Path) -> None:
    index_dir = _foreign(shared_tmp, migrate=False)
    result = _as_nobody("index", "stats", "--index", str(index_dir))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "newsdesk index migrate" in result.stderr


def test_unreadable_path_says_permission_denied(tmp_path: Path) -> None:
    """pytest's tmp dir is 0700: another user cannot even look inside."""
    result = _as_nobody("index", "stats", "--index", str(tmp_path / "idx"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "permission denied" in result.stderr


def test_private_foreign_index_says_permission_denied(shared_tmp: Path) -> None:
    index_dir = _foreign(shared_tmp, migrate=True, mode=0o600)
    result = _as_nobody("index", "stats", "--index", str(index_dir))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "permission denied" in result.stderr
