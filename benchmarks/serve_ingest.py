"""Serving while ingesting (issue 19): /ask latency during a large /ingest, in one process.

The bot's own path, without Discord: `bot.core.Core` over the real engine; the upload
is written under ``<index>/.uploads/tmp*``, cut by `bot.uploads.split_upload` and run by
`bot.uploads.FairIngest` in the core's writer session, exactly as the admin cog does.
Meanwhile `Core.answer` is asked realtimeqa questions one after another (a short pause
between them), alternately as the uploading server and as another server; the engine's
query-vector cache is cleared before each, so a repeated question pays its encode like a
new one (there are 123 questions; before 2026-11-30 09:00 repeats were cache hits, which
flattered the long phases). Idle latency is measured in the same run, before the upload
and after it. Peak RSS is sampled every 20 ms against the RSS after the engine opened
(model loaded). `benchmarks.serve_profile` runs the same with stage timers.

Second part, cross-process commits: another backend (as `newsdesk index add` in a
second process) commits articles; the serving backend's next search catches up. Baseline
in the same run: rereading the whole vector file (what a reload did before).

    .venv/bin/python -m benchmarks.serve_ingest --articles 100000 --data ../shared/eval
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import (
    DEFAULT_DATA,
    SCRATCH,
    Config,
    PeakRSS,
    Section,
    Table,
    machine_info,
    percentiles,
    rss_bytes,
)
from benchmarks.report import table_md

BASE_INDEX = Path("/tmp/rtqa_copy")  # the full realtimeqa index (read only: copied first)
UPLOADER, OTHER = "1001", "1002"  # the server uploading, and another one asking meanwhile
THINK_S = 0.2  # pause between two questions (one asker at a time, as a busy channel)
IDLE_QUESTIONS = 40
_WORDS = ["council", "budget", "river", "school", "harbour", "mayor", "storm", "bridge", "market", "rail", "energy", "court", "vote", "park", "library", "police", "trade", "water", "clinic", "festival"]


def write_upload(path: Path, n: int, seed: int = 0) -> int:
    """``n`` short articles as one JSONL upload (~44 bytes a line, as the issue's 4.4 MB)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            text = f"{rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)} note {i}."
            f.write(json.dumps({"id": f"b{i:06d}", "text": text}, separators=(",", ":")) + "\n")
    return path.stat().st_size


def load_questions(data: Path, limit: int) -> list[str]:
    out: list[str] = []
    path = data / "realtimeqa" / "questions_with_gold_doc.dev.jsonl"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line).get("question", "").strip() if line.strip() else ""
            if q and q not in out:
                out.append(q)
    if not out:
        raise SystemExit(f"no questions in {path}: pass --data (the shared eval folder)")
    return out[:limit]


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    by_scope: dict[str, list[float]] = field(default_factory=dict)

    def add(self, scope: str, seconds: float) -> None:
        self.latencies.append(seconds)
        self.by_scope.setdefault(scope, []).append(seconds)


async def _ask_loop(core: Any, questions: list[str], phase: Phase, stop: asyncio.Event | None,
                    count: int | None, start: int) -> int:
    from index.backend import Scope

    n = start
    # The realtimeqa dev set has 123 questions: a long phase asks each many times, and a
    # repeat would skip its query encode (the engine caches query vectors). Every question
    # is asked as a fresh one, in every phase.
    forget = getattr(core.engine, "clear_query_cache", lambda: None)
    while (stop is None or not stop.is_set()) and (count is None or n - start < count):
        server = UPLOADER if n % 2 == 0 else OTHER
        q = questions[n % len(questions)]
        forget()
        t = time.perf_counter()
        await core.answer(q, scope=Scope.for_guild(server))
        phase.add("uploader" if server == UPLOADER else "other server", time.perf_counter() - t)
        n += 1
        await asyncio.sleep(THINK_S)
    return n


