"""Property: whatever text comes in, every stored passage and quote is verbatim.

Uses the fake embedder: vectors play no part in offsets, and the real model would
make each example cost a second of CPU on a shared 2-core machine.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ingest import Indexer
from index.local import LocalBackend
from tests.index.index_fakes import FakeEmbedder

PIECES = [
    "Mr.", "U.S.", "Jan.", "3.5", "J.", "said", "Wang", "Lavrov", '"', "“", "”", "‘", "’", "'",
    ".", "!", "?", "…", ",", ".\"", ".”", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\u200b",
    "\u200f", "שלום", "🚀", "🇺🇦", "e\u0301", "Ω", "the", "Beijing", "told reporters", "—", "(",
    ")", "\x0b", "\x0c", "\x85", "\u2028",
]

texts = st.one_of(
    st.text(min_size=1, max_size=1500),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=400).map("".join),
    st.lists(st.sampled_from(PIECES + ["word"] * 20), min_size=150, max_size=900).map(" ".join),
)


def check_store(index_dir: Path) -> int:
    store = LocalBackend.open(index_dir)
    checked = 0
    try:
        for article_id in store.article_ids():
            article = store.get_article(article_id)
            for p in store.passages_for(article_id):
                assert article.text[p.start : p.end] == p.text
                checked += 1
            for q in store.quotes_for(article_id):
                assert article.text[q.start : q.end] == q.text
    finally:
        store.close()
    return checked


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, as_txt=st.booleans())
def test_random_text_offsets_are_exact(text: str, as_txt: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        if as_txt:
            (corpus / "random.txt").write_text(f"date 2022-01-01 {text}", encoding="utf-8")
        else:
            line = json.dumps({"id": "random", "text": text, "title": text[:20]})
            (corpus / "random.jsonl").write_text(line + "\n", encoding="utf-8")
        summary = Indexer(Path(tmp) / "idx", FakeEmbedder()).add([corpus])
        assert summary.added + len(summary.skipped) == 1
        if summary.added:
            store = LocalBackend.open(Path(tmp) / "idx")
            stored = store.get_article("random").text
            store.close()
            assert stored.strip() and "\r" not in stored
            assert check_store(Path(tmp) / "idx") >= 1
