"""HTML fragments (feed summaries) -> plain text with paragraphs kept."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section",
          "article", "pre")
_SPACES = re.compile(r"[ \t\u00a0]+")


def html_to_text(html: str) -> str:
    """Text of an HTML fragment: block elements become paragraphs (blank-line separated)."""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]*>", " ", html))
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter(*BLOCKS):
        el.tail = "\n\n" + (el.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
