"""The one escaping path: nothing an article brings survives as a link, mention or
formatting in any embed field, whatever the highlights (a property test), plus the
regression cases of issue 19 through the builders."""

from __future__ import annotations

import re

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import embeds, markdown
from index.models import Article
from retrieval.models import Answer, Citation, Excerpt, Hit, QuoteHit, QuoteLookup

# Pieces of hostile article text: markdown, masked links, mentions, spoilers, urls.
TOKENS = [
    "[", "]", "](", ")", "(", "*", "**", "_", "__", "`", "```", "||", "~~", "\\", "<@", "<@&",
    "<#", ">", "<t:1:R>", "@everyone", "@here", "https://evil.example/login", "http://x.y",
    "[Reuters](https://evil.example/phish)", "# ", "-# ", "> ", "- ", "1. ", "+ ", "\n",
    " ", "word", "Read the notice.", ":", "//",
]
MARKDOWN = set("*_~`|()<@")
SAFE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?:/[A-Za-z0-9._~!$&'*+,;=:@%/?#-]*)?")


def hostile_text(min_size: int = 1) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(TOKENS), min_size=min_size, max_size=40).map("".join)


def unescaped_problems(text: str, ids: set[str]) -> list[str]:
    """What in ``text`` Discord would treat as markdown that is not ours: ours is
    balanced ``**`` bold, inline code holding exactly an id, ``[link](safe url)``
    and the ``[n]`` markers."""
    problems: list[str] = []
    bold = 0
    i = 0
    line_start = True
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            line_start = False
            continue
        if line_start and (
            ch in "#>-+" or re.match(r"\d+\.", text[i:]) is not None
        ):
            problems.append(f"line start {text[i:i + 5]!r}")
        if ch == "\n":
            line_start = True
            i += 1
            continue
        if ch not in " \t":
            line_start = False
        if text.startswith("**", i):
            bold += 1
            i += 2
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end == -1 or text[i + 1 : end] not in ids:
                problems.append(f"code {text[i:i + 20]!r}")
            i = end + 1 if end != -1 else i + 1
            continue
        if ch == "(" and text[:i].endswith("[link]"):
            end = text.find(")", i)
            if end == -1 or not SAFE_URL.fullmatch(text[i + 1 : end]):
                problems.append(f"link {text[i:i + 30]!r}")
            i = end + 1 if end != -1 else i + 1
            continue
        if ch in MARKDOWN:
            problems.append(f"{ch!r} at {i}: {text[max(0, i - 10):i + 10]!r}")
        if text.startswith("://", i):
            problems.append(f"autolink at {i}")
        i += 1
    if bold % 2:
        problems.append("unbalanced bold")
    return problems


def all_text(embed: discord.Embed) -> list[str]:
    parts = [embed.title or "", embed.description or ""]
    for f in embed.fields:
        # a search result's rank ("1. ") is ours
        parts += [re.sub(r"^\d+\. ", "", f.name or ""), f.value or ""]
    return parts


def assert_inert(embed: discord.Embed, ids: set[str]) -> None:
    for part in all_text(embed):
        assert unescaped_problems(part, ids) == [], part


