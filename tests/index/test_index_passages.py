"""Passages: 100-200 words, whole sentences, paragraph numbers, exact offsets."""

from __future__ import annotations

import random
from pathlib import Path

from index.models import Article
from index.passages import MAX_WORDS, split_passages
from index.readers import SourceFile, read_file
from index.sentences import sentence_spans
from tests.index.index_fakes import article_text

SEED = Path(__file__).resolve().parents[2] / "sample_corpus" / "lavrov_china_2022-03-31.txt"


def check(article: Article) -> None:
    passages = split_passages(article)
    sentences = set(sentence_spans(article.text))
    starts = {s for s, _ in sentences}
    ends = {e for _, e in sentences}
    for i, p in enumerate(passages):
        assert p.ordinal == i
        assert article.text[p.start : p.end] == p.text
        assert p.words <= MAX_WORDS
        assert p.start in starts and p.end in ends  # never cuts a sentence
        assert 1 <= p.paragraph_start <= p.paragraph_end
    assert [p.start for p in passages] == sorted(p.start for p in passages)


def test_seed_article_offsets() -> None:
    result = read_file(SourceFile(SEED, "seed"))
    article = result.articles[0][1]
    passages = split_passages(article)
    assert len(passages) >= 2
    check(article)
    assert passages[0].text.startswith("Beijing and Moscow advanced")
    assert passages[-1].text.endswith("Wang said.")


def test_messy_whitespace_offsets() -> None:
    rng = random.Random(3)
    base = article_text(rng, paragraphs=8)
    messy = (
        "\n\n   \t"
        + base.replace("\n\n", "\n \t \n\n\n").replace(". ", ".   \t ").replace("? ", "?\n")
        + "  \n\n\t "
    )
    article = Article("messy", messy)
    check(article)
    joined = " ".join(p.text for p in split_passages(article))
    assert joined.split() == messy.split()  # nothing lost between passages


def test_sizes_on_regular_text() -> None:
    rng = random.Random(5)
    article = Article("a", article_text(rng, paragraphs=30))
    passages = split_passages(article)
    check(article)
    assert all(p.words >= 60 for p in passages[:-1])
    assert sum(p.words >= 100 for p in passages) >= len(passages) * 0.7


def test_paragraph_numbers() -> None:
    paragraphs = [" ".join(["word"] * 60) + "." for _ in range(5)]
    article = Article("p", "\n\n".join(paragraphs))
    passages = split_passages(article)
    # 60-word paragraphs: a passage closes at the first paragraph end past 100 words.
    assert [(p.paragraph_start, p.paragraph_end) for p in passages] == [(1, 2), (3, 4), (5, 5)]


def test_overlong_sentence_is_cut_at_whitespace() -> None:
    text = " ".join(f"w{i}" for i in range(450))
    passages = split_passages(Article("long", text))
    assert [p.words for p in passages] == [200, 200, 50]
    for p in passages:
        assert text[p.start : p.end] == p.text


def test_empty_text_has_no_passages() -> None:
    assert split_passages(Article("e", " \n\n ")) == []
