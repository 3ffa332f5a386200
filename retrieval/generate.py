"""Optional rephrasing by an OpenAI-compatible chat endpoint (e.g. a local Ollama).

Off unless configured. The model sees only the cited excerpts, and its output is
accepted only if every sentence carries [n] markers of excerpts that support it
(its content words and all its numbers appear in the cited text); otherwise the
caller keeps the extractive answer. Network or format errors also fall back.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, replace

from index.sentences import sentence_spans
from index.settings import NewsdeskSettings
from index.text.stems import content_terms
from index.text.words import tokens
from retrieval.models import Answer, Citation

log = logging.getLogger(__name__)

SUPPORT_MIN = 0.8  # share of a sentence's content words found in its cited excerpts
_MARKER = re.compile(r"\[(\d+)\]")
SYSTEM_PROMPT = (
    "You answer questions using only the numbered news excerpts given. Write at most three "
    "short sentences. End every sentence with the marker of the excerpt that supports it, "
    "like [1]. Do not add facts that are not in the excerpts. If the excerpts do not answer "
    "the question, reply exactly: NO ANSWER"
)


@dataclass(frozen=True)
class GeneratorConfig:
    """Where to send the chat request. ``base_url`` like http://localhost:11434/v1."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: NewsdeskSettings) -> GeneratorConfig | None:
        """NEWSDESK_LLM_URL and NEWSDESK_LLM_MODEL both set, else None (rephrasing off)."""
        if not settings.llm_url or not settings.llm_model:
            return None
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(base_url=settings.llm_url.rstrip("/"), model=settings.llm_model, api_key=key)


def _prompt(question: str, citations: tuple[Citation, ...]) -> str:
    blocks = [f"[{c.marker}] {c.text}" for c in citations]
    return "Excerpts:\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"


def _chat(config: GeneratorConfig, question: str, citations: tuple[Citation, ...]) -> str:
    body = json.dumps({
        "model": config.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                     {"role": "user", "content": _prompt(question, citations)}],
    }).encode()
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    req = urllib.request.Request(f"{config.base_url}/chat/completions", data=body,
                                 headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=config.timeout) as resp:  # noqa: S310 (user URL)
        payload = json.load(resp)
    return str(payload["choices"][0]["message"]["content"]).strip()


def _supported(sentence: str, citations: dict[int, Citation]) -> bool:
    markers = {int(m) for m in _MARKER.findall(sentence)}
    if not markers or not markers <= citations.keys():
        return False
    claim = _MARKER.sub(" ", sentence)
    cited = " ".join(citations[m].text for m in markers)
    words = set(content_terms(claim))
    if not words:
        return False
    have = set(content_terms(cited))
    numbers = {t for t in tokens(claim) if any(ch.isdigit() for ch in t)}
    if not numbers <= set(tokens(cited)):
        return False  # a number the excerpts do not state is never acceptable
    return len(words & have) / len(words) >= SUPPORT_MIN


def check_generated(text: str, citations: tuple[Citation, ...]) -> bool:
    """True when every sentence of ``text`` cites excerpts that support it."""
    by_marker = {c.marker: c for c in citations}
    sentences = [text[s:e] for s, e in sentence_spans(text, markers=True)]
    sentences = [s for s in sentences if s.strip(" \n[]0123456789")]
    return bool(sentences) and all(_supported(s, by_marker) for s in sentences)


def rephrase(answer: Answer, config: GeneratorConfig | None) -> Answer:
    """The answer rephrased by the endpoint when that passes the check, else unchanged."""
    if config is None or answer.kind != "answer" or not answer.citations:
        return answer
    try:
        text = _chat(config, answer.question, answer.citations)
    except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError) as err:
        log.warning("generation endpoint failed, keeping the extractive answer: %s", err)
        return answer
    if text.upper().startswith("NO ANSWER") or not check_generated(text, answer.citations):
        log.info("generated answer failed the citation check; keeping the extractive answer")
        return answer
    return replace(answer, text=text)
