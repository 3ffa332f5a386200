"""Quote attribution quality on PolNeAR (see ../shared/eval/NOTES.md).

Every system's quotes go into an in-memory SQLite holding the index's `articles` and
`quotes` tables, and each query of quote_queries.jsonl is asked through the same
`lookup_quotes` the bot uses. Figures:

- recall: a gold quote is found when the quotes returned from the gold article
  cover at least half of its content characters (a split quote "A," she said,
  "B." is one gold quote and two returned ones). An ambiguous name ("Smith" for
  four people) names no one: the answer lists the candidates with each one's
  quotes under their own name, and those count;
- recall_one_person: the same, counting only names that resolved to one person
  (ambiguous names count as misses);
- recall_head_match: recall on the gold quotes whose query speaker_name agrees with
  the head of the annotated source span (NOTES.md: about 1 query in 6 names the wrong
  thing: 'Ottawa', 'Harvard Business School' for a professor there);
- head_match_share: the share of gold quotes in that subset. Asking for the other
  names ('Sierra Club' for its lawyer, 'New York' for "the New York businessman")
  cannot rightly return the quotes, so recall stays near or below this figure (a
  truncated name such as 'Azucena Gonz' can still be completed);
- extraction recall: the same as recall, with any extracted quote of the article
  (speaker ignored);
- speaker accuracy: returned quotes in the gold article that overlap a gold
  attribution with a named source: share whose speaker is compatible with it;
- misattribution: returned quotes in the gold article overlapping gold content
  of someone else, over all returned quotes in gold articles;
- corpus_speaker_accuracy: speaker accuracy over every extracted quote of every
  evaluated article, without any lookup.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.backend import IndexReader
from index.errors import NewsdeskError
from index.models import Article, Quote
from index.quotes import extract_quotes, keys_compatible, speaker_key
from index.quotes.names import NON_NAME_CAPS, PARTICLES
from retrieval.quotes import lookup_quotes

Extractor = Callable[[Article], list[Quote]]

COLUMNS = (
    "system", "recall", "recall_one_person", "recall_head_match", "head_match_share",
    "extraction_recall",
    "speaker_accuracy", "misattribution", "corpus_speaker_accuracy", "gold_quotes",
    "ambiguous_queries", "articles", "articles_per_s",
)

_HEAD_CUT = re.compile(r",|\(| (?:of|at|from|in|for|with|who|on|to|and)\b")


@dataclass
class Gold:
    articles: dict[str, Article]
    split_of: dict[str, str]
    queries: list[dict[str, Any]]
    # doc_id -> [(content spans, keys of the names in the source span)]
    attributions: dict[str, list[tuple[list[tuple[int, int]], list[str]]]]
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
    found_one_person: int = 0
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
            "recall_one_person": ratio(self.found_one_person, self.gold_quotes),
            "recall_head_match": ratio(self.head_found, self.head_gold),
            "head_match_share": ratio(self.head_gold, self.gold_quotes),
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


_TITLE_OF = re.compile(
    r"^.*?\b(?:Secretary|Governor|Mayor|Speaker|Minister|President|Chairman|Chairwoman|"
    r"Director|Leader|Attorney General) of (?:the )?(?:[A-Z][\w.]*\s)+?(?=[A-Z])"
)
_RUN = re.compile(
    r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|(?:" + "|".join(sorted(PARTICLES)) + r")\b))*"
)


_POSSESSIVE_END = ("'s", "’s", "'", "’")
_INDEFINITE = frozenset({"a", "an", "another", "one", "some", "any"})


def source_head(source: str) -> str:
    """Key of the head of a gold source span: 'Steger, now a professor at X' -> 'steger',
    'Concord resident Whit Symms' -> 'whit symms', 'the Post's Dana Milbank' -> 'dana
    milbank', "Sanders's campaign manager, Jeff Weaver," -> 'jeff weaver'. Empty when
    the source names nobody ('he', 'the newspaper', 'one Trump campaign source')."""
    first, _, rest = _split_first(source)
    head = _TITLE_OF.sub("", first.strip())
    head = _HEAD_CUT.split(head, maxsplit=1)[0].strip()
    named = _trailing_name(head)
    words = head.split()
    if named is None and rest and words and words[-1].islower():
        # "her senior policy adviser, Jake Sullivan,": the name in apposition
        appositive = re.split(r",|\(", rest, maxsplit=1)[0].strip().split()
        if 0 < len(appositive) <= 4 and all(w[0].isupper() for w in appositive):
            named = " ".join(appositive)
    if named is not None:
        return speaker_key(named)
    caps = _capitals(head)
    if not caps or all(w.lower().strip(".") in NON_NAME_CAPS for w in caps):
        return ""
    return speaker_key(head)


def _split_first(source: str) -> tuple[str, str, str]:
    parts = re.split(r"(,|\()", source, maxsplit=1)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], "", "")


def _capitals(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w.'’-]+", text) if w[0].isupper()]


def _trailing_name(phrase: str) -> str | None:
    """The capitalised run ending a phrase that opens with lowercase words or a
    possessive ('17-year-old Jared Potts', "The Post's Dana Milbank"); None when the
    phrase does not end in a name or is all capitalised (then the old rule applies)."""
    words = phrase.split()
    k = len(words)
    while k > 0 and (words[k - 1][0].isupper() or words[k - 1] in PARTICLES):
        k -= 1
        if words[k].endswith(_POSSESSIVE_END):
            k += 1  # "Post's Dana Milbank": the name starts after the owner
            break
    run = words[k:]
    if not run or k == 0 or len(run) > 4:
        return None
    if all(w.lower() in _INDEFINITE for w in words[:k]):
        return None  # "a Nevada Democrat", "another New Hampshire Republican": nobody named
    if all(w.lower().strip(".") in NON_NAME_CAPS for w in run):
        return None
    return " ".join(run)


def source_names(source: str) -> list[str]:
    """Keys of every capitalised name in a gold source span (the head, and names in
    apposition: "Dow's chief executive, Andrew Liveris")."""
    keys = [source_head(source)]
    for run in _RUN.findall(source):
        words = [w for w in run.split() if w.lower().strip(".") not in NON_NAME_CAPS]
        if words:
            keys.append(speaker_key(" ".join(words)))
    return [k for k in dict.fromkeys(keys) if k]


def load_gold(data_dir: Path) -> Gold:
    for name in ("articles.jsonl", "attributions.jsonl", "quote_queries.jsonl"):
        if not (data_dir / name).is_file():
            raise NewsdeskError(
                f"{data_dir / name} not found.",
                hint="Pass the PolNeAR folder, e.g. ../shared/eval/polnear.",
            )
    articles, split_of = {}, {}
    with open(data_dir / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            articles[row["id"]] = Article(
                id=row["id"], text=row["text"], title=row.get("title"), date=row.get("date"),
                source=row.get("source"), author=row.get("author"),
            )
            split_of[row["id"]] = row.get("split", "")
    attributions: dict[str, list[tuple[list[tuple[int, int]], list[str]]]] = defaultdict(list)
    heads: dict[tuple[str, str], str] = {}
    with open(data_dir / "attributions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if not row.get("primary_annotation") or not row.get("content_offsets"):
                continue
            source = row.get("source") or ""
            spans = [(s, e) for s, e in row["content_offsets"]]
            attributions[row["doc_id"]].append((spans, source_names(source)))
            heads[(row["doc_id"], row["attribution_id"])] = source_head(source)
    with open(data_dir / "quote_queries.jsonl", encoding="utf-8") as fh:
        queries = [json.loads(line) for line in fh]
    return Gold(articles, split_of, queries, attributions, heads)


def _overlap(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> int:
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in spans)


def _covered(intervals: Iterable[tuple[int, int]], spans: list[tuple[int, int]]) -> int:
    """Gold characters covered by the union of ``intervals`` (a split quote "A," he
    said, "B." comes back as two quotes)."""
    chars: set[int] = set()
    for s, e in intervals:
        for gs, ge in spans:
            chars.update(range(max(s, gs), min(e, ge)))
    return len(chars)


def memory_store(articles: Iterable[Article], quotes: Iterable[Quote]) -> IndexReader:
    """A scratch index of the articles and quotes, for `lookup_quotes`."""
    from dataclasses import replace

    from index.local.scratch import quote_index

    keyed = (q if q.speaker_key else replace(q, speaker_key=speaker_key(q.speaker))
             for q in quotes)
    return quote_index(articles, keyed)


def _judge(
    span: tuple[int, int],
    speaker: str,
    attributions: list[tuple[list[tuple[int, int]], list[str]]],
) -> bool | None:
    """Is ``speaker`` named in the source of the gold attribution this span overlaps
    most? None when it overlaps none with a named source."""
    best, best_names = 0, []
    for spans, names in attributions:
        if not names:
            continue
        ov = _overlap(span, spans)
        if ov > best:
            best, best_names = ov, names
    if not best:
        return None
    key = speaker_key(speaker)
    return any(keys_compatible(key, name) for name in best_names)


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
        split_of_query = query.get("split", gold.split_of.get(doc_id, ""))
        if doc_id not in in_corpus or (query_split and split_of_query != query_split):
            continue
        if query_ids is not None and doc_id not in query_ids:
            continue
        result = lookup_quotes(conn, query["speaker_name"], collapse=False)  # scored per article
        returned = [(h.start, h.end, h.speaker) for h in result.quotes if h.article_id == doc_id]
        if result.ambiguous:
            scores.ambiguous_queries += 1
        extracted = [(q.start, q.end) for q in by_doc[doc_id]]
        for gq in query["quotes"]:
            head_ok = _head_matches(gold, query, gq["attribution_id"])
            spans = [(s, e) for s, e in gq["offsets"]]
            need = sum(e - s for s, e in spans) / 2
            hit = _covered(((s, e) for s, e, _ in returned), spans) >= need
            scores.gold_quotes += 1
            scores.found += hit
            scores.found_one_person += hit and not result.ambiguous
            scores.extracted += _covered(extracted, spans) >= need
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


def _head_matches(gold: Gold, query: dict[str, Any], attribution_id: str) -> bool:
    """Does the derived speaker_name agree with the head of this gold quote's annotated
    source? (NOTES.md: 'Ottawa' for 'Steger, now a professor at the University of
    Ottawa'.) Only these quotes can be found by asking for speaker_name."""
    name = speaker_key(query["speaker_name"])
    head = gold.source_head.get((query["doc_id"], attribution_id), "")
    return bool(name) and bool(head) and keys_compatible(name, head)


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
    if not split_ids:
        counts = Counter(v or "(none)" for v in gold.split_of.values())
        found = ", ".join(f"{k} ({n} articles)" for k, n in sorted(counts.items()))
        raise NewsdeskError(
            f"No articles in split {split!r} in {data_dir}; it has: {found}.",
            hint="Pass --split with one of those, or --split all.",
        )
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
        for name, extractor in (
            ("textacy direct_quotations", base.textacy),
            ("quoted 4+ words, nearest PERSON", base.nearest_person),
        ):
            rows.append(evaluate(gold, name, extractor, split_ids, split).row())
        rows[-2]["articles_per_s"] = rows[-1]["articles_per_s"] = base.articles_per_s()
    return rows
