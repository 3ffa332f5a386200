"""`newsdesk index copy`: local -> Milvus -> local keeps every article, passage, quote and
vector, embeds nothing, and a second copy finds everything unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.cli import main
from index.backend import Backend, open_backend
from index.ingest import text_hash


def contents(backend: Backend) -> dict[str, Any]:
    out: dict[str, Any] = {}
    versions = backend.stored_versions()
    for aid, version in versions.items():
        passages = backend.passages_for(aid)
        out[aid] = (version, backend.get_article(aid),
                    [(p.ordinal, p.start, p.end, p.text, p.paragraph_start, p.paragraph_end)
                     for p in passages],
                    [(q.speaker, q.speaker_key, q.start, q.end, q.text, q.cue, q.direct)
                     for q in backend.quotes_for(aid)])
    out["_model"] = backend.model()
    out["_rules"] = backend.quote_rules()
    return out


def vectors(backend: Backend) -> dict[str, np.ndarray]:
    hashes = {text_hash(p.text): p.id for aid in backend.stored_versions()
              for p in backend.passages_for(aid)}
    if hasattr(backend, "stored_vectors"):
        return dict(backend.stored_vectors(set(hashes)))
    ids, vecs = backend.passage_vectors(list(hashes.values()))
    by_id = dict(zip(ids.tolist(), vecs, strict=True))
    return {h: by_id[i] for h, i in hashes.items()}


def test_copy_to_milvus_and_back(seed_index: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    uri = str(tmp_path / "copy.db")
    assert main(["index", "copy", "--index", str(seed_index), "--to", uri, "--no-progress"]) == 0
    assert "no re-embedding" in capsys.readouterr().out
    back = tmp_path / "back"
    assert main(["index", "copy", "--from-milvus", uri, "--to", str(back), "--no-progress"]) == 0
    local, milvus, again = (open_backend(seed_index, read_only=True),
                            open_backend(uri, kind="milvus"), open_backend(back))
    try:
        expected = contents(local)
        assert len(expected) > 3
        assert contents(milvus) == expected
        assert contents(again) == expected
        want = vectors(local)
        for other in (milvus, again):
            got = vectors(other)
            assert set(got) == set(want)
            assert all(np.allclose(got[h], want[h], atol=1e-6) for h in want)
    finally:
        for b in (local, milvus, again):
            b.close()
    # Run again: nothing to do.
    assert main(["index", "copy", "--index", str(seed_index), "--to", uri, "--no-progress"]) == 0
    assert "Copied 0 article(s)" in capsys.readouterr().out


def test_copy_of_a_missing_index_is_a_clear_error(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["index", "copy", "--index", str(tmp_path / "none"), "--to",
                 str(tmp_path / "x.db"), "--no-progress"])
    assert code != 0
    assert "No index" in capsys.readouterr().err
