"""The Milvus writer: batches of `PreparedArticle`s, crash-safe without transactions.

Milvus has no transaction across collections, so every derived row carries the version
it belongs to and the article row is the commit point:

1. ``pending`` (meta) lists the batch's article ids;
2. passages and quotes of the new version are upserted under ids derived from
   (article id, content hash / quote tag, position): a re-run writes the same rows;
3. the article rows are upserted: from here on the new version is the current one;
4. rows of other versions are deleted, the generation moves on, ``pending`` is cleared.

A run killed anywhere leaves each article as before or as after; the next writer
(`recover`, under the ingest lock) deletes the rows no article row points to, and a
re-run redoes what is missing. Readers pick passages and quotes of the current version,
so a half-written batch is invisible except as extra search candidates of new ids for
the moment between steps 2 and 4.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from index.backend import PreparedArticle, StoredVersion
from index.milvus.analysis import TERMS_FORMAT, passage_terms, title_terms
from index.milvus.client import chunks, lit, query_in, scan
from index.milvus.rows import (
    ARTICLE_FIELDS,
    PASSAGE_ALL,
    QUOTE_ALL,
    article_key,
    article_row,
    passage_rows,
    quote_rows,
    text_rows,
)
from index.milvus.schema import PLACEHOLDER, Collections
from index.milvus.summary import value_rows
from index.models import Quote

WRITE_CHUNK = 256  # rows per upsert call (a few MB of vectors and text)


class MilvusWrites:
    client: Any
    names: Collections
    # Test hook, called between the steps above (crash tests SIGKILL there).
    before_commit: Callable[[], None] | None = None

    def meta(self, key: str) -> str | None:
        raise NotImplementedError

    def set_meta(self, values: Mapping[str, str]) -> None:
        raise NotImplementedError

    def delete_meta(self, key: str) -> None:
        raise NotImplementedError

    def generation(self) -> int:
        raise NotImplementedError

    # ----- the writer's reads -----------------------------------------------------------

    def stored_versions(self, ids: Iterable[str] | None = None) -> dict[str, StoredVersion]:
        fields = ("id", "content_hash", "owner")
        rows = (scan(self.client, self.names.articles, "", fields) if ids is None
                else query_in(self.client, self.names.articles, "id", list(ids), fields))
        return {str(r["id"]): StoredVersion(str(r["content_hash"]), str(r["owner"]))
                for r in rows}

    def article_ids(self, owner: str | None = None) -> list[str]:
        expr = "" if owner is None else f"owner == {lit(owner)}"
        return sorted(str(r["id"]) for r in scan(self.client, self.names.articles, expr, ("id",)))

    def cached_hashes(self, hashes: Iterable[str]) -> set[str]:
        rows = query_in(self.client, self.names.passages, "text_hash", list(hashes),
                        ("text_hash",))
        return {str(r["text_hash"]) for r in rows}

    def stored_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        rows = query_in(self.client, self.names.passages, "text_hash", list(hashes),
                        ("text_hash", "vector"))
        return {str(r["text_hash"]): np.asarray(r["vector"], dtype=np.float32) for r in rows}

    # ----- writes -----------------------------------------------------------------------

    def write(self, items: Sequence[PreparedArticle],
              embeddings: Mapping[str, np.ndarray]) -> int:
        if not items:
            return self.generation()
        vectors = dict(embeddings)
        needed = {p.text_hash for item in items for p in item.passages} - set(vectors)
        if needed:
            vectors.update(self.stored_vectors(needed))
        lost = needed - set(vectors)
        if lost:
            raise ValueError(f"no vector for {len(lost)} passage text(s) of this batch")
        self._begin([i.article.id for i in items])
        now = datetime.now(UTC).isoformat(timespec="seconds")
        passages = [row for item in items for row in passage_rows(item, vectors)]
        articles = [_article_row(item, now) for item in items]
        quotes = [row for item, art in zip(items, articles, strict=True)
                  for row in quote_rows(art, item.quotes, art["quote_tag"])]
        self._upsert(self.names.texts, [row for item in items for row in text_rows(item)])
        self._upsert(self.names.passages, passages)
        self._upsert(self.names.quotes, quotes)
        self._upsert(self.names.meta, value_rows(articles))  # for stats (summary.py)
        self._hook()
        self._check_lease()
        self._upsert(self.names.articles, articles)  # the commit point
        self._hook()
        self._drop_stale({a["id"]: (a["content_hash"], a["quote_tag"]) for a in articles})
        return self._finish()

    def delete(self, ids: Iterable[str]) -> list[str]:
        found = sorted(self.stored_versions(list(dict.fromkeys(ids))))
        if not found:
            return []
        self._begin(found)
        self._check_lease()
        for part in chunks(found):
            self.client.delete(self.names.articles, ids=[article_key(i) for i in part])
        self._hook()
        self._drop_stale({i: None for i in found})
        self._finish()
        return found

    def set_owner(self, ids: Iterable[str], owner: str) -> int:
        """Derived rows first, the article last: a crash is repaired by running it again."""
        wanted = [i for i, v in self.stored_versions(list(ids)).items() if v.owner != owner]
        if not wanted:
            return 0
        for name, fields in ((self.names.passages, PASSAGE_ALL), (self.names.quotes, QUOTE_ALL)):
            # Keys first: milvus-lite 2.5.1 fails reading a vector field of a collection
            # that never held a row ("Growing segment loss raw data").
            keys = [int(r["id"]) for r in query_in(self.client, name, "article_id", wanted,
                                                   ("id",))]
            rows = query_in(self.client, name, "id", keys, fields) if keys else []
            extra = {"_v": PLACEHOLDER} if name == self.names.quotes else {}
            self._upsert(name, [{**r, **extra, "owner": owner} for r in rows])
        rows = [{**r, "owner": owner} for r in query_in(
            self.client, self.names.articles, "id", wanted, ARTICLE_FIELDS, unique=True)]
        self._upsert(self.names.meta, value_rows(rows))
        self._upsert(self.names.articles, rows)
        self._finish()
        return len(wanted)

    def replace_quotes(self, quotes: Mapping[str, Sequence[Quote]],
                       rules: str | None = None) -> None:
        if quotes:
            ids = list(quotes)
            self._begin(ids)
            tag = uuid.uuid4().hex[:16]
            arts = query_in(self.client, self.names.articles, "id", ids, ARTICLE_FIELDS,
                            unique=True)
            rows = [row for a in arts for row in quote_rows(a, quotes[str(a["id"])], tag)]
            self._upsert(self.names.quotes, rows)
            self._hook()
            self._check_lease()
            self._upsert(self.names.articles, [{**a, "quote_tag": tag} for a in arts])
            self._drop_stale({str(a["id"]): (str(a["content_hash"]), tag) for a in arts})
            self.delete_meta("pending")
        if rules is not None:
            self.set_meta({"quote_rules": rules})

    def prune_embeddings(self) -> int:
        """Vectors live on their passages here: nothing is left to prune."""
        return 0

    def flush(self) -> None:
        for name in self.names.all():
            self.client.flush(name)

    def recover(self) -> None:
        """Finish what a killed writer left: keep the rows of each pending article's
        current version (none for a deleted article), drop the rest."""
        pending = self.meta("pending")
        if not pending:
            return
        ids = [str(i) for i in json.loads(pending)]
        rows = query_in(self.client, self.names.articles, "id", ids,
                        ("id", "content_hash", "quote_tag"))
        current = {str(r["id"]): (str(r["content_hash"]), str(r["quote_tag"])) for r in rows}
        self._drop_stale({i: current.get(i) for i in ids})
        self._finish()

    def upgrade_terms(self) -> int:
        """Rewrite the BM25 terms (passages' and titles') an older Newsdesk wrote
        (`TERMS_FORMAT`); how many rows. Run by the writer under the ingest lease: Milvus
        updates whole rows only, so each is upserted as it is with new terms; the format
        is recorded last, so a run killed half way is redone by the next writer."""
        if self.meta("terms_format") == TERMS_FORMAT:
            return 0
        done = self._rewrite(self.names.passages, "id", PASSAGE_ALL,
                             lambda r: {"terms": passage_terms(str(r["text"]))})
        done += self._rewrite(self.names.articles, "pk", ARTICLE_FIELDS,
                              lambda r: {"title_terms": title_terms(str(r["title"]))})
        # Rankings change: a new generation drops what serving processes cached.
        self.set_meta({"terms_format": TERMS_FORMAT, "generation": str(self.generation() + 1)})
        return done

    def _rewrite(self, collection: str, key: str, fields: Sequence[str],
                 change: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
        # Keys first: milvus-lite 2.5.1 fails reading the vectors of a collection that never
        # held a row.
        keys = [int(r[key]) for r in scan(self.client, collection, "", (key,))]
        for part in chunks(keys, WRITE_CHUNK):
            rows = query_in(self.client, collection, key, part, fields, unique=True)
            self._check_lease()
            self._upsert(collection, [{**r, **change(r)} for r in rows])
        return len(keys)

    # ----- steps ------------------------------------------------------------------------

    def _begin(self, ids: Sequence[str]) -> None:
        self.set_meta({"pending": json.dumps(list(ids))})

    def _finish(self) -> int:
        generation = self.generation() + 1
        self.set_meta({"generation": str(generation)})
        self.delete_meta("pending")
        return generation

    def _check_lease(self) -> None:
        """Before a commit point: stop if another writer took the ingest lease over."""
        lease = getattr(self, "_lease", None)
        if lease is not None:
            lease.check()

    def _hook(self) -> None:
        if self.before_commit is not None:
            self.before_commit()

    def _upsert(self, collection: str, rows: list[dict[str, Any]]) -> None:
        for part in chunks(rows, WRITE_CHUNK):
            self.client.upsert(collection, list(part))

    def _drop_stale(self, keep: Mapping[str, tuple[str, str] | None]) -> None:
        """Delete texts, passages and quotes of ``keep``'s articles other than (content
        hash, quote tag); all of them where the value is None. Found by a query and
        deleted by key (a long OR of filters is more than milvus-lite's planner takes)."""
        ids = list(keep)
        for name, field, slot in ((self.names.texts, "content_hash", 0),
                                  (self.names.passages, "content_hash", 0),
                                  (self.names.quotes, "quote_tag", 1)):
            rows = query_in(self.client, name, "article_id", ids, ("id", "article_id", field))
            doomed = []
            for r in rows:
                version = keep[str(r["article_id"])]
                if version is None or r[field] != version[slot]:
                    doomed.append(int(r["id"]))
            for part in chunks(doomed):
                self.client.delete(name, ids=list(part))

def _article_row(item: PreparedArticle, now: str) -> dict[str, Any]:
    # The quotes written with this version: tagged by the version itself.
    return article_row(item, item.content_hash[:32], now)

