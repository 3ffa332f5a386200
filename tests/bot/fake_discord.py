"""A local fake of Discord's REST API and gateway, for end-to-end tests of the real bot.

Written with aiohttp; runs on 127.0.0.1 in its **own thread and event loop**, so a bot
that blocks its loop shows up as late heartbeats here instead of freezing the fake too.

The bot reaches it through the same settings a self-hosted Discord-compatible server
would use: ``DISCORD_API_BASE_URL`` (``api_base``) and ``DISCORD_GATEWAY_URL``
(``gateway_url``), which the bot applies to ``discord.http.Route.BASE`` (shared by
``discord.webhook.async_``) and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``.

What it implements (only what a plain ``discord.Client`` uses):

* REST: ``GET /users/@me``, ``GET /oauth2/applications/@me``, ``PUT`` global and guild
  command sync, interaction callbacks (``?with_response=1``), webhook follow-ups and
  ``@original`` edits, channel messages, typing, message edits, threads from messages,
  attachment downloads. Responses carry ``Content-Type: application/json`` exactly
  (discord.py parses nothing else as JSON).
* Gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, HEARTBEAT -> ACK (timestamps kept),
  RESUME (replays missed events, then RESUMED), and faults on demand: close mid-session,
  op 7 RECONNECT, op 9 INVALID_SESSION.
* Test helpers: dispatch slash commands, button clicks, select choices and messages as
  users would, and wait for the bot's replies to a given interaction or message.

Every payload the bot sends is kept in ``outgoing`` (for checks such as
``allowed_mentions``), every request line in ``requests``. A payload over Discord's limits
(tests/bot/discord_limits.py: 2,000-character content, embeds of 256/4,096/25 fields of
256/1,024/6,000 in total, 5 action rows, 25 select options or choices of 100 characters,
command names/descriptions/options) gets HTTP 400 code 50035 "Invalid Form Body", as from
Discord, and lands in ``rejected``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from tests.bot import discord_limits as limits

BOT_ID = 900000000000000001
APP_ID = 900000000000000002
GUILD_ID = 900000000000000003
CHANNEL_ID = 900000000000000004
OWNER_ID = 900000000000000005
BOT_ROLE_ID = 900000000000000006

OPTION_TYPES = {"string": 3, "integer": 4, "boolean": 5, "number": 10, "attachment": 11}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def json_response(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py parses no other content type as JSON.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


@dataclass
class Outgoing:
    """One payload the bot sent: ``kind`` is callback, followup, edit, message or thread."""

    kind: str
    path: str
    payload: dict[str, Any]
    at: float
    interaction_id: int | None = None

    def message_data(self) -> dict[str, Any] | None:
        """The message part (content/embeds/allowed_mentions), if this payload carries one."""
        data = self.payload.get("data") if self.kind == "callback" else self.payload
        if not isinstance(data, dict):
            return None
        if any(k in data for k in ("content", "embeds", "components")):
            return data
        return None


ATTACHMENT_LIMIT = 25 * 1024 * 1024  # attachment_size_limit sent with every interaction


@dataclass(frozen=True)
class Upload:
    """One ``files[n]`` part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


UPLOADS = web.RequestKey("uploads", list["Upload"])  # a request's checked files[n] parts


