"""The quarantine ledger: rows in = rows in raw + rows quarantined, per entity."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from cxlink.contract import ENTITY_ORDER
from cxlink.duckdb_sql import qualified, table_exists

LEDGER_TABLE = "quarantine.ledger"


@dataclass(frozen=True)
class LedgerRow:
    entity: str
    rows_in: int
    rows_raw: int
    rows_quarantined: int

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.rows_raw + self.rows_quarantined


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    schema, name = table.split(".")
    if not table_exists(con, schema, name):
        return 0
    return con.execute(f"select count(*) from {qualified(schema, name)}").fetchone()[0]


def read_ledger(con: duckdb.DuckDBPyConnection) -> list[LedgerRow]:
    return [
        LedgerRow(
            entity,
            _count(con, f"landing.{entity}"),
            _count(con, f"raw.{entity}"),
            _count(con, f"quarantine.{entity}"),
        )
        for entity in ENTITY_ORDER
    ]


def build_ledger(con: duckdb.DuckDBPyConnection) -> list[LedgerRow]:
    """Write ``quarantine.ledger`` (one row per entity and rule) and return the entity totals."""
    rows = read_ledger(con)
    con.execute("create schema if not exists quarantine")
    con.execute(
        f"""
        create or replace table {LEDGER_TABLE} (
            entity varchar, rows_in bigint, rows_raw bigint, rows_quarantined bigint,
            rule varchar, rule_rows bigint
        )
        """
    )
    for row in rows:
        by_rule = []
        if _count(con, f"quarantine.{row.entity}"):
            by_rule = con.execute(
                f"select rule, count(*) from quarantine.{row.entity} group by rule order by rule"
            ).fetchall()
        for rule, n in by_rule or [(None, 0)]:
            con.execute(
                f"insert into {LEDGER_TABLE} values (?, ?, ?, ?, ?, ?)",
                [row.entity, row.rows_in, row.rows_raw, row.rows_quarantined, rule, n],
            )
    return rows


def unbalanced_entities(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row.entity for row in read_ledger(con) if not row.balanced]
