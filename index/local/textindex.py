"""Passage and title BM25 with tantivy: derived indexes in ``lexical/`` (a document per
passage) and ``titles/`` (a document per titled article) beside the database.

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
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from index.backend import ArticleFilter

log = logging.getLogger(__name__)

DIR_NAME = "lexical"  # passages: one document per passage, pid = passage id
TITLES_DIR_NAME = "titles"  # titles: one document per titled article, pid = article rowid
META_NAME = "newsdesk.json"
# Bump when the schema, the analyzer or the padding changes: older directories are
# rebuilt (2: lengths padded to stored ones).
FORMAT = 2
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


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("text", tokenizer_name=ANALYZER, index_option="freq")
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

    def __init__(self, path: Path, index: tantivy.Index, generation: int) -> None:
        self.path = path
        self.index = index
        self.schema = index.schema
        self.generation = generation
        self.analyzer = analyzer()
        self._lock = threading.Lock()

    # ----- opening and building ----------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, name: str = DIR_NAME) -> PassageTextIndex | None:
        """The index in ``directory/name`` if it is complete and of this format."""
        path = directory / name
        meta = read_meta(path)
        if meta is None:
            return None
        try:
            index = tantivy.Index(_schema(), path=str(path), reuse=True)
            # Manual: we reload on our own generation; an auto-reload watcher thread could
            # recreate lock files while the directory is being removed or replaced.
            index.config_reader(reload_policy="Manual")
        except (OSError, ValueError) as err:
            log.warning("lexical index at %s unreadable (%s): FTS5 answers until it is rebuilt",
                        path, err)
            return None
        index.register_tokenizer(ANALYZER, analyzer())
        return cls(path, index, meta)

    @classmethod
    def build(cls, directory: Path, rows: Iterable[TextRow], generation: int,
              name: str = DIR_NAME) -> PassageTextIndex:
        """Build a fresh index beside the live one, then swap it in."""
        final = directory / name
        tmp = directory / f".{name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(mode=0o700)
        index = tantivy.Index(_schema(), path=str(tmp), reuse=False)
        index.config_reader(reload_policy="Manual")
        index.register_tokenizer(ANALYZER, analyzer())
        writer = index.writer(WRITER_HEAP, 1)
        text_analyzer = analyzer()
        for row in rows:
            writer.add_document(_document(row, text_analyzer))
        writer.commit()
        writer.wait_merging_threads()
        write_meta(tmp, generation)
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
                writer.add_document(_document(row, self.analyzer))
            writer.commit()
            writer.wait_merging_threads()
            write_meta(self.path, generation)
            self.index.reload()
            self.generation = generation

    def refresh(self) -> int | None:
        """Reload after another process moved it; its generation now (None: gone)."""
        meta = read_meta(self.path)
        if meta is not None and meta != self.generation:
            with self._lock:
                self.index.reload()
                self.generation = meta
        return meta

    # ----- searching ---------------------------------------------------------------------

    def search(self, terms: Sequence[str], k: int,
               flt: ArticleFilter) -> list[tuple[int, float]]:
        """(passage id, BM25) best first, among passages whose article passes ``flt``."""
        query = self._query(terms, flt)
        if query is None or k <= 0:
            return []
        searcher = self.index.searcher()
        hits = searcher.search(query, k, count=False).hits
        ids = searcher.fast_field_values("pid", [address for _, address in hits])
        return [(int(pid), float(score)) for (score, _), pid in zip(hits, ids, strict=True)
                if pid is not None]

    def _query(self, terms: Sequence[str], flt: ArticleFilter) -> tantivy.Query | None:
        q = tantivy.Query
        words = list(dict.fromkeys(w for term in terms for w in self.analyzer.analyze(term)
                                   if w != PAD_TERM))
        if not words or (flt.article_ids is not None and not flt.article_ids):
            return None
        text = q.boolean_query([(tantivy.Occur.Should, q.term_query(self.schema, "text", w))
                                for w in words])
        filters = self._filters(flt)
        if filters is None:
            return None
        if not filters:
            return text
        # Filters score 0: ranking is BM25 over the text alone, as in FTS5.
        return q.boolean_query([(tantivy.Occur.Must, text)] + [
            (tantivy.Occur.Must, q.const_score_query(f, 0.0)) for f in filters])

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


def _document(row: TextRow, text_analyzer: tantivy.TextAnalyzer) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("text", row.text)
    # A field's values count together in its length: the padding goes in as a second value.
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


def read_meta(path: Path) -> int | None:
    """The generation a complete index of this format reflects, else None."""
    try:
        meta = json.loads((path / META_NAME).read_text())
        if meta.get("format") != FORMAT:
            return None
        return int(meta["generation"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_meta(path: Path, generation: int) -> None:
    tmp = path / f".{META_NAME}.tmp"
    tmp.write_text(json.dumps({"generation": generation, "format": FORMAT}))
    os.replace(tmp, path / META_NAME)


def invalidate(directory: Path, name: str = DIR_NAME) -> None:
    """Mark the index stale (the next flush or serving warm-up rebuilds it)."""
    with contextlib.suppress(OSError):
        (directory / name / META_NAME).unlink()
