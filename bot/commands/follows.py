"""/follow, /following, /unfollow: alerts when a followed person is quoted or a followed
topic moves. On Discord a channel follow needs Manage Channels; ``personal: true`` sends
alerts to the follower's DMs and needs no permission. In the terminal, alerts print in
the session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands.charts import speaker_names
from bot.commands.spec import Command, CommandContext, Option, Reply, Text
from bot.follows import TERMINAL, Follow, FollowStore
from bot.markdown import escape
from index.errors import BadQueryError

MAX_FOLLOWS_PER_SERVER = 100


def describe(f: Follow, *, markdown: bool) -> str:
    what = "quotes by" if f.kind == "speaker" else "news on"
    if not markdown:
        return f"#{f.id}: {what} {f.value}"
    where = "your DMs" if f.personal else f"<#{f.channel}>"
    return f"#{f.id}: {what} **{escape(f.value)}** → {where}"


def _store(ctx: CommandContext) -> FollowStore:
    if ctx.feeds is None:
        raise BadQueryError("Alerts are off here (NEWSDESK_FEEDS_POLL=false, or no index yet).")
    store: FollowStore = ctx.feeds.follows
    return store


def _guild(ctx: CommandContext) -> str | None:
    """Whose follows: this server's, or (None) the terminal's."""
    if ctx.operator:
        return None
    if ctx.guild_id is None:
        raise BadQueryError("Follows belong to a server: use this command in one.")
    return str(ctx.guild_id)


def _text(ctx: CommandContext, lead: str, follows: list[Follow], tail: str = "") -> Text:
    def lines(markdown: bool) -> str:
        return "\n".join(f"{lead}{describe(f, markdown=markdown)}{tail}" for f in follows)

    return Text(lines(True)[:1900], lines(False))


async def resolve_speaker(ctx: CommandContext, name: str) -> str:
    """The person /quotes would show for ``name`` here; an ambiguous name is refused."""
    lookup = await ctx.core.quotes(name, scope=ctx.scope)
    if lookup.ambiguous:
        names = ", ".join(lookup.candidates[:8])
        raise BadQueryError(f"{name!r} names several people: {names}.",
                            hint="Follow one of them by full name.")
    return lookup.speaker or name.strip()


async def follow(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    speaker, topic, personal = args["speaker"], args["topic"], bool(args["personal"])
    if bool(speaker) == bool(topic):
        raise BadQueryError("Give either speaker: or topic:.",
                            hint="/follow speaker: <name> or /follow topic: <words>")
    if not personal:
        ctx.require("manage_channels")
    store, guild = _store(ctx), _guild(ctx)
    if guild is not None and len(await ctx.core.run_blocking(store.follows, guild)) \
            >= MAX_FOLLOWS_PER_SERVER:
        raise BadQueryError(f"This server already has {MAX_FOLLOWS_PER_SERVER} follows.")
    kind, value = ("speaker", await resolve_speaker(ctx, speaker)) if speaker else \
        ("topic", topic.strip())
    channel = TERMINAL if guild is None else str(ctx.channel_id)
    made, created = await ctx.core.run_blocking(lambda: store.add(
        guild=guild, channel=channel, user=str(ctx.user_id), personal=personal, kind=kind,
        value=value))
    tail = " (alerts print here)" if guild is None else ""
    return _text(ctx, "Following: " if created else "Already following: ", [made], tail)


async def following(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    follows = await ctx.core.run_blocking(_store(ctx).follows, _guild(ctx))
    mine = [f for f in follows if not f.personal or f.user == str(ctx.user_id)]
    if not mine:
        return Text("No follows yet: try /follow speaker:", "No follows yet: /follow speaker: <name>")
    return _text(ctx, "", mine)


async def unfollow(ctx: CommandContext, args: Mapping[str, Any]) -> Reply:
    number: int = args["follow"]
    store, guild = _store(ctx), _guild(ctx)
    found = next((f for f in await ctx.core.run_blocking(store.follows, guild)
                  if f.id == number), None)
    allowed = found is not None and (
        (found.personal and found.user == str(ctx.user_id))
        or (not found.personal and ctx.allowed("manage_channels")))
    if found is None or not allowed:
        raise BadQueryError(f"You have no follow #{number} here.", hint="See /following.")
    await ctx.core.run_blocking(store.remove, number, guild)
    return _text(ctx, "Stopped: ", [found])


COMMANDS = (
    Command(
        name="follow", description="Get alerts when a person is quoted or a topic moves.",
        help="Alerts here (or in your DMs) when a person is quoted or a topic moves.",
        example="/follow speaker: Wang Wenbin", run=follow, guild_only=True, ephemeral=True,
        free="speaker",
        options=(
            Option("speaker", "a person (suggestions come from the archive)", min=1, max=100,
                   autocomplete=speaker_names),
            Option("topic", "a topic in a few words", min=1, max=100),
            Option("personal", "send alerts to your DMs", type="boolean", default=False),
        ),
    ),
    Command(name="following", description="This server's follows.", example="/following",
            run=following, guild_only=True, ephemeral=True),
    Command(
        name="unfollow", description="Stop a follow (number from /following).",
        example="/unfollow follow: 1", run=unfollow, guild_only=True, ephemeral=True,
        options=(Option("follow", "the follow's number from /following", type="integer",
                        required=True),),
        free="follow",
    ),
)
