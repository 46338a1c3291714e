"""Reading translated comments and writing the tagger's tables (DuckDB).

A run writes only what changed (cxlink.tagging.incremental): the statements and topics of the
responses it tagged again, and of those no longer translated, are deleted and the new rows
inserted, with each response's ``text.tagged_comments`` row, in one transaction; a rerun leaves
exactly one set of rows. ``text.topics`` is rewritten from the taxonomy when it differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa

from cxlink.duckdb_sql import table_exists
from cxlink.tagging.incremental import TaggedState, english_hash
from cxlink.tagging.pipeline import CommentIn, StatementRow, StatementTopicRow
from cxlink.tagging.schema import (
    SCHEMA,
    STATE_COLUMNS,
    STATE_TABLE,
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


def create_tables(con) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    for table in (*TABLES, STATE_TABLE):
        con.execute(create_table_sql(table))


def read_translations(con) -> list[CommentIn]:
    """Every row of text.feedback_translations, ordered by response_id."""
    if not table_exists(con, "text", "feedback_translations"):
        return []
    rows = con.execute(
        f"select response_id, feedback_month, status, original_text, translated_text "
        f"from {TRANSLATIONS} order by response_id"
    ).fetchall()
    return [CommentIn(str(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def read_tagged(con) -> dict[str, TaggedState]:
    """response_id -> what it was last tagged from."""
    if not table_exists(con, SCHEMA, STATE_TABLE):
        return {}
    rows = con.execute(
        f"select response_id, feedback_month, text_hash, model_version from {SCHEMA}.{STATE_TABLE}"
    ).fetchall()
    return {str(r[0]): TaggedState(r[1], r[2], r[3]) for r in rows}


def topics_match(con, taxonomy: Taxonomy | None) -> bool:
    """Whether text.topics holds ``taxonomy`` (None: whether it holds any topic)."""
    if not table_exists(con, SCHEMA, TOPICS_TABLE):
        return False
    stored = con.execute(f"select {', '.join(TOPIC_COLUMNS)} from {SCHEMA}.{TOPICS_TABLE}")
    rows = stored.fetchall()
    if taxonomy is None:
        return bool(rows)
    wanted = [tuple(row) for row in taxonomy.rows()]
    return len(rows) == len(wanted) and set(rows) == set(wanted)


def count_statements(con) -> int:
    if not table_exists(con, SCHEMA, STATEMENTS_TABLE):
        return 0
    return con.execute(f"select count(*) from {SCHEMA}.{STATEMENTS_TABLE}").fetchone()[0]


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
    taxonomy: Taxonomy | None,
    tagged: Sequence[CommentIn] = (),
    removed: Sequence[str] = (),
    version: str | None = None,
    tagged_at: datetime | None = None,
    replace_all: bool = False,
) -> None:
    """Replace the rows of the ``tagged`` and ``removed`` responses (all rows with
    ``replace_all``) with these, record that ``tagged`` were tagged with ``version``, and
    rewrite text.topics from ``taxonomy`` unless it is None."""
    create_tables(con)
    state_rows = [
        (c.response_id, c.feedback_month, english_hash(c), version, tagged_at) for c in tagged
    ]
    state_table = pa.table(
        {
            name: pa.array([row[i] for row in state_rows], _ARROW[kind])
            for i, (name, kind) in enumerate(STATE_COLUMNS.items())
        }
    )
    changed = pa.table(
        {"response_id": pa.array([c.response_id for c in tagged] + list(removed), pa.string())}
    )
    new_tables = {
        "_new_statements": _arrow(statements, STATEMENT_COLUMNS),
        "_new_statement_topics": _arrow(topics, STATEMENT_TOPIC_COLUMNS),
        "_new_tagged": state_table,
        "_changed": changed,
    }
    con.execute("begin transaction")
    try:
        for name, table in new_tables.items():
            con.register(name, table)
        targets = ((STATEMENTS_TABLE, STATEMENT_COLUMNS, "_new_statements"),
                   (STATEMENT_TOPICS_TABLE, STATEMENT_TOPIC_COLUMNS, "_new_statement_topics"),
                   (STATE_TABLE, STATE_COLUMNS, "_new_tagged"))  # fmt: skip
        for table, columns, new in targets:
            where = "" if replace_all else " where response_id in (select * from _changed)"
            con.execute(f"delete from {SCHEMA}.{table}{where}")
            con.execute(
                f"insert into {SCHEMA}.{table} ({', '.join(columns)}) "
                f"select {', '.join(columns)} from {new}"
            )
        if taxonomy is not None:
            _replace_topics(con, taxonomy)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in new_tables:
            con.unregister(name)


def _replace_topics(con, taxonomy: Taxonomy) -> None:
    rows = pa.table(
        {
            name: pa.array([row[i] for row in taxonomy.rows()], _ARROW[kind])
            for i, (name, kind) in enumerate(TOPIC_COLUMNS.items())
        }
    )
    con.register("_new_topics", rows)
    try:
        con.execute(f"delete from {SCHEMA}.{TOPICS_TABLE}")
        con.execute(
            f"insert into {SCHEMA}.{TOPICS_TABLE} ({', '.join(TOPIC_COLUMNS)}) "
            f"select {', '.join(TOPIC_COLUMNS)} from _new_topics"
        )
    finally:
        con.unregister("_new_topics")
