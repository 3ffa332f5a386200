"""Which dev answers miss the gold answer, and why: a diagnostic for answer choice.

    .venv/bin/python -m benchmarks.answer_misses ../shared/eval/realtimeqa --index DIR

Asks every RealTime QA dev question through `Engine.answer` with the question's date and
without it, prints the share whose answer text holds the gold answer (the headline matcher
of `newsdesk eval retrieval`, and the loose one beside it) for all questions and for the
even- and odd-numbered halves (tune on one, check on the other), the share whose *first*
line holds it, and one line per miss with dated answers: the first line shown and the best
cited sentence that holds the gold, if any. Prints eval data; writes nothing.

``--heldout N`` asks, with their dates, a seeded sample of N held-out answerable
questions as well (benchmarks/answer_heldout.py: not dev questions, gold in an article of
the archive), and ``--heldout-only`` skips the dev ones; the off-topic rejection rate is
printed in every run. Every change to answer choice has to hold all three.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.answer_heldout import DEFAULT_SEED, evidence_questions, heldout_questions
from index.embedder import load_embedder
from index.sentences import sentence_spans
from retrieval.engine import Engine
from retrieval.eval_offtopic import OFF_TOPIC_QUESTIONS
from retrieval.eval_retrieval import (
    PASSAGES,
    QUESTIONS,
    _contains_gold,
    contains_gold_loosely,
    ensure_index,
)
from retrieval.models import Answer
from retrieval.plan import FALLBACK_NOTE_OPENINGS


@dataclass(frozen=True)
class Outcome:
    index: int
    dated: Answer
    undated: Answer


def first_line(answer: Answer) -> str:
    """The answer's first sentence or title line, without a fallback note."""
    text = answer.text
    if text.startswith(FALLBACK_NOTE_OPENINGS) and "\n" in text:
        text = text.split("\n", 1)[1]
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


def heldout_report(answers: Sequence[Answer], qs: Sequence[dict[str, Any]],
                   name: str = "held-out answerable") -> list[str]:
    """Held-out questions (asked with their dates): the shares, then one line per miss."""
    def holds(a: Answer, q: dict[str, Any], loose: bool = False) -> bool:
        match = contains_gold_loosely if loose else _contains_gold
        return a.kind != "no_answer" and match(a.text, q)

    n = max(len(qs), 1)
    raw = sum(holds(a, q) for a, q in zip(answers, qs, strict=True))
    loose = sum(holds(a, q, True) for a, q in zip(answers, qs, strict=True))
    first = sum(holds(a, q) and _contains_gold(first_line(a), q)
                for a, q in zip(answers, qs, strict=True))
    answered = sum(a.kind != "no_answer" for a in answers)
    lines = [f"{name}, dated: raw {raw / n:.3f} ({raw}/{len(qs)})  "
             f"loose {loose / n:.3f} ({loose})  first line {first / n:.3f} ({first})  "
             f"answered {answered / n:.3f} ({answered})", ""]
    for a, q in zip(answers, qs, strict=True):
        if holds(a, q):
            continue
        lines.append(f"{q['id']} gold {q['answer']} ({a.kind}) Q: {q['question'][:160]}")
        lines.append(f"    first: {first_line(a)[:200]}")
        cited = gold_sentence(a, q)
        lines.append(f"    cited gold: {cited[:200] if cited else '-'}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--heldout", type=int, default=0, metavar="N",
                        help="also ask N held-out answerable questions (seeded sample)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--heldout-only", action="store_true", help="skip the dev questions")
    parser.add_argument("--evidence-index", type=Path, metavar="DIR",
                        help="also ask the held-out sample whose gold is in its evidence "
                             "passage of an index of evidence_passages.jsonl (built if missing)")
    parser.add_argument("--outcomes", type=Path, metavar="FILE",
                        help="write one JSON line per question (id, set, gold in the answer "
                             "text, in its first line) to compare two runs question by question")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    embedder = load_embedder()
    engine = Engine.open(args.index, embedder, read_only=True)
    if not args.heldout_only:
        with (args.data_dir / QUESTIONS).open(encoding="utf-8") as f:
            qs = [json.loads(line) for line in f if line.strip()]
        outcomes = [Outcome(i, engine.answer(q["question"], as_of=q.get("date")),
                            engine.answer(q["question"])) for i, q in enumerate(qs)]
        print("\n".join(report(outcomes, qs)))
        rows += [_row("dev", q, o.dated) | {"undated": _holds(o.undated, q)}
                 for o, q in zip(outcomes, qs, strict=True)]
    if args.heldout:
        held = heldout_questions(args.data_dir, args.heldout, args.seed)
        answers = [engine.answer(q["question"], as_of=q.get("date")) for q in held]
        print("\n".join(heldout_report(answers, held)))
        rows += [_row("heldout", q, a) for a, q in zip(answers, held, strict=True)]
    if args.heldout and args.evidence_index:
        ensure_index(args.data_dir / PASSAGES, args.evidence_index, embedder, progress=False)
        passages = Engine.open(args.evidence_index, embedder, read_only=True)
        held = evidence_questions(args.data_dir, args.heldout, args.seed)
        answers = [passages.answer(q["question"], as_of=q.get("date")) for q in held]
        print("\n".join(heldout_report(answers, held, "held-out, evidence passages")))
        rows += [_row("evidence", q, a) for a, q in zip(answers, held, strict=True)]
    rejected = sum(engine.answer(t).kind == "no_answer" for t in OFF_TOPIC_QUESTIONS)
    print(f"off-topic questions answered \"no answer\": {rejected / len(OFF_TOPIC_QUESTIONS):.3f} "
          f"({rejected}/{len(OFF_TOPIC_QUESTIONS)})")
    if args.outcomes:
        args.outcomes.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return 0


def _holds(a: Answer, q: dict[str, Any]) -> bool:
    return a.kind != "no_answer" and _contains_gold(a.text, q)


def _row(name: str, q: dict[str, Any], a: Answer) -> dict[str, Any]:
    return {"set": name, "id": q["id"], "gold": _holds(a, q),
            "first": _holds(a, q) and _contains_gold(first_line(a), q)}


if __name__ == "__main__":
    raise SystemExit(main())
