"""`MilvusBackend`: an index in Milvus collections behind `index.backend.Backend`.

``uri`` is a milvus-lite file (embedded: one process at a time) or a server address
(``http://host:19530``: any number of processes and machines); only the URI changes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from index.errors import IndexNotFoundError, ModelMismatchError, NewsdeskError
from index.milvus.analysis import TERMS_FORMAT
from index.milvus.client import connect, is_server, lit, local_db_path, scan
from index.milvus.lease import IngestLease
from index.milvus.reads import MilvusReads
from index.milvus.schema import (
    PLACEHOLDER,
    SCHEMA_VERSION,
    Collections,
    create_collections,
    row_key,
)
from index.milvus.summary import MilvusSummary
from index.milvus.votes import upgrade_votes
from index.milvus.writes import MilvusWrites
from index.settings import NewsdeskSettings

log = logging.getLogger(__name__)

PREFIX_ENV = "NEWSDESK_MILVUS_PREFIX"
DEFAULT_DIM = 384


class MilvusBackend(MilvusReads, MilvusWrites, MilvusSummary):
    """One index (a set of collections) on one Milvus. Thread-safe: MilvusClient is."""

    lease_ttl_s = 60.0  # the ingest lease's lifetime without renewal (lease.py)
    lease_settle_s = 2.0

    def __init__(self, client: Any, uri: str, names: Collections, read_only: bool) -> None:
        self.client = client
        self.uri = uri
        self.location = uri
        self.names = names
        self.read_only = read_only
        self.before_commit = None
        self._meta_lock = threading.Lock()
        self._lease: IngestLease | None = None

    @classmethod
    def open(cls, uri: str, *, create: bool = False, read_only: bool = False,
             prefix: str | None = None, dim: int | None = None,
             settings: NewsdeskSettings | None = None) -> MilvusBackend:
        settings = settings or NewsdeskSettings()
        names = Collections(prefix or settings.milvus_prefix)
        try:
            client = connect(uri, settings.milvus_token)
        except Exception as err:  # connection refused, a locked embedded file, ...
            raise NewsdeskError(
                f"Could not open Milvus at {uri}: {err}",
                hint="An embedded milvus-lite file serves one process at a time; for several "
                "processes run a Milvus server (deploy/docker-compose.yml).") from err
        backend = cls(client, uri, names, read_only)
        if not client.has_collection(names.meta) and (not create or read_only):
            client.close()
            raise IndexNotFoundError(
                f"No Newsdesk index in Milvus at {uri} (collections {names.prefix}_*).",
                hint="Build one with `newsdesk index add PATH...` or "
                "`newsdesk index copy --to URI`.")
        if create and not read_only:
            if client.has_collection(names.meta):
                backend._check_schema()
            create_collections(client, names, dim or DEFAULT_DIM)
            if backend.meta("schema_version") is None:
                backend.set_meta({"schema_version": SCHEMA_VERSION, "generation": "0",
                                  "terms_format": TERMS_FORMAT})
        for name in names.all():
            if name != names.feedback or client.has_collection(name):  # older: no votes yet
                client.load_collection(name)
        backend._check_schema()  # before anything is changed
        if not read_only:
            upgrade_votes(client, names, dim or DEFAULT_DIM)
        return backend

    def _check_schema(self) -> None:
        self.client.load_collection(self.names.meta)
        found = self.meta("schema_version")
        if found is not None and found != SCHEMA_VERSION:
            self.close()
            raise NewsdeskError(
                f"The Newsdesk index in Milvus at {self.uri} (collections {self.names.prefix}_*) "
                f"has schema version {found}; this Newsdesk reads version {SCHEMA_VERSION}.",
                hint="Copy the index again into a new file or prefix: `newsdesk index copy "
                "--to URI` from a local index (or --from-milvus with the older Newsdesk).")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()

    # ----- meta -------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        rows = self.client.query(self.names.meta, filter=f"key == {lit(key)}",
                                 output_fields=["value"])
        return str(rows[0]["value"]) if rows else None

    def set_meta(self, values: Mapping[str, str]) -> None:
        self.client.upsert(self.names.meta, [{"key": k, "value": v, "_v": PLACEHOLDER}
                                             for k, v in values.items()])

    def delete_meta(self, key: str) -> None:
        self.client.delete(self.names.meta, filter=f"key == {lit(key)}")

    def generation(self) -> int:
        # An upsert is a delete then an insert: a reader in between finds no row (seen on
        # milvus-lite 2.5.1), and the row always exists once the index is made.
        for _ in range(5):
            value = self.meta("generation")
            if value is not None:
                return int(value)
            time.sleep(0.01)
        return 0

    def quote_rules(self) -> str | None:
        return self.meta("quote_rules")

    def model(self) -> tuple[str, int] | None:
        name, dim = self.meta("model_name"), self.meta("model_dim")
        return (name, int(dim)) if name and dim else None

    def check_model(self, name: str, dim: int | None, record: bool = False) -> None:
        current = self.model()
        if current is None:
            if record and dim is not None:
                self._check_dim(dim)
                self.set_meta({"model_name": name, "model_dim": str(dim)})
            return
        if current[0] != name or (dim is not None and current[1] != dim):
            asked = f"{name!r}" + (f" ({dim}-d)" if dim is not None else "")
            raise ModelMismatchError(
                f"The index at {self.uri} was built with model {current[0]!r} "
                f"({current[1]}-d), not {asked}; vectors from different models cannot be mixed.",
                hint="Use the original --model, or another NEWSDESK_MILVUS_PREFIX.")

    def _check_dim(self, dim: int) -> None:
        fields = self.client.describe_collection(self.names.passages)["fields"]
        made = next(int(f["params"]["dim"]) for f in fields if f["name"] == "vector")
        if made != dim and self._count(self.names.passages, "") == 0:
            # Collections are made on open, before the model is known: remake while empty.
            self.client.drop_collection(self.names.passages)
            create_collections(self.client, self.names, dim)
        elif made != dim:
            raise ModelMismatchError(
                f"The Milvus collections at {self.uri} hold {made}-d vectors, not {dim}-d.",
                hint="Use another NEWSDESK_MILVUS_PREFIX for an index of another model.")

    # ----- the ingest lock --------------------------------------------------------------------

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """One indexing run at a time: a lease row in the meta collection (lease.py), so
        it holds across processes and machines sharing a Milvus server. Threads of this
        process queue on a lock first. An embedded file serves one process only, so a
        lease found there is a dead process's: taken over at once, with no settling."""
        embedded = not is_server(self.uri)
        with _local_lock(self.uri, self.names.prefix):
            lease = IngestLease(self.client, self.names, ttl_s=self.lease_ttl_s,
                                settle_s=0.0 if embedded else self.lease_settle_s)
            lease.acquire(take_any=embedded)
            self._lease = lease
            try:
                self.recover()
                if self.upgrade_terms():
                    log.info("rewrote the BM25 terms of %s in the current format", self.uri)
                yield
            finally:
                self._lease = None
                lease.release()

    # ----- feedback -----------------------------------------------------------------

    def record_feedback(self, question: str, answer_kind: str, vote: int,
                        user_id: str | None = None, article_ids: Sequence[str] = (),
                        guild_id: str | None = None) -> int:
        fid = row_key("feedback", time.time_ns(), os.getpid(), threading.get_ident())
        self.client.insert(self.names.feedback, [{
            "id": fid, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "user_id": user_id or "", "guild_id": guild_id or "",
            "question": question[:2000], "answer_kind": answer_kind,
            "vote": int(vote), "article_ids": json.dumps(list(article_ids)), "_v": PLACEHOLDER}])
        return fid

    def prune_feedback(self, keep_days: float | None = None, user_id: str | None = None) -> int:
        """Delete votes older than ``keep_days`` or given by ``user_id``; how many."""
        if keep_days is None and user_id is None:
            return 0
        cutoff = "" if keep_days is None else \
            (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="seconds")
        doomed = [int(r["id"]) for r in
                  scan(self.client, self.names.feedback, "", ("id", "created_at", "user_id"))
                  if (cutoff and str(r["created_at"]) < cutoff)
                  or (user_id is not None and r["user_id"] == user_id)]
        for n in range(0, len(doomed), 1000):
            self.client.delete(self.names.feedback, ids=doomed[n : n + 1000])
        return len(doomed)

    def _size(self) -> int:
        if is_server(self.uri):
            return 0  # a server's storage is not ours to measure
        db = local_db_path(self.uri)
        return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


_LOCAL_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCAL_LOCKS_GUARD = threading.Lock()


def _local_lock(uri: str, prefix: str) -> threading.Lock:
    with _LOCAL_LOCKS_GUARD:
        return _LOCAL_LOCKS.setdefault((uri, prefix), threading.Lock())


def open_backend(uri: str, *, create: bool = False, read_only: bool = False,
                 settings: NewsdeskSettings | None = None) -> MilvusBackend:
    """The factory `index.backend.open_backend` calls for NEWSDESK_BACKEND=milvus."""
    return MilvusBackend.open(uri, create=create, read_only=read_only, settings=settings)
