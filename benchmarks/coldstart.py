"""Cold start: seconds from process start to the first answer, on the realtimeqa index.

Three ways in: the Python API (a fresh interpreter loads the model, opens the Engine and
answers one question, then prints READY), `newsdesk ask`, and the terminal session of
`newsdesk serve --terminal` fed one question on stdin. The baseline, measured
interleaved in the same run, is the floor any such process pays: start Python, import
sentence-transformers, load the model and encode one query.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    ROOT,
    SCRATCH,
    Config,
    Section,
    Table,
    child_command,
    child_env,
    fmt_spread,
    ratio,
    spread,
)

QUESTION = "What did the Federal Reserve decide about interest rates?"


def _child_once(task: str, index_dir: Path) -> dict[str, Any]:
    """Seconds from spawning ``benchmarks.child task`` to its READY line, plus its own timings."""
    args = SCRATCH / "coldstart-args.json"
    args.write_text(json.dumps({"index_dir": str(index_dir), "question": QUESTION}))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        child_command(task, str(args)),
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    ready = None
    lines = []
    for line in proc.stdout:
        if line.strip() == "READY" and ready is None:
            ready = time.perf_counter() - t0
        lines.append(line)
    err = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0 or ready is None:
        raise RuntimeError(f"cold-start child failed: {err.strip()[-500:]}")
    return {"ready_s": ready, **json.loads(lines[-1])}


def _cli_once(argv: list[str], index_dir: Path, stdin: str | None = None) -> float:
    env = child_env()
    env["NEWSDESK_INDEX"] = str(index_dir)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, timeout=300)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:3])} exited {proc.returncode}: {proc.stderr.strip()[-300:]}"
        )
    if not proc.stdout.strip():
        raise RuntimeError(f"{' '.join(argv[:3])} printed nothing")
    return seconds


def _has_command(exe: Path, name: str) -> bool:
    try:
        out = subprocess.run(
            [str(exe), "--help"], capture_output=True, text=True, timeout=60, env=child_env()
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return name in out.stdout


def run(cfg: Config, index_dir: Path, origin: str) -> Section:
    sec = Section("coldstart", "Cold start (process start to first answer)")
    try:
        import retrieval.engine  # noqa: F401
    except ImportError as err:
        sec.skipped = f"retrieval.engine.Engine is not importable ({err})"
        return sec
    repeats = max(2, cfg.repeats)
    engine_runs, floor_runs = [], []
    for r in range(repeats):  # interleaved so drift hits both alike
        print(f"  cold start: Engine and model floor {r + 1}/{repeats}", flush=True)
        engine_runs.append(_child_once("coldstart", index_dir))
        floor_runs.append(_child_once("coldfloor", index_dir))
    floor = spread([x["ready_s"] for x in floor_runs])
    rows = [
        [
            "floor: python + sentence-transformers + model load + 1 encode",
            fmt_spread(floor, 2),
            "1.00x",
        ]
    ]
    for label, key in (
        ("Python API: start to first answer", "ready_s"),
        ("· imports (index.embedder, retrieval.engine)", "import_s"),
        ("· model load (load_embedder)", "model_s"),
        ("· Engine.open (SQLite, FAISS file)", "open_s"),
        ("· first answer", "first_answer_s"),
    ):
        st = spread([x[key] for x in engine_runs])
        rows.append(
            [
                label,
                fmt_spread(st, 2),
                ratio(st["median"], floor["median"]) if key == "ready_s" else "",
            ]
        )
    data: dict[str, Any] = {
        "engine": engine_runs,
        "floor": floor_runs,
        "question": QUESTION,
        "index": origin,
    }

    exe = ROOT / ".venv" / "bin" / "newsdesk"
    cli_cases = [
        (
            "`newsdesk ask` one question, wall",
            "ask",
            [str(exe), "ask", "--index", str(index_dir), QUESTION],
            None,
        ),
        (
            "`newsdesk serve --terminal`, one question on stdin, to exit",
            "serve",
            [str(exe), "serve", "--terminal", "--index", str(index_dir)],
            QUESTION + "\n",
        ),
    ]
    for label, name, argv, stdin in cli_cases:
        if not exe.exists() or not _has_command(exe, name):
            sec.notes.append(f"{label}: skipped (no `newsdesk {name}` command)")
            continue
        try:
            times = []
            for r in range(repeats):
                print(f"  cold start: newsdesk {name} {r + 1}/{repeats}", flush=True)
                times.append(_cli_once(argv, index_dir, stdin))
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            sec.notes.append(f"{label}: failed: {err}")
            continue
        st = spread(times)
        rows.append([label, fmt_spread(st, 2), ratio(st["median"], floor["median"])])
        data[name] = times
    sec.tables.append(
        Table(
            f"Seconds, median (min–max) over {repeats} fresh processes; ratio to the floor",
            ["phase", "seconds", "ratio"],
            rows,
        )
    )
    sec.notes.append(
        f"Index: {origin}. Question: “{QUESTION}”. The CLI rows include interpreter shutdown."
    )
    sec.data = data
    return sec
