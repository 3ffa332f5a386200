"""``newsdesk privacy forget --user ID``: delete what Newsdesk keeps about one person.

That is their votes with the questions they voted on (the index's feedback table) and,
in bot-state.sqlite, the answers they asked for (with the question), their vote marks,
their conversation states, and the follows they made with their alerts. Articles are
not personal data of users and are left alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.options import add_index_option


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("privacy", help="delete what is stored about a user")
    actions = parser.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    forget = actions.add_parser(
        "forget", help="delete one user's questions and votes (feedback and bot state)"
    )
    forget.add_argument("--user", required=True, metavar="ID", help="the Discord user id")
    add_index_option(forget)
    forget.add_argument(
        "--state", type=Path, default=None, metavar="FILE",
        help="bot state file (default: NEWSDESK_STATE, else bot-state.sqlite in the index)",
    )
    forget.set_defaults(func=_forget)


def _forget(args: argparse.Namespace) -> int:
    from bot.settings import Settings
    from bot.state import AnswerMemory
    from index.backend import open_backend
    from index.config import default_index_dir

    user = args.user.strip()
    if not user.isdigit():
        print("error: --user takes a Discord user id (digits only).", file=sys.stderr)
        return 2
    overrides: dict[str, object] = {"index_dir": args.index or default_index_dir()}
    if args.state is not None:
        overrides["state_path"] = args.state
    settings = Settings(**overrides)  # type: ignore[arg-type]
    feedback = 0
    if (settings.index_dir / "newsdesk.sqlite").is_file():
        store = open_backend(settings.index_dir)
        try:
            feedback = store.prune_feedback(user_id=user)
        finally:
            store.close()
    answers = votes = conversations = follows = alerts = 0
    state = settings.answer_store_path()
    if str(state) != ":memory:" and Path(state).is_file():
        memory = AnswerMemory(state, keep_days=settings.keep_answers_days)
        try:
            answers, votes = memory.forget_user(user)
        finally:
            memory.close()
        from bot.conversations import ConversationStore

        talks = ConversationStore(state)
        try:
            conversations = talks.forget_user(user)
        finally:
            talks.close()
        from bot.follows import FollowStore

        following = FollowStore(state)
        try:
            follows, alerts = following.forget_user(user)
        finally:
            following.close()
    print(
        f"user {user}: deleted {feedback} feedback row(s) from the index, "
        f"{answers} answer(s), {votes} vote mark(s), {conversations} conversation state(s), "
        f"{follows} follow(s) and {alerts} alert(s) from {state}"
    )
    return 0
