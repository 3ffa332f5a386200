"""Passage and title BM25 with tantivy: derived indexes in ``lexical/`` (a document per
passage) and ``titles/`` (a document per article) beside the database.

SQLite stays the truth: passages and titles (and FTS5 over them, which still answers
whenever an index here is missing, stale or damaged). Like vectors.faiss, these
directories can be deleted at any time; each is rebuilt from SQLite by the writer (flush,
serving warm-up) and followed in place after each of this process's commits. Titles moved
here from FTS5 because FTS5 ranked them in 12 ms a query at 1M passages (91k articles),
growing with the archive (issue 13). ``<dir>/newsdesk.json`` records the generation it
reflects; it is written only after tantivy's own atomic commit, so a kill
at any point leaves either the old generation (stale: FTS5 answers, the next flush
rebuilds) or the new one.

Document lengths: tantivy keeps a passage's token count in one byte (the Lucene scheme:
exact up to 40 tokens, then 8 steps per doubling, rounded down), where Milvus keeps it
exactly; BM25 scores then differed by up to 3.5% and reordered near-ties. So every
passage is padded with `PAD_TERM` up to the next length tantivy stores exactly
(`padding`), here and in Milvus's ``terms`` (index/milvus/analysis.py); queries never
contain that term. Both engines then see the same lengths and compute the same BM25.

Measured against FTS5 and bm25s in benchmarks/lexical (see benchmarks/README.md).
"""

from __future__ import annotations

import bisect
import contextlib
import json
import logging
import math
import os
import re
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from index.backend import ArticleFilter
from index.text.stems import stem

log = logging.getLogger(__name__)

DIR_NAME = "lexical"  # passages: one document per passage, pid = passage id
TITLES_DIR_NAME = "titles"  # titles: one document per article, pid = article rowid
META_NAME = "newsdesk.json"
# Bump when the schema, the analyzer or the padding changes: older directories are
# rebuilt (2: lengths padded to stored ones).
FORMAT = 2
# Per directory. titles/: 2 = every article a document (untitled ones empty), as FTS5
# counts them; 3 = its words as FTS5 porter unicode61 makes them (pre-stemmed,
# `fts5_terms`); 4 = with positions (phrases). Titles are never padded: their lengths
# (under 24 tokens) are stored exactly, as FTS5 keeps them.
FORMATS = {DIR_NAME: FORMAT, TITLES_DIR_NAME: 4}
_FTS_TOKEN = re.compile(r"[^\W_]+")  # FTS5 unicode61: letters and digits, all else splits
ANALYZER = "newsdesk_en"
WRITER_HEAP = 64_000_000
# Fills a passage up to an exactly stored length; removed from every query. Letters only,
# under 40 bytes, and its own stem, so both engines' analyzers keep it as it is.
PAD_TERM = "zzlengthpad"


@dataclass(frozen=True)
class TextRow:
    """One passage as the text index stores it (from passages JOIN articles)."""

    passage_id: int
    article_id: str
    date: str | None
    source: str | None
    owner: str
    text: str


def fts5_terms(text: str) -> list[str]:
    """Text as SQLite FTS5's ``porter unicode61`` tokenizer indexes it: titles/ holds
    these (joined by spaces, split again by a whitespace analyzer), so title words stem
    exactly as they did in FTS5 (Porter, not tantivy's newer English stemmer)."""
    return [stem(t) for t in _FTS_TOKEN.findall(text)]


def _analyzer_for(name: str) -> tantivy.TextAnalyzer:
    if name == TITLES_DIR_NAME:
        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    return analyzer()


def analyzer() -> tantivy.TextAnalyzer:
    """Index and query side share this one analyzer, so stems always agree."""
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("english")).build())


def _stored_lengths() -> tuple[int, ...]:
    """The 256 field lengths tantivy's one-byte norm decodes to: 0..23 as themselves, then
    24 + a 3-bit mantissa with a shifted exponent (tantivy's fieldnorm/code.rs)."""
    def decode(code: int) -> int:
        if code < 24:
            return code
        mantissa, shift = (code - 24) & 7, (code - 24) >> 3
        return 24 + (mantissa if shift == 0 else (mantissa | 8) << (shift - 1))
    return tuple(decode(code) for code in range(256))


