"""Retrieval quality on RealTime QA (see ../shared/eval/NOTES.md), and query latency.

Article level: index ``corpus.jsonl`` (or reuse ``--index``), rank articles for each
question of ``questions_with_gold_doc.dev.jsonl``, and report Recall@1/5/10 and
MRR@10 for the hybrid system and, in the same run, plain BM25 and plain dense
search; strict, and twin-aware (a URL-variant copy of a gold document counts).
The hybrid system is given each question's date as ``as_of`` (a quiz question is
asked on that day; the API takes the same option), and is also reported without it.

Passage level: index ``evidence_passages.jsonl`` in a temporary index and report
Recall@5 for ``evidence_questions.dev.jsonl``.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.config import MAX_FILE_BYTES
from index.embedder import Embedder, load_embedder
from index.ingest import Indexer
from index.local import DB_FILE
from retrieval.engine import Engine
from retrieval.eval_metrics import Scores, find_twins, first_rank, percentile
from retrieval.eval_offtopic import OFF_TOPIC_QUESTIONS

log = logging.getLogger(__name__)

CORPUS, QUESTIONS = "corpus.jsonl", "questions_with_gold_doc.dev.jsonl"
PASSAGES, PASSAGE_QUESTIONS = "evidence_passages.jsonl", "evidence_questions.dev.jsonl"
# (name, mode, dated): a dated system gets the question's date as ``as_of`` and reads
# date expressions in the question ("this week") against it, as `ask --as-of` does;
# the others rank on content alone.
SYSTEMS = (("hybrid", "hybrid", True), ("hybrid, no date", "hybrid", False),
           ("bm25", "bm25", False), ("dense", "dense", False))


@dataclass
class Report:
    articles: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    passages: dict[str, float] = field(default_factory=dict)
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    answers: dict[str, float] = field(default_factory=dict)
    questions: int = 0
    passage_questions: int = 0
    index_dir: str = ""


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _chunked_copy(src: Path, dest: Path, limit: int = MAX_FILE_BYTES // 2) -> list[Path]:
    """Split a JSONL file into parts under the indexer's file-size limit."""
    parts: list[Path] = []
    out, size = None, 0
    with src.open(encoding="utf-8") as f:
        for line in f:
            if out is None or size + len(line.encode()) > limit:
                if out:
                    out.close()
                parts.append(dest / f"{src.stem}.{len(parts):03d}.jsonl")
                out, size = parts[-1].open("w", encoding="utf-8"), 0
            out.write(line)
            size += len(line.encode())
    if out:
        out.close()
    return parts


def ensure_index(jsonl: Path, index_dir: Path, embedder: Embedder, progress: bool) -> None:
    """Build ``index_dir`` from ``jsonl`` unless it already holds an index."""
    if (index_dir / DB_FILE).is_file():
        return
    log.info("indexing %s into %s (this embeds every passage once)", jsonl, index_dir)
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as tmp:
        parts = _chunked_copy(jsonl, Path(tmp))
        summary = Indexer(index_dir, embedder, progress=progress, quotes=False).add(parts)
    log.info("indexed %d articles in %.0f s", summary.added, summary.seconds)


@contextmanager
def _index_for(jsonl: Path, index_dir: Path | None, embedder: Embedder,
               progress: bool) -> Iterator[Path]:
    if index_dir is not None:
        ensure_index(jsonl, index_dir, embedder, progress)
        yield index_dir
        return
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-index-") as tmp:
        ensure_index(jsonl, Path(tmp), embedder, progress)
        yield Path(tmp)


def evaluate_articles(engine: Engine, questions: list[dict[str, Any]],
                      twins: dict[str, frozenset[str]]) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, mode, dated in SYSTEMS:
        strict, twin = Scores(), Scores()
        for q in questions:
            ranked = engine.rank_articles(q["question"], k=10, mode=mode,  # type: ignore[arg-type]
                                          as_of=q.get("date") if dated else None,
                                          read_dates=dated)
            gold = set(q["gold_doc_ids"])
            strict.add(first_rank(ranked, gold))
            twin.add(first_rank(ranked, gold.union(*(twins.get(g, ()) for g in gold))))
        out[name] = {"strict": strict.row(), "twin-aware": twin.row()}
    return out


