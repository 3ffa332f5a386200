"""One bounded per-process cache for an analysis of a text (its terms, paragraphs,
mentions), keyed by the text itself.

An answer asks for the same sentences' analyses hundreds of times (profiled, issue 13).
Texts longer than ``max_chars`` are analysed every time: the cache keeps its keys alive.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class TextCache(Generic[T]):
    """``analyse(text)`` memoised for texts up to ``max_chars``; ``maxsize`` texts kept."""

    def __init__(self, analyse: Callable[[str], list[T]], maxsize: int, max_chars: int):
        self._analyse = analyse
        self.max_chars = max_chars
        self._cached = functools.lru_cache(maxsize=maxsize)(_as_tuple(analyse))

    def __call__(self, text: str) -> list[T]:
        """A fresh list: the caller may change it without changing the cache."""
        return list(self.shared(text))

    def shared(self, text: str) -> tuple[T, ...] | list[T]:
        """The cached sequence itself, for callers that only read it."""
        if len(text) <= self.max_chars:
            return self._cached(text)
        return self._analyse(text)

    def clear(self) -> None:
        self._cached.cache_clear()


def _as_tuple(analyse: Callable[[str], list[T]]) -> Callable[[str], tuple[T, ...]]:
    return lambda text: tuple(analyse(text))
