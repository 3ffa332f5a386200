"""BM25 terms for Milvus, made by Newsdesk's own analyzers so both backends rank alike.

Milvus's analyzers cannot reproduce the local backend's: its ``english`` analyzer drops
33 stop words (changing document lengths, so every BM25 score), and its Snowball
stemmer is an older one than tantivy's ("adding", "added" and "ads" all become ``ad``
in Milvus 2.5, ``add``/``ad`` in tantivy 0.27: the query "add" missed 1,195 of the
1,491 RealTime QA passages the local backend finds). So the writer stores each
passage's terms as the local backend analyses them (tantivy: letters-and-digits
tokens under 40 bytes, lower case, English stemmer; index/local/textindex.py) in a
``terms`` field, and each title's as SQLite FTS5 ``porter unicode61`` does (the local
title index), and queries send terms made the same way. Milvus then only splits
them at spaces (`TERMS_ANALYZER`, in the portable subset: every Milvus and milvus-lite
version tokenizes alike) and computes BM25. The terms carry the local index's length
padding (`textindex.PAD_TERM` up to a length tantivy stores exactly, `textindex.padding`),
so both engines see the same document lengths and compute the same scores.

Measured: benchmarks/results/2026-11-30-backends-parity.md.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from index.local import textindex

MAX_QUERY_TERMS = 32
# Bump when `passage_terms` changes: a writer rewrites older terms (writes.upgrade_terms).
# 1 (absent): unpadded; 2: padded to tantivy's stored lengths.
TERMS_FORMAT = "2"
# Terms are already lower-case words of letters and digits: splitting is all that is left.
TERMS_ANALYZER: dict[str, Any] = {"tokenizer": "standard", "filter": ["lowercase"]}
_analyzer = functools.cache(textindex.analyzer)  # the local backend's own (thread-safe)


def passage_terms(text: str) -> str:
    """A passage's text as the local backend's tantivy analyzer indexes it, padded as there."""
    words = _analyzer().analyze(text)
    return " ".join(words + [textindex.PAD_TERM] * textindex.padding(len(words)))


def title_terms(title: str) -> str:
    """A title as the local backend's title index holds it (FTS5 ``porter unicode61``
    words: `textindex.fts5_terms`)."""
    return " ".join(textindex.fts5_terms(title))


def passage_query(terms: Sequence[str]) -> str:
    """Query terms over passages: at most MAX_QUERY_TERMS words, each stem once (the
    local backend's tantivy query is an OR of distinct stems; Milvus would weigh a
    stem by how often it occurs in the query text)."""
    words = [t for t in dict.fromkeys(terms) if t.strip()][:MAX_QUERY_TERMS]
    return " ".join(dict.fromkeys(s for w in words for s in _analyzer().analyze(w)
                                  if s != textindex.PAD_TERM))


def title_query(terms: Sequence[str]) -> str:
    """Query terms over titles: each word's stems, repeated stems kept (FTS5, the local
    title search, scores an OR of words and counts a stem once per word holding it)."""
    words = [t for t in dict.fromkeys(terms) if t.strip()][:MAX_QUERY_TERMS]
    return " ".join(title_terms(w) for w in words).strip()