STORED_LENGTHS = _stored_lengths()


def padding(tokens: int) -> int:
    """How many `PAD_TERM`s bring ``tokens`` to the next length tantivy stores exactly."""
    at = bisect.bisect_left(STORED_LENGTHS, tokens)
    return STORED_LENGTHS[at] - tokens if at < len(STORED_LENGTHS) else 0


def _schema(name: str = DIR_NAME) -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    # Titles keep positions: a query word FTS5 splits ("court's") is a phrase there.
    sb.add_text_field("text", tokenizer_name=ANALYZER,
                      index_option="position" if name == TITLES_DIR_NAME else "freq")
    sb.add_unsigned_field("pid", indexed=True, fast=True)
    sb.add_text_field("aid", tokenizer_name="raw")
    sb.add_integer_field("date", indexed=True, fast=True)
    sb.add_text_field("source", tokenizer_name="raw")
    sb.add_text_field("owner", tokenizer_name="raw")
    return sb.build()


def date_key(iso: str) -> int | None:
    """YYYY-MM-DD as 20220615; a partial date pads with zeros, which orders exactly as the
    SQL text comparison does ("2022-06" < "2022-06-01"). None: not a date."""
    digits = iso.replace("-", "")
    if not digits.isdigit() or len(digits) > 8:
        return None
    return int(digits.ljust(8, "0"))


_REGEX_SPECIAL = set("\\.+*?()|[]{}^$#&-~\"")


def _regex_literal(text: str) -> str:
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in text)


