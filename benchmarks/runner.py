"""Runs the sections in order, sharing one realtimeqa index, and writes the results."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks import coldstart, indexing, queries, scale
from benchmarks.common import RESULTS_DIR, Config, Section, machine_info
from benchmarks.corpus import corpus_file, ensure_index, load_passages, questions
from benchmarks.report import markdown, write

README = Path(__file__).resolve().parent / "README.md"
BEGIN, END = "<!-- latest-results:begin -->", "<!-- latest-results:end -->"


class _Shared:
    """Index, passages, questions and model: loaded once, only if a section needs them."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._cache: dict[str, object] = {}

    def index(self) -> tuple[Path, str]:
        if "index" not in self._cache:
            self._cache["index"] = ensure_index(self.cfg)
        return self._cache["index"]  # type: ignore[return-value]

    def passages(self) -> queries.PassageData:
        if "passages" not in self._cache:
            self._cache["passages"] = load_passages(self.index()[0])
        return self._cache["passages"]  # type: ignore[return-value]

    def embedder(self) -> object:
        if "embedder" not in self._cache:
            from index.embedder import load_embedder

            self._cache["embedder"] = load_embedder()
        return self._cache["embedder"]

    def questions(self) -> list[str]:
        return questions(self.cfg, 200 if self.cfg.quick else 400)

    def question_vectors(self) -> np.ndarray:
        if "qvec" not in self._cache:
            self._cache["qvec"] = self.embedder().encode(self.questions())  # type: ignore[attr-defined]
        return self._cache["qvec"]  # type: ignore[return-value]


def _sections(cfg: Config, shared: _Shared) -> dict[str, Callable[[], Section]]:
    def q() -> Section:
        idx, origin = shared.index()
        return queries.run(
            cfg, idx, origin, shared.passages(), shared.questions(), shared.embedder()
        )

    def s() -> Section:
        return scale.run(cfg, shared.passages().vectors, shared.question_vectors())

    def c() -> Section:
        return coldstart.run(cfg, *shared.index())

    def serving() -> Section:
        from benchmarks import serve_ingest

        return serve_ingest.section(cfg, shared.index()[0])

    return {"indexing": lambda: indexing.run(cfg), "queries": q, "scale": s, "coldstart": c,
            "serving": serving}


def run(cfg: Config, command: str, results_dir: Path = RESULTS_DIR) -> int:
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    meta = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "quick": cfg.quick,
        "repeats": cfg.repeats,
        "command": command,
        "data": str(cfg.data),
        "machine": machine_info(),
    }
    print(f"Newsdesk benchmarks ({'quick' if cfg.quick else 'full'}), data: {cfg.data}", flush=True)
    shared = _Shared(cfg)
    runners = _sections(cfg, shared)
    needs_data = corpus_file(cfg) is None
    done: list[Section] = []
    for name in cfg.sections:
        t = time.perf_counter()
        print(f"[{name}]", flush=True)
        if needs_data:
            absent = cfg.data / "realtimeqa" / "corpus.jsonl"
            sec = Section(name, name.capitalize(), skipped=f"needs {absent} (absent)")
        else:
            try:
                sec = runners[name]()
            except Exception as err:  # one broken section must not lose the others' figures
                traceback.print_exc()
                sec = Section(
                    name, name.capitalize(), skipped=f"failed: {type(err).__name__}: {err}"
                )
        sec.seconds = time.perf_counter() - t
        if sec.skipped:
            print(f"  skipped: {sec.skipped}", flush=True)
        done.append(sec)
    meta["seconds"] = time.perf_counter() - t0
    meta["load_avg_end"] = round(os.getloadavg()[0], 2)
    md_path, json_path = write(results_dir, started.strftime("%Y-%m-%d"), meta, done)
    text = markdown(meta, done)
    print("\n" + text)
    print(f"wrote {md_path} and {json_path}")
    if results_dir == RESULTS_DIR:
        update_readme(text, md_path.name)
    return 0


def update_readme(text: str, name: str) -> None:
    """Replace the latest-results block of benchmarks/README.md with this run's tables."""
    if not README.is_file():
        return
    body = README.read_text(encoding="utf-8")
    if BEGIN not in body or END not in body:
        return
    # Demote headings so the report nests under the README's own section.
    nested = re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text.strip(), flags=re.M)
    block = f"{BEGIN}\n_From [results/{name}](results/{name})._\n\n{nested}\n{END}"
    body = body[: body.index(BEGIN)] + block + body[body.index(END) + len(END) :]
    README.write_text(body, encoding="utf-8")


def main_args(argv: list[str] | None = None) -> str:
    return " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)])
