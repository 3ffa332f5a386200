"""Embed builders: Discord's limits, truncation at sentence ends, citations, escaping."""

from __future__ import annotations

import re
from dataclasses import replace

import discord
import pytest

from bot import embeds
from index.models import Article, IndexStats, IngestSummary, Skipped
from retrieval.models import Answer, Citation, Excerpt, Hit, QuoteHit, QuoteLookup, SpeakerQuotes
from tests.bot.discord_limits import embed_errors

SENTENCE = "Wang added that China-Russia cooperation has no limits, repeating a line used by Putin."


def check_limits(embed: discord.Embed) -> None:
    """Discord's numbers (tests/bot/discord_limits.py), not the module's own constants."""
    assert embed_errors([embed.to_dict()]) == []  # type: ignore[list-item]


def citation(
    marker: int, text: str = SENTENCE, url: str | None = None, title: str | None = "A title"
) -> Citation:
    return Citation(
        marker,
        "art-1",
        title,
        "2022-03-31",
        "Reuters",
        url,
        text,
        100,
        100 + len(text),
        3,
        7,
        ((100, 100 + len(text)),),
    )


# ---------------------------------------------------------------- truncate


def test_truncate_keeps_short_text() -> None:
    assert embeds.truncate("Short. Text.", 100) == "Short. Text."


def test_truncate_cuts_at_sentence_boundary_with_ellipsis() -> None:
    text = " ".join(f"Sentence number {i} is here [{i}]." for i in range(1, 60))
    out = embeds.truncate(text, 300)
    assert len(out) <= 300
    assert out.endswith(" ...")
    assert out[:-4].endswith("].")  # a whole sentence, marker included


@pytest.mark.parametrize("limit", range(20, 400, 7))
def test_truncate_never_splits_a_citation_marker(limit: int) -> None:
    text = (
        "Lavrov said the world was living through a serious stage [1] [12] and more followed [3]"
        * 5
    )
    out = embeds.truncate(text, limit)
    assert len(out) <= limit
    body = out.removesuffix(embeds.ELLIPSIS)
    assert not re.search(r"\[\d*$", body.rstrip())  # no "[1" left open
    for marker in re.findall(r"\[[^\]]*\]?", body):
        assert re.fullmatch(r"\[\d+\]", marker), marker


def test_truncate_markers_after_quotes_stay_with_their_sentence() -> None:
    text = 'He said "no limits." [1] ' + "Another sentence follows here. " * 20
    out = embeds.truncate(text, 60)
    assert out.startswith('He said "no limits." [1]')


def test_truncate_keeps_bold_balanced() -> None:
    text = "plain start **" + "bold words " * 50 + "** end."
    out = embeds.truncate(text, 100)
    assert out.count("**") % 2 == 0


# ---------------------------------------------------------------- answers


def test_answer_embed_has_one_field_per_source_with_bold_excerpt_and_link() -> None:
    answer = Answer(
        "what did Wang say?",
        "Wang added that ... [1] and [2].",
        (citation(1, url="https://example.com/a"), citation(2)),
        kind="quotes",
    )
    embed = embeds.answer_embed(answer)
    check_limits(embed)
    assert embed.description is not None and "[1]" in embed.description
    assert len(embed.fields) == 2
    value = embed.fields[0].value or ""
    assert (
        "**Wang added that China-Russia cooperation has no limits, repeating a line used by Putin.**"
        in value
    )
    assert "[link](https://example.com/a)" in value
    assert "¶3" in value and "art-1" in value
    assert embed.fields[0].name and embed.fields[0].name.startswith(
        "[1] A title · 2022-03-31 · Reuters"
    )


def test_answer_embed_respects_all_limits_with_many_long_citations() -> None:
    long = ("This is a long verbatim sentence with words. " * 80).strip()
    cites = tuple(
        citation(i, long, url="https://x.org/" + "p" * 50, title="T" * 400) for i in range(1, 31)
    )
    text = " ".join(
        f"Sentence {i} of the answer is quite long indeed [{i}]." for i in range(1, 400)
    )
    embed = embeds.answer_embed(Answer("q" * 500, text, cites))
    check_limits(embed)
    assert embed.description and embed.description.endswith("...")
    assert len(embed.fields) <= 25