class PassageTextIndex:
    """An open ``lexical/`` directory. Thread-safe for searches; writes are serialised by
    the caller (the backend's lexical lock)."""

    def __init__(self, path: Path, index: tantivy.Index, generation: int,
                 name: str = DIR_NAME) -> None:
        self.path = path
        self.index = index
        self.schema = index.schema
        self.generation = generation
        self.format = FORMATS[name]
        # Titles rank exactly as FTS5's bm25 did: its stems, phrases and IDF (_fts5_weights).
        self.titles = name == TITLES_DIR_NAME
        self.analyzer = analyzer()
        self._lock = threading.Lock()

    # ----- opening and building ----------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, name: str = DIR_NAME) -> PassageTextIndex | None:
        """The index in ``directory/name`` if it is complete and of this format."""
        path = directory / name
        meta = read_meta(path, FORMATS[name])
        if meta is None:
            return None
        try:
            index = tantivy.Index(_schema(name), path=str(path), reuse=True)
            # Manual: we reload on our own generation; an auto-reload watcher thread could
            # recreate lock files while the directory is being removed or replaced.
            index.config_reader(reload_policy="Manual")
        except (OSError, ValueError) as err:
            log.warning("lexical index at %s unreadable (%s): FTS5 answers until it is rebuilt",
                        path, err)
            return None
        index.register_tokenizer(ANALYZER, _analyzer_for(name))
        return cls(path, index, meta, name)

    @classmethod
    def build(cls, directory: Path, rows: Iterable[TextRow], generation: int,
              name: str = DIR_NAME) -> PassageTextIndex:
        """Build a fresh index beside the live one, then swap it in."""
        final = directory / name
        tmp = directory / f".{name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(mode=0o700)
        index = tantivy.Index(_schema(name), path=str(tmp), reuse=False)
        index.config_reader(reload_policy="Manual")
        index.register_tokenizer(ANALYZER, _analyzer_for(name))
        writer = index.writer(WRITER_HEAP, 1)
        text_analyzer = analyzer()
        for row in rows:
            writer.add_document(_document(row, text_analyzer, name == TITLES_DIR_NAME))
        writer.commit()
        writer.wait_merging_threads()
        write_meta(tmp, generation, FORMATS[name])
        old = directory / f".{name}.{os.getpid()}.old"
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        opened = cls.open(directory, name)
        if opened is None:
            raise OSError(f"the lexical index built at {final} could not be opened")
        return opened

    def apply(self, removed: Iterable[int], added: Sequence[TextRow], generation: int,
              removed_articles: Iterable[str] = ()) -> None:
        """Follow one SQLite commit: removals (by pid, and every document of
        ``removed_articles``) first, as SQLite may reuse a removed id."""
        with self._lock:
            writer = self.index.writer(WRITER_HEAP, 1)
            for pid in removed:
                # By query: delete_documents_by_term takes a Python int as i64 and misses u64.
                writer.delete_documents_by_query(
                    tantivy.Query.term_query(self.schema, "pid", int(pid)))
            for article_id in removed_articles:
                writer.delete_documents_by_query(
                    tantivy.Query.term_query(self.schema, "aid", article_id))
            for row in added:
                writer.add_document(_document(row, self.analyzer, self.titles))
            writer.commit()
            writer.wait_merging_threads()
            write_meta(self.path, generation, self.format)
            self.index.reload()
            self.generation = generation

    def refresh(self) -> int | None:
        """Reload after another process moved it; its generation now (None: gone)."""
        meta = read_meta(self.path, self.format)
        if meta is not None and meta != self.generation:
            with self._lock:
                self.index.reload()
                self.generation = meta
        return meta

    # ----- searching ---------------------------------------------------------------------

    def search(self, terms: Sequence[str], k: int,
               flt: ArticleFilter) -> list[tuple[int, float]]:
        """(passage id, BM25) best first, among passages whose article passes ``flt``."""
        searcher = self.index.searcher()
        query = self._query(terms, flt, searcher)
        if query is None or k <= 0:
            return []
        hits = searcher.search(query, k, count=False).hits
        ids = searcher.fast_field_values("pid", [address for _, address in hits])
        return [(int(pid), float(score)) for (score, _), pid in zip(hits, ids, strict=True)
                if pid is not None]

    def _query(self, terms: Sequence[str], flt: ArticleFilter,
               searcher: tantivy.Searcher) -> tantivy.Query | None:
        q = tantivy.Query
        if self.titles:  # as FTS5's OR of quoted words, each word a phrase of its stems
            phrases = [p for p in (fts5_terms(t) for t in dict.fromkeys(terms)) if p]
            if not phrases or (flt.article_ids is not None and not flt.article_ids):
                return None
            clauses = [q.boost_query(self._phrase(p), weight)
                       for p, weight in zip(phrases, _fts5_weights(self, searcher, phrases),
                                            strict=True)]
        else:
            words = list(dict.fromkeys(w for term in terms for w in self.analyzer.analyze(term)
                                       if w != PAD_TERM))
            if not words or (flt.article_ids is not None and not flt.article_ids):
                return None
            clauses = [q.term_query(self.schema, "text", w) for w in words]
        text = q.boolean_query([(tantivy.Occur.Should, c) for c in clauses])
        filters = self._filters(flt)
        if filters is None:
            return None
        if not filters:
            return text
        # Filters score 0: ranking is BM25 over the text alone, as in FTS5.
        return q.boolean_query([(tantivy.Occur.Must, text)] + [
            (tantivy.Occur.Must, q.const_score_query(f, 0.0)) for f in filters])

    def _phrase(self, stems: list[str]) -> tantivy.Query:
        if len(stems) == 1:
            return tantivy.Query.term_query(self.schema, "text", stems[0])
        words: list[str | tuple[int, str]] = list(stems)
        return tantivy.Query.phrase_query(self.schema, "text", words)

    def _filters(self, flt: ArticleFilter) -> list[tantivy.Query] | None:
        """The filter clauses; None when the filter can match nothing."""
        q = tantivy.Query
        out: list[tantivy.Query] = []
        if flt.date_from or flt.date_to:
            lo = date_key(flt.date_from) if flt.date_from else None
            hi = date_key(flt.date_to) if flt.date_to else None
            if (flt.date_from and lo is None) or (flt.date_to and hi is None):
                return None
            out.append(q.range_query(self.schema, "date", tantivy.FieldType.Integer, lo, hi))
        if flt.source:
            s = flt.source.strip().lower()
            # "cnn" matches "cnn" and the domain form "cnn.com".
            out.append(q.boolean_query([
                (tantivy.Occur.Should, q.term_query(self.schema, "source", s)),
                (tantivy.Occur.Should, q.regex_query(self.schema, "source",
                                                     _regex_literal(s) + "\\..*"))]))
        if flt.article_ids is not None:
            out.append(q.term_set_query(self.schema, "aid", list(flt.article_ids)))
        owners = flt.scope.owners()
        if owners is not None:
            out.append(q.term_set_query(self.schema, "owner", list(owners)))
        return out


