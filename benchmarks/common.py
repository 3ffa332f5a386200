"""Shared helpers: run configuration, statistics, machine info, memory sampling, children."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATA = ROOT.parent / "shared" / "eval"
# Scratch space for built indexes and temp arrays: outside the repo, reused between runs.
SCRATCH = Path(os.environ.get("NEWSDESK_BENCH_SCRATCH", "/tmp/newsdesk-bench"))


@dataclass
class Config:
    """What one `python -m benchmarks run` does."""

    quick: bool
    data: Path
    index_dir: Path | None = None  # a prebuilt realtimeqa index to reuse
    sections: tuple[str, ...] = ("indexing", "queries", "scale", "coldstart")
    repeats: int = 3
    articles: int | None = None  # indexing subset size (default: 60 with --quick, else all)
    # Filled in while running: the realtimeqa index every query-side section shares.
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """One part of the report: tables for people, ``data`` for the JSON file."""

    name: str
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None
    seconds: float = 0.0


# ----- statistics ----------------------------------------------------------------------


def quiz_questions(data_dir: Path | str) -> list[str]:
    """The text of every RealTime QA quiz question (``evidence_questions.dev.jsonl``:
    1,807, the 123 dev ones among them), in file order."""
    path = Path(data_dir) / "realtimeqa" / "evidence_questions.dev.jsonl"
    with path.open() as fh:
        return [json.loads(line)["question"] for line in fh]


def time_round_robin(systems: dict[str, Callable[[str], object]], questions: Sequence[str],
                     warmup: int = 5) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(wall ms, process CPU ms) per system and question, side by side: each question runs
    every system, starting from a different one each time, so drifts in machine load fall
    on all systems alike. The first ``warmup`` questions run once untimed."""
    for fn in systems.values():
        for q in questions[:warmup]:
            fn(q)
    names = list(systems)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for i, q in enumerate(questions):
        shift = i % len(names)
        for n in names[shift:] + names[:shift]:
            t, c = time.perf_counter(), time.process_time()
            systems[n](q)
            wall[n].append((time.perf_counter() - t) * 1000)
            cpu[n].append((time.process_time() - c) * 1000)
    return wall, cpu


def spread(values: list[float] | np.ndarray) -> dict[str, float]:
    """Median with min and max: the form every repeated figure is reported in."""
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "n": 0}
    return {
        "median": float(np.median(a)),
        "min": float(a.min()),
        "max": float(a.max()),
        "n": int(a.size),
    }


def percentiles(samples_s: list[float] | np.ndarray) -> dict[str, float]:
    """p50/p95/p99/mean of latencies in seconds, returned in milliseconds."""
    ms = np.asarray(samples_s, dtype=float) * 1000.0
    return {
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "mean": float(ms.mean()),
        "n": int(ms.size),
    }


def fmt(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def fmt_spread(s: dict[str, float], digits: int = 1) -> str:
    """``12.3 (11.9-13.0)``; a single run shows just the value."""
    if s.get("n", 0) <= 1:
        return fmt(s.get("median"), digits)
    return f"{fmt(s['median'], digits)} ({fmt(s['min'], digits)}–{fmt(s['max'], digits)})"


def ratio(a: float, b: float) -> str:
    return "n/a" if not b or np.isnan(a) or np.isnan(b) else f"{a / b:.2f}x"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


# ----- machine & memory ----------------------------------------------------------------


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def machine_info() -> dict[str, Any]:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import faiss

    return {
        "cpu_model": model,
        "faiss_compile_options": faiss.get_compile_options().strip(),
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {
            d: _version(d)
            for d in ("faiss-cpu", "torch", "sentence-transformers", "numpy", "bm25s")
        },
    }


def index_disk_bytes(index_dir: Path) -> dict[str, int]:
    """Bytes per part of a local index directory (SQLite with its WAL, FAISS, tantivy
    passages and titles)."""
    def size(p: Path) -> int:
        if p.is_dir():
            return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
        return p.stat().st_size if p.exists() else 0

    sqlite_b = sum(size(index_dir / n) for n in
                   ("newsdesk.sqlite", "newsdesk.sqlite-wal", "newsdesk.sqlite-shm"))
    faiss_b = size(index_dir / "vectors.faiss") + size(index_dir / "vectors.json")
    lexical_b = size(index_dir / "lexical")
    titles_b = size(index_dir / "titles")
    return {"sqlite": sqlite_b, "faiss": faiss_b, "lexical": lexical_b, "titles": titles_b,
            "total": sqlite_b + faiss_b + lexical_b + titles_b}


def rss_bytes() -> int:
    return int(psutil.Process().memory_info().rss)


def trim_memory() -> None:
    """Collect garbage and hand freed heap back to the OS so RSS deltas mean something."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class PeakRSS:
    """Samples this process's RSS in a thread (every 20 ms) while the block runs."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, proc.memory_info().rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self.peak = rss_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


# ----- child processes -----------------------------------------------------------------


def run_child(task: str, args: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run ``benchmarks.child`` ``task`` in a fresh interpreter; its last stdout line is JSON.

    Fresh processes isolate memory figures and cold-start costs from this one. Arguments
    go through a file: a list of 2,000 paths is over Linux's 128 KB limit for one argv item.
    """
    SCRATCH.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".json", prefix="args-", dir=SCRATCH, delete=False
    ) as f:
        json.dump(args, f)
    try:
        proc = subprocess.run(
            child_command(task, f.name),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=child_env(),
        )
    finally:
        Path(f.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        raise RuntimeError(f"child {task} failed ({proc.returncode}):\n" + "\n".join(tail))
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def child_command(task: str, args_file: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.child", task, args_file]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DISCORD_TOKEN", None)  # never connect anywhere from a benchmark
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


class Stopwatch:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.t0