@st.composite
def cited(draw: st.DrawFn) -> tuple[Citation, Excerpt, str]:
    text = draw(hostile_text())
    offset = draw(st.integers(0, 50))
    n = len(text)
    spans = draw(
        st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=4).map(
            lambda pairs: tuple((offset + min(a, b), offset + max(a, b)) for a, b in pairs)
        )
    )
    article_id = draw(st.sampled_from(["plain_id", "inj` [x](https://evil.example) `z", "a`b"]))
    title = draw(st.one_of(st.none(), hostile_text()))
    source = draw(st.one_of(st.none(), hostile_text()))
    url = draw(st.sampled_from([None, "https://ok.example/a", "https://evil.example/x) [y](z"]))
    cite = Citation(1, article_id, title, "2022-03-31", source, url, text, offset,
                    offset + n, 3, 0, spans)
    excerpt = Excerpt(article_id, 0, text, offset, offset + n, 3, spans)
    return cite, excerpt, article_id


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cited(), hostile_text())
def test_no_article_markup_survives_in_any_embed(case: tuple[Citation, Excerpt, str],
                                                 question: str) -> None:
    cite, excerpt, article_id = case
    ids = {article_id}
    answer = Answer(question, cite.text + " [1]", (cite,))
    assert_inert(embeds.answer_embed(answer), ids)
    assert_inert(embeds.sources_embed(answer), ids)
    assert_inert(embeds.context_embed(cite, excerpt), ids)
    hit = Hit(article_id, cite.title, cite.date, cite.source, cite.url, 1.0, (excerpt,))
    assert_inert(embeds.search_embed(question, [hit]), ids)
    quote = QuoteHit(article_id, cite.source or "X", cite.text, 0, 1, "said", True, 2,
                     cite.title, cite.date, cite.source, cite.url)
    assert_inert(embeds.quotes_embed(QuoteLookup(question, "X", (quote,))), ids)
    article = Article(article_id, cite.text, cite.title, cite.date, cite.source, cite.url,
                      cite.source)
    assert_inert(embeds.article_embed(article), ids)


@settings(max_examples=300, deadline=None)
@given(cited())
def test_bold_render_shows_exactly_the_text(case: tuple[Citation, Excerpt, str]) -> None:
    """Removing our bold markers and the escapes gives back the article's words."""
    cite, excerpt, _ = case
    rendered = markdown.bold_spans(excerpt.text, excerpt.start, excerpt.highlights)
    assert unescaped_problems(rendered, set()) == []
    assert markdown.unescape(strip_bold(rendered)) == excerpt.text


def strip_bold(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            out.append(text[i : i + 2])
            i += 2
        elif text.startswith("**", i):
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def test_highlight_cannot_split_a_masked_link() -> None:
    """Issue 19: bold inside ``[...](...)`` left the ``[`` unescaped."""
    text = (
        "Council posted [the Yarrowmere council statement. Read the official Yarrowmere "
        "notice here](https://evil.example/login) before Friday."
    )
    start = text.index("Read the official")
    out = markdown.bold_spans(text, 0, [(start, len(text))])
    assert unescaped_problems(out, set()) == []
    assert "\\(https\\://evil.example/login\\)" in out
    assert out.count("**") == 2


def test_id_with_backticks_cannot_break_out_of_inline_code() -> None:
    evil = "inj` [Reuters fact-check](https://evil.example/phish) `z"
    assert markdown.code("plain_id") == "`plain_id`"
    shown = markdown.code(evil)
    assert "`" not in shown.replace("\\`", "")
    assert unescaped_problems(shown, set()) == []


def test_mentions_and_everyone_stay_text() -> None:
    out = markdown.escape("hi <@123> <@&4> <#5> @everyone @here")
    assert out == "hi \\<\\@123> \\<\\@&4> \\<#5> \\@everyone \\@here"
    assert markdown.unescape(out) == "hi <@123> <@&4> <#5> @everyone @here"


def test_urls_are_not_autolinked_and_unsafe_urls_are_not_links() -> None:
    assert markdown.escape("see https://x.example") == "see https\\://x.example"
    assert markdown.link("https://ok.example/a?b=1") == "[link](https://ok.example/a?b=1)"
    assert markdown.link("https://evil.example/x) [y](z") is None
    assert markdown.link("javascript:alert(1)") is None


def test_line_start_markup_is_escaped() -> None:
    assert markdown.escape("# big\n-# small\n> quote\n- item\n 2. item\n+ item") == (
        "\\# big\n\\-# small\n\\> quote\n\\- item\n 2\\. item\n\\+ item"
    )


def test_truncate_never_leaves_a_dangling_escape() -> None:
    text = markdown.escape("*" * 100)
    for limit in range(10, 60):
        out = embeds.truncate(text, limit)
        assert unescaped_problems(out.removesuffix(" ..."), set()) == []
