"""Reading translated comments and writing the tagger's tables (DuckDB).

A run replaces the months it covers: statements and topics of those months' responses (and of
the same responses anywhere, should a response have moved month) are deleted and rewritten in
one transaction, so a rerun leaves exactly one set of rows. ``text.topics`` is rewritten whole
from the model's taxonomy on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pyarrow as pa

from cxlink.duckdb_sql import table_exists
from cxlink.tagging.pipeline import CommentIn, StatementRow, StatementTopicRow
from cxlink.tagging.schema import (
    SCHEMA,
    STATEMENT_COLUMNS,
    STATEMENT_TOPIC_COLUMNS,
    STATEMENT_TOPICS_TABLE,
    STATEMENTS_TABLE,
    TABLES,
    TOPIC_COLUMNS,
    TOPICS_TABLE,
    create_table_sql,
)
from cxlink.tagging.taxonomy import Taxonomy

TRANSLATIONS = "text.feedback_translations"
_ARROW = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "TIMESTAMP": pa.timestamp("us"),
}


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def create_tables(con) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    for table in TABLES:
        con.execute(create_table_sql(table))


def read_translations(con, start: date | None = None, end: date | None = None) -> list[CommentIn]:
    """Rows of text.feedback_translations with feedback_month in [start, end)."""
    if not table_exists(con, "text", "feedback_translations"):
        return []
    where, params = ["true"], []
    if start is not None:
        where.append("feedback_month >= ?")
        params.append(_day(start))
    if end is not None:
        where.append("feedback_month < ?")
        params.append(_day(end))
    rows = con.execute(
        f"select response_id, feedback_month, status, original_text, translated_text "
        f"from {TRANSLATIONS} where {' and '.join(where)} order by response_id",
        params,
    ).fetchall()
    return [CommentIn(str(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def _arrow(rows: Sequence[object], columns: dict[str, str]) -> pa.Table:
    return pa.table(
        {
            name: pa.array([getattr(r, name) for r in rows], _ARROW[kind])
            for name, kind in columns.items()
        }
    )


def write_tags(
    con,
    statements: Sequence[StatementRow],
    topics: Sequence[StatementTopicRow],
    taxonomy: Taxonomy,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
) -> None:
    """Replace the months [start, end) with these rows, and text.topics with the taxonomy."""
    create_tables(con)
    stmt_table = _arrow(statements, STATEMENT_COLUMNS)
    topic_table = _arrow(topics, STATEMENT_TOPIC_COLUMNS)
    taxonomy_table = pa.table(
        {
            name: pa.array([row[i] for row in taxonomy.rows()], _ARROW[kind])
            for i, (name, kind) in enumerate(TOPIC_COLUMNS.items())
        }
    )
    statements_t = f"{SCHEMA}.{STATEMENTS_TABLE}"
    topics_t = f"{SCHEMA}.{STATEMENT_TOPICS_TABLE}"
    con.execute("begin transaction")
    try:
        con.register("_new_statements", stmt_table)
        con.register("_new_statement_topics", topic_table)
        con.register("_new_topics", taxonomy_table)
        stale = "select response_id from _new_statements"
        if start is not None and end is not None:
            stale += (
                f" union select response_id from {statements_t} "
                "where feedback_month >= ? and feedback_month < ?"
            )
            params = [_day(start), _day(end)]
        else:
            params = []
        con.execute(f"create temp table _stale as {stale}", params)
        con.execute(f"delete from {topics_t} where response_id in (select * from _stale)")
        con.execute(f"delete from {statements_t} where response_id in (select * from _stale)")
        con.execute(
            f"insert into {statements_t} ({', '.join(STATEMENT_COLUMNS)}) "
            f"select {', '.join(STATEMENT_COLUMNS)} from _new_statements"
        )
        con.execute(
            f"insert into {topics_t} ({', '.join(STATEMENT_TOPIC_COLUMNS)}) "
            f"select {', '.join(STATEMENT_TOPIC_COLUMNS)} from _new_statement_topics"
        )
        con.execute(f"delete from {SCHEMA}.{TOPICS_TABLE}")
        con.execute(
            f"insert into {SCHEMA}.{TOPICS_TABLE} ({', '.join(TOPIC_COLUMNS)}) "
            f"select {', '.join(TOPIC_COLUMNS)} from _new_topics"
        )
        con.execute("drop table _stale")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in ("_new_statements", "_new_statement_topics", "_new_topics"):
            con.unregister(name)
