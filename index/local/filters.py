"""`ArticleFilter` as SQL: the one definition of what date, source, ids and owner scope
mean, for passages, titles and quotes alike."""

from __future__ import annotations

import json

from index.backend import ArticleFilter, Scope


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scope_sql(scope: Scope, alias: str = "a") -> tuple[str, list[object]]:
    owners = scope.owners()
    if owners is None:
        return "", []
    return f"{alias}.owner IN ({','.join('?' * len(owners))})", list(owners)


def filter_sql(flt: ArticleFilter, alias: str = "a") -> tuple[str, list[object]]:
    """SQL conditions on the articles alias and their parameters ("" when none)."""
    clauses: list[str] = []
    params: list[object] = []
    if flt.date_from:
        clauses.append(f"{alias}.date >= ?")
        params.append(flt.date_from)
    if flt.date_to:
        clauses.append(f"{alias}.date <= ?")
        params.append(flt.date_to)
    if flt.source:
        # "CNN" matches "cnn" and the domain form "cnn.com".
        s = flt.source.strip().lower()
        clauses.append(f"(lower({alias}.source) = ? OR lower({alias}.source) LIKE ? ESCAPE '\\')")
        params += [s, like_escape(s) + ".%"]
    if flt.article_ids is not None:
        clauses.append(f"{alias}.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(flt.article_ids)))
    where, owner_params = scope_sql(flt.scope, alias)
    if where:
        clauses.append(where)
        params += owner_params
    return " AND ".join(clauses), params
