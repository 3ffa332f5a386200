"""Quote extraction on the seed article (issue 3) and the offsets invariant."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.models import Article, Quote
from index.quotes import extract_quotes, speaker_key
from index.readers import SourceFile, read_file

SEED = Path(__file__).resolve().parents[2] / "sample_corpus" / "lavrov_china_2022-03-31.txt"


@pytest.fixture(scope="module")
def seed() -> Article:
    result = read_file(SourceFile(SEED, SEED.stem))
    assert len(result.articles) == 1, result.skipped
    return result.articles[0][1]


@pytest.fixture(scope="module")
def seed_quotes(seed: Article) -> list[Quote]:
    return extract_quotes(seed)


def by(quotes: list[Quote], speaker: str) -> list[str]:
    return [q.text for q in quotes if q.speaker == speaker]


def test_seed_article_starts_at_the_body(seed: Article) -> None:
    assert seed.date == "2022-03-31"
    assert seed.text.startswith("Beijing and Moscow")


def test_offsets_are_exact(seed: Article, seed_quotes: list[Quote]) -> None:
    assert seed_quotes
    for q in seed_quotes:
        assert seed.text[q.start : q.end] == q.text
        assert q.speaker_key == speaker_key(q.speaker)
        assert q.paragraph >= 1


def test_wang_wenbin_has_exactly_his_three_statements(seed_quotes: list[Quote]) -> None:
    texts = by(seed_quotes, "Wang Wenbin")
    assert len(texts) == 3
    assert "advancing global multipolarity" in texts[0]
    assert texts[1] == "China-Russia cooperation has no limits"
    assert texts[2].startswith("Our striving for peace has no limits")
    assert not any("withstood the new test" in t for t in texts)  # Wang Yi's words


def test_wang_yi_has_his_one_quote(seed_quotes: list[Quote]) -> None:
    texts = by(seed_quotes, "Wang Yi")
    assert len(texts) == 1
    assert texts[0].startswith("China-Russia relations have withstood the new test")


def test_lavrov_has_his_two_quotes(seed_quotes: list[Quote]) -> None:
    texts = by(seed_quotes, "Sergei Lavrov")
    assert len(texts) == 2
    assert "living through a very serious stage" in texts[0]
    assert texts[1].startswith("We, together with you")


def test_speakers_are_names_never_titles(seed_quotes: list[Quote]) -> None:
    assert {q.speaker for q in seed_quotes} == {"Sergei Lavrov", "Wang Yi", "Wang Wenbin"}
    mentions = {q.mention for q in seed_quotes if q.speaker == "Wang Wenbin"}
    assert "Wang" in mentions  # the bare surname resolved to the nearest full name


def test_scare_quotes_are_not_quotes(seed_quotes: list[Quote]) -> None:
    assert not any(q.text == "willingness" for q in seed_quotes)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Russian Foreign Minister Sergei Lavrov", "sergei lavrov"),
        ("Sergei Lavrov", "sergei lavrov"),
        ("Lavrov", "lavrov"),
        ("Hillary Rodham Clinton", "hillary clinton"),
        ("Sen. Bernie Sanders", "bernie sanders"),
        ("Republican National Committee", "republican national committee"),
        ("Secretary of State John Kerry", "john kerry"),
        ("Donald Trump Jr.", "donald trump"),
        ("José Álvarez", "jose alvarez"),
        ("Senate Intelligence Ranking Democrat Dianne Feinstein", "dianne feinstein"),
        ("Chicago Alderman Jason C. Ervin", "jason ervin"),
        ("Texas-based Matt Mackowiak", "matt mackowiak"),
        ("Anne Marie Murphy", "anne murphy"),
        ("Bill and Melinda Gates Foundation", "bill and melinda gates foundation"),
    ],
)
def test_speaker_key_groups_variants(name: str, key: str) -> None:
    assert speaker_key(name) == key


def test_empty_and_quote_free_articles() -> None:
    assert extract_quotes(Article(id="e", text="")) == []
    assert extract_quotes(Article(id="n", text="Nothing was said here at all.")) == []
