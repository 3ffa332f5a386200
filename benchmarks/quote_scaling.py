"""Quote extraction cost against article size (issue 19: ingestion with bounded cost).

One article of 128 KB .. 8 MB is built by repeating the PolNeAR articles (from
``--data``, never copied into the repository) and handed to ``extract_quotes``; in the
same run, two baselines: the tokenizer alone (a plain linear pass over the same text),
and, up to ``--old-max-kb``, the extractor as it was at ``--old-ref`` (git), run from a
temporary copy. Linear cost shows as a flat seconds-per-MB column.

    .venv/bin/python -m benchmarks.quote_scaling --data ../shared/eval
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES_KB = (128, 256, 512, 1024, 2048, 4096, 8192)

_TIMER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from index.models import Article
from index.quotes import extract_quotes
from index.quotes.text import tokenize
text = open(sys.argv[2], encoding="utf-8").read()
t = time.perf_counter(); tokenize(text); tok = time.perf_counter() - t
t = time.perf_counter(); n = len(extract_quotes(Article("x", text))); ex = time.perf_counter() - t
print(json.dumps({"extract_s": ex, "tokenize_s": tok, "quotes": n}))
"""


def _text(data: Path, size: int) -> str:
    with open(data / "polnear" / "articles.jsonl", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    blob = "\n\n".join(texts)
    return (blob * (size // len(blob) + 1))[:size]


def _old_tree(ref: str, into: Path) -> Path:
    """The index package as it was at ``ref``, in a temporary directory."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "index"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _time(root: Path, text_file: Path, timeout: float) -> dict[str, float] | None:
    try:
        out = subprocess.run(
            [sys.executable, "-c", _TIMER, str(root), str(text_file)],
            check=True, capture_output=True, text=True, timeout=timeout,
        ).stdout
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, float] = json.loads(out)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--max-kb", type=int, default=8192)
    parser.add_argument("--old-ref", default=None, help="git ref of the extractor to compare")
    parser.add_argument("--old-max-kb", type=int, default=1024)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        old = _old_tree(args.old_ref, Path(tmp)) if args.old_ref else None
        for kb in (k for k in SIZES_KB if k <= args.max_kb):
            text_file = Path(tmp) / f"article_{kb}.txt"
            text_file.write_text(_text(args.data, kb * 1024), encoding="utf-8")
            new = _time(REPO, text_file, 3600)
            assert new is not None
            before = _time(old, text_file, 600) if old and kb <= args.old_max_kb else None
            rows.append((kb, new, before))
            print(kb, new, before, flush=True)
    stamp = dt.datetime.now(dt.UTC)
    lines = [
        f"## Quote extraction cost by article size — {stamp:%Y-%m-%d %H:%M} UTC",
        "",
        "`.venv/bin/python -m benchmarks.quote_scaling"
        + (f" --old-ref {args.old_ref}" if args.old_ref else "") + "` (one article made of"
        " the PolNeAR articles repeated; 2 shared cores: compare the per-MB columns).",
        "",
        "| size | quotes | extract s | s per MB | tokenize s (linear baseline) | extract / tokenize |"
        + (" before s | before s per MB |" if args.old_ref else ""),
        "|---|---|---|---|---|---|" + ("---|---|" if args.old_ref else ""),
    ]
    for kb, new, before in rows:
        mb = kb / 1024
        cells = [
            f"{kb:,} KB", str(int(new["quotes"])), f"{new['extract_s']:.2f}",
            f"{new['extract_s'] / mb:.2f}", f"{new['tokenize_s']:.3f}",
            f"{new['extract_s'] / max(new['tokenize_s'], 1e-9):.1f}",
        ]
        if args.old_ref:
            if before is None:
                cells += ["—", "—"]
            else:
                cells += [f"{before['extract_s']:.2f}", f"{before['extract_s'] / mb:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"{stamp:%Y-%m-%d}-quote-scaling.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
