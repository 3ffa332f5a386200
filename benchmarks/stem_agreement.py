"""How often ``index.text.stems.stem`` gives the term SQLite FTS5's ``porter unicode61``
tokenizer stores, over a corpus vocabulary, against the two stemmers it replaced.

Usage: ``python -m benchmarks.stem_agreement ../shared/eval/realtimeqa/corpus.jsonl``
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from index.text.stems import stem
from index.text.words import tokens

# The suffix stripper retrieval/terms.py used before the toolkit (for the comparison only).
_OLD_SUFFIXES = ("ational", "ization", "fulness", "iveness", "ements", "ement", "ments", "ment",
                 "ingly", "ings", "ing", "edly", "ies", "ied", "ers", "er", "ed", "es", "s", "ly")


def old_suffix_stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in _OLD_SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return w


def fts5_terms(words: list[str]) -> dict[str, str]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(w, tokenize='porter unicode61')")
    conn.executemany("INSERT INTO t(rowid, w) VALUES (?, ?)", enumerate(words))
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    found: dict[int, list[tuple[int, str]]] = {}
    for term, doc, offset in conn.execute("SELECT term, doc, offset FROM v"):
        found.setdefault(doc, []).append((offset, term))
    return {words[d]: " ".join(t for _, t in sorted(v)) for d, v in found.items()}


def vocabulary(paths: list[Path]) -> list[str]:
    words: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    words.update(t for t in tokens(json.loads(line).get("text", "")) if t.isalnum())
    return sorted(words)


def main(argv: list[str]) -> None:
    vocab = vocabulary([Path(a) for a in argv])
    fts = fts5_terms(vocab)
    stemmers: dict[str, Callable[[str], str]] = {
        "index.text.stems.stem (PyStemmer porter)": stem,
        "old suffix stripper (retrieval/terms.py)": old_suffix_stem,
        "old first five letters (retrieval/quotes.py)": lambda w: w[:5],
    }
    print(f"| stemmer | agrees with FTS5 porter ({len(vocab)} words) |\n|---|---|")
    for name, fn in stemmers.items():
        same = sum(fn(w) == fts.get(w) for w in vocab)
        print(f"| {name} | {same}/{len(vocab)} = {same / len(vocab):.4f} |")
    differ = [(w, stem(w), fts.get(w)) for w in vocab if stem(w) != fts.get(w)]
    print("\nfirst disagreements:", differ[:12])


if __name__ == "__main__":
    main(sys.argv[1:])
