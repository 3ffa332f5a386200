"""The lexical engines under comparison, behind one small interface.

Every engine answers `search(terms, k, flt)` with passage ids best first, filters applied
before ranking (never by cutting a top-k), for the OR of ``terms`` (retrieval's
`passage_terms`: lower-cased words, common words dropped).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from benchmarks.lexical.corpus import BenchPassage


@dataclass(frozen=True)
class BenchFilter:
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None


def dir_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class LexicalEngine(Protocol):
    name: str

    def build(self, passages: Sequence[BenchPassage]) -> None: ...
    def add(self, passages: Sequence[BenchPassage]) -> None: ...
    def search(self, terms: Sequence[str], k: int, flt: BenchFilter | None) -> list[int]: ...
    def index_bytes(self) -> int: ...


# ----- SQLite FTS5 ---------------------------------------------------------------------------

_FTS_SCHEMA = """
CREATE TABLE articles(id TEXT PRIMARY KEY, date TEXT, source TEXT, owner TEXT);
CREATE INDEX articles_date ON articles(date);
CREATE INDEX articles_source ON articles(lower(source));
CREATE TABLE passages(id INTEGER PRIMARY KEY, article_id TEXT, text TEXT);
CREATE VIRTUAL TABLE passages_fts USING fts5(
    text, content='passages', content_rowid='id', tokenize='porter unicode61');
CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'row');
"""


def _quoted_or(terms: Sequence[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _filter_sql(flt: BenchFilter | None) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if flt and flt.date_from:
        clauses.append("a.date >= ?")
        params.append(flt.date_from)
    if flt and flt.date_to:
        clauses.append("a.date <= ?")
        params.append(flt.date_to)
    if flt and flt.source:
        clauses.append("lower(a.source) = ?")
        params.append(flt.source)
    return " AND ".join(clauses), params


class Fts5Current:
    """FTS5 exactly as index/local/lexical.py queries it today."""

    name = "fts5 (current query)"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def open(self) -> bool:
        """Reuse a cached build; True when one was there."""
        if not self.path.exists():
            return False
        self.conn = sqlite3.connect(self.path, check_same_thread=False)
        done = self.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'bench_done'")
        return bool(done.fetchone()[0])

    def build(self, passages: Sequence[BenchPassage]) -> None:
        self.path.unlink(missing_ok=True)
        self.conn = sqlite3.connect(self.path, check_same_thread=False)
        self.conn.executescript(_FTS_SCHEMA)
        self._insert(passages)
        self.conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
        self.conn.execute("CREATE TABLE bench_done(x)")  # a cached build is complete
        self.conn.commit()

    def _insert(self, passages: Sequence[BenchPassage]) -> None:
        assert self.conn is not None
        self.conn.executemany("INSERT OR IGNORE INTO articles VALUES (?, ?, ?, 'operator')",
                              [(p.article_id, p.date, p.source) for p in passages])
        self.conn.executemany("INSERT INTO passages VALUES (?, ?, ?)",
                              [(p.passage_id, p.article_id, p.text) for p in passages])

    def add(self, passages: Sequence[BenchPassage]) -> None:
        """One feed batch in one transaction (as the triggers would index it)."""
        assert self.conn is not None
        self._insert(passages)
        self.conn.executemany("INSERT INTO passages_fts(rowid, text) VALUES (?, ?)",
                              [(p.passage_id, p.text) for p in passages])
        self.conn.commit()

    def search(self, terms: Sequence[str], k: int, flt: BenchFilter | None) -> list[int]:
        assert self.conn is not None
        where, params = _filter_sql(flt)
        sql = ("SELECT p.id, bm25(passages_fts) AS score FROM passages_fts "
               "JOIN passages p ON p.id = passages_fts.rowid "
               "JOIN articles a ON a.id = p.article_id WHERE passages_fts MATCH ? ")
        if where:
            sql += f"AND {where} "
        rows = self.conn.execute(sql + "ORDER BY score LIMIT ?",
                                 [_quoted_or(terms), *params, k]).fetchall()
        return [int(r[0]) for r in rows]

    def index_bytes(self) -> int:
        assert self.conn is not None
        row = self.conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'passages_fts%'"
                                ).fetchone()
        return int(row[0] or 0)


class Fts5Tuned(Fts5Current):
    """The same FTS5 table, queried better: terms with document frequency over
    ``max_df`` of the passages are dropped and at most ``max_terms`` of the rarest kept;
    no filter: rank inside FTS5 (``ORDER BY rank LIMIT``) before any join; a filter:
    the join runs on the already-matching rows only through a CTE."""

    name = "fts5 (rare terms, rank first)"

    def __init__(self, path: Path, max_terms: int = 8, max_df: float = 0.05) -> None:
        super().__init__(path)
        self.max_terms = max_terms
        self.max_df = max_df
        self._docs = 0
        import Stemmer

        self.porter = Stemmer.Stemmer("porter")

    def _pick(self, terms: Sequence[str]) -> list[str]:
        assert self.conn is not None
        if not self._docs:
            self._docs = int(self.conn.execute("SELECT count(*) FROM passages").fetchone()[0])
        # The vocab holds FTS5's porter stems: PyStemmer's "porter" is the same algorithm.
        dfs = []
        for t in dict.fromkeys(terms):
            row = self.conn.execute("SELECT doc FROM passages_vocab WHERE term = ?",
                                    [self.porter.stemWord(t)]).fetchone()
            dfs.append((int(row[0]) if row else 0, t))
        dfs.sort()
        kept = [t for df, t in dfs if df <= self.max_df * self._docs][: self.max_terms]
        return kept or [t for _, t in dfs[:1]]

    def search(self, terms: Sequence[str], k: int, flt: BenchFilter | None) -> list[int]:
        assert self.conn is not None
        picked = self._pick(terms)
        where, params = _filter_sql(flt)
        if not where:
            rows = self.conn.execute(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? "
                "ORDER BY rank LIMIT ?", [_quoted_or(picked), k]).fetchall()
            return [int(r[0]) for r in rows]
        sql = ("WITH m AS (SELECT rowid AS id, rank FROM passages_fts WHERE passages_fts "
               "MATCH ?) SELECT m.id FROM m JOIN passages p ON p.id = m.id "
               f"JOIN articles a ON a.id = p.article_id WHERE {where} ORDER BY m.rank LIMIT ?")
        rows = self.conn.execute(sql, [_quoted_or(picked), *params, k]).fetchall()
        return [int(r[0]) for r in rows]


# ----- bm25s ---------------------------------------------------------------------------------


class Bm25s:
    """bm25s (scipy sparse matrices, PyStemmer English): rebuilt on every change."""

    name = "bm25s"

    def __init__(self) -> None:
        import Stemmer

        self.stemmer = Stemmer.Stemmer("english")
        self.retriever: Any = None
        self.ids = np.zeros(0, dtype=np.int64)
        self.dates = np.zeros(0, dtype=np.int32)
        self.sources = np.zeros(0, dtype=object)
        self.passages: list[BenchPassage] = []

    def build(self, passages: Sequence[BenchPassage]) -> None:
        import bm25s

        self.passages = list(passages)
        tokens = bm25s.tokenize([p.text for p in self.passages], stopwords="en",
                                stemmer=self.stemmer, show_progress=False)
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)
        self.ids = np.array([p.passage_id for p in self.passages], dtype=np.int64)
        self.dates = np.array([int(p.date.replace("-", "")) for p in self.passages],
                              dtype=np.int32)
        self.sources = np.array([p.source for p in self.passages], dtype=object)

    def add(self, passages: Sequence[BenchPassage]) -> None:
        self.build([*self.passages, *passages])

    def search(self, terms: Sequence[str], k: int, flt: BenchFilter | None) -> list[int]:
        import bm25s

        assert self.retriever is not None
        q = bm25s.tokenize([" ".join(terms)], stopwords="en", stemmer=self.stemmer,
                           show_progress=False, return_ids=False)
        if not q or not q[0]:
            return []
        mask = None
        if flt is not None:
            keep = np.ones(len(self.ids), dtype=bool)
            if flt.date_from:
                keep &= self.dates >= int(flt.date_from.replace("-", ""))
            if flt.date_to:
                keep &= self.dates <= int(flt.date_to.replace("-", ""))
            if flt.source:
                keep &= self.sources == flt.source
            mask = keep.astype(np.float32)
            k = min(k, int(keep.sum()))
            if k == 0:
                return []
        docs, scores = self.retriever.retrieve(q, k=min(k, len(self.ids)), weight_mask=mask,
                                               show_progress=False, n_threads=1)
        return [int(self.ids[d]) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def index_bytes(self) -> int:
        assert self.retriever is not None
        m = self.retriever.scores
        return int(m["data"].nbytes + m["indices"].nbytes + m["indptr"].nbytes)


# ----- tantivy -------------------------------------------------------------------------------


class Tantivy:
    """tantivy: an on-disk, segment-based index (incremental commits, fast-field filters).
    Query terms go through the very analyzer the index uses, so stemming agrees."""

    name = "tantivy"
    ANALYZER = "en_words"

    def __init__(self, path: Path) -> None:
        import tantivy

        self.t = tantivy
        self.path = path
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("text", tokenizer_name=self.ANALYZER, index_option="freq")
        sb.add_unsigned_field("pid", stored=False, indexed=True, fast=True)
        sb.add_integer_field("date", indexed=True, fast=True)
        sb.add_text_field("source", tokenizer_name="raw", fast=True)
        self.schema = sb.build()
        self.analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                         .filter(tantivy.Filter.remove_long(40))
                         .filter(tantivy.Filter.lowercase())
                         .filter(tantivy.Filter.stemmer("english")).build())
        self.index: Any = None

    def _open(self, reuse: bool) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.index = self.t.Index(self.schema, path=str(self.path), reuse=reuse)
        self.index.register_tokenizer(self.ANALYZER, self.analyzer)

    def open(self) -> bool:
        if not (self.path / "bench_done").exists():
            return False
        self._open(reuse=True)
        return True

    def build(self, passages: Sequence[BenchPassage]) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._open(reuse=False)
        self._write(passages, heap=256_000_000)
        assert self.index is not None
        self.index.reload()
        (self.path / "bench_done").touch()  # a cached build is complete

    def _write(self, passages: Sequence[BenchPassage], heap: int = 50_000_000) -> None:
        assert self.index is not None
        writer = self.index.writer(heap, 1)
        for p in passages:
            doc = self.t.Document()
            doc.add_text("text", p.text)
            doc.add_unsigned("pid", p.passage_id)
            doc.add_integer("date", int(p.date.replace("-", "")))
            doc.add_text("source", p.source)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()

    def add(self, passages: Sequence[BenchPassage]) -> None:
        self._write(passages)
        assert self.index is not None
        self.index.reload()

    def query(self, terms: Sequence[str], flt: BenchFilter | None) -> object | None:
        t = self.t
        words = list(dict.fromkeys(w for term in terms for w in self.analyzer.analyze(term)))
        if not words:
            return None
        text = t.Query.boolean_query([(t.Occur.Should, t.Query.term_query(
            self.schema, "text", w)) for w in words])
        must = []
        if flt and (flt.date_from or flt.date_to):
            lo = int(flt.date_from.replace("-", "")) if flt.date_from else None
            hi = int(flt.date_to.replace("-", "")) if flt.date_to else None
            must.append(t.Query.range_query(self.schema, "date", t.FieldType.Integer, lo, hi))
        if flt and flt.source:
            must.append(t.Query.term_query(self.schema, "source", flt.source))
        if not must:
            return text
        # Filters score 0: ranking is BM25 over the text alone.
        return t.Query.boolean_query([(t.Occur.Must, text)] + [
            (t.Occur.Must, t.Query.const_score_query(q, 0.0)) for q in must])

    def search(self, terms: Sequence[str], k: int, flt: BenchFilter | None) -> list[int]:
        assert self.index is not None
        q = self.query(terms, flt)
        if q is None:
            return []
        searcher = self.index.searcher()
        hits = searcher.search(q, k, count=False).hits
        return [int(v) for v in searcher.fast_field_values("pid", [a for _, a in hits])]

    def index_bytes(self) -> int:
        return dir_bytes(self.path)


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
