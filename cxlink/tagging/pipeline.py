"""Tag comments: split into statements, tag them in batches, build the output rows (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from cxlink.tagging.model import TaggerModel
from cxlink.tagging.statements import split_statements

# Which text of a translated comment is English, by translation status; other statuses are
# skipped (and counted).
ENGLISH_TEXT = {"translated": "translated_text", "already_english": "original_text"}
SKIPPED_STATUSES = ("no_model", "empty", "failed")
BATCH_STATEMENTS = 4096


@dataclass(frozen=True)
class CommentIn:
    response_id: str
    feedback_month: date
    status: str
    original_text: str | None
    translated_text: str | None

    def english(self) -> str | None:
        column = ENGLISH_TEXT.get(self.status)
        return getattr(self, column) if column else None


@dataclass(frozen=True)
class StatementRow:
    response_id: str
    feedback_month: date
    statement_index: int
    statement_text: str
    sentiment_score: float
    sentiment_label: str
    model_version: str
    tagged_at: datetime


@dataclass(frozen=True)
class StatementTopicRow:
    response_id: str
    statement_index: int
    topic_id: str
    parent_topic_id: str | None
    confidence: float
    source: str
    model_version: str


@dataclass
class TagStats:
    comments_in: int = 0
    comments_tagged: int = 0
    comments_without_statements: int = 0  # English text with no letters (emoji, punctuation)
    skipped_by_status: Counter = field(default_factory=Counter)
    statements: int = 0
    statements_with_topic: int = 0
    topic_rows_by_source: Counter = field(default_factory=Counter)
    statements_by_label: Counter = field(default_factory=Counter)
    statements_by_topic: Counter = field(default_factory=Counter)


def tag_comments(
    model: TaggerModel, comments: Iterable[CommentIn], tagged_at: datetime
) -> tuple[list[StatementRow], list[StatementTopicRow], TagStats]:
    """Statements and their topics for every English comment, in input order."""
    stats = TagStats()
    pending: list[tuple[CommentIn, int, str]] = []
    for comment in comments:
        stats.comments_in += 1
        text = comment.english()
        if comment.status not in ENGLISH_TEXT:
            stats.skipped_by_status[comment.status] += 1
            continue
        statements = split_statements(text)
        if not statements:
            stats.comments_without_statements += 1
            continue
        stats.comments_tagged += 1
        pending.extend((comment, i, s) for i, s in enumerate(statements))

    statement_rows: list[StatementRow] = []
    topic_rows: list[StatementTopicRow] = []
    taxonomy = model.taxonomy
    for offset in range(0, len(pending), BATCH_STATEMENTS):
        batch = pending[offset : offset + BATCH_STATEMENTS]
        tags = model.tag([text for _, _, text in batch])
        for (comment, index, text), tag in zip(batch, tags, strict=True):
            statement_rows.append(
                StatementRow(
                    comment.response_id,
                    comment.feedback_month,
                    index,
                    text,
                    tag.sentiment_score,
                    tag.sentiment_label,
                    model.version,
                    tagged_at,
                )
            )
            stats.statements_by_label[tag.sentiment_label] += 1
            stats.statements_with_topic += bool(tag.topics)
            for topic in tag.topics:
                topic_rows.append(
                    StatementTopicRow(
                        comment.response_id,
                        index,
                        topic.topic_id,
                        taxonomy.parent_of(topic.topic_id),
                        topic.confidence,
                        topic.source,
                        model.version,
                    )
                )
                stats.topic_rows_by_source[topic.source] += 1
                stats.statements_by_topic[topic.topic_id] += 1
    stats.statements = len(statement_rows)
    return statement_rows, topic_rows, stats
