"""Small hand-made warehouses for the known-answer tests, built by the code that ships.

A test writes its few rows as landing files (`landing/<entity>/<entity>.csv`), the real extractor
loads them into ``raw``, and a real `dbt build` (in a subprocess, with the data dir's own target
path, so tests share no state) builds the models under test and everything upstream of them.

- revenue and finance: `build(data_dir, rows_by_entity, select=..., env=...)`;
- topics: `build_topic_warehouse(data_dir, customers, responses)` also writes the ``text.*``
  tables the translation and tagging assets would write, from `Customer` / `Response` /
  `Statement` designs;
- quality: `write_raw_warehouse(path, *mutations)` writes contract-typed ``raw.<entity>`` tables
  directly (`GOOD_ROWS`), for tests of the checks on raw data.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from cxlink.contract import DUCKDB_TYPES, ENTITIES, ENTITY_ORDER
from cxlink.extract import extract_entity
from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from cxlink.tagging import schema as tagging_schema
from cxlink.translate.schema import create_tables as create_translation_tables

DBT = PROJECT_ROOT / ".venv" / "bin" / "dbt"
REVENUE_MARTS = "+path:models/marts/revenue"
TOPIC_MARTS = "+path:models/marts/topics"

# --- landing files -> raw ----------------------------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_landing(landing_dir: Path, rows_by_entity: Mapping[str, Sequence[dict]]) -> None:
    """One CSV per entity (header from the first row); entities without rows get no file."""
    for entity, rows in rows_by_entity.items():
        if rows:
            header = list(rows[0])
            write_csv(
                landing_dir / entity / f"{entity}.csv",
                header,
                ([r[h] for h in header] for r in rows),
            )


def extract_landing(data_dir: Path) -> Path:
    """Every entity of ``data_dir/landing`` into ``data_dir/warehouse.duckdb``; nothing may be
    quarantined (a hand-made landing zone is clean by design)."""
    warehouse = data_dir / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("set TimeZone = 'UTC'")  # as the pipeline's warehouse resource does
        for entity in ENTITY_ORDER:
            report = extract_entity(con, data_dir / "landing", entity)
            assert not report.errors, report.errors
            assert report.counts.rows_quarantined == 0, (entity, report.counts)
    finally:
        con.close()
    return warehouse


def query(data_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --- dbt ---------------------------------------------------------------------------------------


def run_dbt(
    data_dir: Path,
    args: Sequence[str],
    dbt_vars: dict | None = None,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """dbt on the data dir's warehouse with its own target and log paths (no shared state).

    ``check``: a failed command raises AssertionError with the end of dbt's output.
    """
    command = [
        str(DBT) if DBT.exists() else "dbt",
        *args,
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--project-dir",
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
        env={**os.environ, "DO_NOT_TRACK": "1", "CXLINK_DATA_DIR": str(data_dir), **(env or {})},
        capture_output=True,
        text=True,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{done.stdout[-6000:]}")
    return done


def dbt_build(
    data_dir: Path,
    select: str,
    dbt_vars: dict | None = None,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    # cautious: only the tests whose every parent is built here (not the relationship tests of
    # models outside the selection on shared staging models)
    args = ["build", "--select", select, "--indirect-selection", "cautious"]
    return run_dbt(data_dir, args, dbt_vars, env=env, check=check)


def build(
    data_dir: Path,
    rows_by_entity: Mapping[str, Sequence[dict]],
    env: Mapping[str, str] | None = None,
    check: bool = True,
    select: str = REVENUE_MARTS,
) -> subprocess.CompletedProcess:
    """Landing files -> extractor -> raw -> `dbt build` of ``select`` (the revenue marts)."""
    write_landing(data_dir / "landing", rows_by_entity)
    extract_landing(data_dir)
    return dbt_build(data_dir, select, env=env, check=check)


# --- topic designs: landing rows plus the text.* tables ------------------------------------------

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


def topic_landing_rows(
    customers: Sequence[Customer], responses: Sequence[Response]
) -> dict[str, list[dict]]:
    """Customers (all growth, organic, FI, signed up 2020-01-01), their subscriptions and the
    responses, with one comment sentence per statement."""
    return {
        "customers": [
            {
                "customer_id": c.customer_id,
                "signup_date": "2020-01-01",
                "segment": c.segment,
                "plan_tier": "growth",
                "acquisition_channel": "organic",
                "country": "FI",
            }
            for c in customers
        ],
        "subscriptions": [
            {
                "subscription_id": f"s-{c.customer_id}",
                "customer_id": c.customer_id,
                "plan_tier": "growth",
                "period_start": "2020-01-01",
                "period_end": "",
                "mrr": c.mrr,
                "currency": "EUR",
            }
            for c in customers
            if c.mrr is not None
        ],
        "feedback": [
            {
                "response_id": r.response_id,
                "customer_id": r.customer_id,
                "responded_at": r.responded_at,
                "survey_type": r.survey_type,
                "score": r.score,
                "comment": " ".join(f"statement {i}." for i in range(len(r.statements))),
                "language": r.language or "",
                "channel": "email",
            }
            for r in responses
        ],
    }


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


def build_topic_warehouse(
    data_dir: Path,
    customers: Sequence[Customer],
    responses: Sequence[Response],
    *,
    with_text_tables: bool = True,
    dbt_vars: dict | None = None,
) -> Path:
    """Landing files -> extractor -> raw (+ text.*) -> `dbt build` of the topic marts."""
    write_landing(data_dir / "landing", topic_landing_rows(customers, responses))
    warehouse = extract_landing(data_dir)
    if with_text_tables:
        con = duckdb.connect(str(warehouse))
        try:
            write_text_tables(con, responses)
        finally:
            con.close()
    dbt_build(data_dir, TOPIC_MARTS, dbt_vars)
    return warehouse


# --- contract-typed raw tables, written directly (quality tests) -------------------------------

# One tuple per row, in contract column order; _source_file/_source_row are added.
GOOD_ROWS: dict[str, list[tuple]] = {
    "customers": [
        ("C1", "2023-01-15", "smb", "pro", "paid_search", "DE", "founder", "a@example.com", "A"),
        ("C2", "2022-06-01", "enterprise", "enterprise", "partner", "US", None, None, None),
        ("C3", "1990-01-01", "mid_market", "starter", "organic", "FI", None, None, "C"),
    ],
    "subscriptions": [
        ("S1", "C1", "pro", "2023-01-15", "2023-06-15", "99.00", "EUR"),
        ("S1", "C1", "business", "2023-06-15", None, "199.00", "EUR"),
        ("S2", "C2", "enterprise", "2022-06-01", None, "1500.00", "USD"),
    ],
    "invoices": [
        ("I1", "C1", "S1", "2023-01-15 10:00:00", "99.00", "EUR", "new"),
        ("I2", "C1", "S1", "2023-02-15 10:00:00", "-20.00", "EUR", "refund"),
        ("I3", "C2", None, "2022-06-01 08:30:00", "500.00", "USD", "one_time"),
    ],
    "feedback": [
        ("R1", "C1", "2024-03-01 10:00:00", "nps", 10, "Great", "en", "email"),
        ("R2", "C1", "2024-03-02 10:00:00", "csat", 5, None, None, "web"),
        ("R3", "C2", "2024-03-03 10:00:00", "ces", 7, "Hyvä", "fi", "sms"),
        ("R4", "C2", "2024-03-04 10:00:00", "nps", 0, None, None, "in_app"),
        ("R5", "C3", "2099-12-31 23:59:59", "csat", 1, None, None, "social"),
    ],
    "marketing_spend": [
        ("2023-01-01", "paid_search", "1000.00", "EUR"),
        ("2023-01-01", "partner", "500.00", "EUR"),
        ("2023-02-01", "paid_search", "1200.00", "EUR"),
    ],
    "service_costs": [
        ("2023-01-01", "support", "300.00", "EUR"),
        ("2023-01-01", "onboarding", "200.00", "EUR"),
        ("2023-01-01", "support", "50.00", "USD"),
    ],
    "fx_rates": [
        ("2023-01-01", "USD", "0.9200"),
        ("2023-01-01", "EUR", "1.0000"),
    ],
    "support_tickets": [
        ("T1", "C1", "2024-03-04 09:00:00", "2024-03-04 11:00:00", "high", "bug", 4),
        ("T2", "C1", "2024-03-05 09:00:00", None, "urgent", None, None),
        ("T3", "C2", "2024-03-06 09:00:00", "2024-03-06 09:00:00", "low", "billing", 1),
    ],
    "product_usage": [
        ("C1", "2024-03-04", 5, 10, 120),
        ("C1", "2024-03-11", 0, None, 0),
        ("C2", "2024-03-04", 40, 50, 900),
    ],
}


def create_raw_table(con: duckdb.DuckDBPyConnection, entity: str, rows: list[tuple]) -> None:
    """``raw.<entity>`` typed as the extractor types it, holding ``rows``."""
    spec = ENTITIES[entity]
    columns = [f'"{c.name}" {DUCKDB_TYPES[c.type]}' for c in spec.columns]
    con.execute("create schema if not exists raw")
    con.execute(
        f"create or replace table raw.{entity} "
        f"({', '.join(columns)}, _source_file varchar, _source_row bigint)"
    )
    placeholders = ", ".join("?" for _ in range(len(spec.columns) + 2))
    for i, row in enumerate(rows, start=1):
        con.execute(
            f"insert into raw.{entity} values ({placeholders})",
            [*row, f"{entity}/part.csv", i],
        )


def write_raw_warehouse(path: Path, *mutations: str, entities: list[str] | None = None) -> Path:
    """A warehouse file with good raw tables (all entities by default), then ``mutations``."""
    with duckdb.connect(str(path)) as con:
        for entity in entities or list(GOOD_ROWS):
            create_raw_table(con, entity, GOOD_ROWS[entity])
        for sql in mutations:
            con.execute(sql)
    return path
