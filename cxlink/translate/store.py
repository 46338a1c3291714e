"""Reading comments from `raw.feedback`, reading and writing `text.feedback_translations`.

The translation asset is incremental: it reads every comment and the stored rows, translates
what is not current (cxlink.translate.incremental) and writes only those rows, deleting the rows
of comments that are gone, in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pyarrow as pa

from cxlink.duckdb_sql import table_exists
from cxlink.translate.incremental import StoredTranslation
from cxlink.translate.pipeline import Comment, TranslationRow
from cxlink.translate.schema import (
    STATE_TABLE,
    TRANSLATIONS_COLUMNS,
    TRANSLATIONS_TABLE,
    create_tables,
)

FEEDBACK_TABLE = "raw.feedback"


def read_comments(con) -> list[Comment]:
    """Every response with a non-null comment, ordered by response_id."""
    if not table_exists(con, "raw", "feedback"):
        return []
    rows = con.execute(
        f"""
        select response_id, cast(date_trunc('month', responded_at) as date), comment, language
        from {FEEDBACK_TABLE}
        where comment is not null
        order by response_id
        """
    ).fetchall()
    return [Comment(str(rid), month, text, lang) for rid, month, text, lang in rows]


def read_stored(con) -> dict[str, StoredTranslation]:
    """response_id -> what its stored translation row was made from."""
    if not table_exists(con, "text", "feedback_translations"):
        return {}
    rows = con.execute(
        f"select response_id, feedback_month, original_text, source_language, language_source, "
        f"status, model_name, model_version from {TRANSLATIONS_TABLE}"
    ).fetchall()
    return {str(r[0]): StoredTranslation(*r[1:]) for r in rows}


def read_state(con, key: str) -> str | None:
    """A value the previous run left (``text.translation_state``), None before the first."""
    if not table_exists(con, "text", "translation_state"):
        return None
    row = con.execute(f"select value from {STATE_TABLE} where key = ?", [key]).fetchone()
    return row[0] if row else None


def status_counts(con) -> Counter:
    """(status, source language or '') -> rows of the whole table."""
    if not table_exists(con, "text", "feedback_translations"):
        return Counter()
    rows = con.execute(
        f"select status, coalesce(source_language, ''), count(*) from {TRANSLATIONS_TABLE} "
        "group by all"
    ).fetchall()
    return Counter({(status, language): n for status, language, n in rows})


def write_translations(
    con,
    rows: Sequence[TranslationRow],
    removed: Sequence[str] = (),
    replace_all: bool = False,
    state: Mapping[str, str] | None = None,
) -> int:
    """Upsert ``rows`` (by response_id), delete the ``removed`` responses' rows (everything
    else too with ``replace_all``) and record ``state``, in one transaction."""
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
    gone = pa.table({"response_id": pa.array(list(removed), pa.string())})
    con.execute("begin transaction")
    try:
        con.register("_new_translations", table)
        con.register("_removed_translations", gone)
        if replace_all:
            con.execute(f"delete from {TRANSLATIONS_TABLE}")
        con.execute(
            f"delete from {TRANSLATIONS_TABLE} where response_id in "
            "(select response_id from _new_translations union all "
            "select response_id from _removed_translations)"
        )
        con.execute(
            f"insert into {TRANSLATIONS_TABLE} ({', '.join(columns)}) "
            f"select {', '.join(columns)} from _new_translations"
        )
        for key, value in (state or {}).items():
            con.execute(f"insert or replace into {STATE_TABLE} values (?, ?)", [key, value])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_new_translations")
        con.unregister("_removed_translations")
    return len(rows)
