"""Held-out answerable questions: a check on answer choice that nobody tunes on.

The 123 dev questions (``questions_with_gold_doc.dev.jsonl``) have been read miss by
miss; tuning on them fits them. ``evidence_questions.dev.jsonl`` holds 1,807 quiz
questions with answers, the dev ones among them. The held-out set is every other one
whose gold answer string appears, as written (the headline matcher), in some corpus
article dated on or before the question's date: the archive could answer it. A fixed
seed draws the sample, so every run (before and after a change) asks the same questions.

Few of them are truly answerable from this archive: it was gathered around the dev
questions (only 8 held-out questions have their source article in it), and a short gold
string ("China", "2") turns up in some older article by chance. So a second held-out
set asks the same kind of questions of an index of ``evidence_passages.jsonl`` (one or
two sentences from each question's source, all 1,807 questions' passages together):
the held-out questions whose gold answer is in their own evidence passage as written.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from retrieval.eval_retrieval import CORPUS, PASSAGE_QUESTIONS, PASSAGES, QUESTIONS, _norm

DEFAULT_SAMPLE = 300
DEFAULT_SEED = 14  # issue 14


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def answerable(question: dict[str, Any], articles: list[tuple[str, str]]) -> bool:
    """Whether a gold answer is in an article (``(date, normalised text)``) dated on
    or before the question's date."""
    gold = [_norm(a) for a in question.get("answer", []) if _norm(a)]
    day = question.get("date") or "9999"
    return any(date <= day and any(g in text for g in gold) for date, text in articles)


def heldout_questions(data_dir: Path, sample: int | None = DEFAULT_SAMPLE,
                      seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """The answerable questions not among the dev ones, in file order; ``sample`` of
    them drawn with ``seed`` (all of them when ``sample`` is None)."""
    dev = {q["id"] for q in _jsonl(data_dir / QUESTIONS)}
    articles = [(d.get("date") or "", _norm(d.get("text", "") + "\n" + (d.get("title") or "")))
                for d in _jsonl(data_dir / CORPUS)]
    pool = [q for q in _jsonl(data_dir / PASSAGE_QUESTIONS)
            if q["id"] not in dev and answerable(q, articles)]
    return _sampled(pool, sample, seed)


def _sampled(pool: list[dict[str, Any]], sample: int | None, seed: int) -> list[dict[str, Any]]:
    if sample is None or sample >= len(pool):
        return pool
    keep = set(random.Random(seed).sample(range(len(pool)), sample))
    return [q for i, q in enumerate(pool) if i in keep]


def evidence_questions(data_dir: Path, sample: int | None = DEFAULT_SAMPLE,
                       seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """The held-out questions whose gold answer is in their own evidence passage."""
    dev = {q["id"] for q in _jsonl(data_dir / QUESTIONS)}
    passages = {p["id"]: _norm(p.get("text", "")) for p in _jsonl(data_dir / PASSAGES)}
    pool = [q for q in _jsonl(data_dir / PASSAGE_QUESTIONS)
            if q["id"] not in dev and any(
                _norm(a) and _norm(a) in passages.get(pid, "")
                for a in q.get("answer", []) for pid in q.get("gold_passage_ids", []))]
    return _sampled(pool, sample, seed)
