"""`stats` and `latest_date` on Milvus without reading every article.

Milvus's query has no ORDER BY, GROUP BY or MAX, and `count(*)` is its only aggregate. So:

- counts are `count(*)` with the scope's filter;
- the newest (oldest) date is found by bisecting the YYYYMMDD ``date`` field with
  one-row existence queries (about 27 of them, each answered inside Milvus), then
  reading that one day's rows;
- article counts per source and per owner are `count(*)` per value, over the values
  the writer has seen: it records each new source and owner as a ``value:`` row in the
  meta collection before the commit point (a superset: a value no article holds any
  more counts 0 and is left out);
- distinct speakers come from a grouping search on the quotes' placeholder vector
  (one hit per ``speaker_key``), read in full only past `MAX_GROUPS` speakers.

Both are cached per (generation, scope): every query plan asks for `latest_date`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from index.backend import OPERATOR, OPERATOR_SCOPE, Scope
from index.milvus.client import lit, scan, scope_expr
from index.milvus.schema import PLACEHOLDER, Collections
from index.models import IndexStats

MAX_DATE = 99_991_231
MAX_GROUPS = 16_384  # a Milvus server's top-k cap, also for grouping searches
CACHE_ENTRIES = 64
_VALUE = "value:"  # meta key prefix of the recorded source and owner values


def _and(*parts: str) -> str:
    return " and ".join(f"({p})" for p in parts if p)


def value_key(kind: str, value: str) -> str:
    """The meta key recording one value (hashed: keys are short, free of quote marks)."""
    return _VALUE + kind + ":" + hashlib.blake2b(value.encode(), digest_size=12).hexdigest()


def value_rows(articles: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Meta rows for the sources and owners of these article rows."""
    seen: dict[str, str] = {}
    for a in articles:
        if "source" not in str(a["nulls"]).split(","):
            seen[value_key("source", str(a["source_text"]))] = str(a["source_text"])
        seen[value_key("owner", str(a["owner"]))] = str(a["owner"])
    return [{"key": k, "value": v, "_v": PLACEHOLDER} for k, v in seen.items()]


class MilvusSummary:
    client: Any
    names: Collections
    uri: str

    def generation(self) -> int:
        raise NotImplementedError  # MilvusBackend's

    def model(self) -> tuple[str, int] | None:
        raise NotImplementedError

    def _size(self) -> int:
        raise NotImplementedError

    # ----- cached entry points ------------------------------------------------------------

    def latest_date(self, scope: Scope = OPERATOR_SCOPE) -> str | None:
        return self._cached("latest", scope, lambda: self._extreme_date(scope, newest=True))

    def stats(self, scope: Scope = OPERATOR_SCOPE) -> IndexStats:
        stats: IndexStats = self._cached("stats", scope, lambda: self._stats(scope))
        return stats

    def _cached(self, what: str, scope: Scope, compute: Any) -> Any:
        key = (what, self.generation(), scope.owners())
        state = self.__dict__
        lock = state.setdefault("_summary_lock", threading.Lock())
        cache: dict[Any, Any] = state.setdefault("_summary_cache", {})
        with lock:
            if key in cache:
                return cache[key]
        value = compute()
        with lock:
            if len(cache) >= CACHE_ENTRIES:
                cache.pop(next(iter(cache)))
            cache[key] = value
        return value

    # ----- the pieces ---------------------------------------------------------------------

    def _count(self, collection: str, expr: str) -> int:
        rows = self.client.query(collection, filter=expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def _exists(self, expr: str) -> bool:
        return bool(self.client.query(self.names.articles, filter=expr, output_fields=["pk"],
                                      limit=1))

    def _extreme_date(self, scope: Scope, *, newest: bool) -> str | None:
        """The newest (or oldest) article date text in ``scope``; None when undated."""
        base = _and(scope_expr(scope), "date > 0")
        if not self._exists(base):
            return None
        lo, hi = 1, MAX_DATE
        while lo < hi:  # the largest (smallest) YYYYMMDD any article in scope has
            if newest:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if self._exists(_and(base, f"date >= {mid}")) else (lo, mid - 1)
            else:
                mid = (lo + hi) // 2
                lo, hi = (lo, mid) if self._exists(_and(base, f"date <= {mid}")) else (mid + 1, hi)
        texts = [str(r["date_text"]) for r in
                 scan(self.client, self.names.articles, _and(base, f"date == {lo}"),
                      ("date_text",))]
        return (max if newest else min)(texts, default=None)

    def _known_values(self, kind: str) -> list[str]:
        rows = scan(self.client, self.names.meta, f'key like "{_VALUE}{kind}:%"', ("value",))
        return sorted({str(r["value"]) for r in rows})

    def _per_value(self, kind: str, field: str, where: str) -> dict[str, int]:
        counts = {v: self._count(self.names.articles, _and(where, f"{field} == {lit(v)}"))
                  for v in self._known_values(kind)}
        return {v: n for v, n in counts.items() if n}

    def _speakers(self, where: str) -> int:
        expr = _and(where, 'speaker_key != ""')
        found = self.client.search(
            self.names.quotes, data=[PLACEHOLDER], anns_field="_v", limit=MAX_GROUPS,
            filter=expr, group_by_field="speaker_key", output_fields=["speaker_key"],
            search_params={"metric_type": "L2"})
        keys = {h["entity"]["speaker_key"] for h in found[0]}
        if len(found[0]) < MAX_GROUPS:
            return len(keys)
        return len({r["speaker_key"] for r in
                    scan(self.client, self.names.quotes, expr, ("speaker_key",))})

    def _stats(self, scope: Scope) -> IndexStats:
        where = scope_expr(scope)
        sources = self._per_value("source", "source_text", where)
        unnamed = self._count(self.names.articles, _and(where, 'nulls like "%source%"'))
        if unnamed:  # a None source is stored as "" and named in ``nulls``
            sources[""] = sources.get("", 0) - unnamed
            sources = {s: n for s, n in sources.items() if n} | {"(none)": unnamed}
        owners = self._per_value("owner", "owner", "") if scope.everything else {}
        model = self.model() or ("(none)", 0)
        return IndexStats(
            articles=self._count(self.names.articles, where),
            passages=self._count(self.names.passages, where),
            quotes=self._count(self.names.quotes, where),
            speakers=self._speakers(where),
            date_min=self._extreme_date(scope, newest=False),
            date_max=self._extreme_date(scope, newest=True),
            sources=tuple(sorted(sources.items(), key=lambda s: (-s[1], s[0]))),
            model=model[0], dimension=model[1], vector_index="milvus",
            size_bytes=self._size(),
            owners=tuple(sorted(owners.items(),
                                key=lambda o: (o[0] != OPERATOR, -o[1], o[0]))),
        )