def _idf(total: int, n: int) -> tuple[float, float]:
    """(FTS5's IDF, tantivy's) of a term or phrase found in n of total documents."""
    ratio = (total - n + 0.5) / (n + 0.5)
    return max(math.log(ratio), 1e-6), math.log1p(ratio)


def _fts5_weights(index: PassageTextIndex, searcher: tantivy.Searcher,
                  phrases: list[list[str]]) -> list[float]:
    """Per-phrase boosts turning tantivy's BM25 into SQLite FTS5's: the term-frequency
    part is the same formula (k1 1.2, b 0.75, length over the average), the IDF differs
    (tantivy ln(1 + (N-n+.5)/(n+.5)), summed over a phrase's terms; FTS5
    ln((N-n+.5)/(n+.5)) of the phrase, at least 1e-6), so common words weighed far more
    in tantivy and moved the title ranking (R@1 -0.008 at 21k before this)."""
    total = searcher.num_docs
    out = []
    for stems in phrases:
        if len(stems) == 1:
            n = searcher.doc_freq("text", stems[0])
        else:
            n = searcher.search(index._phrase(stems), 1, count=True).count or 0  # type: ignore[attr-defined]  # stubs lag
        tantivy_idf = sum(_idf(total, searcher.doc_freq("text", w))[1] for w in stems)
        out.append(_idf(total, n)[0] / tantivy_idf if n else 1.0)
    return out


def _document(row: TextRow, text_analyzer: tantivy.TextAnalyzer,
              titles: bool = False) -> tantivy.Document:
    doc = tantivy.Document()
    if titles:
        doc.add_text("text", " ".join(fts5_terms(row.text)))
    else:
        doc.add_text("text", row.text)
        # A field's values count together in its length: the padding goes in as a second
        # value.
        pad = padding(len(text_analyzer.analyze(row.text)))
        if pad:
            doc.add_text("text", " ".join([PAD_TERM] * pad))
    doc.add_unsigned("pid", int(row.passage_id))
    doc.add_text("aid", row.article_id)
    key = date_key(row.date) if row.date else None
    if key is not None:  # an undated article never passes a date filter (as in SQL)
        doc.add_integer("date", key)
    if row.source:
        doc.add_text("source", row.source.strip().lower())
    doc.add_text("owner", row.owner)
    return doc


def read_meta(path: Path, fmt: int = FORMAT) -> int | None:
    """The generation a complete index of format ``fmt`` reflects, else None."""
    try:
        meta = json.loads((path / META_NAME).read_text())
        if meta.get("format") != fmt:
            return None
        return int(meta["generation"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_meta(path: Path, generation: int, fmt: int | None = None) -> None:
    """``fmt``: the format of the directory of that name when not given."""
    tmp = path / f".{META_NAME}.tmp"
    fmt = FORMATS.get(path.name, FORMAT) if fmt is None else fmt
    tmp.write_text(json.dumps({"generation": generation, "format": fmt}))
    os.replace(tmp, path / META_NAME)


def invalidate(directory: Path, name: str = DIR_NAME) -> None:
    """Mark the index stale (the next flush or serving warm-up rebuilds it)."""
    with contextlib.suppress(OSError):
        (directory / name / META_NAME).unlink()
