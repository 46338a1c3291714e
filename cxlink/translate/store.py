"""Reading comments from `raw.feedback` and writing `text.feedback_translations` (DuckDB)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa

from cxlink.duckdb_sql import table_exists
from cxlink.translate.pipeline import Comment, TranslationRow
from cxlink.translate.schema import TRANSLATIONS_COLUMNS, TRANSLATIONS_TABLE, create_tables

FEEDBACK_TABLE = "raw.feedback"


def read_comments(con, start: datetime | None = None, end: datetime | None = None) -> list[Comment]:
    """Responses with a non-null comment, responded_at in [start, end), ordered by response_id."""
    if not table_exists(con, "raw", "feedback"):
        return []
    where, params = ["comment is not null"], []
    if start is not None:
        where.append("responded_at >= ?")
        params.append(start)
    if end is not None:
        where.append("responded_at < ?")
        params.append(end)
    rows = con.execute(
        f"""
        select response_id, cast(date_trunc('month', responded_at) as date), comment, language
        from {FEEDBACK_TABLE}
        where {" and ".join(where)}
        order by response_id
        """,
        params,
    ).fetchall()
    return [Comment(str(rid), month, text, lang) for rid, month, text, lang in rows]


def write_translations(
    con,
    rows: Sequence[TranslationRow],
    start: datetime | None = None,
    end: datetime | None = None,
) -> int:
    """Replace the months [start, end) (and any earlier row of the same responses) with `rows`,
    in one transaction."""
    create_tables(con)
    columns = list(TRANSLATIONS_COLUMNS)
    types = {
        "feedback_month": pa.date32(),
        "detection_confidence": pa.float64(),
        "translated_at": pa.timestamp("us"),
    }
    table = pa.table(
        {c: pa.array([getattr(r, c) for r in rows], types.get(c, pa.string())) for c in columns}
    )
    con.execute("begin transaction")
    try:
        if start is not None and end is not None:
            con.execute(
                f"delete from {TRANSLATIONS_TABLE} where feedback_month >= ? and feedback_month < ?",
                [start.date() if isinstance(start, datetime) else start,
                 end.date() if isinstance(end, datetime) else end],
            )  # fmt: skip
        con.register("_new_translations", table)
        # a response whose date moved to another month leaves no stale row behind
        con.execute(
            f"delete from {TRANSLATIONS_TABLE} "
            f"where response_id in (select response_id from _new_translations)"
        )
        con.execute(
            f"insert into {TRANSLATIONS_TABLE} ({', '.join(columns)}) "
            f"select {', '.join(columns)} from _new_translations"
        )
        con.unregister("_new_translations")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)
