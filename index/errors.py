"""Errors that carry a message a user can act on. Every layer raises these;
the CLI and the bot turn them into a short message instead of a traceback."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class: ``str(err)`` says what went wrong, ``hint`` how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def user_message(self) -> str:
        return f"{self}\n{self.hint}" if self.hint else str(self)


class IndexNotFoundError(NewsdeskError):
    """The index directory does not exist or holds no index."""


class ModelMismatchError(NewsdeskError):
    """The index was built with another embedding model or dimension."""


class ModelLoadError(NewsdeskError):
    """The embedding model could not be loaded from local disk."""


class ArticleNotFoundError(NewsdeskError):
    """No article with the given id."""


class BadQueryError(NewsdeskError):
    """A query that cannot be answered as given (empty, too long, bad date...)."""


class IndexDamagedError(NewsdeskError):
    """The index files are damaged, truncated, empty or not an index at all."""


class SchemaVersionError(NewsdeskError):
    """The index was written by a newer Newsdesk, or needs a migration it cannot get here."""
