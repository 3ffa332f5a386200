"""The Engine facade on real indexes (seed article and a small inline corpus)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import retrieval.hybrid
from index.errors import ArticleNotFoundError, BadQueryError
from index.local import LocalBackend
from retrieval.engine import Engine
from retrieval.models import Answer, Filters, Hit
from tests.conftest import SAMPLE_ARTICLES

WANG_YI = "China-Russia relations have withstood"


def _check_offsets(engine: Engine, hits: list[Hit]) -> None:
    for hit in hits:
        text = engine.article(hit.article_id).text
        assert hit.excerpts
        for ex in hit.excerpts:
            assert text[ex.start:ex.end] == ex.text
            for s, e in ex.highlights:
                assert ex.start <= s < e <= ex.end


def _check_citations(engine: Engine, answer: Answer) -> None:
    for c in answer.citations:
        text = engine.article(c.article_id).text
        assert text[c.start:c.end] == c.text
        for s, e in c.highlights:
            assert c.start <= s < e <= c.end


def test_what_did_wang_wenbin_say(seed_engine: Engine) -> None:
    answer = seed_engine.answer("What did Wang Wenbin say?")
    assert answer.kind == "quotes"
    assert answer.speaker == "Wang Wenbin"
    assert answer.citations
    assert "no limits" in answer.text
    assert WANG_YI not in answer.text
    assert all(WANG_YI not in c.text for c in answer.citations)
    _check_citations(seed_engine, answer)
    for c in answer.citations:
        assert f"[{c.marker}]" in answer.text


def test_seed_search_offsets_and_metadata(seed_engine: Engine) -> None:
    hits = seed_engine.search("Lavrov visits China new world order", k=3)
    assert hits and hits[0].date == "2022-03-31"
    assert any(ex.highlights for ex in hits[0].excerpts)
    _check_offsets(seed_engine, hits)


def test_seed_answer_is_verbatim_and_cited(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Has Beijing condemned the invasion of Ukraine?")
    assert answer.kind == "answer"
    assert "Beijing has refused to condemn the invasion" in answer.text
    _check_citations(seed_engine, answer)
    body = answer.text
    for c in answer.citations:
        for s, e in c.highlights:
            body = body.replace(seed_engine.article(c.article_id).text[s:e], "")
        body = body.replace(f"[{c.marker}]", "")
    assert not body.strip()  # nothing but cited sentences and markers


def test_date_filter_excluding_seed_returns_nothing(seed_engine: Engine) -> None:
    f = Filters(date_from="2023-01-01")
    assert seed_engine.search("Lavrov China", filters=f) == []
    assert seed_engine.answer("What did Lavrov say about China?", filters=f).kind == "no_answer"
    assert seed_engine.search("Lavrov in 2021") == []
    assert seed_engine.search("Lavrov in March 2022")


def test_unrelated_question_has_no_answer(seed_engine: Engine) -> None:
    answer = seed_engine.answer("How long should sourdough bread proof before baking?")
    assert answer.kind == "no_answer"
    assert not answer.citations


def test_filters_apply_before_ranking(mini_engine: Engine,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # With 2 candidates per index, ranking first and filtering after would keep only
    # big.com decoys and find nothing from small.com.
    monkeypatch.setattr(retrieval.hybrid, "CANDIDATES", 2)
    hits = mini_engine.search("hurricane Florida", k=1, filters=Filters(source="small.com"))
    assert [h.article_id for h in hits] == ["tiny-1"]
    hits = mini_engine.search("hurricane Florida", k=3,
                              filters=Filters(date_from="2021-01-01", date_to="2021-12-31"))
    assert [h.article_id for h in hits] == ["tiny-1"]


def test_near_duplicates_collapse(mini_engine: Engine) -> None:
    hits = mini_engine.search("Hurricane Ian Fort Myers storm surge", k=5)
    ids = [h.article_id for h in hits]
    assert ids[0] in ("wire-ap", "wire-cnn")
    assert not {"wire-ap", "wire-cnn"} <= set(ids)
    assert set(hits[0].also_in) == {"wire-ap", "wire-cnn"} - {ids[0]}
    assert len(ids) == len(set(ids))
    _check_offsets(mini_engine, hits)


def test_as_of_excludes_later_articles(mini_engine: Engine) -> None:
    ids = mini_engine.rank_articles("hurricane Florida", k=10, as_of="2022-09-15")
    assert "wire-ap" not in ids and ids
    for mode in ("bm25", "dense"):
        assert mini_engine.rank_articles("hurricane Florida", k=10, mode=mode)


def test_relative_dates_use_latest_article(mini_engine: Engine) -> None:
    # The corpus ends 2022-09-28: "last week" is 2022-09-21..28.
    hits = mini_engine.search("hurricane last week", k=10)
    assert {h.article_id for h in hits} <= {"wire-ap", "wire-cnn"}
    assert hits


BAD = ["", "   ", "x" * 6000, "?!?...", '"', "*", "NEAR(", "' OR 1=1 --", "@everyone",
       "<@123>", "||spoiler||", "```\ncode\n```", "Что сказал Лавров о Китае?",
       "中国和俄罗斯的关系", 'Lavrov" OR "', "what happened on February 30, 2022?"]


@pytest.mark.parametrize("query", BAD)
def test_bad_queries_never_crash(seed_engine: Engine, query: str) -> None:
    for call in (lambda: seed_engine.search(query), lambda: seed_engine.answer(query)):
        try:
            result = call()
        except BadQueryError as err:
            assert str(err) and "Traceback" not in err.user_message()
        else:
            assert isinstance(result, list | Answer)


def test_concurrent_queries_agree(seed_engine: Engine) -> None:
    questions = ["Lavrov China", "world order", "Wang Yi", "Afghanistan meetings"] * 4
    expected = {q: [h.article_id for h in seed_engine.search(q)] for q in set(questions)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda q: [h.article_id for h in seed_engine.search(q)], questions))
    assert got == [expected[q] for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        kinds = list(pool.map(lambda q: seed_engine.answer(q).kind, ["What did Wang Wenbin say?"] * 4))
    assert kinds == ["quotes"] * 4


def test_context_article_and_errors(seed_engine: Engine) -> None:
    hit = seed_engine.search("Huangshan")[0]
    ex = hit.excerpts[0]
    s, e = ex.highlights[0] if ex.highlights else (ex.start, ex.end)
    ctx = seed_engine.context(hit.article_id, s, e)
    text = seed_engine.article(hit.article_id).text
    assert text[ctx.start:ctx.end] == ctx.text and ctx.start <= s and e <= ctx.end
    assert ctx.paragraph >= 1
    with pytest.raises(ArticleNotFoundError):
        seed_engine.article("../../etc/passwd")
    with pytest.raises(BadQueryError):
        seed_engine.context(hit.article_id, 10, 10**9)
    with pytest.raises(BadQueryError):
        seed_engine.search("Lavrov", k=0)


def test_stats_speakers_feedback(seed_engine: Engine, mini_engine: Engine) -> None:
    assert seed_engine.stats().articles == SAMPLE_ARTICLES
    assert "Wang Wenbin" in seed_engine.speakers("wang")
    # Writes go to this module's own index: the session seed index is shared read-only.
    mini_engine.record_feedback("q", "answer", 1, user_id="u1", article_ids=("x", "y"))
    mini_engine.record_feedback("q2", "none", -1)
    backend = mini_engine.backend
    assert isinstance(backend, LocalBackend)
    rows = backend.conn().execute(
        "SELECT question, answer_kind, vote, user_id, article_ids FROM feedback ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in rows[-2:]] == [
        ("q", "answer", 1, "u1", '["x", "y"]'), ("q2", "none", -1, None, "[]")]


def test_ambiguous_speaker_lists_candidates(seed_engine: Engine) -> None:
    answer = seed_engine.answer("What did Wang say?")
    assert answer.kind == "ambiguous"
    assert {"Wang Wenbin", "Wang Yi"} <= set(answer.candidates)
    # No guess: each person's words under their own name, Wang Wenbin (3) before Wang Yi (1).
    lines = answer.text.splitlines()
    wenbin, yi = lines.index("Wang Wenbin (3 statements):"), lines.index("Wang Yi (1 statement):")
    assert wenbin < yi
    assert "no limits" in " ".join(lines[wenbin:yi])
    assert "withstood" in " ".join(lines[yi:]) and "withstood" not in " ".join(lines[:yi])
    assert len(answer.citations) == 4


def test_quote_route_respects_question_dates(seed_engine: Engine) -> None:
    dated = seed_engine.answer("What did Wang Wenbin say in March 2022?")
    assert dated.kind == "quotes" and dated.filters.date_from == "2022-03-01"
    assert not dated.text.startswith("Nothing from")
    # Nothing of his in 2021: his words from any date, and the answer says so.
    other_year = seed_engine.answer("What did Wang Wenbin say in 2021?")
    assert other_year.kind == "quotes"
    assert other_year.text.startswith("Nothing from 2021; best matches from any date:\n")
    assert {(c.date or "")[:4] for c in other_year.citations} == {"2022"}


def test_a_speaker_quoted_on_other_things_is_named_not_replaced(seed_engine: Engine) -> None:
    """Wang Wenbin said nothing about cricket: his own words, said to be on other topics,
    never other people's words about the topic (what search would find) in his place."""
    answer = seed_engine.answer("What did Wang Wenbin say about cricket?")
    assert answer.kind == "quotes" and answer.speaker == "Wang Wenbin"
    assert answer.text.startswith("No close match for “cricket” among Wang Wenbin's 3 "
                                  "statements:\n• ")
    one = seed_engine.answer("What did Wang Yi say about cricket?").text
    assert one.startswith("No close match for “cricket” in Wang Yi's one statement:\n• ")
    assert "withstood" in one and "no limits" not in one  # his words, not Wang Wenbin's
    assert "no limits" in answer.text and "withstood" not in answer.text  # not Wang Yi's
    assert len(answer.citations) == 3
    assert not seed_engine.answer("What did Wang Wenbin say about hegemony?").text \
        .startswith("No close match")
    # A filter given beside the question is named too, in words.
    march = Filters(date_from="2022-03-01", date_to="2022-03-31")
    assert seed_engine.answer("What did Wang Wenbin say about cricket?", filters=march).text \
        .startswith("No close match for “cricket” among Wang Wenbin's 3 statements in March 2022:\n")
    # Nothing of his at all within the filters: said so, and nobody else's words.
    later = seed_engine.answer("What did Lavrov say?", filters=Filters(date_from="2023-01-01"))
    assert later.kind == "no_answer" and later.speaker == "Sergei Lavrov"
    assert later.text.startswith("Sergei Lavrov is quoted in the archive, but not from "
                                 "2023-01-01 on. Ask “what did Sergei Lavrov say?”")
    assert not later.citations
    # Nobody of that name: ordinary search, which finds nothing here.
    nobody = seed_engine.answer("What did Zorblax Quentin say about cricket?")
    assert nobody.kind == "no_answer" and nobody.speaker is None


