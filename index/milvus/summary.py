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
import logging
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
log = logging.getLogger(__name__)
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


def _bisect(reaches: Any, hint: int | None, newest: bool) -> int | None:
    """The largest (``newest``) or smallest YYYYMMDD ``d`` in 1..MAX_DATE for which
    ``reaches(d)`` holds ("some article is dated at least d" for the newest, "at most d"
    for the oldest); None when there is none. Galloping from the last answer (``hint``),
    an unchanged or slightly moved extreme costs a few queries instead of ~27."""
    if newest:
        if hint and reaches(hint):
            lo, step = hint, 1
            while lo + step <= MAX_DATE and reaches(lo + step):
                lo, step = lo + step, step * 2
            hi = min(lo + step - 1, MAX_DATE)
        elif reaches(1):
            lo, hi = 1, MAX_DATE
        else:
            return None
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if reaches(mid) else (lo, mid - 1)
        return lo
    if hint and reaches(hint):
        hi, step = hint, 1
        while hi - step >= 1 and reaches(hi - step):
            hi, step = hi - step, step * 2
        lo = max(hi - step + 1, 1)
    elif reaches(MAX_DATE):
        lo, hi = 1, MAX_DATE
    else:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if reaches(mid) else (mid + 1, hi)
    return hi


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
        hints: dict[Any, int] = self.__dict__.setdefault("_summary_hints", {})
        key = (newest, scope.owners())
        found = _bisect(lambda d: self._exists(_and(base, f"date >= {d}" if newest
                                                     else f"date <= {d}")),
                        hints.get(key), newest)
        if found is None:
            return None
        hints[key] = found  # the next generation's search starts from here
        texts = [str(r["date_text"]) for r in
                 scan(self.client, self.names.articles, _and(base, f"date == {found}"),
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
        articles = self._count(self.names.articles, where)
        sources = self._per_value("source", "source_text", where)
        unnamed = self._count(self.names.articles, _and(where, 'nulls like "%source%"'))
        if unnamed:  # a None source is stored as "" and named in ``nulls``
            sources[""] = sources.get("", 0) - unnamed
            sources = {s: n for s, n in sources.items() if n} | {"(none)": unnamed}
        owners = self._per_value("owner", "owner", "") if scope.everything else {}
        if sum(sources.values()) != articles or \
                (scope.everything and sum(owners.values()) != articles):
            # Written without value rows (an older writer): count by reading them all.
            log.warning("stats: source/owner values incomplete in %s; reading every article",
                        self.names.articles)
            sources, owners = self._scan_values(where, scope.everything)
        model = self.model() or ("(none)", 0)
        return IndexStats(
            articles=articles,
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

    def _scan_values(self, where: str, everything: bool) -> tuple[dict[str, int], dict[str, int]]:
        sources: dict[str, int] = {}
        owners: dict[str, int] = {}
        for a in scan(self.client, self.names.articles, where, ("source_text", "nulls", "owner")):
            src = "(none)" if "source" in str(a["nulls"]).split(",") else str(a["source_text"])
            sources[src] = sources.get(src, 0) + 1
            owners[str(a["owner"])] = owners.get(str(a["owner"]), 0) + 1
        return sources, owners if everything else {}
