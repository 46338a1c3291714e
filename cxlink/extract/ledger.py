"""The quarantine ledger: rows in = rows in raw + rows quarantined, per entity."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from cxlink.contract import ENTITY_ORDER
from cxlink.duckdb_sql import qualified, table_exists

LEDGER_TABLE = "quarantine.ledger"
SOURCE_LEDGER_TABLE = "quarantine.source_ledger"


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


@dataclass(frozen=True)
class SourceLedgerRow:
    origin: str  # a source's name, or "landing/<entity>/" for contract files
    entity: str
    rows_in: int
    rows_raw: int
    rows_quarantined: int

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.rows_raw + self.rows_quarantined


def read_source_ledger(con: duckdb.DuckDBPyConnection) -> list[SourceLedgerRow]:
    """The same balance per origin of the rows: each source, and landing/<entity>/ files."""
    out: list[SourceLedgerRow] = []
    for entity in ENTITY_ORDER:
        if not all(
            table_exists(con, schema, entity) for schema in ("landing", "raw", "quarantine")
        ):
            continue
        rows = con.execute(
            f"""
            select
                coalesce(l._source, 'landing/{entity}/') as origin,
                count(*),
                count(r._source_row),
                count(q.source_row)
            from landing.{entity} as l
            left join raw.{entity} as r
                on r._source_file = l._source_file and r._source_row = l._source_row
            left join quarantine.{entity} as q
                on q.source_file = l._source_file and q.source_row = l._source_row
            group by 1
            order by 1
            """
        ).fetchall()
        out += [SourceLedgerRow(origin, entity, *counts) for origin, *counts in rows]
    return out


def build_source_ledger(con: duckdb.DuckDBPyConnection) -> list[SourceLedgerRow]:
    """Write ``quarantine.source_ledger``: rows in = raw + quarantined per origin and entity."""
    rows = read_source_ledger(con)
    con.execute(
        f"create or replace table {SOURCE_LEDGER_TABLE} (origin varchar, entity varchar, "
        "rows_in bigint, rows_raw bigint, rows_quarantined bigint)"
    )
    for r in rows:
        con.execute(
            f"insert into {SOURCE_LEDGER_TABLE} values (?, ?, ?, ?, ?)",
            [r.origin, r.entity, r.rows_in, r.rows_raw, r.rows_quarantined],
        )
    return rows


def unbalanced_entities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Entities whose rows do not balance, in total or for one origin (named entity@origin)."""
    bad = [row.entity for row in read_ledger(con) if not row.balanced]
    bad += [f"{r.entity}@{r.origin}" for r in read_source_ledger(con) if not r.balanced]
    return bad
