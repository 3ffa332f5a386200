"""``python -m benchmarks run [--quick] [--data DIR] [--index DIR] [--only a,b] [--repeats N]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.common import DEFAULT_DATA, RESULTS_DIR, Config

DEFAULT_SECTIONS = ("indexing", "queries", "scale", "coldstart")
SECTIONS = (*DEFAULT_SECTIONS, "serving")  # serving (~15 min on 2 cores): asked by --only


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="run the benchmarks and write benchmarks/results/<date>.md/.json"
    )
    run.add_argument(
        "--quick", action="store_true", help="a subset of the corpus; under 10 min on 2 cores"
    )
    run.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="the shared eval dir (default ../shared/eval)",
    )
    run.add_argument("--index", type=Path, default=None, help="a built realtimeqa index to reuse")
    run.add_argument(
        "--only", default=",".join(DEFAULT_SECTIONS),
        help=f"comma-separated subset of {','.join(SECTIONS)} (default: all but serving)"
    )
    run.add_argument("--repeats", type=int, default=None, help="repeats per figure (default 3)")
    run.add_argument(
        "--articles",
        type=int,
        default=None,
        help="index only the first N articles (default: 60 with --quick)",
    )
    run.add_argument("--out", type=Path, default=RESULTS_DIR, help="results directory")
    args = parser.parse_args(argv)

    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    cfg = Config(
        quick=args.quick,
        data=args.data.expanduser().resolve(),
        index_dir=args.index,
        sections=tuple(s for s in SECTIONS if s in only),
        repeats=args.repeats or 3,
        articles=args.articles,
    )
    from benchmarks.runner import main_args
    from benchmarks.runner import run as run_all

    return run_all(cfg, main_args(argv), args.out.resolve())


if __name__ == "__main__":
    sys.exit(main())