def test_answer_embed_escapes_markdown_and_mentions_render_verbatim() -> None:
    nasty = "@everyone look ||spoiler|| ```code``` **not bold** <@123>"
    answer = Answer(nasty, nasty + " [1]", (citation(1, nasty),))
    embed = embeds.answer_embed(answer)
    assert "\\|\\|spoiler\\|\\|" in (embed.description or "")
    assert "\\`\\`\\`" in (embed.description or "")
    assert "**not bold**" not in (embed.description or "")


def test_no_answer_and_ambiguous() -> None:
    none = embeds.answer_embed(Answer("q?", "", (), kind="no_answer"))
    assert "couldn't find" in (none.description or "")
    amb = embeds.answer_embed(
        Answer(
            "what did Wang say?", "", (), kind="ambiguous", candidates=("Wang Wenbin", "Wang Yi")
        )
    )
    assert "Wang Wenbin" in (amb.description or "") and "Wang Yi" in (amb.description or "")
    grouped = embeds.answer_embed(
        Answer(
            "what did Wang say?", "“Wang” matches 2 people ...\nWang Yi (1 statement):\n• “x” [1]",
            (citation(1),), kind="ambiguous", candidates=("Wang Wenbin", "Wang Yi"),
        )
    )
    check_limits(grouped)
    assert grouped.colour == embeds.WARN_COLOUR and len(grouped.fields) == 1
    assert "pick one below" in (grouped.footer.text or "")


def test_sources_and_context() -> None:
    answer = Answer("q", "t [1]", tuple(citation(i) for i in range(1, 40)))
    src = embeds.sources_embed(answer)
    check_limits(src)
    assert "[1]" in (src.description or "")
    ex = Excerpt("art-1", 7, "Before. " + SENTENCE + " After.", 92, 92 + 8 + len(SENTENCE) + 7, 3)
    ctx = embeds.context_embed(citation(1), ex)
    assert f"**{SENTENCE}**" in (ctx.description or "")
    check_limits(ctx)


def test_bold_spans_uses_article_offsets() -> None:
    assert embeds.bold_spans("abc def ghi", 100, [(104, 107)]) == "abc **def** ghi"
    assert embeds.bold_spans("a_b", 0, []) == "a\\_b"


# ---------------------------------------------------------------- others


def quote(i: int) -> QuoteHit:
    return QuoteHit(
        "art-1",
        "Wang Wenbin",
        f"Quote {i} " + "words " * 100,
        0,
        10,
        "said",
        True,
        2,
        "T",
        "2022-03-31",
        "S",
        None,
    )


def test_quotes_embed_pages_and_limits() -> None:
    lookup = QuoteLookup("Wang Wenbin", "Wang Wenbin", tuple(quote(i) for i in range(23)))
    first = embeds.quotes_embed(lookup)
    check_limits(first)
    assert len(first.fields) == embeds.QUOTES_PER_EMBED
    last = embeds.quotes_embed(lookup, offset=20)
    assert len(last.fields) == 3 and "21-23 of 23" in (last.footer.text or "")
    amb = embeds.quotes_embed(QuoteLookup("Wang", None, (), ("Wang Wenbin", "Wang Yi")))
    assert "Wang Yi" in (amb.description or "")
    empty = embeds.quotes_embed(QuoteLookup("Nobody", "Nobody", ()), about="tea")
    assert "No quotes" in (empty.description or "")


def test_ambiguous_embed_shows_each_persons_quotes_under_their_name() -> None:
    wenbin = tuple(quote(i) for i in range(12))
    yi = tuple(replace(quote(i), speaker="Wang Yi", text=f"Yi {i} " + "words " * 300) for i in range(2))
    groups = (SpeakerQuotes("Wang Wenbin", wenbin), SpeakerQuotes("Wang Yi", yi))
    embed = embeds.quotes_embed(
        QuoteLookup("Wang", None, wenbin + yi, ("Wang Wenbin", "Wang Yi"), groups=groups)
    )
    check_limits(embed)
    names = [(f.name or "").split(":")[0] for f in embed.fields]
    assert names == ["Wang Wenbin"] * 3 + ["Wang Yi"] * 2
    for field in embed.fields:
        speaker = (field.name or "").split(":")[0]
        assert f"{speaker} said" in (field.value or "")  # the quote's own speaker, not a guess


