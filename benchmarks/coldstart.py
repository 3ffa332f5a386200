"""Cold start: seconds from process start to the first answer, on the realtimeqa index.

Three ways in: the Python API (a fresh interpreter imports, opens the Engine, loads the
model and answers one question, then prints READY), `newsdesk ask`, and the terminal
session of `newsdesk serve` fed one question on stdin (no DISCORD_TOKEN: terminal mode).
The two CLI figures include interpreter shutdown.
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
    spread,
)

QUESTION = "What did the Federal Reserve decide about interest rates?"


def _engine_once(index_dir: Path) -> dict[str, Any]:
    args = SCRATCH / "coldstart-args.json"
    args.write_text(json.dumps({"index_dir": str(index_dir), "question": QUESTION}))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        child_command("coldstart", str(args)),
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
    rows: list[list[str]] = []
    engine_runs = []
    for r in range(repeats):
        print(f"  cold start: Engine {r + 1}/{repeats}", flush=True)
        engine_runs.append(_engine_once(index_dir))
    for label, key in (
        ("Python API: start to ready (import + Engine.open + model + first answer)", "ready_s"),
        ("  imports (retrieval.engine)", "import_s"),
        ("  Engine.open (index + model load)", "open_s"),
        ("  first answer", "first_answer_s"),
    ):
        rows.append([label, fmt_spread(spread([x[key] for x in engine_runs]), 2)])
    data: dict[str, Any] = {"engine": engine_runs, "question": QUESTION, "index": origin}

    exe = ROOT / ".venv" / "bin" / "newsdesk"
    cli_cases = [
        ("`newsdesk ask` one question, wall", "ask", [str(exe), "ask", QUESTION], None),
        (
            "`newsdesk serve` terminal, one question on stdin, wall",
            "serve",
            [str(exe), "serve"],
            QUESTION + "\n",
        ),
    ]
    for label, name, argv, stdin in cli_cases:
        if not exe.exists() or not _has_command(exe, name):
            sec.notes.append(f"{label}: skipped (no `newsdesk {name}` command yet)")
            continue
        try:
            times = []
            for r in range(repeats):
                print(f"  cold start: newsdesk {name} {r + 1}/{repeats}", flush=True)
                times.append(_cli_once(argv, index_dir, stdin))
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            sec.notes.append(f"{label}: failed: {err}")
            continue
        rows.append([label, fmt_spread(spread(times), 2)])
        data[name] = times
    sec.tables.append(
        Table(
            f"Seconds, median (min–max) over {repeats} fresh processes", ["phase", "seconds"], rows
        )
    )
    sec.notes.append(f"Index: {origin}. Question: “{QUESTION}”.")
    sec.data = data
    return sec