async def serve_while_ingesting(index_dir: Path, articles: int, questions: list[str],
                                torch_threads: int,
                                marks: dict[str, float] | None = None) -> dict[str, Any]:
    """``marks`` (optional) gets the perf_counter times the upload began and ended."""
    from bot.core import Core
    from bot.settings import Settings
    from bot.uploads import FairIngest, split_upload
    from index.backend import owner_for_guild

    settings = Settings(index_dir=index_dir, torch_threads=torch_threads,
                        state_path=index_dir / "bench-state.sqlite")
    t = time.perf_counter()
    core = await Core.open(settings)
    open_s = time.perf_counter() - t
    engine: Any = core.engine  # the real Engine (its gate and backend are read below)
    out: dict[str, Any] = {"open_s": open_s}
    with PeakRSS() as peak:
        base_rss = rss_bytes()
        # Warm-up (first answer pays lazy loads), then idle latency.
        await _ask_loop(core, questions, Phase("warm"), None, 6, 0)
        idle = Phase("idle, before the upload")
        n = await _ask_loop(core, questions, idle, None, IDLE_QUESTIONS, 0)

        root = index_dir / ".uploads"
        root.mkdir(mode=0o700, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root))
        upload = tmp / "bulk.jsonl"
        size = write_upload(upload, articles)
        chunks = split_upload(upload, "bulk.jsonl")

        async def run(paths: list[Path], server: Any) -> Any:
            return await core.ingest(paths, owner=owner_for_guild(str(server)))

        try:
            queue = FairIngest(run, core.ingest_session)
        except (TypeError, AttributeError):  # code from before writer sessions (a baseline)
            queue = FairIngest(run)
        during = Phase("during the upload")
        stop = asyncio.Event()
        t = time.perf_counter()
        if marks is not None:
            marks["during"] = t
        asking = asyncio.create_task(_ask_loop(core, questions, during, stop, None, n))
        with PeakRSS() as ingest_peak:
            summary = await queue.submit(UPLOADER, "bulk.jsonl", chunks)
        ingest_s = time.perf_counter() - t
        if marks is not None:
            marks["after"] = time.perf_counter()
        stop.set()
        n = await asking
        shutil.rmtree(tmp, ignore_errors=True)
        after = Phase("idle, after the upload")
        await _ask_loop(core, questions, after, None, IDLE_QUESTIONS, n)
    out.update({
        "upload_bytes": size, "chunks": len(chunks), "articles": articles,
        "added": summary.added, "skipped": len(summary.skipped),
        "passages_embedded": summary.passages_embedded,
        "ingest_s": ingest_s, "gate_waited_s": getattr(getattr(engine, "query_gate", None), "waited_s", 0.0),
        "rss_base_mib": base_rss / 2**20, "rss_peak_mib": peak.peak / 2**20,
        "rss_peak_ingest_mib": ingest_peak.peak / 2**20, "rss_end_mib": rss_bytes() / 2**20,
        "passages_after": len(engine.backend.vectors()),
        "phases": {p.name: {"all": percentiles(p.latencies),
                            **{k: percentiles(v) for k, v in p.by_scope.items()}}
                   for p in (idle, during, after)},
    })
    core.close()
    return out


def cross_process_catch_up(index_dir: Path, articles: int, repeats: int) -> dict[str, Any]:
    """Serving backend open; another backend commits ``articles`` new articles; time the
    serving side's next `vectors()` (catch-up) against rereading the file (the old way)."""
    from index.embedder import load_embedder
    from index.ingest import Indexer
    from index.local import LocalBackend
    from index.local.vectorfiles import load_file
    from index.models import Article

    serving = LocalBackend.open(index_dir)
    serving.prepare_for_serving()
    embedder = load_embedder()
    catch_up, reread, counts = [], [], []
    for r in range(repeats):
        writer = LocalBackend.open(index_dir)  # its own connections and copy: another process
        batch = [Article(f"x{r}-{i:05d}", f"Cross process note {r} {i} on the {_WORDS[i % 20]}.")
                 for i in range(articles)]
        Indexer(writer, embedder, quotes=False).add_articles(batch, where="cli")
        writer.close()
        t = time.perf_counter()
        vi = serving.vectors()
        catch_up.append(time.perf_counter() - t)
        counts.append(len(vi))
        model = serving.model()
        t = time.perf_counter()
        full = load_file(index_dir, serving.generation(), model[1] if model else None)
        reread.append(time.perf_counter() - t)
        assert full is not None and len(full) == len(vi), "the file and the copy disagree"
        del full
    serving.close()
    return {"articles": articles, "passages": counts[-1], "catch_up_s": catch_up,
            "reread_file_s": reread}


def _row(name: str, p: dict[str, float]) -> list[str]:
    return [name, str(p["n"]), f"{p['p50']:,.0f}", f"{p['p95']:,.0f}", f"{p['p99']:,.0f}"]


