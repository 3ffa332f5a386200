"""Alert delivery on Discord: a channel post or a DM for each alert of a follow. The
commands that make follows are in the registry (bot/commands/follows.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.errors import NONE
from bot.follows import SendFailed

if TYPE_CHECKING:
    from bot.app import Newsdesk


async def discord_send(bot: Newsdesk, target: str, content: str) -> None:
    """Deliver one alert; SendFailed says whether retrying can help."""
    kind, _, ident = target.partition(":")
    try:
        if kind == "channel":
            channel = bot.get_channel(int(ident)) or await bot.fetch_channel(int(ident))
            if not isinstance(channel, discord.abc.Messageable):
                raise SendFailed(f"{target} is not a text channel", permanent=True)
            await channel.send(content, allowed_mentions=NONE)
        elif kind == "user":
            user = bot.get_user(int(ident)) or await bot.fetch_user(int(ident))
            await user.send(content, allowed_mentions=NONE)
        else:
            raise SendFailed(f"unknown alert target {target}", permanent=True)
    except (discord.Forbidden, discord.NotFound) as err:
        raise SendFailed(str(err), permanent=True) from None
    except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as err:
        raise SendFailed(f"{type(err).__name__}: {err}") from None
