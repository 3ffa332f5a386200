"""`newsdesk chat`: conversations for scripts, one JSON line in, one JSON line out.

Input lines are ``{"conversation": ID, "message": TEXT}``; each gets
``{"conversation", "message", "understood_as", "answer"}`` where ``answer`` is what
``newsdesk ask --json`` prints (null when the message could not be resolved; then
``missing`` says why). ``understood_as`` is the standalone question answered: the message
itself when nothing was carried. Conversations with different ids never share state.
A bad line gets ``{"error": ...}`` and the run goes on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import OrderedDict
from typing import Any

from bot.cli.options import add_index_option
from bot.cli.query_render import answer_json
from index.errors import NewsdeskError

MAX_CONVERSATIONS = 10_000  # the least recently used are forgotten past this


def register(subparsers: Any) -> None:
    chat = subparsers.add_parser(
        "chat",
        help="conversations with follow-up questions, JSON lines on stdin/stdout",
        description='Reads {"conversation": ID, "message": TEXT} lines from stdin and writes '
        '{"conversation", "message", "understood_as", "answer"} lines.',
    )
    add_index_option(chat)
    chat.set_defaults(func=run_chat)


def _request(line: str) -> tuple[str, str]:
    try:
        data = json.loads(line)
    except ValueError as err:
        raise ValueError(f"not JSON: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        raise ValueError('expected {"conversation": ID, "message": TEXT}')
    conversation = data.get("conversation")
    if conversation is None or isinstance(conversation, (dict, list)):
        raise ValueError('"conversation" must be a string or a number')
    return str(conversation), data["message"]


def run_chat(args: argparse.Namespace) -> int:
    logging.getLogger("faiss").setLevel(logging.WARNING)
    from retrieval.engine import Engine  # imported late: it pulls in torch

    engine = Engine.open(args.index)
    return asyncio.run(_serve(engine))


async def _serve(engine: Any) -> int:
    from retrieval.conversation import ConversationState
    from retrieval.dialogue import Dialogue, SyncEngine

    dialogue = Dialogue(SyncEngine(engine))
    states: OrderedDict[str, ConversationState] = OrderedDict()
    for line in sys.stdin:
        if not line.strip():
            continue
        record: dict[str, Any]
        try:
            conversation, message = _request(line)
        except ValueError as err:
            record = {"line": line.rstrip("\n"), "error": str(err)}
        else:
            record = {"conversation": conversation, "message": message}
            try:
                turn = await dialogue.turn(states.get(conversation, ConversationState()), message)
            except NewsdeskError as err:
                record.update(understood_as=None, answer=None, error=err.user_message())
            else:
                states[conversation] = turn.state
                states.move_to_end(conversation)
                while len(states) > MAX_CONVERSATIONS:
                    states.popitem(last=False)
                u = turn.understood
                record.update(understood_as=None if u.action == "clarify" else u.question,
                              answer=answer_json(turn.answer) if turn.answer else None)
                if u.action == "clarify":
                    record["missing"] = u.missing
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0
