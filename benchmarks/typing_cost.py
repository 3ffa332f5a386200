"""Per-sentence cost of name typing (``retrieval.entities._names``, uncached): this tree
against another tree's ``retrieval/entities.py``, alternating in one process on the same
corpus sentences (a loaded machine slows both alike).

    python -m benchmarks.typing_cost ../shared/eval/realtimeqa/corpus.jsonl \\
        --against /path/to/other/tree/retrieval/entities.py

Prints the sentences typed, how many of them the two trees type differently, and the
median and fastest microseconds per sentence of each over the rounds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from index.sentences import sentence_spans
from retrieval import entities

MAX_CHARS = 2000  # longer sentences are not cached by the answer path either


@dataclass(frozen=True)
class TypingCost:
    sentences: int
    differ: int  # sentences whose mentions differ between the two trees
    this_us: tuple[float, ...]  # microseconds per sentence, one per round
    other_us: tuple[float, ...]


def corpus_sentences(corpus: Path, limit: int) -> list[str]:
    """The first ``limit`` sentences (of at most MAX_CHARS) of the corpus's articles."""
    out: list[str] = []
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            out.extend(text[s:e] for s, e in sentence_spans(text, 0, len(text))
                       if e - s <= MAX_CHARS)
            if len(out) >= limit:
                break
    return out[:limit]


def load_other(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("entities_other", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["entities_other"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _key(found: Sequence[Any]) -> list[tuple[str, int, int, frozenset[str]]]:
    return [(m.text, m.start, m.end, m.kinds) for m in found]


def measure(sentences: Sequence[str], other: Callable[[str], Sequence[Any]],
            rounds: int) -> TypingCost:
    this: Callable[[str], Sequence[Any]] = entities._names
    differ = sum(_key(this(s)) != _key(other(s)) for s in sentences)
    times: dict[str, list[float]] = {"this": [], "other": []}
    for r in range(rounds):
        pair = [("this", this), ("other", other)]
        for name, finder in pair if r % 2 else pair[::-1]:  # alternate who goes first
            t0 = time.perf_counter()
            for s in sentences:
                finder(s)
            times[name].append((time.perf_counter() - t0) / max(len(sentences), 1) * 1e6)
    return TypingCost(len(sentences), differ, tuple(times["this"]), tuple(times["other"]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a corpus.jsonl (one article a line)")
    parser.add_argument("--against", type=Path, required=True,
                        help="another tree's retrieval/entities.py")
    parser.add_argument("--sentences", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    other = load_other(args.against)
    cost = measure(corpus_sentences(args.corpus, args.sentences), other._names, args.rounds)
    print(f"{cost.sentences} sentences, {cost.differ} typed differently")
    for name, us in (("this tree", cost.this_us), ("other tree", cost.other_us)):
        print(f"{name:10}  median {statistics.median(us):.1f} us/sentence, "
              f"fastest {min(us):.1f}")


if __name__ == "__main__":
    main()