def _norm(text: str) -> str:
    return " ".join(text.lower().strip(" \"'“”‘’.").split())


def _contains_gold(text: str, q: dict[str, Any]) -> bool:
    gold = [_norm(a) for a in q.get("answer", []) if _norm(a)]
    return any(g in _norm(text) for g in gold)


_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
_LOOSE_WORD = re.compile(r"[a-z0-9$%][a-z0-9$%.,]*[a-z0-9%]|[a-z0-9$%]")


_PERCENT = re.compile(r"\s*\b(?:percent|per\s+cent)\b")


def _loose(text: str) -> str:
    """Words only, number words as digits, plurals as singulars ("six nuggets" and
    "6 nugget" read alike), "90 percent" as "90%" and "&" as "and"; a second, looser
    matcher beside the headline one."""
    out = []
    text = _PERCENT.sub("%", _norm(text).replace("’", "'").replace("&", " and "))
    for word in _LOOSE_WORD.findall(text):
        word = _NUMBER_WORDS.get(word, word)
        if word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        out.append(word)
    return " " + " ".join(out) + " "


def contains_gold_loosely(text: str, q: dict[str, Any]) -> bool:
    """The gold answer in ``text`` up to number words, plurals and punctuation ("6"
    in "extended six months"); reported beside `_contains_gold`, never instead of it.
    Whatever the headline matcher accepts, this one does too."""
    gold = [_loose(a) for a in q.get("answer", []) if _loose(a).strip()]
    return _contains_gold(text, q) or any(g in _loose(text) for g in gold)


