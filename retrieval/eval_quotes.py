"""Quote attribution quality on PolNeAR (see ../shared/eval/NOTES.md).

Every system's quotes go into an in-memory SQLite holding the index's `articles` and
`quotes` tables, and each query of quote_queries.jsonl is asked through the same
`lookup_quotes` the bot uses. Figures:

- recall: a gold quote is found when one returned quote from the gold article
  covers at least half of the gold content characters;
- extraction recall: the same, with any extracted quote of the article (speaker ignored);
- speaker accuracy: returned quotes in the gold article that overlap a gold
  attribution with a named source: share whose speaker is compatible with it;
- misattribution: returned quotes in the gold article overlapping gold content
  of someone else, over all returned quotes in gold articles.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.models import Article, Quote
from index.quotes import extract_quotes, keys_compatible, speaker_key
from index.quotes.names import NON_NAME_CAPS
from retrieval.quotes import lookup_quotes

Extractor = Callable[[Article], list[Quote]]

_HEAD_CUT = re.compile(r",|\(| (?:of|at|from|in|for|with|who|on|to|and)\b")


@dataclass
class Gold:
    articles: dict[str, Article]
    split_of: dict[str, str]
    queries: list[dict[str, Any]]
    # doc_id -> [(content spans, source head key or "")]
    attributions: dict[str, list[tuple[list[tuple[int, int]], str]]]
    source_head: dict[tuple[str, str], str]  # (doc_id, attribution_id) -> head key


@dataclass
class Scores:
    name: str
    articles: int = 0
    seconds: float = 0.0
    gold_quotes: int = 0
    found: int = 0
    extracted: int = 0
    head_gold: int = 0
    head_found: int = 0
    ambiguous_queries: int = 0
    returned_in_gold_doc: int = 0
    judged: int = 0
    correct: int = 0
    misattributed: int = 0
    corpus_judged: int = 0
    corpus_correct: int = 0
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "system": self.name,
            "recall": ratio(self.found, self.gold_quotes),
            "recall_head_match": ratio(self.head_found, self.head_gold),
            "extraction_recall": ratio(self.extracted, self.gold_quotes),
            "speaker_accuracy": ratio(self.correct, self.judged),
            "misattribution": ratio(self.misattributed, self.returned_in_gold_doc),
            "corpus_speaker_accuracy": ratio(self.corpus_correct, self.corpus_judged),
            "gold_quotes": self.gold_quotes,
            "head_match_quotes": self.head_gold,
            "ambiguous_queries": self.ambiguous_queries,
            "judged": self.judged,
            "articles": self.articles,
            "articles_per_s": round(self.articles / self.seconds, 1) if self.seconds else None,
        }


def source_head(source: str) -> str:
    """Key of the head of a gold source span: 'Steger, now a professor at X' -> 'steger'.
    Empty when the source names nobody ('he', 'the newspaper')."""
    head = _HEAD_CUT.split(source, maxsplit=1)[0].strip()
    caps = [w for w in re.findall(r"[\w.'’-]+", head) if w[0].isupper()]
    if not caps or all(w.lower().strip(".") in NON_NAME_CAPS for w in caps):
        return ""
    return speaker_key(head)


def load_gold(data_dir: Path) -> Gold:
    articles, split_of = {}, {}
    with open(data_dir / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            articles[row["id"]] = Article(
                id=row["id"], text=row["text"], title=row.get("title"), date=row.get("date"),
                source=row.get("source"), author=row.get("author"),
            )
            split_of[row["id"]] = row.get("split", "")
    attributions: dict[str, list[tuple[list[tuple[int, int]], str]]] = defaultdict(list)
    heads: dict[tuple[str, str], str] = {}
    with open(data_dir / "attributions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if not row.get("primary_annotation") or not row.get("content_offsets"):
                continue
            head = source_head(row.get("source") or "")
            spans = [(s, e) for s, e in row["content_offsets"]]
            attributions[row["doc_id"]].append((spans, head))
            heads[(row["doc_id"], row["attribution_id"])] = head
    with open(data_dir / "quote_queries.jsonl", encoding="utf-8") as fh:
        queries = [json.loads(line) for line in fh]
    return Gold(articles, split_of, queries, attributions, heads)


def _overlap(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> int:
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in spans)


def memory_store(articles: Iterable[Article], quotes: Iterable[Quote]) -> sqlite3.Connection:
    """The index's `articles` and `quotes` tables, in memory, for `lookup_quotes`."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE articles(id TEXT PRIMARY KEY, title, date TEXT, source, url, author,"
        " text TEXT NOT NULL);"
        "CREATE TABLE quotes(id INTEGER PRIMARY KEY, article_id TEXT, speaker TEXT,"
        " speaker_key TEXT, mention TEXT, cue TEXT, text TEXT, start INT, end INT,"
        " direct INT, paragraph INT);"
        "CREATE INDEX quotes_key ON quotes(speaker_key);"
    )
    conn.executemany(
        "INSERT INTO articles VALUES (?,?,?,?,?,?,?)",
        [(a.id, a.title, a.date, a.source, a.url, a.author, a.text) for a in articles],
    )
    conn.executemany(
        "INSERT INTO quotes(article_id, speaker, speaker_key, mention, cue, text, start, end,"
        " direct, paragraph) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (q.article_id, q.speaker, q.speaker_key or speaker_key(q.speaker), q.mention,
             q.cue, q.text, q.start, q.end, int(q.direct), q.paragraph)
            for q in quotes
        ],
    )
    return conn


