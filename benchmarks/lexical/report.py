"""python -m benchmarks.lexical.report OUT.md: the table of every cached run's JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.lexical.__main__ import WORK

ENGINES = ["fts5", "fts5-tuned", "bm25s", "tantivy"]
MODES = ["none", "date (question's month)", "source (cnn.com)"]


def _ms(d: dict[str, float], key: str) -> str:
    v = d.get(key)
    return "—" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.0f}")


def lexical_table(runs: list[dict]) -> list[str]:
    head = ("| engine | passages | filter | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |")
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in runs:
        for mode in MODES:
            lat = r["latency"][mode]
            lines.append(f"| {r['engine']} | {r['size']:,} | {mode} | {_ms(lat, 'p50_ms')} | "
                         f"{_ms(lat, 'p95_ms')} | {_ms(lat, 'cpu_p50_ms')} | "
                         f"{_ms(lat, 'cpu_p95_ms')} |")
    return lines


def cost_table(runs: list[dict]) -> list[str]:
    lines = ["| engine | passages | build s | +110-passage batch s | index B/passage | "
             "lexical-only article R@1 / R@5 / R@10 / R@50 | load at start |",
             "|---|---|---|---|---|---|---|"]
    for r in runs:
        rec = r["recall_articles"]
        build = "cached" if r.get("build_s") is None else f"{r['build_s']:.0f}"
        add = r.get("add_batch_s")
        add_s = "full rebuild" if add is None else f"{add:.2f}"
        lines.append(f"| {r['engine']} | {r['size']:,} | {build} | {add_s} | "
                     f"{r['bytes_per_passage']:.0f} | {rec['R@1']:.3f} / {rec['R@5']:.3f} / "
                     f"{rec['R@10']:.3f} / {rec['R@50']:.3f} | {r['load_start']:.0f} |")
    return lines


def main() -> None:
    runs = []
    for path in sorted(WORK.glob("*.json")):
        data = json.loads(path.read_text())
        if "engine" in data:
            runs.append(data)
    runs.sort(key=lambda r: (r["size"], ENGINES.index(r["engine"])))
    out = ["## Lexical engines (benchmarks/lexical)", "",
           "Same 200 realtimeqa questions (123 with gold documents), terms as "
           "`retrieval.hybrid.passage_terms` picks them, candidate depth 200.", ""]
    out += lexical_table(runs) + [""] + cost_table(runs) + [""]
    dups = [r for r in runs if "near_duplicate_rate" in r]
    for r in dups:
        out.append(f"- {r['size']:,} passages = the 21,768 real ones + {r['synthetic']:,} "
                   f"recombined; near-duplicate rate (paragraph Jaccard ≥ 0.6 with another "
                   f"passage, 2,000 sampled): {r['near_duplicate_rate']:.1%}.")
    pipe = WORK / "pipeline-21k.json"
    if pipe.exists():
        p = json.loads(pipe.read_text())
        out += ["", f"## Search vs query encode (one process, round-robin, "
                f"{p['questions']} questions, {p['passages']:,} passages, load "
                f"{p['load']:.0f})", "",
                "| system | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | p50 / encode | "
                "p95 / encode |", "|---|---|---|---|---|---|---|"]
        enc = p["query encode"]
        for name, d in p.items():
            if isinstance(d, dict):
                out.append(f"| {name} | {_ms(d, 'p50_ms')} | {_ms(d, 'p95_ms')} | "
                           f"{_ms(d, 'cpu_p50_ms')} | {_ms(d, 'cpu_p95_ms')} | "
                           f"{d['p50_ms'] / enc['p50_ms']:.2f} | "
                           f"{d['p95_ms'] / enc['p95_ms']:.2f} |")
    text = "\n".join(out) + "\n"
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