def measure_answers(engine: Engine, questions: Iterable[dict[str, Any]],
                    off_topic: Iterable[str] = OFF_TOPIC_QUESTIONS,
                    ) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Warm latency of Engine.search (k=5) and Engine.answer in ms, and answer quality.

    Quality: the share of questions answered, and of questions whose answer text holds
    the gold answer string, asked with the question's date (``as_of``) and without it;
    and the share of off-topic questions answered "no answer".
    """
    qs = list(questions)
    engine.search(qs[0]["question"])  # warm-up: snapshot, FAISS, first encode
    search_ms: list[float] = []
    ask_ms: list[float] = []
    answered = contains = answered_undated = contains_undated = loose = loose_undated = 0
    for q in qs:
        engine.clear_query_cache()  # time the whole query, encoding included
        t0 = time.perf_counter()
        engine.search(q["question"], k=5, as_of=q.get("date"))
        search_ms.append((time.perf_counter() - t0) * 1000)
        engine.clear_query_cache()
        t0 = time.perf_counter()
        ans = engine.answer(q["question"], as_of=q.get("date"))
        ask_ms.append((time.perf_counter() - t0) * 1000)
        if ans.kind != "no_answer":
            answered += 1
            contains += _contains_gold(ans.text, q)
            loose += contains_gold_loosely(ans.text, q)
        undated = engine.answer(q["question"])
        if undated.kind != "no_answer":
            answered_undated += 1
            contains_undated += _contains_gold(undated.text, q)
            loose_undated += contains_gold_loosely(undated.text, q)
    rejected = [engine.answer(text).kind == "no_answer" for text in off_topic]
    latency = {name: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": float(len(v))}
               for name, v in (("search", search_ms), ("ask", ask_ms))}
    n = max(len(qs), 1)
    quality = {"answered": answered / n, "contains_gold": contains / n,
               "answered_no_date": answered_undated / n,
               "contains_gold_no_date": contains_undated / n,
               "contains_gold_loose": loose / n, "contains_gold_loose_no_date": loose_undated / n,
               "off_topic_rejected": sum(rejected) / max(len(rejected), 1),
               "off_topic_questions": float(len(rejected))}
    return latency, quality


def evaluate_passages(engine: Engine, questions: list[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, mode, dated in SYSTEMS:
        scores = Scores()
        for q in questions:
            ranked = engine.rank_articles(q["question"], k=5, mode=mode,  # type: ignore[arg-type]
                                          as_of=q.get("date") if dated else None,
                                          read_dates=dated)
            scores.add(first_rank(ranked, set(q["gold_passage_ids"])))
        out[name] = scores.recall(5)
    return out


def run(data_dir: Path, index_dir: Path | None = None, passages: bool = True,
        latency: bool = True, limit: int | None = None, progress: bool = False,
        passages_index: Path | None = None) -> Report:
    embedder = load_embedder()
    report = Report()
    docs = list(_jsonl(data_dir / CORPUS))
    twins = find_twins(docs)
    questions = list(_jsonl(data_dir / QUESTIONS))[:limit]
    report.questions = len(questions)
    with _index_for(data_dir / CORPUS, index_dir, embedder, progress) as idx:
        report.index_dir = str(idx)
        engine = Engine.open(idx, embedder)
        report.articles = evaluate_articles(engine, questions, twins)
        if latency:
            report.latency_ms, report.answers = measure_answers(engine, questions)
    if passages and (data_dir / PASSAGES).is_file():
        pq = list(_jsonl(data_dir / PASSAGE_QUESTIONS))[:limit]
        report.passage_questions = len(pq)
        with _index_for(data_dir / PASSAGES, passages_index, embedder, progress) as idx:
            report.passages = evaluate_passages(Engine.open(idx, embedder), pq)
    return report


def format_report(r: Report) -> str:
    lines = [f"Article level: {r.questions} questions, index {r.index_dir}",
             f"{'system':18} {'scoring':11} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7}"]
    for name, by in r.articles.items():
        for scoring, row in by.items():
            lines.append(f"{name:18} {scoring:11} {row['R@1']:6.3f} {row['R@5']:6.3f} "
                         f"{row['R@10']:6.3f} {row['MRR@10']:7.3f}")
    if r.passages:
        lines += ["", f"Passage level: {r.passage_questions} questions, Recall@5"]
        lines += [f"{name:18} {v:6.3f}" for name, v in r.passages.items()]
    if r.latency_ms:
        lines += ["", "Warm latency (ms)"]
        lines += [f"{name:8} p50 {v['p50']:6.1f}  p95 {v['p95']:6.1f}  (n={int(v['n'])})"
                  for name, v in r.latency_ms.items()]
    if r.answers:
        a = r.answers
        lines += ["", "Answers (Engine.answer)       answered  gold in answer text",
                  f"{'with the question date':28} {a['answered']:8.3f}  {a['contains_gold']:8.3f}"]
        if "contains_gold_no_date" in a:
            lines.append(f"{'without it':28} {a['answered_no_date']:8.3f}  "
                         f"{a['contains_gold_no_date']:8.3f}")
        if "contains_gold_loose" in a:
            lines.append(f"Loosely matched (number words, plurals): {a['contains_gold_loose']:.3f} "
                         f"with the date, {a['contains_gold_loose_no_date']:.3f} without")
        if "off_topic_rejected" in a:
            lines.append(f"Off-topic questions answered \"no answer\": "
                         f"{a['off_topic_rejected']:.3f} of {int(a['off_topic_questions'])}")
    return "\n".join(lines)


def cli(args: Any) -> int:
    """Body of `newsdesk eval retrieval` (arguments are declared in bot/cli/eval_cmds.py)."""
    from index.errors import NewsdeskError

    if not (args.data_dir / CORPUS).is_file():
        raise NewsdeskError(f"No {CORPUS} in {args.data_dir}.",
                            hint="Pass the RealTime QA folder, e.g. ../shared/eval/realtimeqa.")
    report = run(args.data_dir, args.index, passages=not args.no_passages,
                 latency=not args.no_latency, limit=args.limit, progress=not args.json,
                 passages_index=args.passages_index)
    if args.json:
        print(json.dumps(report.__dict__, indent=1))
    else:
        print(format_report(report))
    return 0