@dataclass
class InteractionRecord:
    id: int
    token: str
    payload: dict[str, Any]
    sent_at: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)  # message objects
    edits: list[dict[str, Any]] = field(default_factory=list)
    first_response_at: float | None = None
    answered_at: float | None = None  # first follow-up or message-bearing callback

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message-bearing payload, in order: type 4/7 callbacks, follow-ups, edits."""
        out = [c["data"] for c in self.callbacks if c.get("type") in (4, 7) and c.get("data")]
        return out + self.followups + self.edits

    def embeds(self) -> list[dict[str, Any]]:
        return [e for m in self.messages for e in m.get("embeds") or []]

    def text(self) -> str:
        """All content and embed text, for assertions."""
        parts: list[str] = []
        for m in self.messages:
            parts.append(m.get("content") or "")
            for e in m.get("embeds") or []:
                parts += [e.get("title") or "", e.get("description") or ""]
                for f in e.get("fields") or []:
                    parts += [f.get("name") or "", f.get("value") or ""]
                parts.append((e.get("footer") or {}).get("text") or "")
        return "\n".join(parts)


class FakeDiscord:
    """Start with :meth:`start` (returns when listening), stop with :meth:`stop`."""

    def __init__(self, *, heartbeat_interval: float = 0.5, token: str = "fake-token") -> None:
        self.heartbeat_interval = heartbeat_interval
        self.token = token
        self._ids = itertools.count(int(time.time() * 1000) << 22)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._started = threading.Event()
        self.port = 0
        # gateway state
        self.ws: web.WebSocketResponse | None = None
        self._transport: asyncio.Transport | None = None
        self.connections = 0
        self.identifies = 0
        self.resumes = 0
        self.resumed_ok = 0
        self.session_id: str | None = None
        self.seq = 0
        self._backlog: list[dict[str, Any]] = []  # dispatched events of the current session
        self.heartbeats: list[tuple[int, float]] = []  # (connection number, monotonic time)
        self.intents: int | None = None
        self.gateway_closes: list[int | None] = []
        # REST state
        self.requests: list[tuple[str, str]] = []
        self.outgoing: list[Outgoing] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.interactions: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_messages: list[dict[str, Any]] = []  # posted with POST /channels/x/messages
        self.threads: dict[int, dict[str, Any]] = {}
        self.typing: list[int] = []
        self.attachments: dict[int, bytes] = {}
        self.unknown_routes: list[str] = []
        self.rejected: list[tuple[str, str, list[str]]] = []  # (method, path, Discord's errors)
        self.rest_fault: Callable[[web.Request], web.Response | None] | None = None
        self.bot_user = user_payload(BOT_ID, "Newsdesk", bot=True)
        # servers the bot is in (announced at IDENTIFY), each with its one text channel, and
        # the users a member request (op 8) reports in each (see add_guild)
        self.guild_channels: dict[int, int] = {GUILD_ID: CHANNEL_ID}
        self.members: dict[int, set[int]] = {GUILD_ID: set()}

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def start(self) -> FakeDiscord:
        self._thread = threading.Thread(target=self._serve, name="fake-discord", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("fake Discord did not start")
        return self

    def stop(self) -> None:
        if self.loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread:
            self._thread.join(10)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._started.set()
        loop.run_forever()
        loop.close()

    async def _shutdown(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    async def call(self, coro: Any) -> Any:
        """Run a coroutine on the fake's loop from the test's loop."""
        assert self.loop is not None
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def snowflake(self) -> int:
        return next(self._ids)

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        writer = ws._writer  # aiohttp detaches the transport from the request once upgraded
        transport = writer.transport if writer is not None else None
        self.connections += 1
        conn = self.connections
        if self.ws is not None and not self.ws.closed:
            await self.ws.close(code=4000)
        self.ws = ws
        self._transport = transport
        await ws.send_json(
            {"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}}
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                await self._gateway_op(ws, conn, data)
        finally:
            self.gateway_closes.append(ws.close_code)
        return ws

    async def _gateway_op(self, ws: web.WebSocketResponse, conn: int, data: dict[str, Any]) -> None:
        op = data.get("op")
        if op == 1:
            self.heartbeats.append((conn, time.monotonic()))
            await ws.send_json({"op": 11})
        elif op == 2:
            self.identifies += 1
            d = data["d"]
            if d.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            self.intents = d.get("intents")
            self.session_id = f"session-{self.snowflake()}"
            self.seq = 0
            self._backlog = []
            await self._send_dispatch(
                "READY",
                {
                    "v": 10,
                    "user": self.bot_user,
                    "guilds": [{"id": str(g), "unavailable": True} for g in self.guild_channels],
                    "session_id": self.session_id,
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": str(APP_ID), "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                },
            )
            for guild_id in self.guild_channels:
                await self._send_dispatch("GUILD_CREATE", self.guild_payload(guild_id))
        elif op == 8:  # REQUEST_GUILD_MEMBERS: everyone at once, as one chunk
            d = data["d"]
            guild_id = int(d["guild_id"])
            members = [self.member_payload(BOT_ID, "Newsdesk", bot=True)] + [
                self.member_payload(u, f"user{u}") for u in sorted(self.members.get(guild_id, ()))]
            await self._send_dispatch("GUILD_MEMBERS_CHUNK", {
                "guild_id": str(guild_id), "members": members, "chunk_index": 0,
                "chunk_count": 1, "not_found": [], "nonce": d.get("nonce")})
        elif op == 6:
            self.resumes += 1
            d = data["d"]
            if d.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            if d.get("session_id") != self.session_id:
                await ws.send_json({"op": 9, "d": False})
                return
            seq = d.get("seq") or 0
            for event in [e for e in self._backlog if e["s"] > seq]:
                await ws.send_json(event)
            await self._send_dispatch("RESUMED", {})
            self.resumed_ok += 1

    async def _send_dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self._backlog.append(frame)
        if len(self._backlog) > 5000:
            del self._backlog[:1000]
        ws = self.ws
        if ws is not None and not ws.closed:
            try:
                await ws.send_json(frame)
            except (ConnectionError, RuntimeError):  # delivered on RESUME
                return

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to the bot (from the test's loop)."""
        await self.call(self._send_dispatch(event, data))

    async def close_gateway(self, code: int = 4000) -> None:
        """Close the connection mid-session, as Discord does on its side."""

        async def _close() -> None:
            if self.ws is not None:
                await self.ws.close(code=code)

        await self.call(_close())

    async def drop_gateway(self) -> None:
        """Drop the TCP connection without a close frame (a network failure)."""

        async def _drop() -> None:
            if self.ws is not None and self._transport is not None:
                self._transport.abort()

        await self.call(_drop())

    async def send_reconnect(self) -> None:
        """op 7 RECONNECT: the client must reconnect and RESUME."""
        await self.call(self._send_raw({"op": 7, "d": None}))

    async def invalidate_session(self, resumable: bool = False) -> None:
        """op 9 INVALID_SESSION; unresumable ones force a new IDENTIFY."""
        if not resumable:
            self.session_id = None
        await self.call(self._send_raw({"op": 9, "d": resumable}))

    async def _send_raw(self, frame: dict[str, Any]) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.send_json(frame)

    def add_guild(self, guild_id: int, channel_id: int, members: Iterable[int] = ()) -> None:
        """Another server the bot is in, with its text channel (call before the bot starts:
        it is announced at IDENTIFY). ``members``: user ids a member request reports."""
        self.guild_channels[guild_id] = channel_id
        self.members[guild_id] = set(members)

    def guild_payload(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        everyone = {
            "id": str(guild_id),
            "name": "@everyone",
            "permissions": str(1 << 10 | 1 << 11 | 1 << 16 | 1 << 31),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        bot_role = {
            **everyone,
            "id": str(BOT_ROLE_ID),
            "name": "Newsdesk",
            "position": 1,
            "managed": True,
            "tags": {"bot_id": str(BOT_ID)},
        }
        return {
            "id": str(guild_id),
            "name": "Test Guild" if guild_id == GUILD_ID else f"Guild {guild_id}",
            "icon": None,
            "owner_id": str(OWNER_ID),
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [everyone, bot_role],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_flags": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "member_count": 12,
            "large": False,
            "unavailable": False,
            "joined_at": _now(),
            "members": [self.member_payload(BOT_ID, "Newsdesk", bot=True)],
            "channels": [self.channel_payload(self.guild_channels.get(guild_id, CHANNEL_ID),
                                              "general", guild_id)],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }

    def channel_payload(self, channel_id: int, name: str,
                        guild_id: int = GUILD_ID) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def member_payload(
        self, user_id: int, name: str, *, bot: bool = False, permissions: int | None = None
    ) -> dict[str, Any]:
        member: dict[str, Any] = {
            "user": user_payload(user_id, name, bot=bot),
            "roles": [],
            "joined_at": _now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "pending": False,
        }
        if permissions is not None:
            member["permissions"] = str(permissions)
        return member

    # ------------------------------------------------------------------ users act

    def command_definition(self, name: str) -> dict[str, Any]:
        for scope in (str(GUILD_ID), "global"):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        raise KeyError(f"command /{name} was not synced")

    def command_scope(self, name: str) -> str:
        for scope in (str(GUILD_ID), "global"):
            if any(c["name"] == name for c in self.commands.get(scope, [])):
                return scope
        raise KeyError(name)

    def _base_interaction(
        self, itype: int, *, user_id: int, user_name: str, permissions: int, guild: bool,
        guild_id: int = GUILD_ID,
    ) -> dict[str, Any]:
        iid = self.snowflake()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "token": f"itoken-{iid}",
            "version": 1,
            "locale": "en-US",
            "attachment_size_limit": 25 * 1024 * 1024,
            "app_permissions": str((1 << 11) | (1 << 14) | (1 << 35) | (1 << 38)),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)}
            if guild
            else {"1": str(user_id)},
            "context": 0 if guild else 1,
        }
        if guild:
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            channel_id = self.guild_channels.get(guild_id, CHANNEL_ID)
            payload["channel_id"] = str(channel_id)
            payload["channel"] = self.channel_payload(channel_id, "general", guild_id)
            payload["member"] = self.member_payload(user_id, user_name, permissions=permissions)
        else:
            dm_id = user_id + 1
            payload["channel_id"] = str(dm_id)
            payload["channel"] = {
                "id": str(dm_id),
                "type": 1,
                "recipients": [user_payload(user_id, user_name)],
            }
            payload["user"] = user_payload(user_id, user_name)
        return payload

    async def slash(
        self,
        name: str,
        *,
        user_id: int = 1001,
        user_name: str = "reader",
        permissions: int = 1 << 11,
        guild: bool = True,
        guild_id: int = GUILD_ID,
        autocomplete: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        raw_options: dict[str, Any] | None = None,
        subcommand: str | None = None,
        **options: Any,
    ) -> InteractionRecord:
        """A user runs ``/name option:value...``; returns the record to wait on.

        ``autocomplete="speaker"`` sends an autocomplete interaction focused on that option.
        ``guild_id``: the server it is run in (another than GUILD_ID: a second server the
        bot is in, known to it only through the interaction).
        """
        definition = self.command_definition(name)
        top = definition.get("options", [])
        if subcommand:  # /group subcommand option:value
            top = next(o for o in top if o["name"] == subcommand).get("options", [])
        types = {o["name"]: o["type"] for o in top}
        payload = self._base_interaction(
            4 if autocomplete else 2,
            user_id=user_id,
            user_name=user_name,
            permissions=permissions,
            guild=guild,
            guild_id=guild_id,
        )
        opts = []
        for key, value in {**options, **(raw_options or {})}.items():
            opt = {"name": key, "type": types.get(key, 3), "value": value}
            if autocomplete == key:
                opt["focused"] = True
            opts.append(opt)
        if subcommand:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        data: dict[str, Any] = {
            "id": definition["id"],
            "name": name,
            "type": 1,
            "options": opts,
        }
        if self.command_scope(name) != "global":
            data["guild_id"] = str(GUILD_ID)
        if attachments:
            data["resolved"] = {"attachments": {a["id"]: a for a in attachments}}
        payload["data"] = data
        return await self._send_interaction(payload)

    async def click(
        self,
        message: dict[str, Any],
        label_or_emoji: str,
        *,
        user_id: int = 1001,
        user_name: str = "reader",
        permissions: int = 1 << 11,
    ) -> InteractionRecord:
        """A user clicks the button with this label (or emoji name) on ``message``."""
        button = self.find_component(message, label_or_emoji)
        payload = self._base_interaction(
            3, user_id=user_id, user_name=user_name, permissions=permissions, guild=True
        )
        payload["data"] = {"custom_id": button["custom_id"], "component_type": 2}
        payload["message"] = self.messages.get(int(message["id"]), message)
        return await self._send_interaction(payload)

    async def choose(
        self, message: dict[str, Any], value: str, *, user_id: int = 1001, user_name: str = "reader"
    ) -> InteractionRecord:
        """A user picks ``value`` in the first select menu on ``message``."""
        select = next(
            c for row in message.get("components", []) for c in row["components"] if c["type"] == 3
        )
        payload = self._base_interaction(
            3, user_id=user_id, user_name=user_name, permissions=1 << 11, guild=True
        )
        payload["data"] = {"custom_id": select["custom_id"], "component_type": 3, "values": [value]}
        payload["message"] = self.messages.get(int(message["id"]), message)
        return await self._send_interaction(payload)

    @staticmethod
    def find_component(message: dict[str, Any], label_or_emoji: str) -> dict[str, Any]:
        for row in message.get("components", []):
            for c in row.get("components", []):
                emoji = (c.get("emoji") or {}).get("name")
                if label_or_emoji in (c.get("label"), emoji):
                    return c
        raise KeyError(f"no component {label_or_emoji!r} on message {message.get('id')}")

    async def _send_interaction(self, payload: dict[str, Any]) -> InteractionRecord:
        record = InteractionRecord(int(payload["id"]), payload["token"], payload, time.monotonic())
        self.interactions[record.id] = record
        self._by_token[record.token] = record
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    def add_attachment(
        self, filename: str, data: bytes, *, size: int | None = None
    ) -> dict[str, Any]:
        aid = self.snowflake()
        self.attachments[aid] = data
        url = f"{self.base_url}/attachments/{aid}/{filename.replace('/', '%2F')}"
        return {
            "id": str(aid),
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url,
            "content_type": "text/plain",
        }

    async def user_message(
        self,
        content: str,
        *,
        user_id: int = 1001,
        user_name: str = "reader",
        channel_id: int = CHANNEL_ID,
        mention_bot: bool = True,
        mention_role: bool = False,
        guild: bool = True,
        guild_id: int = GUILD_ID,
        reference: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user posts a message (mentioning the bot by default, or its managed role)."""
        if mention_role:
            content = f"<@&{BOT_ROLE_ID}> {content}"
            mention_bot = False
        elif mention_bot and f"<@{BOT_ID}>" not in content:
            content = f"<@{BOT_ID}> {content}"
        msg: dict[str, Any] = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "author": user_payload(user_id, user_name),
            "content": content,
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [self.bot_user] if mention_bot else [],
            "mention_roles": [str(BOT_ROLE_ID)] if mention_role else [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }
        if reference is not None:  # a reply (or a forward) of that message
            msg["message_reference"] = {"message_id": reference["id"],
                                        "channel_id": reference["channel_id"]}
        if guild:
            msg["guild_id"] = str(guild_id)
            member = self.member_payload(user_id, user_name)
            member.pop("user")
            msg["member"] = member
        self.messages[int(msg["id"])] = msg
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    # ------------------------------------------------------------------ waiting

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition"
    ) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
            await asyncio.sleep(0.02)

    async def answered(self, record: InteractionRecord, timeout: float = 60.0) -> InteractionRecord:
        """Wait until the interaction has a message-bearing reply."""
        await self.wait_for(
            lambda: record.answered_at is not None, timeout, f"a reply to interaction {record.id}"
        )
        return record

    def replies_to(self, message_id: int | str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.channel_messages
            if str((m.get("message_reference") or {}).get("message_id")) == str(message_id)
        ]

    def heartbeat_gaps(self) -> list[float]:
        """Seconds between consecutive heartbeats on the same connection."""
        gaps = []
        for (c1, t1), (c2, t2) in itertools.pairwise(self.heartbeats):
            if c1 == c2:
                gaps.append(t2 - t1)
        return gaps

    # ------------------------------------------------------------------ REST

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.attachments.get(int(request.match_info["id"]))
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, headers={"Content-Type": "application/octet-stream"})

    async def _body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return {}
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            payload: dict[str, Any] = {}
            uploads: list[Upload] = []
            async for part in reader:
                name = getattr(part, "name", None) or ""
                if name == "payload_json":
                    payload = json.loads(await part.text())  # type: ignore[union-attr]
                elif name.startswith("files[") and isinstance(part, BodyPartReader):
                    uploads.append(Upload(name, part.filename or "",
                                          part.headers.get("Content-Type", ""),
                                          bytes(await part.read())))
            request[UPLOADS] = self._check_uploads(payload, uploads)
            return payload
        raw = await request.read()
        return json.loads(raw) if raw else {}

    def _check_uploads(self, payload: dict[str, Any], uploads: list[Upload]) -> list[Upload]:
        """What Discord checks on a multipart upload: files[n] parts named in order, each
        with a filename, declared in payload_json's ``attachments`` by id n with the same
        filename, at most 10 files within the size limit. A violation is a 400 (50035)."""
        declared = {str(a.get("id")): a for a in payload.get("attachments") or []}
        problems = []
        if len(uploads) > 10:
            problems.append("more than 10 files")
        for n, up in enumerate(uploads):
            entry = declared.get(str(n))
            if up.field != f"files[{n}]":
                problems.append(f"part {up.field!r} out of order (expected files[{n}])")
            if not up.filename:
                problems.append(f"{up.field} has no filename")
            if entry is None or entry.get("filename") != up.filename:
                problems.append(f"{up.field} is not declared in payload_json attachments")
            if len(up.data) > ATTACHMENT_LIMIT:
                problems.append(f"{up.field} is over {ATTACHMENT_LIMIT} bytes")
        if problems:
            raise web.HTTPBadRequest(
                text=json.dumps({"message": "Invalid Form Body", "code": 50035,
                                 "errors": problems}),
                content_type="application/json")
        return uploads

    def _attachment_objects(self, uploads: list[Upload], payload: dict[str, Any]) -> list[dict[str, Any]]:
        declared = {str(a.get("id")): a for a in payload.get("attachments") or []}
        out = []
        for n, up in enumerate(uploads):
            att_id = self.snowflake()
            self.attachments[att_id] = up.data
            out.append({"id": str(att_id), "filename": up.filename, "size": len(up.data),
                        "content_type": up.content_type,
                        "description": declared.get(str(n), {}).get("description"),
                        "url": f"{self.base_url}/attachments/{att_id}/{up.filename}",
                        "proxy_url": f"{self.base_url}/attachments/{att_id}/{up.filename}"})
        return out

    def _message(
        self,
        channel_id: int | str,
        body: dict[str, Any],
        *,
        interaction: InteractionRecord | None = None,
        reference: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "author": self.bot_user,
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 19 if reference else (20 if interaction else 0),
            "flags": body.get("flags") or 0,
            "components": body.get("components") or [],
            "allowed_mentions": body.get("allowed_mentions"),
        }
        if interaction is not None:
            msg["webhook_id"] = str(APP_ID)
            if "guild_id" in interaction.payload:
                msg["guild_id"] = str(GUILD_ID)
        if reference:
            msg["message_reference"] = reference
        self.messages[int(msg["id"])] = msg
        return msg

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        method = request.method
        self.requests.append((method, path))
        if request.headers.get("Authorization") not in (f"Bot {self.token}", None):
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        if self.rest_fault is not None:
            faulty = self.rest_fault(request)
            if faulty is not None:
                return faulty
        parts = path.strip("/").split("/")
        body = await self._body(request) if method in ("POST", "PUT", "PATCH") else {}
        now = time.monotonic()
        errors = self._form_errors(method, parts, body)
        if errors:  # what Discord refuses: 400 Invalid Form Body, nothing stored
            self.rejected.append((method, path, errors))
            return json_response(limits.invalid_form_body(errors), 400)

        if method == "GET" and path == "/users/@me":
            if request.headers.get("Authorization") != f"Bot {self.token}":
                return json_response({"message": "401: Unauthorized", "code": 0}, 401)
            return json_response(
                {**self.bot_user, "verified": True, "mfa_enabled": False, "flags": 0}
            )
        if method == "GET" and path == "/oauth2/applications/@me":
            return json_response(
                {
                    "id": str(APP_ID),
                    "name": "Newsdesk",
                    "icon": None,
                    "description": "",
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": user_payload(OWNER_ID, "owner"),
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "summary": "",
                }
            )
        # PUT /applications/{app}/commands, /applications/{app}/guilds/{g}/commands
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 else "global"
            stored = []
            for command in body if isinstance(body, list) else []:
                stored.append(
                    {
                        **command,
                        "id": str(self.snowflake()),
                        "application_id": str(APP_ID),
                        "version": str(self.snowflake()),
                        "guild_id": None if scope == "global" else scope,
                        "description": command.get("description", ""),
                        "type": command.get("type", 1),
                    }
                )
            self.commands[scope] = stored
            return json_response(stored)
        # POST /interactions/{id}/{token}/callback
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            record = self.interactions.get(int(parts[1]))
            if record is None or record.token != parts[2]:
                return json_response({"message": "Unknown interaction", "code": 10062}, 404)
            if record.callbacks:
                return json_response(
                    {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
                )
            record.callbacks.append(body)
            record.first_response_at = record.first_response_at or now
            self.outgoing.append(Outgoing("callback", path, body, now, record.id))
            return json_response(self._callback_response(record, body))
        # webhooks (interaction follow-ups and edits)
        if parts[0] == "webhooks" and len(parts) >= 3:
            record = self._by_token.get(parts[2])
            if record is None:
                return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
            if method == "POST" and len(parts) == 3:
                msg = self._message(
                    record.payload.get("channel_id", CHANNEL_ID), body, interaction=record
                )
                msg["attachments"] = self._attachment_objects(request.get(UPLOADS, []), body)
                record.followups.append(msg)
                record.answered_at = record.answered_at or now
                self.outgoing.append(Outgoing("followup", path, body, now, record.id))
                return json_response(msg)
            if len(parts) == 5 and parts[3] == "messages":
                target = self._original_id(record) if parts[4] == "@original" else int(parts[4])
                existing = self.messages.get(target) if target else None
                if method == "GET":
                    return json_response(
                        existing or {"message": "Unknown Message", "code": 10008},
                        200 if existing else 404,
                    )
                if method == "PATCH":
                    msg = dict(
                        existing
                        or self._message(
                            record.payload.get("channel_id", CHANNEL_ID), {}, interaction=record
                        )
                    )
                    msg.update(
                        {
                            k: v
                            for k, v in body.items()
                            if k in ("content", "embeds", "components", "flags")
                        }
                    )
                    msg["edited_timestamp"] = _now()
                    self.messages[int(msg["id"])] = msg
                    record.edits.append(msg)
                    record.answered_at = record.answered_at or now
                    self.outgoing.append(Outgoing("edit", path, body, now, record.id))
                    return json_response(msg)
                if method == "DELETE":
                    return web.Response(status=204)
        # channels
        if parts[0] == "channels" and len(parts) >= 3:
            channel_id = int(parts[1])
            if method == "POST" and parts[2] == "typing":
                self.typing.append(channel_id)
                return web.Response(status=204)
            if method == "POST" and parts[2] == "messages" and len(parts) == 3:
                ref = body.get("message_reference")
                msg = self._message(channel_id, body, reference=ref)
                if channel_id in self.threads or (
                    str(channel_id) != str(CHANNEL_ID) and "guild_id" not in msg
                ):
                    pass
                if channel_id == CHANNEL_ID or channel_id in self.threads:
                    msg["guild_id"] = str(GUILD_ID)
                for guild_id, channel in self.guild_channels.items():
                    if channel_id == channel:
                        msg["guild_id"] = str(guild_id)
                self.channel_messages.append(msg)
                self.outgoing.append(Outgoing("message", path, body, now))
                return json_response(msg)
            if method == "PATCH" and parts[2] == "messages" and len(parts) == 4:
                msg = dict(self.messages.get(int(parts[3])) or {})
                if not msg:
                    return json_response({"message": "Unknown Message", "code": 10008}, 404)
                msg.update(
                    {
                        k: v
                        for k, v in body.items()
                        if k in ("content", "embeds", "components", "flags")
                    }
                )
                self.messages[int(msg["id"])] = msg
                self.outgoing.append(Outgoing("edit", path, body, now))
                return json_response(msg)
            if (
                method == "POST"
                and parts[2] == "messages"
                and len(parts) == 5
                and parts[4] == "threads"
            ):
                thread = {
                    "id": parts[3],
                    "type": 11,
                    "guild_id": str(GUILD_ID),
                    "parent_id": str(channel_id),
                    "owner_id": str(BOT_ID),
                    "name": body.get("name", "thread"),
                    "last_message_id": None,
                    "rate_limit_per_user": 0,
                    "message_count": 0,
                    "member_count": 1,
                    "flags": 0,
                    "thread_metadata": {
                        "archived": False,
                        "auto_archive_duration": body.get("auto_archive_duration", 1440),
                        "archive_timestamp": _now(),
                        "locked": False,
                    },
                }
                self.threads[int(parts[3])] = thread
                self.outgoing.append(Outgoing("thread", path, body, now))
                await self._send_dispatch("THREAD_CREATE", {**thread, "newly_created": True})
                return json_response(thread, 201)
        self.unknown_routes.append(f"{method} {path}")
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    @staticmethod
    def _form_errors(method: str, parts: list[str], body: Any) -> list[str]:
        """Discord's limits on what the bot sends (tests/bot/discord_limits.py)."""
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            return [e for c in (body if isinstance(body, list) else []) for e in limits.command_errors(c)]
        if not isinstance(body, dict):
            return []
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return limits.callback_errors(body)
        if parts[-1] == "threads":
            return [f"name: Must be {limits.THREAD_NAME} or fewer in length."] if len(
                body.get("name") or "") > limits.THREAD_NAME else []
        if method in ("POST", "PATCH") and parts[0] in ("webhooks", "channels"):
            return limits.message_errors(body)
        return []

    def _original_id(self, record: InteractionRecord) -> int | None:
        if record.payload.get("message"):  # a component interaction: its message
            return int(record.payload["message"]["id"])
        original = record.payload.get("_original_id")
        return int(original) if original else None

    def _callback_response(self, record: InteractionRecord, body: dict[str, Any]) -> dict[str, Any]:
        rtype = body.get("type")
        data = body.get("data") or {}
        flags = data.get("flags") or 0
        response: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.payload["type"],
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(flags & 64),
                "activity_instance_id": None,
            }
        }
        if rtype in (4, 5):
            msg = self._message(
                record.payload.get("channel_id", CHANNEL_ID), data, interaction=record
            )
            record.payload["_original_id"] = msg["id"]
            response["interaction"]["response_message_id"] = msg["id"]
            response["resource"] = {"type": rtype, "message": msg}
            if rtype == 4:
                record.answered_at = record.answered_at or time.monotonic()
        elif rtype == 7:
            target = self._original_id(record)
            msg = dict(self.messages.get(target or 0) or {})
            msg.update(
                {k: v for k, v in data.items() if k in ("content", "embeds", "components", "flags")}
            )
            if msg.get("id"):
                self.messages[int(msg["id"])] = msg
            record.answered_at = record.answered_at or time.monotonic()
            response["resource"] = {"type": 7, "message": msg} if msg.get("id") else {"type": 7}
        elif rtype in (6, 8):
            if rtype == 8:
                record.answered_at = record.answered_at or time.monotonic()
            response["resource"] = {"type": rtype}
        return response
