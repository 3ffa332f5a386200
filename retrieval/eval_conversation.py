"""`newsdesk eval conversation`: follow-up understanding measured on multi-turn dialogues.

A dialogue file is JSON lines, one dialogue each (benchmarks/data/dialogues.jsonl)::

    {"id": "wang-1", "articles": ["polnear:<id>", "bbc:<id>"],   # besides sample_corpus/
     "turns": [{"message": "what did Wang Wenbin say?"},
               {"message": "what else did he say about hegemony?",
                "pattern": "pronoun",
                "expect": {"question": "what did Wang Wenbin say about hegemony?"}}]}

``expect`` holds the standalone question and/or fields: ``action`` (ask, more, context,
where, clarify; default ask), ``speaker``, ``topic``, ``date_from``/``date_to``, ``source``,
``marker``, ``new`` (a self-contained question: nothing may be carried), ``carried`` (true:
something of the last turn must be), ``title`` (words the answer's first cited article's
title holds: "how much will it cost?" answered from the ferry article). A question is
compared by what it means (speaker, topic terms, dates, source), not word for word. The
first turn of a dialogue is its opening; every later turn is a follow-up and is scored.

Articles named ``polnear:ID`` / ``bbc:ID`` are read from the evaluation data folder at run
time, never stored in the file. Reported: the share of follow-ups resolved as expected, the
false-carry rate on topic changes, and the share of resolved follow-ups whose answer is
right (the expected speaker's words, dates within the expected range, the right source).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.quotes.names import keys_compatible, speaker_key
from index.text.stems import content_terms
from retrieval.conversation import ConversationState, Understood, Vocabulary, advance, asked
from retrieval.dates import parse_dates
from retrieval.dialogue import Dialogue, SyncEngine, Turn

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO / "sample_corpus"
DEFAULT_DIALOGUES = REPO / "benchmarks" / "data" / "dialogues.jsonl"
FOLDERS = {"polnear": "polnear/articles.jsonl", "bbc": "bbc/articles.jsonl"}
KEEP_FIELDS = ("id", "title", "date", "source", "author", "text")


@dataclass(frozen=True)
class Expected:
    action: str = "ask"
    speaker: str | None = None
    topic: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    marker: int | None = None
    new: bool = False
    carried: bool | None = None  # set: whether something of the last turn must be carried
    title: str | None = None  # words the first cited article's title must hold


@dataclass
class Tally:
    followups: int = 0
    resolved: int = 0
    topic_changes: int = 0
    false_carries: int = 0
    answers_checked: int = 0
    answers_right: int = 0
    by_pattern: Counter[str] = field(default_factory=Counter)
    ok_by_pattern: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    resolve_ms: list[float] = field(default_factory=list)


def load_dialogues(path: Path) -> list[dict[str, Any]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError as err:
                    raise ValueError(f"{path}:{n}: not JSON ({err})") from None
    return out


def collect_articles(dialogues: list[dict[str, Any]], data_dir: Path) -> list[dict[str, Any]]:
    """The evaluation articles the dialogues name, read from ``data_dir``."""
    wanted: dict[str, set[str]] = {}
    for d in dialogues:
        for ref in d.get("articles", ()):
            folder, _, article_id = ref.partition(":")
            if folder not in FOLDERS:
                raise ValueError(f"dialogue {d.get('id')}: unknown article folder in {ref!r}")
            wanted.setdefault(folder, set()).add(article_id)
    found = []
    for folder, ids in wanted.items():
        path = data_dir / FOLDERS[folder]
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: the dialogues need {folder} articles")
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row["id"] in ids:
                    found.append({k: row.get(k) for k in KEEP_FIELDS if row.get(k) is not None})
        missing = ids - {a["id"] for a in found}
        if missing:
            raise ValueError(f"{len(missing)} {folder} articles not found: {sorted(missing)[:3]}")
    return found


def build_index(index_dir: Path, articles: list[dict[str, Any]]) -> None:
    from index.embedder import load_embedder
    from index.ingest import Indexer

    with tempfile.TemporaryDirectory(prefix="newsdesk-dialogues-") as tmp:
        part = Path(tmp) / "eval_articles.jsonl"
        part.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles),
                        encoding="utf-8")
        Indexer(index_dir, load_embedder()).add([SAMPLE_CORPUS, part])


def expected_of(turn: dict[str, Any], vocab: Vocabulary) -> Expected:
    exp = dict(turn.get("expect") or {})
    if exp.get("new"):
        exp.setdefault("question", turn["message"])
    question = exp.pop("question", None)
    derived: dict[str, Any] = {}
    if question is not None:
        text, _, source = question.partition(", only from ")
        found, rest = parse_dates(text.rstrip("?"), vocab.reference_day())
        speaker, topic = asked(Understood("ask", question, question, text=rest))
        derived = {"speaker": speaker, "topic": topic,
                   "source": source.rstrip("?") or None}
        if found is not None:
            derived["date_from"], derived["date_to"] = found.iso()
    derived.update(exp)
    return Expected(**{k: v for k, v in derived.items() if k in Expected.__dataclass_fields__})


def _same_speaker(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return keys_compatible(speaker_key(a), speaker_key(b))


def _same_terms(a: str | None, b: str | None) -> bool:
    return set(content_terms(a or "")) == set(content_terms(b or ""))


def judge(u: Understood, e: Expected) -> bool:
    """Was the message understood as expected?"""
    if e.new:
        return not u.carried and u.action == "ask"
    if u.action != e.action:
        return False
    if e.action == "clarify":
        return True
    if e.action in ("context", "where"):
        return e.marker is None or u.marker == e.marker
    if e.action == "more":
        return True
    if e.carried is not None and u.carried != e.carried:
        return False
    speaker, topic = asked(u)
    f = u.filters
    return (_same_speaker(speaker, e.speaker) and _same_terms(topic, e.topic)
            and (f.date_from, f.date_to) == (e.date_from, e.date_to)
            and (f.source or "").lower() == (e.source or "").lower())


def answer_right(turn: Turn, e: Expected, before: ConversationState) -> bool | None:
    """Is the answer what the follow-up asked for? None when there is nothing to check."""
    a, u = turn.answer, turn.understood
    if a is None or e.action == "clarify" or e.new:
        return None
    if u.action == "where":
        cited = next((c for c in before.citations if c.marker == u.marker), None)
        return cited is not None and (cited.date or "an unknown date") in a.text
    if u.action == "context":
        cited = next((c for c in before.citations if c.marker == u.marker), None)
        return cited is not None and any(c.article_id == cited.article_id and c.start <= cited.start
                                         and cited.end <= c.end for c in a.citations)
    if u.action == "more" or not a.citations:
        return None
    ok = True
    if e.speaker and (e.title is None or a.kind == "quotes"):
        ok = a.kind == "quotes" and _same_speaker(a.speaker, e.speaker)
    if e.title is not None:  # a follow-up about a thing: answered from its article
        ok = ok and e.title.lower() in (a.citations[0].title or "").lower()
    for c in a.citations:
        if e.date_from and (c.date or "") < e.date_from or e.date_to and (c.date or "~") > e.date_to:
            ok = False
        if e.source and (c.source or "").lower() != e.source.lower():
            ok = False
    return ok


async def run_dialogues(engine: Any, dialogues: list[dict[str, Any]]) -> Tally:
    dialogue = Dialogue(SyncEngine(engine))
    vocab = await dialogue.vocabulary()
    tally = Tally()
    for d in dialogues:
        state = ConversationState()
        for i, turn in enumerate(d["turns"]):
            t0 = time.perf_counter()
            understood = await dialogue.resolve(state, turn["message"])
            tally.resolve_ms.append((time.perf_counter() - t0) * 1000)
            answer = await dialogue.answer(state, understood)
            people = (await dialogue.people(answer, understood)
                      if understood.action == "ask" and answer else ())
            result = Turn(understood, answer, advance(state, understood, answer, people))
            if i > 0:
                _score(tally, d, turn, result, state, vocab)
            state = result.state
    return tally


def _score(tally: Tally, d: dict[str, Any], turn: dict[str, Any], result: Turn,
           before: ConversationState, vocab: Vocabulary) -> None:
    e = expected_of(turn, vocab)
    pattern = turn.get("pattern") or ("new" if e.new else e.action)
    tally.by_pattern[pattern] += 1
    u = result.understood
    if e.new:
        tally.topic_changes += 1
        if u.carried:
            tally.false_carries += 1
    else:
        tally.followups += 1
    ok = judge(u, e)
    if ok:
        tally.ok_by_pattern[pattern] += 1
        if not e.new:
            tally.resolved += 1
            right = answer_right(result, e, before)
            if right is not None:
                tally.answers_checked += 1
                tally.answers_right += int(right)
                if not right:
                    tally.failures.append({"dialogue": d.get("id"), "message": turn["message"],
                                           "wrong_answer": (result.answer.text[:200]
                                                            if result.answer else None)})
    else:
        tally.failures.append({"dialogue": d.get("id"), "message": turn["message"],
                               "understood": u.question, "action": u.action,
                               "carried": u.carried, "missing": u.missing,
                               "expected": e.__dict__})


def report(tally: Tally) -> dict[str, Any]:
    def share(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    ms = sorted(tally.resolve_ms)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))] if ms else None
    return {
        "followups": tally.followups,
        "resolution": share(tally.resolved, tally.followups),
        "topic_changes": tally.topic_changes,
        "false_carry_rate": share(tally.false_carries, tally.topic_changes),
        "answers_checked": tally.answers_checked,
        "answer_right": share(tally.answers_right, tally.answers_checked),
        "resolve_p95_ms": round(p95, 3) if p95 is not None else None,
        "by_pattern": {p: f"{tally.ok_by_pattern[p]}/{n}"
                       for p, n in sorted(tally.by_pattern.items())},
        "failures": tally.failures,
    }


def run(dialogue_file: Path, data_dir: Path, index_dir: Path | None) -> dict[str, Any]:
    from retrieval.engine import Engine

    dialogues = load_dialogues(dialogue_file)
    with tempfile.TemporaryDirectory(prefix="newsdesk-conv-index-") as tmp:
        target = index_dir or Path(tmp) / "index"
        if not (target / "newsdesk.sqlite").exists():
            build_index(target, collect_articles(dialogues, data_dir))
        engine = Engine.open(target)
        out = report(asyncio.run(run_dialogues(engine, dialogues)))
    out["dialogues"] = len(dialogues)
    return out
