"""Views' own behaviour, without a gateway: what expires and what does not."""

from __future__ import annotations

from typing import Any

from bot.commands.spec import CommandContext
from bot.core import Core
from bot.views import AmbiguousAnswerView
from retrieval.models import Answer, Citation
from tests.bot.helpers import FakeEngine, make_settings


class _Message:
    def __init__(self) -> None:
        self.edits: list[list[dict[str, Any]]] = []

    async def edit(self, *, view: Any) -> None:
        self.edits.append(view.to_components())


async def test_timeout_disables_the_speaker_menu_but_not_the_answer_buttons() -> None:
    core = Core(FakeEngine(), make_settings())
    cite = Citation(1, "seed", None, "2022-03-31", None, None, "words", 0, 5, 1)
    answer = Answer("what did Wang say?", "• “words” [1]", (cite,), kind="ambiguous",
                    candidates=("Wang Wenbin", "Wang Yi"))
    view = AmbiguousAnswerView(CommandContext(core, user_id=1), "0123456789abcdef", answer)
    message = _Message()
    view.message = message  # type: ignore[assignment]
    await view.on_timeout()
    [rows] = message.edits
    parts = [c for row in rows for c in row["components"]]
    menus = [c for c in parts if c["type"] == 3]
    buttons = [c for c in parts if c["type"] == 2]
    assert len(menus) == 1 and menus[0]["disabled"] is True
    assert len(buttons) == 4 and not any(b.get("disabled") for b in buttons)
    assert all(b["custom_id"].startswith("nd:answer:0123456789abcdef:") for b in buttons)
    core.close()
