"""Benchmark passages: the real realtimeqa passages, and a synthetic archive of any size
recombined from their paragraphs (built on the fly; nothing is written to the repo).

Synthetic passage i: paragraphs drawn at random from the real pool until it holds >= 100
words (a 200-word cap, like index/passages.py); every 11 consecutive passages form one
synthetic article with a new id, a date uniform over 2015-2024 and a source drawn from the
real sources' distribution. Words and their document frequencies stay realistic; what is
lost is topical coherence inside a passage (it mixes stories).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from index.models import Article
from index.passages import split_passages

PASSAGES_PER_ARTICLE = 11
MIN_WORDS, MAX_WORDS = 100, 200
DATE_SPAN = (2015, 2024)


@dataclass(frozen=True)
class BenchPassage:
    passage_id: int
    article_id: str
    date: str  # YYYY-MM-DD
    source: str
    text: str


@dataclass(frozen=True)
class Question:
    text: str
    gold_doc_ids: tuple[str, ...]


def real_articles(corpus: Path) -> list[Article]:
    out = []
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out.append(Article(id=r["id"], text=r["text"], title=r.get("title"),
                               date=r.get("date"), source=r.get("source")))
    return out


def real_passages(articles: list[Article]) -> list[BenchPassage]:
    """The passages `newsdesk index add` would store for these articles."""
    out: list[BenchPassage] = []
    for a in articles:
        for span in split_passages(a):
            out.append(BenchPassage(len(out) + 1, a.id, a.date or "2022-01-01",
                                    (a.source or "unknown").lower(), span.text))
    return out


def questions(path: Path) -> list[Question]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [Question(r["question"], tuple(r.get("gold_doc_ids") or ())) for r in rows]


def paragraph_pool(articles: list[Article]) -> list[str]:
    pool = []
    for a in articles:
        for para in a.text.split("\n"):
            if len(para.split()) >= 8:
                pool.append(para.strip())
    return pool


def synthetic_passages(articles: list[Article], count: int, seed: int = 7,
                       draws: list[list[int]] | None = None) -> list[BenchPassage]:
    """``count`` recombined passages (deterministic for a seed). ``draws`` (when given)
    receives the paragraph indices of each passage, for the near-duplicate estimate."""
    rng = random.Random(seed)
    pool = paragraph_pool(articles)
    words = [len(p.split()) for p in pool]
    sources = [(a.source or "unknown").lower() for a in articles]
    out: list[BenchPassage] = []
    article_id, date, source = "", "", ""
    for i in range(count):
        if i % PASSAGES_PER_ARTICLE == 0:
            article_id = f"syn-{i // PASSAGES_PER_ARTICLE:07d}"
            date = (f"{rng.randint(*DATE_SPAN)}-{rng.randint(1, 12):02d}"
                    f"-{rng.randint(1, 28):02d}")
            source = rng.choice(sources)
        picked: list[int] = []
        n = 0
        while n < MIN_WORDS:
            j = rng.randrange(len(pool))
            if picked and n + words[j] > MAX_WORDS:
                continue
            picked.append(j)
            n += words[j]
        if draws is not None:
            draws.append(picked)
        out.append(BenchPassage(i + 1, article_id, date, source,
                                "\n\n".join(pool[j] for j in picked)))
    return out


def near_duplicate_rate(draws: list[list[int]], words: list[int], sample: int = 2000,
                        threshold: float = 0.6, seed: int = 3) -> float:
    """Share of sampled passages that have another passage with word-weighted paragraph
    Jaccard >= ``threshold`` (a passage is a set of paragraphs, so this is exact for the
    construction, and what grouping's shingle Jaccard would see)."""
    by_para: dict[int, list[int]] = {}
    for i, d in enumerate(draws):
        for j in d:
            by_para.setdefault(j, []).append(i)
    rng = random.Random(seed)
    hits = 0
    picks = rng.sample(range(len(draws)), min(sample, len(draws)))
    for i in picks:
        mine = set(draws[i])
        shared: Counter[int] = Counter()
        for j in mine:
            for other in by_para[j]:
                if other != i:
                    shared[other] += words[j]
        total_i = sum(words[j] for j in mine)
        for other, common in shared.items():
            total_o = sum(words[j] for j in set(draws[other]))
            if common / (total_i + total_o - common) >= threshold:
                hits += 1
                break
    return hits / len(picks)
