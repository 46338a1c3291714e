"""A small hand-made warehouse: personal data in raw/staging, four marts (one the data window),
one stale table."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

RUN_DATE_1 = "2025-01-15"
RUN_DATE_2 = "2025-01-16"


def build_warehouse(path: Path, scale: int = 1) -> Path:
    """(Re)build the marts at ``scale``: nps_monthly has 48 * scale rows, and so on."""
    con = duckdb.connect(str(path))
    try:
        con.execute(
            """
            create schema if not exists raw;
            create schema if not exists staging;
            create schema if not exists marts;
            create or replace table raw.customers as
                select 'c' || i as customer_id, 'person' || i || '@example.com' as email,
                       'Person ' || i as name
                from range(20) t(i);
            create or replace view staging.stg_customers as select * from raw.customers;
            """
        )
        con.execute(
            """
            create or replace table marts.nps_monthly as
                select (date '2024-01-01' + to_months(i % 12))::date as response_month,
                       ['smb', 'mid', 'ent', 'all'][1 + (i // 12) % 4] as segment,
                       10 + i as responses, (i * 7) % 201 - 100 as nps,
                       ((i * 7) % 201 - 100) / 3.0 as se
                from range(48 * $scale) t(i)
            """,
            {"scale": scale},
        )
        con.execute(
            """
            create or replace table marts.nps_overall as
                select * from (values
                    ('all_time', date '2023-06-01', date '2024-12-31', 120 * $scale, 12.5),
                    ('last_12_months', date '2024-01-01', date '2024-12-31', 80 * $scale, 10.0),
                    ('last_3_months', date '2024-10-01', date '2024-12-31', 20 * $scale, null)
                ) v(period, period_start_date, period_end_date, responses, nps)
            """,
            {"scale": scale},
        )
        # the events run 2024-02-03 .. 2024-11-28: a narrower window than nps_monthly's months
        con.execute(
            """
            create or replace table marts.data_window as
                select date '2024-02-03' as first_event_date, date '2024-11-28' as last_event_date,
                       date '2024-02-01' as first_event_month, date '2024-11-01' as last_event_month,
                       date '2024-11-28' as as_of_date, 'derived_from_data' as as_of_date_source,
                       0 as events_after_as_of, date '2024-02-01' as first_period_month,
                       20 as subscription_customers, 2 as customers_starting_in_first_month,
                       0.1::double as first_month_share, false as looks_left_truncated,
                       null::date as history_starts_at, 'not_declared' as history_start_source,
                       null::date as first_observed_month, 0 as left_truncated_customers
            """
        )
        con.execute(
            """
            create or replace table marts.nps_retention_summary as
                select c.category as nps_category, h.horizon as horizon_months,
                       100 * $scale as responses, 0.1 * h.horizon / 12 as churn_rate
                from (values ('promoter'), ('passive'), ('detractor')) c(category),
                     (values (3), (6), (12)) h(horizon)
            """,
            {"scale": scale},
        )
    finally:
        con.close()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "warehouse.duckdb")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """What a publish may leave behind under ``folder``: temporary files, staging folders, and
    ``exports-<version>`` folders that ``exports`` does not point at."""
    found = {p for pattern in ("*.tmp-*", "*.staging-*") for p in folder.rglob(pattern)}
    link = folder / "exports"
    current = link.resolve().name if link.is_symlink() else None
    found |= {p for p in folder.glob("exports-*") if p.is_dir() and p.name != current}
    return sorted(str(p.relative_to(folder)) for p in found)


def write_manifest(path: Path, columns: dict[str, dict[str, str]]) -> Path:
    """A minimal dbt manifest: one marts model per table, with column descriptions."""
    nodes = {
        f"model.cxlink.{table}": {
            "resource_type": "model",
            "schema": "marts",
            "name": table,
            "description": f"About {table}.",
            "columns": {name: {"name": name, "description": d} for name, d in cols.items()},
        }
        for table, cols in columns.items()
    }
    nodes["model.cxlink.stg_customers"] = {
        "resource_type": "model",
        "schema": "staging",
        "name": "stg_customers",
        "columns": {},
    }
    path.write_text(json.dumps({"nodes": nodes}))
    return path
