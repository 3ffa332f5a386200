"""The local backend: one directory holding SQLite (the truth) and FAISS (a cache).

Modules: db (connections), schema (tables and migrations), articles (articles,
passages, the batch writes), lexical (passage BM25 via textindex's tantivy, FTS5
fallback; titles), quotes, feedback (votes and stats),
vectorfiles (FAISS files and locks), backend (`LocalBackend`, dense search).
"""

from index.local.backend import LocalBackend
from index.local.db import DB_FILE

__all__ = ["DB_FILE", "LocalBackend"]
