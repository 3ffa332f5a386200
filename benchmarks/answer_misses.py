"""Which dev answers miss the gold answer, and why: a diagnostic for answer choice.

    .venv/bin/python -m benchmarks.answer_misses ../shared/eval/realtimeqa --index DIR

Asks every RealTime QA dev question through `Engine.answer` with the question's date and
without it, prints the share whose answer text holds the gold answer (the headline matcher
of `newsdesk eval retrieval`, and the loose one beside it) for all questions and for the
even- and odd-numbered halves (tune on one, check on the other), the share whose *first*
line holds it, and one line per miss with dated answers: the first line shown and the best
cited sentence that holds the gold, if any. Prints eval data; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.embedder import load_embedder
from index.sentences import sentence_spans
from retrieval.engine import Engine
from retrieval.eval_retrieval import QUESTIONS, _contains_gold, contains_gold_loosely
from retrieval.models import Answer


@dataclass(frozen=True)
class Outcome:
    index: int
    dated: Answer
    undated: Answer


def first_line(answer: Answer) -> str:
    """The answer's first sentence or title line, without a fallback note."""
    text = answer.text.split("\n", 1)[1] if answer.text.startswith("Nothing from") else answer.text
    return re.split(r"\[\d+\]", text, maxsplit=1)[0]


def _share(outcomes: Sequence[Outcome], ok: Callable[[Outcome], bool]) -> str:
    hits = sum(ok(o) for o in outcomes)
    return f"{hits / max(len(outcomes), 1):.3f} ({hits}/{len(outcomes)})"


def gold_sentence(answer: Answer, q: dict[str, Any]) -> str | None:
    """The first sentence of a cited excerpt that holds the gold answer."""
    for c in answer.citations:
        for s, e in sentence_spans(c.text):
            if _contains_gold(c.text[s:e], q):
                return c.text[s:e]
    return None


def report(outcomes: Sequence[Outcome], qs: Sequence[dict[str, Any]]) -> list[str]:
    def holds(a: Answer, q: dict[str, Any], loose: bool = False) -> bool:
        match = contains_gold_loosely if loose else _contains_gold
        return a.kind != "no_answer" and match(a.text, q)

    halves = (("all", outcomes), ("even", [o for o in outcomes if o.index % 2 == 0]),
              ("odd", [o for o in outcomes if o.index % 2 == 1]))
    lines = ["questions  dated raw        dated loose      undated raw      undated loose"
             "    first line (dated)"]
    for name, part in halves:
        lines.append(
            f"{name:10} {_share(part, lambda o: holds(o.dated, qs[o.index]))}  "
            f"{_share(part, lambda o: holds(o.dated, qs[o.index], True))}  "
            f"{_share(part, lambda o: holds(o.undated, qs[o.index]))}  "
            f"{_share(part, lambda o: holds(o.undated, qs[o.index], True))}  "
            f"{_share(part, lambda o: holds(o.dated, qs[o.index]) and _contains_gold(first_line(o.dated), qs[o.index]))}")  # noqa: E501
    lines.append("")
    for o in outcomes:
        q = qs[o.index]
        if holds(o.dated, q):
            continue
        lines.append(f"#{o.index} gold {q['answer']} ({o.dated.kind})")
        lines.append(f"    first: {first_line(o.dated)[:200]}")
        cited = gold_sentence(o.dated, q)
        lines.append(f"    cited gold: {cited[:200] if cited else '-'}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args(argv)
    with (args.data_dir / QUESTIONS).open(encoding="utf-8") as f:
        qs = [json.loads(line) for line in f if line.strip()]
    engine = Engine.open(args.index, load_embedder(), read_only=True)
    outcomes = [Outcome(i, engine.answer(q["question"], as_of=q.get("date")),
                        engine.answer(q["question"])) for i, q in enumerate(qs)]
    print("\n".join(report(outcomes, qs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
