"""Every setting Newsdesk reads from the environment (or ``.env``), in one model.

This is the only place that reads ``NEWSDESK_*`` variables: entry points (the CLI,
``Engine.open``, the bot) build one :class:`NewsdeskSettings` and pass its values
down. ``bot/settings.py`` extends it with the Discord-only fields.

Adding a setting: one field here (or in ``bot/settings.py`` if only the bot uses it)
declared with :func:`env`, and one line in README.md's settings list (a test checks
that every variable is documented).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import INDEX_ENV

VectorKind = Literal["auto", "flat", "ivf", "hnsw"]


def env(variable: str, field: str, default: Any = None, **kwargs: Any) -> Any:
    """A settings field read from ``variable`` (also settable by ``field`` in code)."""
    if "default_factory" in kwargs:
        return Field(validation_alias=AliasChoices(variable, field), **kwargs)
    return Field(default=default, validation_alias=AliasChoices(variable, field), **kwargs)


def xdg_index_dir() -> Path:
    """``$XDG_DATA_HOME/newsdesk/index`` (~/.local/share/newsdesk/index)."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "newsdesk" / "index"


class NewsdeskSettings(BaseSettings):
    """Settings of the index and retrieval layers (no discord here)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    index_dir: Path = env(INDEX_ENV, "index_dir", default_factory=xdg_index_dir,
                          description="the index directory")
    model: Path | None = env(
        "NEWSDESK_MODEL", "model",
        description="a local sentence-transformers model directory (default: the packaged one)",
    )
    vector_index: VectorKind = env(
        "NEWSDESK_VECTOR_INDEX", "vector_index", "auto",
        description="FAISS structure: auto (exact below 50k vectors), flat, ivf or hnsw",
    )
    faiss_threads: int | None = env(
        "NEWSDESK_FAISS_THREADS", "faiss_threads", ge=1, le=256,
        description="OpenMP threads for FAISS (default: 1 when serving, at most 2 when indexing)",
    )
    torch_threads: int | None = env(
        "NEWSDESK_TORCH_THREADS", "torch_threads", ge=1, le=256,
        description="torch threads for the embedding model (default: 1 when serving queries, torch's own when indexing)",
    )
    device: str = env(
        "NEWSDESK_DEVICE", "device", "auto",
        description="device for embedding passages when indexing: auto (CUDA when torch sees one), cpu, cuda or cuda:N",
    )
    query_device: str = env(
        "NEWSDESK_QUERY_DEVICE", "query_device", "cpu",
        description="device for encoding questions when serving: cpu (default), auto, cuda or cuda:N",
    )
    backend: str = env(
        "NEWSDESK_BACKEND", "backend", "local",
        description="storage behind the index: local (SQLite + FAISS directory) or milvus",
    )
    milvus_uri: str | None = env(
        "NEWSDESK_MILVUS_URI", "milvus_uri",
        description="with NEWSDESK_BACKEND=milvus: a milvus-lite file or http://host:19530",
    )
    milvus_token: SecretStr | None = env(
        "NEWSDESK_MILVUS_TOKEN", "milvus_token",
        description="a Milvus server's token (user:password or an API key); never logged",
    )
    milvus_prefix: str = env(
        "NEWSDESK_MILVUS_PREFIX", "milvus_prefix", "newsdesk",
        description="prefix of the Milvus collection names (several indexes on one server)",
    )
    llm_url: str | None = env(
        "NEWSDESK_LLM_URL", "llm_url",
        description="an OpenAI-compatible endpoint to rephrase answers (off unless set)",
    )
    llm_model: str | None = env("NEWSDESK_LLM_MODEL", "llm_model")
    llm_api_key: SecretStr | None = env("NEWSDESK_LLM_API_KEY", "llm_api_key")

    @field_validator(
        "model", "faiss_threads", "torch_threads", "llm_url", "llm_model", "llm_api_key",
        "milvus_uri", "milvus_token", mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("vector_index", "device", "query_device", "backend", "milvus_prefix",
                     mode="before")
    @classmethod
    def _blank_is_default(cls, value: object, info: ValidationInfo) -> object:
        """Trimmed; blank means the field's default; kinds and devices in lower case."""
        if not isinstance(value, str):
            return value
        name = str(info.field_name)
        value = value.strip()
        if not value:
            return cls.model_fields[name].default
        return value if name == "milvus_prefix" else value.lower()

    @field_validator("index_dir", "model", mode="after")
    @classmethod
    def _expand_user(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None


def environment_variables(settings_cls: type[BaseSettings]) -> dict[str, str]:
    """``{variable: field name}`` for every setting of ``settings_cls`` (docs and tests)."""
    names: dict[str, str] = {}
    for field_name, info in settings_cls.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names[str(alias.choices[0])] = field_name
        elif isinstance(alias, str):
            names[alias] = field_name
    return names
