"""What following a conversation adds to an answer, next to the answer itself.

    .venv/bin/python -m benchmarks.conversation [--index DIR] [--repeats 5]

Over every message of the committed dialogues (benchmarks/data/dialogues.jsonl) whose
articles are in the index (sample_corpus/ by default, built in a temporary folder):
- ``resolve``: ``retrieval.conversation.resolve`` (the follow-up rules) per message;
- ``bookkeeping``: resolve + ``advance`` + the state written to and read back from the
  bot-state database (bot/conversations.py), i.e. all a turn adds besides engine calls;
- baseline: ``Engine.answer`` of the standalone question, measured in the same run.
Target: resolving adds <= 5 ms p95. Writes results/<date>-conversation.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.conversations import ConversationStore
from retrieval.conversation import ConversationState, advance, resolve
from retrieval.dialogue import Dialogue, SyncEngine
from retrieval.eval_conversation import DEFAULT_DIALOGUES, SAMPLE_CORPUS, load_dialogues

RESULTS = Path(__file__).resolve().parent / "results"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(engine: object, dialogues: list[dict[str, object]], repeats: int,
                  store: ConversationStore) -> dict[str, list[float]]:
    dialogue = Dialogue(SyncEngine(engine))  # type: ignore[arg-type]
    vocab = await dialogue.vocabulary()
    times: dict[str, list[float]] = {"resolve": [], "bookkeeping": [], "answer": []}
    for _ in range(repeats):
        for d in dialogues:
            state = ConversationState()
            for turn in d["turns"]:  # type: ignore[attr-defined]
                t0 = time.perf_counter()
                u = resolve(state, turn["message"], vocab)
                t1 = time.perf_counter()
                answer = await dialogue.answer(state, u)
                t2 = time.perf_counter()
                people = await dialogue.people(answer, u) if u.action == "ask" and answer else ()
                t3 = time.perf_counter()
                state = advance(state, u, answer, people)
                store.put("bench", "u", state)
                store.get("bench", "u")
                t4 = time.perf_counter()
                times["resolve"].append((t1 - t0) * 1000)
                times["bookkeeping"].append((t1 - t0 + t4 - t3) * 1000)
                if u.action == "ask":
                    times["answer"].append((t2 - t1) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index of sample_corpus/ (built if absent)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from index.embedder import load_embedder
    from index.ingest import Indexer
    from retrieval.engine import Engine

    dialogues = [d for d in load_dialogues(DEFAULT_DIALOGUES) if not d.get("articles")]
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-conv-") as tmp:
        index = args.index or Path(tmp) / "index"
        if not (index / "newsdesk.sqlite").exists():
            Indexer(index, load_embedder()).add([SAMPLE_CORPUS])
        engine = Engine.open(index)
        store = ConversationStore(Path(tmp) / "bot-state.sqlite")
        asyncio.run(measure(engine, dialogues[:2], 1, store))  # warm-up
        times = asyncio.run(measure(engine, dialogues, args.repeats, store))
    rows = []
    for name, values in times.items():
        rows.append((name, len(values), statistics.median(values), pct(values, 0.95), max(values)))
    now = datetime.now(UTC)
    lines = [f"## Conversation overhead — {now:%Y-%m-%d %H:%M} UTC", "",
             f"{sum(len(d['turns']) for d in dialogues)} messages of {len(dialogues)} dialogues "
             f"over sample_corpus/, x{args.repeats}; milliseconds.", "",
             "| step | n | p50 | p95 | max |", "|---|---|---|---|---|"]
    lines += [f"| {n} | {c} | {p50:.3f} | {p95:.3f} | {mx:.3f} |" for n, c, p50, p95, mx in rows]
    lines += ["", "`resolve` is what a follow-up adds before the engine is asked (target p95 <= "
              "5 ms); `bookkeeping` adds `advance` and the bot-state write and read; `answer` is "
              "`Engine.answer` itself, the baseline. Speaker descriptions (one quote lookup and "
              "up to 3 article reads per new person, cached) are not in these rows."]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{now:%Y-%m-%d}-conversation.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print(json.dumps({n: round(p95, 3) for n, _, _, p95, _ in rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
