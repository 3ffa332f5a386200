"""The text toolkit: one module per concept, used by every layer.

- ``words``: tokens and the stopwords (``FTS_STOPWORDS`` for queries, ``STOPWORDS``, a
  superset, for term overlap);
- ``stems``: Porter stemming (PyStemmer), the same algorithm as SQLite FTS5's ``porter``
  tokenizer, and ``content_terms`` (stemmed words minus stopwords);
- ``fts``: the one FTS5 query builder (passage search and title search);
- ``dates``: the date bounds users type (``2022``, ``2022-03``, ``2022-03-31``) in the CLI,
  the bot and the terminal.

Sentences and paragraphs with exact offsets are in ``index/sentences.py``.
"""
