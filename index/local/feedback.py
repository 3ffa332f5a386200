"""Votes on answers, and the counts behind `index stats` and `/stats`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from index.backend import OPERATOR_SCOPE, Scope
from index.local.db import Database
from index.local.filters import scope_sql
from index.models import IndexStats


class FeedbackAndStats:
    db: Database

    def record_feedback(self, question: str, answer_kind: str, vote: int,
                        user_id: str | None = None, article_ids: Sequence[str] = (),
                        guild_id: str | None = None) -> int:
        with self.db.write() as conn:
            cur = conn.execute(
                "INSERT INTO feedback(created_at, user_id, question, answer_kind, vote, "
                "article_ids, guild_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), user_id, question,
                 answer_kind, int(vote), json.dumps(list(article_ids)), guild_id),
            )
            return int(cur.lastrowid or 0)

    def prune_feedback(self, keep_days: float | None = None, user_id: str | None = None) -> int:
        """Delete feedback rows older than ``keep_days``, or given by ``user_id`` (either
        condition); returns how many."""
        where: list[str] = []
        args: list[object] = []
        if keep_days is not None:
            cutoff = datetime.now(UTC) - timedelta(days=keep_days)
            where.append("created_at < ?")
            args.append(cutoff.isoformat(timespec="seconds"))
        if user_id is not None:
            where.append("user_id = ?")
            args.append(user_id)
        if not where:
            return 0
        with self.db.write() as conn:
            return int(conn.execute(f"DELETE FROM feedback WHERE {' OR '.join(where)}",
                                    args).rowcount)

    def stats(self, scope: Scope = OPERATOR_SCOPE) -> IndexStats:
        where, params = scope_sql(scope)
        cond = f" WHERE {where}" if where else ""
        join = " JOIN articles a ON a.id = t.article_id" if where else ""
        with self.db.snapshot() as conn:
            articles, date_min, date_max = conn.execute(
                f"SELECT COUNT(*), MIN(a.date), MAX(a.date) FROM articles a{cond}", params
            ).fetchone()
            passages = conn.execute(f"SELECT COUNT(*) FROM passages t{join}{cond}",
                                    params).fetchone()[0]
            quotes, speakers = conn.execute(
                f"SELECT COUNT(*), COUNT(DISTINCT NULLIF(t.speaker_key, '')) FROM quotes t"
                f"{join}{cond}", params).fetchone()
            sources = conn.execute(
                f"SELECT COALESCE(a.source, '(none)'), COUNT(*) AS n FROM articles a{cond} "
                "GROUP BY 1 ORDER BY n DESC, 1", params).fetchall()
            owners = conn.execute(
                "SELECT owner, COUNT(*) AS n FROM articles GROUP BY owner ORDER BY "
                "owner != 'operator', n DESC, owner").fetchall() if scope.everything else []
            name, dim = self.db.meta("model_name"), self.db.meta("model_dim")
        kind = "none"
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            kind = str(json.loads((self.db.dir / "vectors.json").read_text())["kind"])
        size = 0
        for f in self.db.dir.iterdir():
            with contextlib.suppress(OSError):  # a writer's temp file may vanish meanwhile
                size += f.stat().st_size if f.is_file() else 0
        return IndexStats(
            articles=int(articles), passages=int(passages), quotes=int(quotes),
            speakers=int(speakers), date_min=date_min, date_max=date_max,
            sources=tuple((str(s), int(n)) for s, n in sources),
            model=name or "(none)", dimension=int(dim or 0), vector_index=kind,
            size_bytes=size, owners=tuple((str(o), int(n)) for o, n in owners),
        )
