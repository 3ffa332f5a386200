"""The text toolkit: one tokeniser, stemmer, FTS query builder and date-bound parser."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from index.errors import BadQueryError
from index.text.dates import parse_date_bound, parse_date_range
from index.text.fts import fts_query
from index.text.stems import content_terms, stem
from index.text.words import STOPWORDS, content_words, tokens

SAMPLE = Path(__file__).resolve().parents[2] / "sample_corpus"


def fts5_porter_terms(words: list[str]) -> dict[str, str]:
    """What SQLite FTS5's ``porter unicode61`` tokenizer stores for each word."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(w, tokenize='porter unicode61')")
    conn.executemany("INSERT INTO t(rowid, w) VALUES (?, ?)", enumerate(words))
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    return {words[doc]: term for term, doc in conn.execute("SELECT term, doc FROM v")}


def test_stems_agree_with_the_fts_tokenizer_on_the_sample_corpus() -> None:
    texts = [p.read_text(encoding="utf-8") for p in SAMPLE.glob("*.txt")]
    for path in SAMPLE.glob("*.jsonl"):
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
    vocab = sorted({t for text in texts for t in tokens(text) if t.isalnum()})
    assert len(vocab) > 300
    fts = fts5_porter_terms(vocab)
    assert [w for w in vocab if stem(w) != fts[w]] == []


@pytest.mark.parametrize(
    "word, expected",
    [("sanctions", "sanction"), ("sanctioned", "sanction"), ("sanctioning", "sanction"),
     ("Russia's", "russia"), ("Russia’s", "russia"), ("café", "cafe"), ("as", "as"),
     ("universities", "univers")],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_content_terms_and_words() -> None:
    assert content_terms("What did the minister say about sanctions in 2022 and 15 ships?") == [
        "minist", "sanction", "2022", "ship"]
    assert content_words("who said what?") == ["who", "said", "what"]  # all stopwords: keep them
    assert "said" in STOPWORDS and "news" in STOPWORDS


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "NEAR(a b)", "a* OR -b", "AND OR NOT", "col:value", "x' OR 1=1 --", "^start"],
)
def test_fts_query_neutralises_syntax(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(w, tokenize='porter unicode61')")
    conn.execute("INSERT INTO t VALUES ('start value near and or not')")
    match = fts_query(text)
    assert match is not None
    conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()  # never raises


def test_fts_query_drops_stopwords_and_caps_terms() -> None:
    assert fts_query("What is the world order of Lavrov?") == '"world" OR "order" OR "lavrov"'
    assert fts_query("who was it") == '"who" OR "was" OR "it"'
    assert fts_query("  ?! ") is None
    assert fts_query(" ".join(f"w{i}" for i in range(50)), max_terms=5) is not None
    assert fts_query(" ".join(f"w{i}" for i in range(50)), max_terms=5).count(" OR ") == 4  # type: ignore[union-attr]


def test_date_bounds() -> None:
    assert parse_date_bound("2022", end=False, what="from") == "2022-01-01"
    assert parse_date_bound("2022", end=True, what="to") == "2022-12-31"
    assert parse_date_bound("2022-02", end=True, what="to") == "2022-02-28"
    assert parse_date_bound("2024-02", end=True, what="to") == "2024-02-29"
    assert parse_date_bound("2022-12", end=True, what="to") == "2022-12-31"
    assert parse_date_bound("2022-03-31", end=False, what="from") == "2022-03-31"
    assert parse_date_bound(" ", end=False, what="from") is None
    with pytest.raises(BadQueryError, match="not a real date"):
        parse_date_bound("2022-02-30", end=False, what="from")
    with pytest.raises(BadQueryError, match="not a real date"):
        parse_date_bound("2022-13", end=False, what="from")
    with pytest.raises(BadQueryError, match="--from must be a date"):
        parse_date_bound("last tuesday", end=False, what="--from")
    with pytest.raises(BadQueryError, match="after"):
        parse_date_range("2022-05-01", "2022-04")