def tables(res: dict[str, Any], cross: dict[str, Any] | None) -> tuple[list[Table], list[str]]:
    """The result tables and the verdict notes (shared by the runner section and the
    standalone report)."""
    phases = res["phases"]
    idle_before = phases["idle, before the upload"]["all"]["p95"]
    idle_after = phases["idle, after the upload"]["all"]["p95"]
    during = phases["during the upload"]["all"]["p95"]
    rows = []
    for name, p in phases.items():
        rows.append(_row(name, p["all"]))
        rows += [_row(f"· asked by the {scope}", p[scope])
                 for scope in ("uploader", "other server") if scope in p]
    out = [Table("/ask latency (Core.answer), ms",
                 ["phase", "questions", "p50", "p95", "p99"], rows)]
    base, peak = res["rss_base_mib"], res["rss_peak_ingest_mib"]
    out.append(Table("The upload and memory", ["measure", "value"], [
        ["upload", f"{res['articles']:,} articles, {res['upload_bytes'] / 1e6:.1f} MB, "
                   f"{res['chunks']} chunks"],
        ["added / skipped / passages embedded",
         f"{res['added']:,} / {res['skipped']:,} / {res['passages_embedded']:,}"],
        ["upload wall time (queries running)",
         f"{res['ingest_s']:.0f} s ({res['articles'] / res['ingest_s']:.0f} articles/s)"],
        ["time the writer spent yielding to queries", f"{res['gate_waited_s']:.0f} s"],
        ["passages in the index after", f"{res['passages_after']:,}"],
        ["RSS after the engine opened (model loaded): baseline", f"{base:,.0f} MiB"],
        ["peak RSS during the upload", f"{peak:,.0f} MiB (+{peak - base:,.0f})"],
        ["RSS at the end", f"{res['rss_end_mib']:,.0f} MiB"],
    ]))
    if cross:
        out.append(Table(
            f"Another process commits {cross['articles']:,} articles; the serving process's "
            f"next search ({cross['passages']:,} passages), ms, median (min–max) of "
            f"{len(cross['catch_up_s'])}",
            ["how the serving copy follows", "ms"],
            [["catch up from SQLite (new passages only)", _ms(cross["catch_up_s"])],
             ["reread the whole vector file (before)", _ms(cross["reread_file_s"])]]))
    best, worst = min(idle_before, idle_after), max(idle_before, idle_after)
    notes = [
        f"p95 during the upload / idle p95: {during / idle_before:.2f}x against idle before, "
        f"{during / idle_after:.2f}x against idle after (target ≤ 2x: "
        f"{'met' if during <= 2 * best else 'NOT met'} against the smaller idle p95, "
        f"{'met' if during <= 2 * worst else 'NOT met'} against the larger).",
        "One process, the bot's path without Discord: `Core.answer` asked realtimeqa "
        f"questions one at a time ({THINK_S:.1f} s apart), alternately as the uploading "
        "server and another server, while `FairIngest` ran the upload's chunks through "
        "`Core.ingest` in one writer session.",
    ]
    return out, notes


def report(res: dict[str, Any], cross: dict[str, Any] | None, meta: dict[str, Any]) -> str:
    found, notes = tables(res, cross)
    lines = [
        f"## Serving while ingesting — {meta['started']}",
        "",
        f"`{meta['command']}` ({meta['machine']['logical_cores']} shared cores, load average "
        f"{meta['load_start']} at start, {meta['load_end']} at end; torch threads "
        f"{meta['torch_threads']}).",
        "",
    ]
    for t in found:
        lines += [table_md(t), ""]
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def section(cfg: Config, base: Path) -> Section:
    """`python -m benchmarks run --only serving` (10,000 articles with --quick)."""
    index_dir = SCRATCH / "serve-ingest"
    prepare_index(base, index_dir)
    articles = cfg.articles or (10_000 if cfg.quick else 100_000)
    res = asyncio.run(serve_while_ingesting(index_dir, articles,
                                            load_questions(cfg.data, 200), 1))
    cross = cross_process_catch_up(index_dir, 1000, cfg.repeats)
    found, notes = tables(res, cross)
    return Section("serving", f"Serving while ingesting ({articles:,} articles)", found,
                   [*notes, "torch threads 1 (on 2 shared cores two threads spin)."],
                   {"serve": res, "cross": cross})


def _ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{statistics.median(ms):,.1f} ({min(ms):,.1f}–{max(ms):,.1f})"


def prepare_index(base: Path, into: Path) -> None:
    """A scratch copy of ``base`` with its quote rules marked current (an index built with
    older rules re-extracts every article's quotes on its first ingest: a one-off cost
    that is not what this measures)."""
    import os

    from index.local import LocalBackend
    from index.quotes import rules_version

    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(base, into)
    os.chmod(into, 0o700)
    for name in ("bot-state.sqlite", "bot-state.sqlite-wal", "bot-state.sqlite-shm"):
        (into / name).unlink(missing_ok=True)
    backend = LocalBackend.open(into)
    backend.replace_quotes({}, rules_version())
    backend.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_ingest")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--base", type=Path, default=BASE_INDEX, help="index to copy")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--cross-articles", type=int, default=1000)
    parser.add_argument("--cross-repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="results .md (default: print)")
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    import os

    meta: dict[str, Any] = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python -m benchmarks.serve_ingest", *(argv or sys.argv[1:])]),
        "machine": machine_info(), "load_start": round(os.getloadavg()[0], 1),
        "torch_threads": args.torch_threads,
    }
    index_dir = SCRATCH / "serve-ingest"
    prepare_index(args.base, index_dir)
    questions = load_questions(args.data, 200)
    res = asyncio.run(serve_while_ingesting(index_dir, args.articles, questions,
                                            args.torch_threads))
    cross = (cross_process_catch_up(index_dir, args.cross_articles, args.cross_repeats)
             if args.cross_repeats else None)
    meta["load_end"] = round(os.getloadavg()[0], 1)
    text = report(res, cross, meta)
    print(text)
    raw = {"meta": meta, "serve": res, "cross": cross}
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str))
    else:
        print(json.dumps(raw, default=str)[:2000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
