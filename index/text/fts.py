"""The one FTS5 query builder, for passage search and title search alike."""

from __future__ import annotations

from index.text.words import FTS_STOPWORDS, content_words

MAX_QUERY_TERMS = 32


def fts_query(text: str, max_terms: int = MAX_QUERY_TERMS) -> str | None:
    """A safe FTS5 MATCH expression: each content word quoted, OR-ed (BM25 ranks by
    overlap); None when the text has no word.

    Quoting makes FTS syntax in user input (``"``, ``*``, ``NEAR(``, ``OR``, ``-``) plain
    text, so no query can raise a syntax error. FTS5 stems quoted words with the table's
    own tokenizer (porter), so no stemming is needed here.
    """
    words = [w.replace('"', "") for w in content_words(text, FTS_STOPWORDS)[:max_terms]]
    words = [w for w in words if w]
    return " OR ".join(f'"{w}"' for w in words) if words else None
