"""Hand-written, contract-valid ``raw.<entity>`` tables for the quality tests."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cxlink.contract import DUCKDB_TYPES, ENTITIES

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


def write_warehouse(path: Path, *mutations: str, entities: list[str] | None = None) -> Path:
    """A warehouse file with good raw tables (all entities by default), then ``mutations``."""
    with duckdb.connect(str(path)) as con:
        for entity in entities or list(GOOD_ROWS):
            create_raw_table(con, entity, GOOD_ROWS[entity])
        for sql in mutations:
            con.execute(sql)
    return path