def test_ambiguous_embed_with_many_people_stays_within_limits() -> None:
    names = tuple(f"Person{i} Smith" for i in range(40))
    groups = tuple(
        SpeakerQuotes(n, (replace(quote(i), speaker=n, text="words " * 400),)) for i, n in enumerate(names)
    )
    lookup = QuoteLookup("Smith", None, tuple(g.quotes[0] for g in groups), names, groups=groups)
    embed = embeds.quotes_embed(lookup)
    check_limits(embed)
    assert len(embed.fields) == embeds.QUOTES_PER_EMBED


def test_search_embed_pages() -> None:
    ex = Excerpt("a", 1, "Some text here.", 0, 15, 1, ((0, 4),))
    hits = [
        Hit(f"a{i}", f"Title {i}", "2022-01-01", "S", None, 1.0, (ex, ex), also_in=("b",))
        for i in range(7)
    ]
    assert embeds.search_pages(hits) == 3
    e = embeds.search_embed("q", hits, page=2)
    check_limits(e)
    assert e.fields[0].name and e.fields[0].name.startswith("7. Title 6")
    assert "Page 3/3" in (e.footer.text or "")
    assert "nothing" in (embeds.search_embed("q", []).description or "").lower()


def test_article_pages_cover_the_text_in_order() -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "Word " * 150 for i in range(20))
    art = Article("x", text, title="T", date="2022-01-01", source="S", url="https://e.com")
    pages = embeds.article_pages(art)
    assert len(pages) > 2
    assert pages[0][0] == 0 and pages[-1][1] == len(text)
    for (_, e1), (s2, _) in zip(pages, pages[1:], strict=False):
        assert text[e1:s2].strip() == ""
    for p in range(len(pages)):
        check_limits(embeds.article_embed(art, p))


def test_stats_help_ingest() -> None:
    stats = IndexStats(
        10,
        100,
        50,
        20,
        "2015-01-01",
        "2022-12-31",
        tuple((f"src{i}", i) for i in range(30)),
        "m",
        384,
        "flat",
        10**7,
    )
    e = embeds.stats_embed(stats)
    check_limits(e)
    assert "and 15 more" in e.fields[-1].value  # type: ignore[operator]
    h = embeds.help_embed("Newsdesk", [(f"/c{i}", "x" * 900, "/c") for i in range(30)])
    check_limits(h)
    s = IngestSummary(added=1, skipped=tuple(Skipped(f"f{i}.txt", "empty file") for i in range(12)))
    i = embeds.ingest_embed(s, "up.txt")
    check_limits(i)
    assert "Skipped (12)" in (i.fields[0].name or "")


def test_embed_to_text_unescapes_and_marks_bold() -> None:
    embed = discord.Embed(title="T\\_1", description="a **b** c\\*")
    embed.add_field(name="f", value="line1\nline2")
    text = embeds.embed_to_text(embed, bold=("<", ">"))
    assert "T_1" in text and "a <b> c*" in text and "    line2" in text


def test_three_context_embeds_fit_one_message() -> None:
    text = "A sentence of the paragraph. " * 400
    ex = Excerpt("art-1", 7, text, 0, len(text), 3)
    cites = [citation(i, text[:50], title="T" * 300) for i in range(1, 4)]
    per = embeds.TOTAL_LIMIT // 3 - 500
    found = [embeds.context_embed(c, ex, limit=per) for c in cites]
    assert embed_errors([e.to_dict() for e in found]) == []  # type: ignore[misc]


def test_quotes_embed_names_namesakes_and_wire_copies() -> None:
    from bot.embeds import quotes_embed
    from retrieval.models import QuoteHit, QuoteLookup

    quote = QuoteHit("storm-a", "Priya Nand", "Safety comes first", 10, 28, "said", True, 2,
                     "Storm", "2022-02-03", "Valley Wire", None, also_in=("storm-b",))
    embed = quotes_embed(QuoteLookup("Nand", "Priya Nand", (quote,), others=("Ravi Nand",)))
    assert "Ravi Nand" in (embed.description or "")
    assert "also in 1 other article" in (embed.fields[0].value or "")
    assert "“Safety comes first”" in (embed.fields[0].value or "")