def test_an_answer_no_archive_match_can_beat_skips_the_archive_search(
        seed_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quotes (and digests) stand at 1.0: the whole archive is not searched for them."""
    plans: list[object] = []
    answer_plan = seed_engine._answer_plan

    def counted(question, plan, scope):
        plans.append(plan)
        return answer_plan(question, plan, scope)

    monkeypatch.setattr(seed_engine, "_answer_plan", counted)
    assert seed_engine.answer("What did Wang Wenbin say in March 2022?").kind == "quotes"
    assert len(plans) == 1


@pytest.mark.parametrize("filters", [None, Filters(date_from="2022-03-01", date_to="2022-03-31")])
def test_bm25_beside_or_after_the_encode_ranks_alike(seed_engine: Engine,
                                                    filters: Filters | None) -> None:
    """Where BM25 runs (beside the encode on a helper thread, or after it) changes no result."""
    before = seed_engine.overlap_lexical
    results = []
    try:
        for overlap in (True, False):
            seed_engine.overlap_lexical = overlap
            for question in ("What did Wang Wenbin say about hegemony?", "Lavrov visit China"):
                hits = seed_engine.search(question, k=5, filters=filters)
                results.append([(h.article_id, round(h.score, 6)) for h in hits])
    finally:
        seed_engine.overlap_lexical = before
    assert results[:2] == results[2:]
    assert any(results[:2])


def test_only_quotes_from_older_rules_are_reported_stale(
        tmp_path, embedder, caplog: pytest.LogCaptureFixture) -> None:
    """An index built without quotes has none to refresh: opening it says nothing. One
    whose quotes came from older rules is told how to refresh them."""
    from tests.retrieval.inline_corpus import index_articles

    article = {"id": "a", "title": "Harbour", "date": "2022-01-01",
               "text": "The harbour reopened on Monday, the council said."}
    (tmp_path / "plain").mkdir()
    (tmp_path / "quoted").mkdir()
    plain = index_articles(tmp_path / "plain", "a", [article], embedder)
    with caplog.at_level("WARNING", logger="retrieval.engine"):
        Engine.open(plain, embedder, read_only=True)
    assert "older quote rules" not in caplog.text
    quoted = index_articles(tmp_path / "quoted", "a", [article], embedder, quotes=True)
    backend = LocalBackend.open(quoted)
    backend.replace_quotes({}, "rules-of-an-older-release")
    backend.close()
    with caplog.at_level("WARNING", logger="retrieval.engine"):
        Engine.open(quoted, embedder, read_only=True)
    assert "older quote rules" in caplog.text
