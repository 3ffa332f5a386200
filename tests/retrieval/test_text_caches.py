"""The per-process text caches (issue 13): callers get their own lists, and clearing
them changes no result."""

from __future__ import annotations

import torch

from index.sentences import paragraph_spans, sentence_spans
from index.settings import NewsdeskSettings
from index.text.stems import content_terms
from retrieval.engine import SERVING_TORCH_THREADS, _serving_threads, clear_text_caches
from retrieval.entities import mentions

SENTENCE = "Foreign Minister Sergei Lavrov met Wang Yi in Beijing on March 30, 2022."
TEXT = "First paragraph. It has two sentences.\n\nSecond one here.\n\nThird."


def test_cached_terms_are_a_fresh_list_each_call() -> None:
    first = content_terms(SENTENCE)
    first.append("mutated")
    assert "mutated" not in content_terms(SENTENCE)
    assert content_terms(SENTENCE) == first[:-1]


def test_cached_mentions_and_paragraphs_are_fresh_lists() -> None:
    found = mentions(SENTENCE)
    assert {m.text for m in found} >= {"Wang Yi", "Beijing"}
    found.clear()
    assert mentions(SENTENCE)
    paras = paragraph_spans(TEXT)
    paras.pop()
    assert len(paragraph_spans(TEXT)) == 3


def test_clearing_the_caches_changes_no_result() -> None:
    before = (content_terms(SENTENCE), mentions(SENTENCE), paragraph_spans(TEXT),
              sentence_spans(TEXT, 0, 40))
    clear_text_caches()
    after = (content_terms(SENTENCE), mentions(SENTENCE), paragraph_spans(TEXT),
             sentence_spans(TEXT, 0, 40))
    assert before == after
    assert [TEXT[s:e] for s, e in after[3]] == ["First paragraph.", "It has two sentences."]


def test_serving_uses_one_torch_thread_unless_configured() -> None:
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        _serving_threads(NewsdeskSettings(_env_file=None, torch_threads=None))  # type: ignore[call-arg]
        assert torch.get_num_threads() == SERVING_TORCH_THREADS == 1
        _serving_threads(NewsdeskSettings(_env_file=None, torch_threads=2))  # type: ignore[call-arg]
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(previous)


def test_startup_objects_leave_garbage_collection_and_garbage_does_not() -> None:
    import gc

    from retrieval.engine import freeze_startup_objects

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    kept = [Cycle() for _ in range(3)]  # alive: frozen with everything else
    Cycle()  # garbage (a cycle): collected first, never frozen
    gc.unfreeze()
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 0
        assert not any(type(o) is Cycle for o in gc.get_objects())
        assert kept[0].me is kept[0]
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual
    assert sum(type(o) is Cycle for o in gc.get_objects()) == 3