def _judge(
    span: tuple[int, int], speaker: str, attributions: list[tuple[list[tuple[int, int]], str]]
) -> bool | None:
    """Is ``speaker`` the source of the gold attribution this span overlaps most?
    None when it overlaps none with a named source."""
    best, best_head = 0, ""
    for spans, head in attributions:
        if not head:
            continue
        ov = _overlap(span, spans)
        if ov > best:
            best, best_head = ov, head
    if not best:
        return None
    return keys_compatible(speaker_key(speaker), best_head)


def evaluate(
    gold: Gold,
    name: str,
    extractor: Extractor,
    corpus_ids: list[str],
    query_split: str | None,
    query_ids: set[str] | None = None,
) -> Scores:
    scores = Scores(name)
    started = time.perf_counter()
    by_doc: dict[str, list[Quote]] = {}
    for doc_id in corpus_ids:
        by_doc[doc_id] = extractor(gold.articles[doc_id])
    scores.seconds = time.perf_counter() - started
    scores.articles = len(corpus_ids)
    for doc_id, quotes in by_doc.items():
        for q in quotes:
            verdict = _judge((q.start, q.end), q.speaker, gold.attributions.get(doc_id, []))
            if verdict is not None:
                scores.corpus_judged += 1
                scores.corpus_correct += verdict
    conn = memory_store(
        (gold.articles[i] for i in corpus_ids), (q for qs in by_doc.values() for q in qs)
    )
    in_corpus = set(corpus_ids)
    for query in gold.queries:
        doc_id = query["doc_id"]
        if doc_id not in in_corpus or (query_split and query["split"] != query_split):
            continue
        if query_ids is not None and doc_id not in query_ids:
            continue
        result = lookup_quotes(conn, query["speaker_name"])
        if result.candidates:
            scores.ambiguous_queries += 1
        returned = [(h.start, h.end, h.speaker) for h in result.quotes if h.article_id == doc_id]
        extracted = [(q.start, q.end) for q in by_doc[doc_id]]
        head_ok = _head_matches(gold, query)
        for gq in query["quotes"]:
            spans = [(s, e) for s, e in gq["offsets"]]
            need = sum(e - s for s, e in spans) / 2
            hit = any(_overlap((s, e), spans) >= need for s, e, _ in returned)
            scores.gold_quotes += 1
            scores.found += hit
            scores.extracted += any(_overlap(x, spans) >= need for x in extracted)
            if head_ok:
                scores.head_gold += 1
                scores.head_found += hit
        attributions = gold.attributions.get(doc_id, [])
        for s, e, speaker in returned:
            scores.returned_in_gold_doc += 1
            verdict = _judge((s, e), speaker, attributions)
            if verdict is not None:
                scores.judged += 1
                scores.correct += verdict
                scores.misattributed += not verdict
    return scores


def _head_matches(gold: Gold, query: dict[str, Any]) -> bool:
    """Does the derived speaker_name agree with the annotated source head? (NOTES.md)"""
    name = speaker_key(query["speaker_name"])
    heads = {
        gold.source_head.get((query["doc_id"], q["attribution_id"]), "") for q in query["quotes"]
    }
    return bool(name) and any(h and keys_compatible(name, h) for h in heads)


def run(
    data_dir: Path,
    split: str | None = "dev",
    limit: int | None = None,
    baselines: bool = True,
    corpus: str = "split",
) -> list[dict[str, Any]]:
    """Score the rule-based extractor (and the baselines) on one split's queries."""
    gold = load_gold(data_dir)
    split_ids = [i for i in gold.articles if not split or gold.split_of[i] == split]
    if limit is not None:
        split_ids = split_ids[:limit]
    rows = [evaluate(gold, "newsdesk rules", extract_quotes, split_ids, split).row()]
    if corpus == "all" and (split or limit is not None):
        row = evaluate(
            gold, "newsdesk rules, whole corpus indexed", extract_quotes,
            list(gold.articles), split, set(split_ids),
        ).row()
        rows.append(row)
    if baselines:
        from retrieval.eval_baselines import SpacyBaselines

        base = SpacyBaselines()
        rows.append(evaluate(gold, "textacy direct_quotations", base.textacy, split_ids, split).row())
        rows.append(evaluate(gold, "quoted 4+ words, nearest PERSON", base.nearest_person, split_ids, split).row())
        rows[-2]["articles_per_s"] = rows[-1]["articles_per_s"] = base.articles_per_s()
    return rows
