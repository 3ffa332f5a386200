"""The bot's settings: every field of :class:`index.settings.NewsdeskSettings` (index,
model, retrieval) plus the Discord-only ones, from the environment and ``.env``.

``DISCORD_TOKEN`` is a :class:`~pydantic.SecretStr` so it never shows up in a repr,
a log line or an exception message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from index.config import MAX_FILE_BYTES
from index.feeds.models import FeedConfig
from index.settings import NewsdeskSettings

#: Discord's own limit for a single slash command string option.
MAX_QUERY_CHARS = 1000


class Settings(NewsdeskSettings):
    """Configuration read from the environment (and ``.env`` in the working directory)."""

    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token")
    )
    guild_id: int | None = Field(
        default=None, validation_alias=AliasChoices("NEWSDESK_GUILD_ID", "guild_id")
    )
    channels: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias=AliasChoices("NEWSDESK_CHANNELS", "channels")
    )
    api_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_API_BASE_URL", "api_base_url")
    )
    gateway_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_GATEWAY_URL", "gateway_url")
    )
    message_content: bool = Field(
        default=True,
        validation_alias=AliasChoices("NEWSDESK_MESSAGE_CONTENT", "message_content"),
        description="request the privileged message content intent (thread follow-ups need it)",
    )
    dm_server_articles: bool = Field(
        default=False,
        validation_alias=AliasChoices("NEWSDESK_DM_SERVER_ARTICLES", "dm_server_articles"),
        description="DMs also see the articles of the servers the user shares with the bot "
        "(needs the privileged server members intent)",
    )
    # Protection of the machine.
    workers: int = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)),
        ge=1,
        le=32,
        validation_alias=AliasChoices("NEWSDESK_WORKERS", "workers"),
        description="engine threads (default: CPU cores, at most 4)",
    )
    max_concurrency: int = Field(
        default=0,
        ge=0,
        le=64,
        validation_alias=AliasChoices("NEWSDESK_MAX_CONCURRENCY", "max_concurrency"),
        description="engine calls running at once (0: as many as workers)",
    )
    max_waiting: int = Field(
        default=64,
        ge=0,
        le=10_000,
        validation_alias=AliasChoices("NEWSDESK_MAX_WAITING", "max_waiting"),
    )
    cooldown_rate: int = Field(
        default=3, ge=1, validation_alias=AliasChoices("NEWSDESK_COOLDOWN_RATE", "cooldown_rate")
    )
    cooldown_per: float = Field(
        default=10.0, gt=0, validation_alias=AliasChoices("NEWSDESK_COOLDOWN_PER", "cooldown_per")
    )
    engine_timeout: float = Field(
        default=60.0,
        gt=0,
        validation_alias=AliasChoices("NEWSDESK_ENGINE_TIMEOUT", "engine_timeout"),
    )
    ingest_max_bytes: int = Field(
        default=MAX_FILE_BYTES,
        ge=1,
        validation_alias=AliasChoices("NEWSDESK_INGEST_MAX_BYTES", "ingest_max_bytes"),
    )
    view_timeout: float = Field(
        default=900.0,
        gt=0,
        validation_alias=AliasChoices("NEWSDESK_VIEW_TIMEOUT", "view_timeout"),
    )
    # Privacy: how long questions (with their answer keys) and votes are kept.
    keep_answers_days: float = Field(
        default=30.0,
        gt=0,
        validation_alias=AliasChoices("NEWSDESK_KEEP_ANSWERS_DAYS", "keep_answers_days"),
        description="days an answer, its question, asker and votes stay in bot-state.sqlite",
    )
    keep_feedback_days: float = Field(
        default=90.0,
        gt=0,
        validation_alias=AliasChoices("NEWSDESK_KEEP_FEEDBACK_DAYS", "keep_feedback_days"),
        description="days a 👍/👎 with its question and voter stays in the index's feedback table",
    )
    # Live feeds and alerts (index/feeds, bot/feeds.py, bot/follows.py).
    feeds_poll: bool = Field(
        default=True, validation_alias=AliasChoices("NEWSDESK_FEEDS_POLL", "feeds_poll"),
        description="poll the index's feeds in the background while serving",
    )
    feeds_every: float = Field(
        default=900.0, ge=10, validation_alias=AliasChoices("NEWSDESK_FEEDS_EVERY", "feeds_every"),
        description="default seconds between polls of a feed (feeds add --every overrides)",
    )
    feeds_allow_private: bool = Field(
        default=False,
        validation_alias=AliasChoices("NEWSDESK_FEEDS_ALLOW_PRIVATE", "feeds_allow_private"),
        description="fetch feeds on private, loopback and link-local addresses (tests, self-hosted)",
    )
    feeds_allow_hosts: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(),
        validation_alias=AliasChoices("NEWSDESK_FEEDS_ALLOW_HOSTS", "feeds_allow_hosts"),
        description="hosts or IPs allowed although private, e.g. 127.0.0.1,feeds.lan",
    )
    feeds_max_bytes: int = Field(
        default=5_000_000, ge=10_000,
        validation_alias=AliasChoices("NEWSDESK_FEEDS_MAX_BYTES", "feeds_max_bytes"),
    )
    alerts_per_poll: int = Field(
        default=5, ge=1, le=50,
        validation_alias=AliasChoices("NEWSDESK_ALERTS_PER_POLL", "alerts_per_poll"),
        description="alert messages per channel per poll; the rest are summed up in one line",
    )
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535,
        validation_alias=AliasChoices("NEWSDESK_METRICS_PORT", "metrics_port"),
        description="serve Prometheus metrics on this port (127.0.0.1 unless NEWSDESK_METRICS_HOST)",
    )
    metrics_host: str = Field(
        default="127.0.0.1", validation_alias=AliasChoices("NEWSDESK_METRICS_HOST", "metrics_host")
    )
    # Answers behind the buttons (so they survive restarts); default: beside the index.
    state_path: Path | None = Field(
        default=None, validation_alias=AliasChoices("NEWSDESK_STATE", "state_path")
    )

    def answer_store_path(self) -> Path | str:
        if self.state_path is not None:
            return self.state_path
        return self.index_dir / "bot-state.sqlite" if self.index_dir.is_dir() else ":memory:"

    @field_validator("channels", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        """``NEWSDESK_CHANNELS=123,456`` (commas and/or spaces)."""
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError(
                    "NEWSDESK_CHANNELS must be channel ids separated by commas"
                ) from None
        return value

    @field_validator("feeds_allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(h.strip().lower() for h in value.replace(",", " ").split())
        return value

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _empty_port(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def feed_config(self) -> FeedConfig:
        """What index/feeds needs of these settings."""
        return FeedConfig(allow_private=self.feeds_allow_private,
                          allow_hosts=self.feeds_allow_hosts, default_every=self.feeds_every,
                          max_feed_bytes=self.feeds_max_bytes, max_page_bytes=self.feeds_max_bytes)

    @field_validator("guild_id", "discord_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("api_base_url", "gateway_url", mode="before")
    @classmethod
    def _empty_url(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().rstrip("/")
            return value or None
        return value

    @model_validator(mode="after")
    def _concurrency_defaults_to_workers(self) -> Settings:
        if self.max_concurrency == 0:
            self.max_concurrency = self.workers
        return self

    def token(self) -> str | None:
        """The bot token in clear text, for the login call only."""
        return self.discord_token.get_secret_value() if self.discord_token else None
