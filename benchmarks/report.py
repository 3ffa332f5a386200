"""Markdown and JSON output of a benchmark run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import Section, Table


def table_md(t: Table) -> str:
    lines = [f"**{t.title}**", ""] if t.title else []
    lines.append("| " + " | ".join(t.headers) + " |")
    lines.append("|" + "|".join("---" for _ in t.headers) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in t.rows]
    return "\n".join(lines)


def targets_rows(sections: list[Section]) -> list[list[str]]:
    labels = {
        "ratio": "indexing passages/s ratio to raw encode ≥ 0.85",
        "readd_seconds": "re-add unchanged corpus < 5 s",
        "readd_embedded": "re-add unchanged corpus embeds 0 passages",
        "readd_cli_seconds": "re-add unchanged corpus with `newsdesk index add` < 5 s (wall)",
        "search_p95_ms": "p95 Engine.search ≤ 50 ms",
        "answer_p95_ms": "p95 Engine.answer ≤ 150 ms",
        "p95_ms": "scale: p95 search at the largest size ≤ 50 ms",
        "recall_at_10": "scale: recall@10 ≥ 0.95",
        "bytes_beyond_vectors": "scale: ≤ 2 KB/passage beyond vectors",
    }
    rows = []
    for s in sections:
        for key, t in s.data.get("targets", {}).items():
            value = t["value"]
            shown = f"{value:.3g}" if isinstance(value, float) else str(value)
            rows.append([labels.get(key, key), shown, "met" if t["met"] else "**NOT met**"])
    return rows


def markdown(meta: dict[str, Any], sections: list[Section]) -> str:
    m = meta["machine"]
    out = [
        f"# Newsdesk benchmarks — {meta['started']}",
        "",
        f"Mode: {'--quick' if meta['quick'] else 'full'}; repeats {meta['repeats']}; "
        f"total {meta['seconds'] / 60:.1f} min. Machine: {m['cpu_model']}, {m['logical_cores']} logical "
        f"cores, {m['memory_gb']} GB RAM, load average {m['load_avg_1m']} at start, "
        f"{meta['load_avg_end']} at end (shared machine: compare ratios, not absolute times). "
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        f"Reproduce: `{meta['command']}`",
    ]
    rows = targets_rows(sections)
    if rows:
        out += ["", "## Targets", "", table_md(Table("", ["target", "measured", "status"], rows))]
    for s in sections:
        out += ["", f"## {s.title}", ""]
        if s.skipped:
            out.append(f"Skipped: {s.skipped}")
            continue
        for t in s.tables:
            out += [table_md(t), ""]
        out += [f"- {n}" for n in s.notes]
        out.append(f"- Section time: {s.seconds:.0f} s.")
    return "\n".join(out) + "\n"


def _plain(o: Any) -> Any:
    if isinstance(o, dict):
        return {str(k): _plain(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_plain(v) for v in o]
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, float):
        return round(o, 4)
    if isinstance(o, Path):
        return str(o)
    return o


def write(
    results_dir: Path, stem: str, meta: dict[str, Any], sections: list[Section]
) -> tuple[Path, Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    md_path, json_path = results_dir / f"{stem}.md", results_dir / f"{stem}.json"
    md_path.write_text(markdown(meta, sections), encoding="utf-8")
    payload = {
        "meta": meta,
        "sections": {
            s.name: {
                "title": s.title,
                "skipped": s.skipped,
                "notes": s.notes,
                "seconds": s.seconds,
                "tables": [t.__dict__ for t in s.tables],
                "data": s.data,
            }
            for s in sections
        },
    }
    json_path.write_text(json.dumps(_plain(payload), indent=1) + "\n", encoding="utf-8")
    return md_path, json_path
