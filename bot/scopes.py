"""Whose articles a Discord viewer sees (README, "Who sees what").

A server sees the shared archive plus its own articles. A DM sees the shared archive;
with ``NEWSDESK_DM_SERVER_ARTICLES`` on, also the articles of the servers the user shares
with the bot, as discord.py reports them (``User.mutual_guilds``: its member cache, which
the bot fills only with that setting on, through the privileged members intent).
"""

from __future__ import annotations

from bot.settings import Settings
from index.backend import Scope


def shared_servers(settings: Settings, guild_id: int | None, user: object) -> tuple[int, ...]:
    """In a DM with the setting on: the ids of the servers ``user`` shares with the bot."""
    if guild_id is not None or not settings.dm_server_articles:
        return ()
    return tuple(sorted(g.id for g in getattr(user, "mutual_guilds", ())))


def viewer_scope(settings: Settings, guild_id: int | None, user: object) -> Scope:
    """The scope of someone writing in ``guild_id`` (None: a DM)."""
    if guild_id is not None:
        return Scope.for_guild(guild_id)
    return Scope.direct_message(shared_servers(settings, None, user))
