"""Ray ingestion on a local `ray.init(num_cpus=2)`: the sample corpus indexed through Ray
Data and an embedding actor into each backend equals a plain run; a second run embeds
nothing; without --ray nothing imports ray."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index.backend import open_backend
from tests.conftest import BACKENDS, SAMPLE_CORPUS
from tests.index.test_transfer import contents

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    from index.ray_ingest import start_local_cluster

    start_local_cluster(num_cpus=2)
    try:
        yield ray
    finally:
        ray.shutdown()


# Parametrized here, not through the session-scoped seed_location: pytest regroups
# session parameters across modules, which tore this module's cluster down and started
# it three times in one run (and a busy CI machine timed out on the second start).
@pytest.mark.parametrize("kind", BACKENDS)
def test_ray_run_equals_a_plain_run(ray_cluster: Any, tmp_path: Path, kind: str,
                                    request: pytest.FixtureRequest) -> None:
    from index.ray_ingest import ray_add

    plain_location = str(request.getfixturevalue("seed_milvus" if kind == "milvus"
                                                 else "seed_index"))
    target = str(tmp_path / ("ray.db" if kind == "milvus" else "ray_index"))
    backend = open_backend(target, kind=kind, create=True)
    plain = open_backend(plain_location, kind=kind)
    try:
        first = ray_add(backend, [SAMPLE_CORPUS], address="auto")
        assert first.added == 6 and not first.skipped and first.passages_embedded > 0
        assert contents(backend) == contents(plain)
        again = ray_add(backend, [SAMPLE_CORPUS], address="auto")
        assert (again.added, again.updated, again.unchanged, again.passages_embedded) == \
            (0, 0, 6, 0)
    finally:
        backend.close()
        plain.close()


def test_ray_run_reports_bad_input_and_keeps_the_rest(ray_cluster: Any, tmp_path: Path) -> None:
    from index.ray_ingest import ray_add

    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    (corpus / "broken.jsonl").write_text('{"id": "x", "text": "Fine text here."}\nnot json\n')
    backend = open_backend(tmp_path / "idx", create=True)
    try:
        summary = ray_add(backend, [corpus, tmp_path / "missing"], address="auto")
    finally:
        backend.close()
    assert summary.added == 7
    reasons = " ".join(f"{s.source} {s.reason}" for s in summary.skipped)
    assert "broken.jsonl:2" in reasons and "missing" in reasons


def test_plain_commands_never_import_ray() -> None:
    code = ("import sys, bot.cli, index.ingest, retrieval.engine, index.milvus, index.transfer;"
            "from bot.cli import build_parser; build_parser();"
            "assert 'ray' not in sys.modules, 'ray imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_local_start_that_times_out_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ray's raylet wait is a fixed 30 s; a slow start is shut down and tried again, and
    any other failure is raised at once (plumbing only: the real start is the fixture's)."""
    ray = pytest.importorskip("ray")
    from index import ray_ingest

    calls: list[str] = []

    def init(**options: Any) -> None:
        calls.append("init")
        if calls.count("init") == 1:
            raise Exception("The current node timed out during startup.")

    monkeypatch.setattr(ray, "init", init)
    monkeypatch.setattr(ray, "shutdown", lambda: calls.append("shutdown"))
    ray_ingest.start_local_cluster(num_cpus=1)
    assert calls == ["init", "shutdown", "init"]

    def refuse(**options: Any) -> None:
        calls.append("refused")
        raise ValueError("num_cpus must be positive")

    calls.clear()
    monkeypatch.setattr(ray, "init", refuse)
    with pytest.raises(ValueError, match="num_cpus"):
        ray_ingest.start_local_cluster(num_cpus=-1)
    assert calls == ["refused"]
