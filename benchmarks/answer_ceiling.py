"""Where each dev miss's gold answer is: how far answer choice alone could still go.

    .venv/bin/python -m benchmarks.answer_ceiling ../shared/eval/realtimeqa --index DIR

Asks every RealTime QA dev question through `Engine.answer` with its date and sorts
the answers whose text lacks the gold answer string (the headline matcher of
`newsdesk eval retrieval`) by where that string is:

- nowhere in the archive up to the question's date (no extractive answer can hold it);
- in the archive, but in none of the five articles ranked first (the ranking found
  articles that say it another way, or missed it);
- in one of those five, but not in the articles the answer cites;
- in an article the answer cites, but in another sentence than those shown;
- in one of the five, and the engine said "no answer".

The last three are what sentence choice and the no-answer bar could still win: the
ceiling for this ranking. Answers the loose matcher accepts ("six months" for "6")
are counted beside. Prints eval data; writes nothing.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.embedder import load_embedder
from retrieval.engine import Engine
from retrieval.eval_retrieval import (
    CORPUS,
    QUESTIONS,
    _contains_gold,
    _jsonl,
    contains_gold_loosely,
)

TOP = 5
CATEGORIES = (
    "gold in the answer text",
    "not in the archive up to the question's date",
    f"in the archive, not in the top {TOP} articles",
    f"in a top-{TOP} article the answer does not cite",
    "in a cited article, another sentence shown",
    f"in a top-{TOP} article, no answer given",
)
WITHIN_REACH = CATEGORIES[3:]


def categorise(engine: Engine, q: dict[str, Any],
               articles: dict[str, tuple[str, str]]) -> tuple[str, bool]:
    """The question's category and whether the loose matcher accepts its answer."""
    answer = engine.answer(q["question"], as_of=q.get("date"))
    loose = answer.kind != "no_answer" and contains_gold_loosely(answer.text, q)
    if answer.kind != "no_answer" and _contains_gold(answer.text, q):
        return CATEGORIES[0], loose
    day = (q.get("date") or "9999")[:10]
    holders = {aid for aid, (date, text) in articles.items()
               if date[:10] <= day and _contains_gold(text, q)}
    if not holders:
        return CATEGORIES[1], loose
    top = set(engine.rank_articles(q["question"], k=TOP, as_of=q.get("date"))) & holders
    if not top:
        return CATEGORIES[2], loose
    if answer.kind == "no_answer":
        return CATEGORIES[5], loose
    cited = {c.article_id for c in answer.citations}
    return (CATEGORIES[4] if cited & top else CATEGORIES[3]), loose


def report(rows: Sequence[tuple[str, str, bool]]) -> list[str]:
    counts = Counter(category for _, category, _ in rows)
    loose = Counter(category for _, category, ok in rows if ok)
    n = len(rows)
    lines = ["| where the gold answer is | questions | loose matcher accepts the answer |",
             "|---|---|---|"]
    lines += [f"| {c} | {counts[c]} | {loose[c]} |" for c in CATEGORIES]
    reach = counts[CATEGORIES[0]] + sum(counts[c] for c in WITHIN_REACH)
    lines.append(f"\nceiling for this ranking (answered + within reach): {reach}/{n} "
                 f"= {reach / max(n, 1):.3f}")
    for category in CATEGORIES[1:]:
        ids = [qid for qid, c, _ in rows if c == category]
        lines.append(f"{category}: {' '.join(ids) if ids else '-'}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args(argv)
    engine = Engine.open(args.index, load_embedder(), read_only=True)
    articles = {a["id"]: (a.get("date") or "", f"{a.get('text') or ''} {a.get('title') or ''}")
                for a in _jsonl(args.data_dir / CORPUS)}
    qs = list(_jsonl(args.data_dir / QUESTIONS))
    rows = [(q["id"], *categorise(engine, q, articles)) for q in qs]
    print("\n".join(report(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
