"""index/text/cache.py: one bounded cache for the per-text analyses (terms, paragraphs,
mentions)."""

from __future__ import annotations

from index.text.cache import TextCache


def _counting() -> tuple[TextCache[str], list[str]]:
    calls: list[str] = []

    def analyse(text: str) -> list[str]:
        calls.append(text)
        return text.split()

    return TextCache(analyse, maxsize=2, max_chars=20), calls


def test_a_short_text_is_analysed_once_and_each_caller_gets_its_own_list() -> None:
    cache, calls = _counting()
    first = cache("a b c")
    first.append("mutated")
    assert cache("a b c") == ["a", "b", "c"]
    assert calls == ["a b c"]
    assert cache.shared("a b c") == ("a", "b", "c")


def test_a_long_text_is_never_kept() -> None:
    cache, calls = _counting()
    long_text = "word " * 10
    assert cache(long_text) == cache(long_text) == ["word"] * 10
    assert calls == [long_text, long_text]


def test_the_oldest_texts_are_dropped_and_clear_forgets_all() -> None:
    cache, calls = _counting()
    for text in ("x", "y", "z", "x"):
        cache(text)
    assert calls == ["x", "y", "z", "x"]  # maxsize 2: "x" was dropped by "z"
    cache.clear()
    cache("z")
    assert calls[-1] == "z" and len(calls) == 5
