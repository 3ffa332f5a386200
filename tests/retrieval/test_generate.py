"""Optional rephrasing: accepted only when every sentence cites a supporting excerpt."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from index.settings import NewsdeskSettings
from retrieval.generate import GeneratorConfig, check_generated, rephrase
from retrieval.models import Answer, Citation

EXCERPT = ("Netflix announced Sunday that the wildly popular South Korean show Squid Game is "
           "green lit for a second season. The show drew 142 million households.")
CITES = (Citation(1, "a", "T", "2022-06-12", "cnn.com", None, EXCERPT, 0, len(EXCERPT), 1),)
EXTRACTIVE = Answer("Which show got a second season?", EXCERPT.split(". ")[0] + ". [1]", CITES)


class _Fake(BaseHTTPRequestHandler):
    reply = ""
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Fake.requests.append(body)
        out = json.dumps({"choices": [{"message": {"content": _Fake.reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def endpoint() -> Iterator[GeneratorConfig]:
    server = HTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield GeneratorConfig(f"http://127.0.0.1:{server.server_port}/v1", "fake", timeout=5)
    server.shutdown()
    server.server_close()


def test_supported_rephrasing_is_used(endpoint: GeneratorConfig) -> None:
    _Fake.reply = "Squid Game, the popular South Korean show, got a second season [1]."
    out = rephrase(EXTRACTIVE, endpoint)
    assert out.text == _Fake.reply
    assert out.citations == CITES
    sent = _Fake.requests[-1]
    assert sent["model"] == "fake" and EXCERPT in sent["messages"][1]["content"]


@pytest.mark.parametrize(
    "reply",
    [
        "Squid Game got a second season.",  # no marker
        "Squid Game got a second season [2].",  # marker of no excerpt
        "Squid Game drew 200 million households [1].",  # number not in the excerpt
        "Squid Game got a second season [1]. Its director won an Oscar for it [1].",  # unsupported
        "NO ANSWER",
        "",
    ],
)
def test_unsupported_rephrasing_falls_back(endpoint: GeneratorConfig, reply: str) -> None:
    _Fake.reply = reply
    assert rephrase(EXTRACTIVE, endpoint) == EXTRACTIVE


def test_unreachable_endpoint_falls_back() -> None:
    dead = GeneratorConfig("http://127.0.0.1:9/v1", "fake", timeout=1)
    assert rephrase(EXTRACTIVE, dead) == EXTRACTIVE


def test_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSDESK_LLM_URL", raising=False)
    assert GeneratorConfig.from_settings(NewsdeskSettings(_env_file=None)) is None  # type: ignore[call-arg]
    monkeypatch.setenv("NEWSDESK_LLM_URL", "http://127.0.0.1:9/v1/")
    monkeypatch.setenv("NEWSDESK_LLM_MODEL", "m")
    monkeypatch.setenv("NEWSDESK_LLM_API_KEY", "k")
    config = GeneratorConfig.from_settings(NewsdeskSettings(_env_file=None))  # type: ignore[call-arg]
    assert config == GeneratorConfig("http://127.0.0.1:9/v1", "m", api_key="k")
    assert rephrase(EXTRACTIVE, None) is EXTRACTIVE


def test_check_generated_numbers() -> None:
    assert check_generated("It drew 142 million households [1].", CITES)
    assert not check_generated("It drew 143 million households [1].", CITES)
