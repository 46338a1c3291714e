"""Small hand-made warehouses for the topic marts.

A landing zone (customers, subscriptions, feedback as CSV) goes through the real extractor into
``raw``; the text tables the translation and tagging assets write (``text.*``, the contract in
the topic README section) are inserted directly; then the real ``dbt build`` runs the topic marts
and everything upstream of them.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from cxlink.contract import ENTITY_ORDER
from cxlink.extract import extract_entity
from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from cxlink.tagging import schema as tagging_schema
from cxlink.translate.schema import create_tables as create_translation_tables

DBT = PROJECT_ROOT / ".venv" / "bin" / "dbt"
SELECTION = "+path:models/marts/topics"

# level 1 as in the demo (cxlink/demo/parameters.py TOPICS), two level-2 children
TOPICS: tuple[tuple[str, str | None, int], ...] = (
    ("product", None, 1),
    ("support", None, 1),
    ("pricing", None, 1),
    ("reliability", None, 1),
    ("usability", None, 1),
    ("onboarding", None, 1),
    ("reliability.outages", "reliability", 2),
    ("pricing.billing", "pricing", 2),
)


@dataclass
class Statement:
    topics: Sequence[str] = ()
    sentiment_score: float = 0.0

    @property
    def sentiment_label(self) -> str:
        if self.sentiment_score <= -0.05:
            return "negative"
        if self.sentiment_score >= 0.05:
            return "positive"
        return "neutral"


@dataclass
class Response:
    response_id: str
    customer_id: str
    responded_at: str
    score: int
    survey_type: str = "nps"
    language: str | None = "en"
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Customer:
    customer_id: str
    segment: str = "smb"
    mrr: float | None = 100.0  # EUR per month from 2020-01-01, ongoing; None = no subscription


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_landing(landing: Path, customers: Sequence[Customer], responses: Sequence[Response]):
    _write_csv(
        landing / "customers" / "customers.csv",
        ["customer_id", "signup_date", "segment", "plan_tier", "acquisition_channel", "country"],
        [(c.customer_id, "2020-01-01", c.segment, "growth", "organic", "FI") for c in customers],
    )
    _write_csv(
        landing / "subscriptions" / "subscriptions.csv",
        [
            "subscription_id",
            "customer_id",
            "plan_tier",
            "period_start",
            "period_end",
            "mrr",
            "currency",
        ],
        [
            (f"s-{c.customer_id}", c.customer_id, "growth", "2020-01-01", "", c.mrr, "EUR")
            for c in customers
            if c.mrr is not None
        ],
    )
    _write_csv(
        landing / "feedback" / "feedback.csv",
        [
            "response_id",
            "customer_id",
            "responded_at",
            "survey_type",
            "score",
            "comment",
            "language",
            "channel",
        ],
        [
            (
                r.response_id,
                r.customer_id,
                r.responded_at,
                r.survey_type,
                r.score,
                " ".join(f"statement {i}." for i in range(len(r.statements))),
                r.language or "",
                "email",
            )
            for r in responses
        ],
    )


def write_text_tables(
    con: duckdb.DuckDBPyConnection,
    responses: Sequence[Response],
    topics: Sequence[tuple[str, str | None, int]] = TOPICS,
) -> None:
    """The text.* tables as the translation and tagging assets write them."""
    parents = {topic_id: parent for topic_id, parent, _ in topics}
    con.execute("create schema if not exists text")
    # the contracts of the translation and tagging assets, as they create their tables
    create_translation_tables(con)
    for table in tagging_schema.TABLES:
        con.execute(tagging_schema.create_table_sql(table))
    con.executemany(
        "insert into text.topics values (?, ?, ?, ?, ?)",
        [(t, t.replace(".", ": "), p, lvl, f"about {t}") for t, p, lvl in topics],
    )
    translations, statements, tags = [], [], []
    for r in responses:
        if not r.statements:
            continue
        month = r.responded_at[:7] + "-01"
        stamp = "2025-01-01 00:00:00"
        given = "given" if r.language else "none"
        translations.append(
            (r.response_id, month, r.language, given, "text", "text", "translated", "t", "0", stamp)
        )
        for i, s in enumerate(r.statements):
            statements.append(
                (r.response_id, month, i, "text", s.sentiment_score, s.sentiment_label, "t", stamp)
            )
            tags.extend(
                (r.response_id, i, topic_id, parents[topic_id], 0.9, "rule", "test-0")
                for topic_id in s.topics
            )
    # through DataFrames: executemany inserts row by row and is slow in DuckDB
    frames = {
        "feedback_translations": pd.DataFrame(
            translations,
            columns=[
                "response_id",
                "feedback_month",
                "source_language",
                "language_source",
                "original_text",
                "translated_text",
                "status",
                "model_name",
                "model_version",
                "translated_at",
            ],
        ),
        "feedback_statements": pd.DataFrame(
            statements, columns=list(tagging_schema.STATEMENT_COLUMNS)
        ),
        "statement_topics": pd.DataFrame(
            tags, columns=list(tagging_schema.STATEMENT_TOPIC_COLUMNS)
        ),
    }
    for table, frame in frames.items():
        if len(frame):
            columns = ", ".join(frame.columns)
            con.register("incoming", frame)
            con.execute(f"insert into text.{table} ({columns}) select {columns} from incoming")
            con.unregister("incoming")


def run_dbt(data_dir: Path, args: Sequence[str], dbt_vars: dict | None = None) -> str:
    command = [
        str(DBT) if DBT.exists() else "dbt",
        *args,
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(data_dir / "dbt_target"),
        "--log-path",
        str(data_dir / "dbt_logs"),
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    done = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "CXLINK_DATA_DIR": str(data_dir), "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{done.stdout[-6000:]}")
    return done.stdout


def build_warehouse(
    data_dir: Path,
    customers: Sequence[Customer],
    responses: Sequence[Response],
    *,
    with_text_tables: bool = True,
    dbt_vars: dict | None = None,
) -> Path:
    """Landing files -> extractor -> raw (+ text.*) -> dbt build of the topic marts."""
    write_landing(data_dir / "landing", customers, responses)
    warehouse = data_dir / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("set TimeZone = 'UTC'")
        for entity in ENTITY_ORDER:
            report = extract_entity(con, data_dir / "landing", entity)
            assert not report.errors, report.errors
            assert report.counts.rows_quarantined == 0, entity
        if with_text_tables:
            write_text_tables(con, responses)
    finally:
        con.close()
    # cautious: only the tests whose every parent is built (no relationship tests of models
    # outside the selection)
    run_dbt(
        data_dir, ["build", "--select", SELECTION, "--indirect-selection", "cautious"], dbt_vars
    )
    return warehouse
