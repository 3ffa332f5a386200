"""`newsdesk index copy`: move an index between backends without re-embedding.

Articles travel with their content hash, owner, passages (offsets unchanged), quotes
and the stored vectors of their passages; the destination's writer commits them in
batches exactly as an ingestion would. Articles the destination already holds at the
same content hash are skipped, so an interrupted copy is finished by running it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.backend import Backend, PreparedArticle, PreparedPassage
from index.errors import NewsdeskError
from index.ingest import text_hash

log = logging.getLogger(__name__)

COPY_BATCH = 200  # articles per committed batch


@dataclass(frozen=True)
class CopySummary:
    copied: int
    unchanged: int
    passages: int
    quotes: int
    seconds: float


def copy_index(source: Backend, dest: Backend, *, progress: Any = None) -> CopySummary:
    """Copy every article of ``source`` into ``dest`` (vectors included, nothing embedded)."""
    started = time.monotonic()
    model = source.model()
    if model is None:
        raise NewsdeskError(f"The index at {source.location} is empty: nothing to copy.")
    dest.check_model(model[0], model[1], record=True)
    copied = unchanged = passages = quotes = 0
    with dest.ingest_lock():
        versions = source.stored_versions()
        there = dest.stored_versions()
        ids = sorted(versions)
        todo = [i for i in ids if there.get(i) != versions[i]]
        unchanged = len(ids) - len(todo)
        for batch in _batches(todo, COPY_BATCH):
            items, vectors = _read(source, batch, versions)
            dest.write(items, vectors)
            copied += len(items)
            passages += sum(len(i.passages) for i in items)
            quotes += sum(len(i.quotes) for i in items)
            if progress is not None:
                progress(copied, len(todo))
        rules = source.quote_rules()
        if rules is not None:
            dest.replace_quotes({}, rules)
        dest.flush()
    return CopySummary(copied, unchanged, passages, quotes, time.monotonic() - started)


def _batches(ids: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _read(source: Backend, ids: Sequence[str], versions: dict[str, Any]
          ) -> tuple[list[PreparedArticle], dict[str, np.ndarray]]:
    articles = source.get_articles(ids)
    items: list[PreparedArticle] = []
    by_passage: dict[int, str] = {}
    for aid in ids:
        if aid not in articles:
            continue  # deleted since the listing
        found = source.passages_for(aid)
        prepared = tuple(PreparedPassage(p.ordinal, p.start, p.end, p.text, p.paragraph_start,
                                         p.paragraph_end, text_hash(p.text)) for p in found)
        by_passage.update({p.id: q.text_hash for p, q in zip(found, prepared, strict=True)})
        version = versions[aid]
        items.append(PreparedArticle(articles[aid], version.content_hash, prepared,
                                     tuple(source.quotes_for(aid)), version.owner))
    return items, _vectors(source, by_passage)


def _vectors(source: Backend, by_passage: dict[int, str]) -> dict[str, np.ndarray]:
    """Text hash -> stored vector, from whichever store the source keeps them in."""
    if hasattr(source, "passage_vectors"):  # local: the embeddings table, by passage id
        ids, vectors = source.passage_vectors(list(by_passage))
        return {by_passage[int(i)]: v for i, v in zip(ids.tolist(), vectors, strict=True)}
    if hasattr(source, "stored_vectors"):  # milvus: the passages' own vectors
        stored: dict[str, np.ndarray] = source.stored_vectors(set(by_passage.values()))
        return stored
    raise NewsdeskError(f"Cannot read the stored vectors of {source.location}.")
