"""The tables the tagger writes (schema ``text``): a stable contract for the dbt sources.

``text.feedback_statements``  one row per statement of a comment, with its sentiment.
``text.statement_topics``     one row per (statement, topic) the statement mentions.
``text.topics``               the taxonomy (assets/taxonomy/topics.yaml), two levels.

``statement_topics.topic_id`` is the most specific topic tagged (normally a level-2 topic);
``parent_topic_id`` is its level-1 parent, null when the topic itself is level 1. Roll up to
level 1 with ``coalesce(parent_topic_id, topic_id)`` and count distinct statements: a statement
may mention two children of one parent.
"""

from __future__ import annotations

SCHEMA = "text"
STATEMENTS_TABLE = "feedback_statements"
STATEMENT_TOPICS_TABLE = "statement_topics"
TOPICS_TABLE = "topics"

SENTIMENT_LABELS = ("negative", "neutral", "positive")
TAG_SOURCES = ("rule", "classifier", "both")

# column -> DuckDB type, in table order. Changing these breaks the dbt sources.
STATEMENT_COLUMNS = {
    "response_id": "VARCHAR",
    "feedback_month": "DATE",
    "statement_index": "INTEGER",
    "statement_text": "VARCHAR",
    "sentiment_score": "DOUBLE",
    "sentiment_label": "VARCHAR",
    "model_version": "VARCHAR",
    "tagged_at": "TIMESTAMP",
}
STATEMENT_TOPIC_COLUMNS = {
    "response_id": "VARCHAR",
    "statement_index": "INTEGER",
    "topic_id": "VARCHAR",
    "parent_topic_id": "VARCHAR",
    "confidence": "DOUBLE",
    "source": "VARCHAR",
    "model_version": "VARCHAR",
}
TOPIC_COLUMNS = {
    "topic_id": "VARCHAR",
    "name": "VARCHAR",
    "parent_topic_id": "VARCHAR",
    "level": "INTEGER",
    "description": "VARCHAR",
}

# What each response was last tagged from (cxlink.tagging.incremental): internal bookkeeping of
# the incremental runs, not read by dbt.
STATE_TABLE = "tagged_comments"
STATE_COLUMNS = {
    "response_id": "VARCHAR",
    "feedback_month": "DATE",
    "text_hash": "VARCHAR",
    "model_version": "VARCHAR",
    "tagged_at": "TIMESTAMP",
}

TABLES = {
    STATEMENTS_TABLE: STATEMENT_COLUMNS,
    STATEMENT_TOPICS_TABLE: STATEMENT_TOPIC_COLUMNS,
    TOPICS_TABLE: TOPIC_COLUMNS,
}


def create_table_sql(table: str) -> str:
    columns = ", ".join(
        f"{name} {kind}" for name, kind in {**TABLES, STATE_TABLE: STATE_COLUMNS}[table].items()
    )
    return f"create table if not exists {SCHEMA}.{table} ({columns})"
