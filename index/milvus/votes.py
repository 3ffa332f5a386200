"""Votes kept per server in Milvus: the ``{prefix}_votes`` collection carries the server
(``guild_id``, "" for a DM, the terminal or an older vote) that ``{prefix}_feedback`` of
earlier indexes lacked. Milvus 2.5 cannot add a field to a collection, so the first
writable open copies an older index's votes across and then drops the old collection.
The copy keeps each vote's id (an upsert), so a run killed half way is finished by the
next open without losing or doubling a vote."""

from __future__ import annotations

from typing import Any

from index.milvus.client import scan
from index.milvus.schema import PLACEHOLDER, Collections, create_collections

LEGACY_FIELDS = ("id", "created_at", "user_id", "question", "answer_kind", "vote", "article_ids")


def legacy_votes(names: Collections) -> str:
    """The collection votes were kept in before they had a server."""
    return f"{names.prefix}_feedback"


def upgrade_votes(client: Any, names: Collections, dim: int) -> int:
    """Create the votes collection if missing and move any older votes into it (with no
    server); returns how many were moved."""
    if not client.has_collection(names.feedback):
        create_collections(client, names, dim)  # only what is missing is made
    old = legacy_votes(names)
    if old == names.feedback or not client.has_collection(old):
        return 0
    client.load_collection(old)
    rows = [{**{f: r[f] for f in LEGACY_FIELDS}, "guild_id": "", "_v": PLACEHOLDER}
            for r in scan(client, old, "", LEGACY_FIELDS)]
    for n in range(0, len(rows), 1000):
        client.upsert(names.feedback, rows[n : n + 1000])
    client.drop_collection(old)
    return len(rows)
