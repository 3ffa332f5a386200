"""Connecting to Milvus, filter expressions, and scanning a collection.

Filters are literal expression strings (filter templates fail on some milvus-lite
versions); every string literal goes through `lit`, so no user text is expression syntax.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from index.backend import ArticleFilter, Scope

log = logging.getLogger(__name__)

MAX_WINDOW = 16_384  # a Milvus server's offset + limit cap
IN_CHUNK = 1_000  # values per `in [...]` expression


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def local_db_path(uri: str) -> Path:
    """A milvus-lite location: a ``.db`` file, or a directory holding ``newsdesk.db``."""
    path = Path(uri.removeprefix("file://")).expanduser()
    return path if path.suffix == ".db" else path / "newsdesk.db"


def connect(uri: str, token: SecretStr | None = None) -> Any:
    """A `MilvusClient` for a server URI or a milvus-lite file (embedded: one process)."""
    with warnings.catch_warnings():  # milvus-lite 2.5 imports pkg_resources
        warnings.simplefilter("ignore")
        from pymilvus import MilvusClient

        # A warning per query_iterator on milvus-lite (it has no server timestamp to give).
        logging.getLogger("pymilvus").setLevel(logging.ERROR)

        if is_server(uri):
            secret = token.get_secret_value() if token is not None else ""
            return MilvusClient(uri=uri, token=secret) if secret else MilvusClient(uri=uri)
        path = local_db_path(uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        return MilvusClient(str(path))


def lit(value: str) -> str:
    """A string literal for a Milvus expression (JSON escaping is accepted by its parser)."""
    return json.dumps(str(value), ensure_ascii=False)


def in_list(field: str, values: Iterable[object]) -> str:
    items = ", ".join(lit(v) if isinstance(v, str) else str(int(v)) for v in values)  # type: ignore[call-overload]
    return f"{field} in [{items}]"


def date_bound(iso: str) -> int:
    """An ISO date (or a prefix of one, as text comparison allows) as YYYYMMDD."""
    digits = "".join(ch for ch in iso if ch.isdigit())[:8]
    return int(digits.ljust(8, "0")) if digits else 0


def scope_expr(scope: Scope) -> str:
    owners = scope.owners()
    return "" if owners is None else in_list("owner", owners)


def filter_expr(flt: ArticleFilter, id_field: str = "article_id") -> str | None:
    """The expression for ``flt`` on a collection carrying the article's filter fields;
    "" when nothing is filtered, None when nothing can pass (an empty id list)."""
    clauses: list[str] = []
    if flt.date_from:
        clauses.append(f"date >= {date_bound(flt.date_from)}")
    if flt.date_to:  # an unknown date (0) passes no date bound, as NULL in SQL
        clauses.append(f"(date > 0 and date <= {date_bound(flt.date_to)})")
    if flt.source:
        s = flt.source.strip().lower()
        # "CNN" matches "cnn" and the domain form "cnn.com"; like has no escape for % and _.
        if "%" in s or "_" in s:
            clauses.append(f"source == {lit(s)}")
        else:
            clauses.append(f"(source == {lit(s)} or source like {lit(s + '.%')})")
    if flt.article_ids is not None:
        if not flt.article_ids:
            return None
        clauses.append(in_list(id_field, flt.article_ids))
    owners = scope_expr(flt.scope)
    if owners:
        clauses.append(owners)
    return " and ".join(clauses)


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def scan(client: Any, collection: str, expr: str, fields: Sequence[str],
         batch: int = 2_000) -> Iterator[dict[str, Any]]:
    """Every row matching ``expr`` (INT64-keyed collections only: query_iterator loops
    forever on VARCHAR keys holding quote marks, pymilvus 2.5.18)."""
    it = client.query_iterator(collection, batch_size=batch, filter=expr,
                               output_fields=list(fields))
    try:
        while True:
            rows = it.next()
            if not rows:
                return
            yield from rows
    finally:
        it.close()


def query_in(client: Any, collection: str, field: str, values: Sequence[Any],
             fields: Sequence[str], extra: str = "", *, unique: bool = False
             ) -> list[dict[str, Any]]:
    """Rows whose ``field`` is one of ``values`` (chunked), optionally and-ed with ``extra``.

    ``unique``: at most one row per value, read with a plain query (query_iterator fails on
    ARRAY fields, pymilvus 2.5.18)."""
    out: list[dict[str, Any]] = []
    for part in chunks(list(dict.fromkeys(values))):
        expr = in_list(field, part) + (f" and ({extra})" if extra else "")
        if unique:
            out += client.query(collection, filter=expr, output_fields=list(fields),
                                limit=len(part))
        else:
            out += scan(client, collection, expr, fields)
    return out
