"""Ranking metrics for the retrieval evaluation: Recall@k and MRR@k, strict and twin-aware."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


def url_stem(url: str | None) -> str:
    """A URL without query, fragment, trailing /index.html or slash (twin detection)."""
    u = re.sub(r"[?#].*", "", url or "")
    u = re.sub(r"/index\.html?$", "", u)
    return u.rstrip("/")


def find_twins(docs: Iterable[Mapping[str, object]]) -> dict[str, frozenset[str]]:
    """id -> ids of the same article under URL variants (same URL stem and same text)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d in docs:
        stem = url_stem(str(d.get("url") or ""))
        if stem:
            groups[(stem, str(d.get("text") or ""))].append(str(d["id"]))
    return {i: frozenset(ids) for ids in groups.values() if len(ids) > 1 for i in ids}


def first_rank(ranked: Sequence[str], gold: set[str] | frozenset[str]) -> int | None:
    for i, doc in enumerate(ranked, start=1):
        if doc in gold:
            return i
    return None


@dataclass
class Scores:
    """Accumulates first-hit ranks; reports R@1/5/10 and MRR@10."""

    ranks: list[int | None] = field(default_factory=list)

    def add(self, rank: int | None) -> None:
        self.ranks.append(rank)

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / max(len(self.ranks), 1)

    def mrr(self, k: int = 10) -> float:
        return sum(1 / r for r in self.ranks if r is not None and r <= k) / max(len(self.ranks), 1)

    def row(self) -> dict[str, float]:
        return {"R@1": self.recall(1), "R@5": self.recall(5), "R@10": self.recall(10),
                "MRR@10": self.mrr(10)}


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[idx]
