"""The benchmark harness: statistics, synthetic data, reports, and skipping absent data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import answer_ceiling
from benchmarks.__main__ import main
from benchmarks.common import Config, Section, Table, fmt_spread, percentiles, spread
from benchmarks.report import markdown, write
from benchmarks.runner import run
from benchmarks.scale import measure_size, synthetic


def test_spread_and_percentiles() -> None:
    s = spread([3.0, 1.0, 2.0])
    assert (s["median"], s["min"], s["max"], s["n"]) == (2.0, 1.0, 3.0, 3)
    assert fmt_spread(s) == "2.0 (1.0–3.0)"
    assert fmt_spread(spread([5.0])) == "5.0"
    p = percentiles([0.001] * 99 + [0.1])
    assert p["p50"] == pytest.approx(1.0) and p["p99"] > 1.0 and p["n"] == 100


def test_synthetic_vectors_stay_near_their_source() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(50, 64)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    x = synthetic(base, 1000)
    assert x.shape == (1000, 64) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)
    assert np.median((x @ base.T).max(axis=1)) > 0.95


def test_measure_size_reports_recall_and_memory(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(20, 32))
    base = centres[rng.integers(0, 20, 400)] + rng.normal(scale=0.3, size=(400, 32))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    np.save(tmp_path / "base.npy", base.astype(np.float32))
    np.save(tmp_path / "q.npy", base[:20].astype(np.float32))
    out = measure_size(
        {
            "base": str(tmp_path / "base.npy"),
            "queries": str(tmp_path / "q.npy"),
            "n": 3000,
            "kinds": ["flat", "ivf"],
            "exact_queries": 10,
            "filters": [0.1],
            "filter_queries": 5,
            "scratch": str(tmp_path),
        }
    )
    flat, ivf = out["kinds"]["flat"], out["kinds"]["ivf"]
    assert flat["recall_at_10"] == 1.0 and flat["kind"] == "flat"
    assert ivf["kind"].startswith("ivf") and ivf["recall_at_10"] > 0.8
    assert flat["latency_ms"]["p95"]["n"] == 3 and ivf["latency_ms"]["p50"]["median"] > 0
    assert "filter_0.1_latency_ms" in ivf and flat["file_bytes_beyond_vectors_per_passage"] > 0


def test_report_files(tmp_path: Path) -> None:
    sec = Section("x", "Example", tables=[Table("t", ["a", "b"], [["1", "2"]])], notes=["n"])
    sec.data["targets"] = {"ratio": {"value": 0.9, "target": 0.85, "met": True}}
    skipped = Section("y", "Other", skipped="needs data")
    meta = {
        "started": "2026-01-01 00:00 UTC",
        "quick": True,
        "repeats": 3,
        "seconds": 60.0,
        "command": "python -m benchmarks run --quick",
        "load_avg_end": 1.0,
        "machine": {
            "cpu_model": "cpu",
            "logical_cores": 2,
            "memory_gb": 8,
            "load_avg_1m": 0.5,
            "versions": {"faiss-cpu": "1"},
        },
    }
    text = markdown(meta, [sec, skipped])
    assert "| a | b |" in text and "Skipped: needs data" in text and "| 0.9 | met |" in text
    md, js = write(tmp_path, "2026-01-01", meta, [sec, skipped])
    assert md.read_text() == text
    assert json.loads(js.read_text())["sections"]["y"]["skipped"] == "needs data"


def test_absent_data_skips_every_section_with_a_message(tmp_path: Path) -> None:
    cfg = Config(quick=True, data=tmp_path / "nowhere")
    assert run(cfg, "python -m benchmarks run --quick", tmp_path / "results") == 0
    (json_file,) = (tmp_path / "results").glob("*.json")
    sections = json.loads(json_file.read_text())["sections"]
    assert set(sections) == {"indexing", "queries", "scale", "coldstart"}
    assert all("absent" in s["skipped"] for s in sections.values())


def test_cli_rejects_unknown_sections() -> None:
    with pytest.raises(SystemExit):
        main(["run", "--only", "bogus"])


def test_serve_ingest_upload_and_verdict(tmp_path: Path) -> None:
    from benchmarks.serve_ingest import tables, write_upload

    size = write_upload(tmp_path / "up.jsonl", 1000)
    lines = (tmp_path / "up.jsonl").read_text().splitlines()
    assert len(lines) == 1000 and 35 < size / 1000 < 55  # the issue's ~44 bytes an article
    assert len({json.loads(line)["id"] for line in lines}) == 1000

    def phase(p95: float) -> dict[str, dict[str, float]]:
        return {"all": {"n": 10, "p50": p95 / 2, "p95": p95, "p99": p95}}

    res = {"phases": {"idle, before the upload": phase(100.0),
                      "during the upload": phase(250.0),
                      "idle, after the upload": phase(150.0)},
           "rss_base_mib": 500.0, "rss_peak_ingest_mib": 900.0, "rss_end_mib": 700.0,
           "articles": 10, "upload_bytes": 440, "chunks": 1, "added": 10, "skipped": 0,
           "passages_embedded": 10, "ingest_s": 2.0, "gate_waited_s": 0.5,
           "passages_after": 20}
    found, notes = tables(res, None)
    assert "2.50x against idle before" in notes[0]
    assert "NOT met against the smaller idle p95, met against the larger" in notes[0]
    assert found[1].rows[6] == ["peak RSS during the upload", "900 MiB (+400)"]


def test_typing_cost_compares_two_trees(tmp_path: Path) -> None:
    from benchmarks.typing_cost import corpus_sentences, load_other, measure

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps({"text": t}) for t in (
        "Sirens sounded across San Francisco and the Bay Area. Nobody was hurt.",
        "Harbour Bank was fined $30 million on Monday.")) + "\n", encoding="utf-8")
    sentences = corpus_sentences(corpus, 10)
    assert len(sentences) == 3
    same = load_other(Path(__file__).parents[2] / "retrieval" / "entities.py")
    cost = measure(sentences, same._names, rounds=2)
    assert (cost.sentences, cost.differ) == (3, 0)
    assert len(cost.this_us) == len(cost.other_us) == 2
    assert measure(sentences, lambda s: [], rounds=1).differ == 2  # "Nobody" is no name


def test_answer_ceiling_sorts_misses_by_where_the_gold_is(
        tmp_path: Path, seed_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "realtimeqa"
    data.mkdir()
    corpus = (Path(__file__).resolve().parents[2] / "sample_corpus" / "port_alder.jsonl")
    (data / "corpus.jsonl").write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    questions = [
        # answered: the council's vote is in the ferry article
        {"id": "q-answered", "date": "2022-01-20", "answer": ["7-2"],
         "question": "By what margin did the Port Alder council approve the electric ferry plan?"},
        # a gold answer that no article holds
        {"id": "q-nowhere", "date": "2022-01-20", "answer": ["hydrogen ferry"],
         "question": "Which kind of ferry did Port Alder reject?"},
        # the gold answer is only in an article dated after the question
        {"id": "q-later", "date": "2022-01-20", "answer": ["cannery"],
         "question": "Which old building will hold Port Alder's library?"},
    ]
    (data / "questions_with_gold_doc.dev.jsonl").write_text(
        "".join(json.dumps(q) + "\n" for q in questions), encoding="utf-8")
    assert answer_ceiling.main([str(data), "--index", str(seed_index)]) == 0
    out = capsys.readouterr().out
    assert f"| {answer_ceiling.CATEGORIES[0]} | 1 | 1 |" in out
    assert f"| {answer_ceiling.CATEGORIES[1]} | 2 | 0 |" in out
    assert "ceiling for this ranking (answered + within reach): 1/3 = 0.333" in out
    assert f"{answer_ceiling.CATEGORIES[1]}: q-nowhere q-later" in out
